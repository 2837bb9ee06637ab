import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createNodeMiddleware, createProbot, ProbotOctokit, type ApplicationFunction } from "probot";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeGitHub, type FakeGitHub } from "./index.ts";

// The whole loop the e2e tests rely on: a real Probot app, configured only through its documented
// environment (GHE_HOST, GHE_PROTOCOL), verifies the fake's signed deliveries, authenticates as
// an installation and writes back; the fake then announces the app's own comment to it.
describe("a Probot app against the fake", () => {
  let gh: FakeGitHub;
  let server: Server;
  const seen: string[] = [];

  const appFn: ApplicationFunction = (app) => {
    app.on("issues.labeled", async (context) => {
      await context.octokit.rest.issues.createComment(context.issue({ body: `started by ${context.payload.sender.login}` }));
    });
    app.on("issue_comment.created", async (context) => {
      seen.push(`${context.payload.sender.type}:${context.payload.comment.body}`);
    });
  };

  beforeAll(async () => {
    gh = await startFakeGitHub({ appId: 7, appSlug: "missions", webhookSecret: "s3cret" });
    await gh.createRepo({ owner: "octo", name: "app", files: { "README.md": "hi\n" } });
    const probot = createProbot({
      env: {
        APP_ID: String(gh.appId),
        PRIVATE_KEY: gh.privateKey,
        WEBHOOK_SECRET: gh.webhookSecret,
        GHE_HOST: gh.host,
        GHE_PROTOCOL: "http",
        LOG_LEVEL: "fatal",
      },
      // Probot's throttling spaces writes a second or more apart; tests do not need that.
      overrides: { Octokit: ProbotOctokit.defaults({ throttle: { enabled: false } }) },
    });
    const middleware = await createNodeMiddleware(appFn, { probot });
    server = createServer((req, res) => {
      void middleware(req, res, () => res.writeHead(404).end());
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    gh.setWebhookTarget(`http://127.0.0.1:${(server.address() as AddressInfo).port}/api/github/webhooks`);
  });

  afterAll(async () => {
    await gh?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  it("receives a label, comments as the bot, and hears its own comment back", async () => {
    const { number } = gh.createIssue({ owner: "octo", repo: "app", title: "Go", user: "alice" });
    const delivery = await gh.addLabel({ owner: "octo", repo: "app", issue: number, label: "mission", sender: "alice" });
    expect(delivery.status).toBe(200);
    await gh.settled();

    expect(gh.comments("octo", "app", number)).toEqual([
      expect.objectContaining({ body: "started by alice", user: { login: "missions[bot]", type: "Bot" } }),
    ]);
    expect(seen).toEqual(["Bot:started by alice"]);
    expect(gh.requests.map((r) => `${r.method} ${r.path} ${r.auth} ${r.status}`)).toEqual([
      "POST /app/installations/100/access_tokens app 201",
      `POST /repos/octo/app/issues/${number}/comments installation 201`,
    ]);
  });

  it("rejects a delivery signed with the wrong secret", async () => {
    const forged = await startFakeGitHub({ webhookSecret: "wrong" });
    try {
      forged.setWebhookTarget(`http://127.0.0.1:${(server.address() as AddressInfo).port}/api/github/webhooks`);
      const result = await forged.deliver("issues", { action: "labeled" });
      expect(result.status).toBe(400);
    } finally {
      await forged.close();
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeGitHub, type FakeGitHub } from "../fakes/github/index.ts";
import { startFakeModels, type FakeModels } from "../fakes/models/index.ts";
import { missionResponder } from "../e2e/mission-script.ts";
import { appConfig, BUGGY, FIXED, FORM_PLAN, qa } from "../e2e/user-testing-script.ts";
import { commitsOn } from "../helpers/git.ts";
import { InstalledApp, freePort } from "./installed-app.ts";

const OWNER = "acme";
const REPO = "greeter";
const MAINTAINER = "alice";
const ANTHROPIC_KEY = "sk-ant-installed-test-0123456789";

describe("the app as installed: a fresh clone under the home directory, npm ci, npm start", () => {
  let app: InstalledApp;
  let github: FakeGitHub;
  let models: FakeModels;

  beforeAll(async () => {
    app = await InstalledApp.install();
    github = await startFakeGitHub({ webhookSecret: "installed-webhook-secret" });
    models = await startFakeModels({ apiKeys: { anthropic: ANTHROPIC_KEY } });
  }, 600_000);
  afterAll(async () => {
    await app?.stop();
    await github?.close();
    await models?.close();
    app?.remove();
  });

  it("without credentials, npm start serves the register-the-app page, whose webhook URL ends in the webhook path", async () => {
    app.removeEnv();
    const port = await freePort();
    // No test reaches a service outside this machine: no relay channel (smee.io) is created.
    await app.start(port, { NO_SMEE_SETUP: "true" });
    const root = await fetch(`${app.url}/`, { redirect: "manual" });
    expect(root.status).toBe(302);
    const page = await (await fetch(new URL(root.headers.get("location")!, app.url))).text();
    expect(page).toContain("Register");
    const manifest = JSON.parse(decodeEntities(/name="manifest"[^>]*value="([^"]*)"/.exec(page)?.[1] ?? /value="([^"]*)"[^>]*name="manifest"/.exec(page)![1]!));
    expect(manifest.hook_attributes.url).toBe(`${app.url}/api/github/webhooks`);
    // GitHub refuses localhost: the page says how to give it an address it can reach.
    expect(page).toContain("GitHub does not deliver webhooks to localhost");
    expect((await fetch(`${app.url}/health`)).status).toBe(200);
    expect(app.log()).not.toMatch(/\n\s+at /);
    await app.stop();
  });

  it("with GitHub credentials and no model provider, npm start serves a page naming the variable to set, and does not crash", async () => {
    const port = await freePort();
    app.writeEnv({ APP_ID: String(github.appId), PRIVATE_KEY: `"${github.privateKey}"`, WEBHOOK_SECRET: github.webhookSecret, GHE_HOST: github.host, GHE_PROTOCOL: "http", PORT: String(port) });
    await app.start();
    const text = await (await fetch(`${app.url}/`)).text();
    expect(text).toContain("Missions needs configuration");
    expect(text).toContain("ANTHROPIC_API_KEY or OPENAI_API_KEY");
    expect((await fetch(`${app.url}/health`)).status).toBe(503);
    expect(app.log()).not.toMatch(/\n\s+at /);
    await app.stop();
  });

  it("runs a whole mission with a user-testing milestone: label, contract, approve, commits, both checks green, PR ready", async () => {
    const repo = await github.createRepo({ owner: OWNER, name: REPO, files: { "README.md": "# Greeter\n", ".github/missions.yml": `${await appConfig()}commands:\n  test: node --check server.js && node --version\n` } });
    github.setPermission(OWNER, REPO, MAINTAINER, "write");
    models.script(missionResponder({ plans: [FORM_PLAN], files: { F1: { "server.js": BUGGY }, F2: { "server.js": FIXED } }, userTest: qa }));
    const port = await freePort();
    // What the setup flow wrote, plus what the README asks the operator to add: a provider key. The
    // fakes stand in for GitHub (GHE_HOST) and the model provider (the SDK's own base URL variable).
    app.writeEnv({
      APP_ID: String(github.appId),
      PRIVATE_KEY: `"${github.privateKey}"`,
      WEBHOOK_SECRET: github.webhookSecret,
      GHE_HOST: github.host,
      GHE_PROTOCOL: "http",
      PORT: String(port),
      ANTHROPIC_API_KEY: ANTHROPIC_KEY,
      ANTHROPIC_BASE_URL: models.anthropicBaseUrl,
    });
    await app.start();
    github.setWebhookTarget(`${app.url}/api/github/webhooks`);

    const { number } = github.createIssue({ owner: OWNER, repo: REPO, title: "Add greetings", body: "A form that greets people by name.", user: MAINTAINER });
    await github.addLabel({ owner: OWNER, repo: REPO, issue: number, label: "mission", sender: MAINTAINER });
    const contract = await waitFor(() => github.comments(OWNER, REPO, number).find((comment) => comment.body.includes("<!-- missions:contract v=1")), "the contract", app);
    expect(contract.body).toContain("VAL-FORM-002");
    await github.comment({ owner: OWNER, repo: REPO, issue: number, user: MAINTAINER, body: "/mission approve" });
    await waitFor(() => github.comments(OWNER, REPO, number).find((comment) => comment.body.includes("Mission complete")), "the mission to complete", app, 420_000);
    const [pull] = github.pulls(OWNER, REPO);
    expect(pull!.draft).toBe(false);

    const checks = github.checkRuns(OWNER, REPO);
    const latest = (name: string) => checks.filter((check) => check.name === name).at(-1);
    expect(latest("Mission scrutiny · Greeting form")?.conclusion).toBe("success");
    expect(latest("Mission user testing · Greeting form")?.conclusion).toBe("success");
    expect(commitsOn(repo.gitDir, pull!.head.ref, "main").map((commit) => commit.subject)).toEqual(["Serve the greeting form", "Fix VAL-FORM-002"]);
    // Nothing the operator must not see leaked into what people see.
    const seen = JSON.stringify([github.comments(OWNER, REPO, number), checks, github.pulls(OWNER, REPO)]);
    for (const secret of [ANTHROPIC_KEY, github.webhookSecret, github.privateKey.split("\n")[1]!, app.directory]) expect(seen).not.toContain(secret);

    // The landing page says the app runs and what to do next, and shows nothing of the mission.
    const landing = await (await fetch(`${app.url}/`)).text();
    expect(landing).toContain("Missions is running");
    expect(landing).toContain("/missions");
    for (const secret of [OWNER, REPO, "Add greetings"]) expect(landing).not.toContain(secret);
  }, 600_000);
});

function decodeEntities(text: string): string {
  return text.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

async function waitFor<T>(find: () => T | undefined, what: string, app: InstalledApp, timeoutMs = 180_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = find();
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`waited ${timeoutMs / 1000} s for ${what}; the app's log ends:\n${app.log().slice(-4000)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

import { pino } from "pino";
import { Probot } from "probot";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { missionsOctokit, OctokitGitHub } from "../../src/github/index.ts";
import { startFakeGitHub, type FakeGitHub } from "../fakes/github/index.ts";

// Found by the kill -9 chaos suite: after a restart the engine's first GitHub call can be the
// installation token for git, before any API call has cached one. Probot hands its auth strategy
// a request object without the GHE base URL, so that token was asked of api.github.com.
describe("an installation token asked for before any API call", () => {
  let github: FakeGitHub;
  beforeAll(async () => {
    github = await startFakeGitHub();
    await github.createRepo({ owner: "acme", name: "greeter", files: { "README.md": "hi\n" } });
  });
  afterAll(async () => {
    await github.close();
  });

  it("comes from the configured GitHub (GHE_HOST), at the app's first call and after the cache", async () => {
    const probot = new Probot({
      appId: github.appId,
      privateKey: github.privateKey,
      secret: github.webhookSecret,
      baseUrl: github.apiUrl,
      log: pino({ level: "silent" }),
      Octokit: missionsOctokit({ secondaryLimitRetries: 0, pace: false }),
    });
    const port = new OctokitGitHub(probot);
    const repo = { owner: "acme", name: "greeter", installationId: 100 };
    const token = await port.installationToken(repo);
    expect(token).toMatch(/^ghs_/);
    expect(github.requests.filter((request) => request.path === "/app/installations/100/access_tokens" && request.status === 201)).toHaveLength(1);
    // The app-level JWT calls go there too.
    expect((await port.identity(repo)).botLogin).toBe("missions[bot]");
  });
});

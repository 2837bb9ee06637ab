import { rm } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startFakeGitHub, type FakeGitHub } from "../fakes/github/index.ts";
import { startFakeSmee, type FakeSmee } from "./support/fake-smee.ts";
import { operatorDirectory, pageText } from "./support/app-directory.ts";
import { startMain, type MainProcess } from "./support/main-process.ts";

const OWNER = "acme";
const REPO = "greeter";
const STRANGER = "mallory";

async function eventually<T>(read: () => T | undefined, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function credentials(github: FakeGitHub, privateKey = github.privateKey): Record<string, string> {
  return {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    APP_ID: String(github.appId),
    PRIVATE_KEY: privateKey,
    WEBHOOK_SECRET: github.webhookSecret,
    GHE_HOST: github.host,
    GHE_PROTOCOL: "http",
  };
}

describe("a registered app whose models cannot work", () => {
  let dir: string;
  let github: FakeGitHub;
  let app: MainProcess | undefined;
  beforeEach(async () => {
    dir = await operatorDirectory();
    github = await startFakeGitHub();
  });
  afterEach(async () => {
    await app?.stop();
    await github.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("names the role's variable and the missing key on its page and in its log, and does not crash", async () => {
    const env = { ...credentials(github), HOME: dir, ANTHROPIC_API_KEY: "sk-ant-test-0123456789", MISSIONS_MODEL_WORKER: "openai/gpt-5.1" };
    app = await startMain({ cwd: dir, env, logFile: join(dir, "app.log") });
    const text = pageText(await (await fetch(`${app.url}/`)).text());
    expect(text).toContain('MISSIONS_MODEL_WORKER=openai/gpt-5.1 names the provider "openai", which is not configured: set OPENAI_API_KEY');
    expect((await fetch(`${app.url}/health`)).status).toBe(503);
    expect(app.output()).toContain("MISSIONS_MODEL_WORKER=openai/gpt-5.1");
    expect(app.output()).not.toContain("sk-ant-test-0123456789");
    expect(app.output()).not.toMatch(/\n\s+at /);
  });
});

// Configured as `docker run --env-file .env` leaves it (the key in quotes, `\n` escaped) and relaying
// webhooks through a smee channel, as a developer's laptop receives them.
describe("a configured app, from Docker's env file, behind a webhook relay", () => {
  let dir: string;
  let github: FakeGitHub;
  let smee: FakeSmee;
  let app: MainProcess;
  let channel: string;
  beforeAll(async () => {
    dir = await operatorDirectory();
    github = await startFakeGitHub();
    smee = await startFakeSmee();
    await github.createRepo({ owner: OWNER, name: REPO, files: { "README.md": "# Greeter\n" } });
    github.setPermission(OWNER, REPO, STRANGER, "read");
    channel = `${smee.url}/missions-dev`;
    // GitHub posts to the channel: the app's own address is nowhere GitHub could reach.
    github.setWebhookTarget(channel);
    const quotedKey = `"${github.privateKey.replace(/\n/g, "\\n")}"`;
    const env = { ...credentials(github, quotedKey), HOME: dir, ANTHROPIC_API_KEY: "sk-ant-test-0123456789", WEBHOOK_PROXY_URL: channel };
    app = await startMain({ cwd: dir, env, logFile: join(dir, "app.log") });
    await eventually(() => (smee.listeners(channel) > 0 ? true : undefined), "the app to listen on the relay channel");
  });
  afterAll(async () => {
    await app?.stop();
    await smee?.close();
    await github?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("relays a delivery to the app, which signs in to GitHub with the unquoted key and answers on the issue", async () => {
    const { number } = github.createIssue({ owner: OWNER, repo: REPO, title: "Add a farewell", user: STRANGER });
    const posted = await github.addLabel({ owner: OWNER, repo: REPO, issue: number, label: "mission", sender: STRANGER });
    expect(posted.status).toBe(200);
    const reply = await eventually(() => github.comments(OWNER, REPO, number).find((comment) => comment.user.type === "Bot"), "the app's comment");
    expect(reply.body).toContain("@mallory");
    expect(reply.body).toContain("only people with write access");
  });

  it("says at / that it runs and what to do next, and nothing about installations or missions", async () => {
    const page = await fetch(`${app.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-security-policy")).toContain("default-src 'none'");
    const html = await page.text();
    const text = pageText(html);
    expect(text).toContain("Missions is running");
    expect(text).toContain("label it mission");
    expect(html).toContain(`href="${github.url}/apps/missions/installations/new"`);
    expect(html).toContain('href="/missions"');
    for (const secret of [OWNER, REPO, STRANGER, "farewell", "100"]) expect(text).not.toContain(secret);
    expect((await fetch(`${app.url}/health`)).status).toBe(200);
  });
});

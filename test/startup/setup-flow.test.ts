import { readFile, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { parseEnv } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startFakeGitHub, type FakeGitHub } from "../fakes/github/index.ts";
import { operatorDirectory, pageText, registerForm } from "./support/app-directory.ts";
import { startMain, type MainProcess } from "./support/main-process.ts";

// `npm start` in a fresh directory, as the README tells a new operator: the real entry point as a
// child process, with nothing but what the operator has. NO_SMEE_SETUP: no test may reach smee.io.
describe("the first start, without credentials", () => {
  let dir: string;
  let github: FakeGitHub;
  let app: MainProcess | undefined;
  beforeEach(async () => {
    dir = await operatorDirectory();
    github = await startFakeGitHub();
  });
  afterEach(async () => {
    await app?.stop();
    app = undefined;
    await github.close();
    await rm(dir, { recursive: true, force: true });
  });
  const base = () => ({ PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: dir, NO_SMEE_SETUP: "true" });
  const start = (env: Record<string, string>) => startMain({ cwd: dir, env, logFile: join(dir, "app.log") });

  it("leads from / to the register page, whose manifest sends webhooks to the app's webhook path; /health answers 200", async () => {
    app = await start(base());
    const root = await fetch(`${app.url}/`, { redirect: "manual" });
    expect(root.status).toBe(302);
    const page = await fetch(new URL(root.headers.get("location")!, app.url));
    expect(page.status).toBe(200);
    const { action, manifest } = registerForm(await page.text());
    expect(action).toMatch(/^https:\/\/github\.com\/settings\/apps\/new\?state=[0-9a-f]{48}$/);
    expect(manifest.hook_attributes.url).toBe(`${app.url}/api/github/webhooks`);
    expect(manifest.redirect_url).toBe(`${app.url}/probot/setup`);
    expect(manifest.name).toBe("Missions");
    expect(manifest.default_permissions).toMatchObject({ contents: "write", issues: "write", pull_requests: "write", checks: "write" });
    const health = await fetch(`${app.url}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: "setup" });
  });

  it("with WEBHOOK_PROXY_URL, registers the relay channel as the webhook URL", async () => {
    app = await start({ ...base(), WEBHOOK_PROXY_URL: "https://smee.example/channel-1" });
    const { manifest } = registerForm(await (await fetch(`${app.url}/probot`)).text());
    expect(manifest.hook_attributes.url).toBe("https://smee.example/channel-1");
  });

  it("registers through GitHub, writes .env, and the restart from that .env asks for a model provider key instead of crashing", async () => {
    const env = { ...base(), GHE_HOST: github.host, GHE_PROTOCOL: "http" };
    app = await start(env);
    const { action, manifest } = registerForm(await (await fetch(`${app.url}/probot`)).text());
    expect(action.startsWith(`${github.url}/settings/apps/new?state=`)).toBe(true);
    // The browser posts the form to GitHub; GitHub sends it back to the app with a one-use code.
    const back = await fetch(action, { method: "POST", body: new URLSearchParams({ manifest: JSON.stringify(manifest) }), redirect: "manual" });
    expect(back.status).toBe(302);
    const done = await fetch(back.headers.get("location")!);
    expect(done.status).toBe(200);
    const doneText = pageText(await done.text());
    expect(doneText).toContain("Missions is registered on GitHub");
    expect(doneText).toContain("ANTHROPIC_API_KEY or OPENAI_API_KEY");
    expect(doneText).toContain("npm start");
    expect(github.registrations()).toEqual([expect.objectContaining({ converted: true })]);

    const written = await readFile(join(dir, ".env"), "utf8");
    expect(written).toMatch(/^PRIVATE_KEY="-----BEGIN [A-Z ]*PRIVATE KEY-----\\n.*\\n"$/m);
    expect(parseEnv(written)).toEqual({
      APP_ID: String(github.appId),
      PRIVATE_KEY: github.privateKey,
      WEBHOOK_SECRET: github.webhookSecret,
      GITHUB_CLIENT_ID: github.oauthClient.clientId,
      GITHUB_CLIENT_SECRET: github.oauthClient.clientSecret,
    });
    expect((await stat(join(dir, ".env"))).mode & 0o777).toBe(0o600);

    await app.stop();
    app = await start(env);
    const page = await fetch(`${app.url}/`);
    expect(page.status).toBe(200);
    const text = pageText(await page.text());
    expect(text).toContain("Missions needs configuration");
    expect(text).toContain("No model provider is configured: set ANTHROPIC_API_KEY or OPENAI_API_KEY");
    // Named as the operator knows it (relative to where the app started), not by the host's directory layout.
    expect(text).toContain("Make the change in .env");
    expect(text).not.toContain(dir);
    expect(text).toContain("npm start");
    const health = await fetch(`${app.url}/health`);
    expect(health.status).toBe(503);
    expect(await health.json()).toEqual({ status: "needs-configuration", variables: ["ANTHROPIC_API_KEY", "OPENAI_API_KEY"] });
    const delivery = await fetch(`${app.url}/api/github/webhooks`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    expect(delivery.status).toBe(503);
    expect(app.output()).toContain("No model provider is configured");
    expect(app.output()).not.toMatch(/\n\s+at /);
  });
});

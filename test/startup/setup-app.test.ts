import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseEnv } from "node:util";
import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readOperatorConfig } from "../../src/config/index.ts";
import { startNeedsConfiguration, startSetup, updateEnvFile, type StartupServer } from "../../src/startup/index.ts";
import { startFakeGitHub, type FakeGitHub } from "../fakes/github/index.ts";
import { freePort } from "../helpers/free-port.ts";
import { pageText, registerForm } from "./support/app-directory.ts";
import { startFakeSmee, type FakeSmee } from "./support/fake-smee.ts";

const APP_YML = fileURLToPath(new URL("../../app.yml", import.meta.url));

describe("the setup flow", () => {
  let dir: string;
  let smee: FakeSmee;
  let github: FakeGitHub;
  let server: StartupServer | undefined;
  const lines: string[] = [];
  const log = pino({ level: "info" }, { write: (line: string) => void lines.push(line) });
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "missions-setup-"));
    smee = await startFakeSmee();
    github = await startFakeGitHub();
    lines.length = 0;
  });
  afterEach(async () => {
    await server?.stop();
    server = undefined;
    await smee.close();
    await github.close();
    await rm(dir, { recursive: true, force: true });
  });
  const start = async (env: Record<string, string>, newChannelUrl?: string) => {
    const config = readOperatorConfig({ ...env, PORT: String(await freePort()), HOST: "127.0.0.1" }, { envFile: join(dir, ".env") });
    server = await startSetup(config, { log, manifestFile: APP_YML, newChannelUrl });
    return server;
  };
  const setupPage = async () => registerForm(await (await fetch(`${server!.url}/probot`)).text());

  it("creates a relay channel for the first setup page when none is set, registers it, and keeps it in .env", async () => {
    await writeFile(join(dir, ".env"), "# Copied from .env.example\nAPP_ID=\nANTHROPIC_API_KEY=\n");
    await start({}, smee.newChannelUrl);
    const { manifest } = await setupPage();
    expect(smee.created).toHaveLength(1);
    expect(manifest.hook_attributes.url).toBe(smee.created[0]);
    expect((await setupPage()).manifest.hook_attributes.url).toBe(smee.created[0]);
    expect(smee.created).toHaveLength(1);
    const written = await readFile(join(dir, ".env"), "utf8");
    expect(written).toBe(`# Copied from .env.example\nAPP_ID=\nANTHROPIC_API_KEY=\nWEBHOOK_PROXY_URL=${smee.created[0]}\n`);
  });

  it("falls back to the app's webhook path, and says GitHub cannot reach it, when no channel can be created", async () => {
    const closed = `http://127.0.0.1:${await freePort()}/new`;
    await start({}, closed);
    const html = await (await fetch(`${server!.url}/probot`)).text();
    expect(registerForm(html).manifest.hook_attributes.url).toBe(`${server!.url}/api/github/webhooks`);
    expect(pageText(html)).toContain("GitHub does not deliver webhooks to 127.0.0.1");
    expect(lines.join("")).toContain("could not create a webhook relay channel");
  });

  it("creates no channel in production or with a public URL, which GitHub reaches directly", async () => {
    await start({ NODE_ENV: "production", GH_ORG: "acme", WEBHOOK_PATH: "/hooks" }, smee.newChannelUrl);
    const { action, manifest } = await setupPage();
    expect(action).toMatch(/^https:\/\/github\.com\/organizations\/acme\/settings\/apps\/new\?state=[0-9a-f]{48}$/);
    expect(manifest.hook_attributes.url).toBe(`${server!.url}/hooks`);
    await server!.stop();
    await start({ MISSIONS_PUBLIC_URL: "https://missions.example.com" }, smee.newChannelUrl);
    const behindProxy = await fetch(`${server!.url}/probot`, { headers: { "x-forwarded-proto": "https", "x-forwarded-host": "setup.example.com" } });
    const html = await behindProxy.text();
    const { manifest: public_ } = registerForm(html);
    expect(public_.hook_attributes.url).toBe("https://missions.example.com/api/github/webhooks");
    expect(public_.callback_urls).toEqual(["https://missions.example.com/missions/auth/callback"]);
    expect(public_.redirect_url).toBe("https://setup.example.com/probot/setup");
    expect(pageText(html)).not.toContain("GitHub does not deliver webhooks");
    expect(behindProxy.headers.get("content-security-policy")).toContain("form-action 'self' https://github.com");
    expect(smee.created).toHaveLength(0);
  });

  it("answers a missing or spent code with a page to start again, and refuses webhooks until registered", async () => {
    await start({ NO_SMEE_SETUP: "true", GHE_HOST: github.host, GHE_PROTOCOL: "http" });
    expect((await fetch(`${server!.url}/probot/setup`)).status).toBe(400);
    // A code that did not come back from a registration started here (a forged link, an embedded image).
    const forged = await fetch(`${server!.url}/probot/setup?code=attackers-code`);
    expect(forged.status).toBe(403);
    expect(pageText(await forged.text())).toContain("did not start here");
    const wrongState = await fetch(`${server!.url}/probot/setup?code=attackers-code&state=${"0".repeat(48)}`);
    expect(wrongState.status).toBe(403);
    expect(github.registrations()).toEqual([]);
    const { action } = await setupPage();
    const spent = await fetch(`${server!.url}/probot/setup?code=nope&state=${new URL(action).searchParams.get("state")}`);
    expect(spent.status).toBe(502);
    expect(pageText(await spent.text())).toContain("Register again");
    expect((await fetch(`${server!.url}/api/github/webhooks`, { method: "POST", body: "{}" })).status).toBe(503);
    expect((await fetch(`${server!.url}/elsewhere`)).status).toBe(404);
  });

  it("after registration, shows what is left instead of registering a second app", async () => {
    await start({ NO_SMEE_SETUP: "true", GHE_HOST: github.host, GHE_PROTOCOL: "http", OPENAI_API_KEY: "sk-test" });
    const { action, manifest } = await setupPage();
    const back = await fetch(action, { method: "POST", body: new URLSearchParams({ manifest: JSON.stringify(manifest) }), redirect: "manual" });
    const done = pageText(await (await fetch(back.headers.get("location")!)).text());
    // A provider key is already there: only the restart and the installation are left.
    expect(done).not.toContain("model provider");
    expect(done).toContain("Restart the app");
    const again = pageText(await (await fetch(`${server!.url}/probot`)).text());
    expect(again).toContain("Missions is registered on GitHub");
    // A second code — even one with the right state — does not replace the credentials written.
    const written = await readFile(join(dir, ".env"), "utf8");
    const second = await fetch(action, { method: "POST", body: new URLSearchParams({ manifest: JSON.stringify(manifest) }), redirect: "manual" });
    expect((await fetch(second.headers.get("location")!)).status).toBe(409);
    expect(await readFile(join(dir, ".env"), "utf8")).toBe(written);
    expect(parseEnv(written).APP_ID).toBe(String(github.appId));
  });
});

describe("the page of an app that needs configuration", () => {
  it("lists every problem with its variable, and answers machines with 503", async () => {
    const config = readOperatorConfig(
      { APP_ID: "1", PRIVATE_KEY: "k", WEBHOOK_SECRET: "s", PORT: String(await freePort()), HOST: "127.0.0.1", MISSIONS_PROVIDER_OLLAMA_BASE_URL: "http://127.0.0.1:1/v1" },
      { envFile: "/srv/missions/.env" },
    );
    const lines: string[] = [];
    const server = await startNeedsConfiguration(config, { log: pino({}, { write: (line: string) => void lines.push(line) }) });
    try {
      const text = pageText(await (await fetch(`${server.url}/`)).text());
      expect(text).toContain("set MISSIONS_PROVIDER_OLLAMA_MODEL");
      expect(text).toContain("Make the change in /srv/missions/.env");
      expect(await (await fetch(`${server.url}/health`)).json()).toEqual({ status: "needs-configuration", variables: ["MISSIONS_PROVIDER_OLLAMA_MODEL", "MISSIONS_MODEL"] });
      expect((await fetch(`${server.url}/missions`)).status).toBe(404);
      expect(lines.join("")).toContain("MISSIONS_PROVIDER_OLLAMA_MODEL");
    } finally {
      await server.stop();
    }
  });

  it("cannot start on a port already in use, and says which variable moves it", async () => {
    const first = await startNeedsConfiguration(readOperatorConfig({ PORT: String(await freePort()), HOST: "127.0.0.1" }), { log: pino({ level: "silent" }) });
    try {
      const port = new URL(first.url).port;
      await expect(startNeedsConfiguration(readOperatorConfig({ PORT: port, HOST: "127.0.0.1" }), { log: pino({ level: "silent" }) })).rejects.toThrow(`Port ${port} is already in use: set PORT`);
    } finally {
      await first.stop();
    }
  });
});

describe("updateEnvFile", () => {
  it("sets variables in place, keeps comments and other lines, and quotes the key as Probot does", async () => {
    const dir = await mkdtemp(join(tmpdir(), "missions-env-"));
    try {
      const path = join(dir, ".env");
      await writeFile(path, "# header\nAPP_ID=\nexport WEBHOOK_SECRET=old\nLOG_LEVEL=debug");
      await updateEnvFile(path, { APP_ID: "42", WEBHOOK_SECRET: "new", PRIVATE_KEY: "-----BEGIN KEY-----\nabc\n-----END KEY-----\n", ODD: "a b#c" });
      const written = await readFile(path, "utf8");
      expect(written).toBe('# header\nAPP_ID=42\nWEBHOOK_SECRET=new\nLOG_LEVEL=debug\nPRIVATE_KEY="-----BEGIN KEY-----\\nabc\\n-----END KEY-----\\n"\nODD=\'a b#c\'\n');
      expect(parseEnv(written)).toEqual({ APP_ID: "42", WEBHOOK_SECRET: "new", LOG_LEVEL: "debug", PRIVATE_KEY: "-----BEGIN KEY-----\nabc\n-----END KEY-----\n", ODD: "a b#c" });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

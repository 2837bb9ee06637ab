import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeGitHub, type FakeGitHub } from "../fakes/github/index.ts";
import { AppProcess, MAIN_ENTRY, operatorEnv } from "./support/app-process.ts";

// Two instances on one SQLite store would both drive every mission: each would run the same steps,
// post the same comments and push to the same branches. The second one must refuse to start.
describe("one app process per store", () => {
  let github: FakeGitHub;
  let root: string;
  const apps: AppProcess[] = [];
  let store: string;

  const app = (name: string, extra: Record<string, string> = {}) => {
    const process_ = new AppProcess({
      entry: MAIN_ENTRY,
      cwd: join(root, "app"),
      logFile: join(root, `${name}.log`),
      env: operatorEnv(github, { home: join(root, "home"), databaseUrl: `sqlite:${store}`, workspaces: join(root, "data", "workspaces") }, { ANTHROPIC_API_KEY: "sk-ant-test-key-0123456789", ...extra }),
    });
    apps.push(process_);
    return process_;
  };
  const healthy = (process_: AppProcess) => fetch(`${process_.url}/health`).then((response) => response.ok, () => false);

  beforeAll(async () => {
    github = await startFakeGitHub();
    root = await mkdtemp(join(tmpdir(), "missions-one-store-"));
    store = join(root, "data", "missions.db");
    await Promise.all([mkdir(join(root, "app")), mkdir(join(root, "home"))]);
  });
  afterAll(async () => {
    await Promise.all(apps.map((process_) => process_.kill()));
    await github.close();
    await rm(root, { recursive: true, force: true });
  });

  it("a second process on the same store exits with a message; the first keeps serving; after kill -9 a new one starts", async () => {
    const first = app("first");
    await first.start();

    const second = app("second");
    await expect(second.start()).rejects.toThrow(/exited while starting \(code 1,/);
    const said = await readFile(join(root, "second.log"), "utf8");
    expect(said).toContain(`Another Missions process is using the store ${store}`);
    expect(said).toContain("To run several instances of one app, put them all on one PostgreSQL database (DATABASE_URL=postgres://");
    expect(said).not.toContain("GitHub App of its own");
    expect(said).not.toMatch(/^\s+at /m); // a message, not a stack trace
    expect(await healthy(first)).toBe(true);

    // The lock goes with the process, however it ends: no stale lock after kill -9.
    await first.kill();
    const third = app("third");
    await third.start();
    expect(await healthy(third)).toBe(true);
    await third.stop();
  }, 120_000);

  it("a setup mistake found at start (a CA file that is not there) is one line saying what to fix, not a stack trace", async () => {
    const broken = app("broken", { MISSIONS_CA_FILE: join(root, "company-ca.pem") });
    await expect(broken.start()).rejects.toThrow(/exited while starting \(code 1,/);
    const said = await readFile(join(root, "broken.log"), "utf8");
    expect(said).toContain(`MISSIONS_CA_FILE: ${join(root, "company-ca.pem")} cannot be read (ENOENT).`);
    expect(said).not.toMatch(/^\s+at /m);
  }, 60_000);
});

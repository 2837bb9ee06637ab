import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeGitHub, type FakeGitHub } from "../fakes/github/index.ts";
import { freePort } from "../helpers/free-port.ts";
import { POSTGRES_TESTS_OFF, startPostgres, type TestPostgres } from "../helpers/postgres.ts";
import { AppProcess, MAIN_ENTRY, operatorEnv } from "./support/app-process.ts";

// The app as an operator starts it with DATABASE_URL=postgres://…: a database it cannot reach is one
// line without the password; several instances share one database, their missions scheduled through
// the shared queue (the two-instance missions are in two-instances.test.ts).
describe.skipIf(POSTGRES_TESTS_OFF)("the app on PostgreSQL", () => {
  let cluster: TestPostgres;
  let github: FakeGitHub;
  let root: string;
  const apps: AppProcess[] = [];

  const app = (name: string, databaseUrl: string) => {
    const process_ = new AppProcess({
      entry: MAIN_ENTRY,
      cwd: join(root, "app"),
      logFile: join(root, `${name}.log`),
      env: operatorEnv(github, { home: join(root, "home"), databaseUrl, workspaces: join(root, "data", name, "workspaces") }, { ANTHROPIC_API_KEY: "sk-ant-test-key-0123456789" }),
    });
    apps.push(process_);
    return process_;
  };
  const healthy = (process_: AppProcess) => fetch(`${process_.url}/health`).then((response) => response.ok, () => false);

  beforeAll(async () => {
    [cluster, github, root] = await Promise.all([startPostgres(), startFakeGitHub(), mkdtemp(join(tmpdir(), "missions-one-database-"))]);
    await Promise.all([mkdir(join(root, "app")), mkdir(join(root, "home"))]);
  }, 120_000);
  afterAll(async () => {
    await Promise.all(apps.map((process_) => process_.kill()));
    await github?.close();
    cluster?.stop();
    await rm(root, { recursive: true, force: true });
  });

  it("a database it cannot reach stops the start with one line naming it, the password replaced", async () => {
    const port = await freePort();
    const secret = "an0ther-Secret-passw0rd";
    const broken = app("unreachable", `postgres://missions:${secret}@127.0.0.1:${port}/missions`);
    await expect(broken.start()).rejects.toThrow(/exited while starting \(code 1,/);
    const said = await readFile(join(root, "unreachable.log"), "utf8");
    expect(said).toContain(`Cannot connect to the PostgreSQL database postgres://missions:***@127.0.0.1:${port}/missions (DATABASE_URL)`);
    expect(said).not.toContain(secret);
    expect(said).not.toMatch(/^\s+at /m);
  }, 60_000);

  it("a second instance on the same database starts beside the first: both serve, and /health names the store and the shared queue", async () => {
    const url = await cluster.createDatabase();
    const first = app("first", url);
    const second = app("second", url);
    await first.start();
    await second.start();
    for (const instance of [first, second]) {
      const health = (await (await fetch(`${instance.url}/health`)).json()) as Record<string, unknown>;
      expect(health).toMatchObject({ status: "ok", activeMissions: 0, store: "postgres", queue: { waiting: 0, running: 0, runningHere: 0, oldestWaitingMs: 0 } });
    }
    // A killed instance takes nothing with it: the other serves on, and a new one joins.
    await first.kill();
    expect(await healthy(second)).toBe(true);
    const third = app("third", url);
    await third.start();
    expect(await healthy(third)).toBe(true);
    await Promise.all([second.stop(), third.stop()]);
    const said = (await readFile(join(root, "second.log"), "utf8")) + (await readFile(join(root, "third.log"), "utf8"));
    expect(said).not.toContain(cluster.password);
  }, 120_000);
});

import { existsSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commitsOn } from "../helpers/git.ts";
import { POSTGRES_TESTS_OFF, startPostgres, type TestPostgres } from "../helpers/postgres.ts";
import { FIXTURE_FILES, GREETING_FILES, GREETING_PLAN, missionResponder } from "../e2e/mission-script.ts";
import { lockMission } from "../../src/cli/mission-lock.ts";
import { startCliHarness, type CliHarness } from "./cli-harness.ts";

// MISSIONS_DATABASE_URL=postgres://… puts a local mission's store in PostgreSQL, as DATABASE_URL does the app's.
describe.skipIf(POSTGRES_TESTS_OFF)("missions run on a PostgreSQL MISSIONS_DATABASE_URL", () => {
  let cluster: TestPostgres;
  let cli: CliHarness;
  beforeAll(async () => {
    cluster = await startPostgres();
    cli = await startCliHarness(FIXTURE_FILES);
  }, 120_000);
  afterAll(async () => {
    await cli?.close();
    cluster?.stop();
  });

  it("keeps the mission in the database, not in .missions/missions.db, and lists it from there", async () => {
    const url = await cluster.createDatabase();
    cli.models.script(missionResponder({ plans: [GREETING_PLAN], files: GREETING_FILES }));
    const result = await cli.run(["run", "BRIEF.md", "--yes", "--json"], { env: { MISSIONS_DATABASE_URL: url } });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout.trim().split("\n").at(-1)!)).toMatchObject({ event: "finished", exitCode: 0 });
    expect(result.stdout).not.toContain(cluster.password);
    expect(commitsOn(join(cli.repo, ".git"), "mission/1-add-greetings", "main")).toHaveLength(2);
    expect(existsSync(join(cli.repo, ".missions", "missions.db"))).toBe(false);
    expect(existsSync(join(cli.repo, ".data"))).toBe(false);

    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query<{ count: string }>("SELECT count(*) FROM missions");
      expect(Number(rows[0]!.count)).toBe(1);
    } finally {
      await client.end();
    }
    const listed = await cli.run(["list", "--json"], { env: { MISSIONS_DATABASE_URL: url } });
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout.trim())).toMatchObject({ number: 1, title: "Add greetings", status: "done" });
    // The SQLite default knows nothing of it.
    const sqlite = await cli.run(["list", "--json"]);
    expect(sqlite.stdout.trim()).toBe("");
    // Another repository with the same folder name on the same database sees none of this one's missions.
    const other = await startCliHarness(FIXTURE_FILES);
    try {
      expect(other.repo).not.toBe(cli.repo);
      const otherList = await other.run(["list", "--json"], { env: { MISSIONS_DATABASE_URL: url } });
      expect(otherList.code).toBe(0);
      expect(otherList.stdout.trim()).toBe("");
    } finally {
      await other.close();
    }
  }, 300_000);

  it("lets one missions process drive a mission at a time: resume and abort beside a running one do not drive it", async () => {
    const url = await cluster.createDatabase();
    cli.models.script(missionResponder({ plans: [GREETING_PLAN], files: GREETING_FILES }));
    // No terminal and no --yes: the mission stops awaiting approval.
    const planned = await cli.run(["run", "BRIEF.md", "--json"], { env: { MISSIONS_DATABASE_URL: url } });
    expect(planned.code).toBe(3);
    const missionId = (JSON.parse(planned.stdout.trim().split("\n")[0]!) as { missionId: string }).missionId;
    // Another process drives it now.
    const held = (await lockMission({ databaseUrl: url }, missionId))!;
    expect(held).toBeDefined();
    try {
      const resumed = await cli.run(["resume", missionId, "--yes"], { env: { MISSIONS_DATABASE_URL: url } });
      expect(resumed.code).toBe(2);
      expect(resumed.stderr).toContain(`Mission ${missionId} is running in another missions process`);
      const aborted = await cli.run(["abort", missionId, "--json"], { env: { MISSIONS_DATABASE_URL: url } });
      expect(aborted.code).toBe(0);
      expect(aborted.stdout).toContain('"event":"abort-recorded"');
      // Neither drove it: the approval and the abort wait for the process that drives it.
      const status = await cli.run(["status", missionId, "--json"], { env: { MISSIONS_DATABASE_URL: url } });
      expect(JSON.parse(status.stdout)).toMatchObject({ status: "awaiting-approval" });
    } finally {
      await held.release();
    }
    // Once it lets go, the abort recorded for it is applied by the next process that drives the mission.
    const after = await cli.run(["resume", missionId, "--json"], { env: { MISSIONS_DATABASE_URL: url } });
    expect(JSON.parse(after.stdout.trim().split("\n").at(-1)!)).toMatchObject({ event: "finished", status: "aborted" });
  }, 300_000);
});

import pg from "pg";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { StepQueue } from "../../src/engine/step-queue.ts";
import { ClaimLostError, PostgresMissionStore, type TurnClaim } from "../../src/store/index.ts";
import { awaitingApproval } from "../mission/fixtures.ts";
import { POSTGRES_TESTS_OFF, postgresForSuite } from "../helpers/postgres.ts";
import { untilWithin } from "../helpers/until.ts";

const until = untilWithin(60_000);

// The job's signal tells a turn its claim is gone only at the next heartbeat: a turn paused between its
// last look at the signal and its save would otherwise overwrite what the mission's new owner saved.
describe.skipIf(POSTGRES_TESTS_OFF)("a turn's save on the shared queue, fenced by its claim", () => {
  const cluster = postgresForSuite();

  it("saves while the turn's job is its own, and refuses the save (nothing written) once another instance took it over", async () => {
    const url = await cluster.createDatabase();
    const store = await PostgresMissionStore.open(url);
    const queue = await StepQueue.open({ databaseUrl: url, log: pino({ level: "silent" }), stepsAtOnce: 1, heartbeatSeconds: 30, checkSeconds: 60 });
    store.commitWith({ mission: (client, missionId) => queue.kick(missionId, client), claim: (client, claim) => queue.holds(client, claim) });
    const db = new pg.Client({ connectionString: url });
    await db.connect();
    const mission = awaitingApproval();
    await store.createMission(mission);
    try {
      const outcomes: Array<{ claim: TurnClaim | undefined; error?: unknown; aborted?: boolean}> = [];
      let turns = 0;
      await queue.work({
        turn: async (missionId: string, signal?: AbortSignal, claim?: TurnClaim) => {
          turns += 1;
          if (turns > 1) return "wait" as const;
          const current = (await store.getMission(missionId))!;
          // Its own job: the save lands, and sends the mission's next turn with it.
          await store.saveMission({ ...current, updatedAt: "2026-02-02T00:00:00.000Z" }, [], [], claim);
          outcomes.push({ claim });
          // What pg-boss's supervision does to a job whose heartbeat went stale: its claim is gone, the
          // mission another instance's. This instance's heartbeat has not told it yet.
          await db.query("UPDATE pgboss.job SET state = 'failed', completed_on = now() WHERE name = 'mission-step' AND singleton_key = $1 AND state = 'active'", [missionId]);
          const error = await store.saveMission({ ...current, updatedAt: "2026-03-03T00:00:00.000Z" }, [], [], claim).then(() => undefined, (caught: unknown) => caught);
          outcomes.push({ claim, error, aborted: signal?.aborted });
          return "lost" as const;
        },
      }, async () => {});
      await queue.kick(mission.id);
      await until("the turn to try both saves", () => outcomes.length === 2);
      expect(outcomes[0]!.claim).toEqual({ job: expect.stringMatching(/^[0-9a-f-]{36}$/), attempt: 0 });
      const refused = outcomes[1]!;
      expect(refused.aborted).toBe(false);
      expect(refused.error).toBeInstanceOf(ClaimLostError);
      expect((refused.error as Error).message).toContain("another instance took it over");
      expect((await store.getMission(mission.id))?.updatedAt).toBe("2026-02-02T00:00:00.000Z");
      // Another attempt of the job (as pg-boss runs a job taken over: the same id, its retry count one up) is another claim.
      // (Once the next turn the owner's save sent has run: one job of a mission is active at a time.)
      await until("the next turn to run", () => turns >= 2 && queue.empty(), 30_000);
      const pool = new pg.Pool({ connectionString: url, max: 1 });
      try {
        await db.query("UPDATE pgboss.job SET state = 'active', retry_count = 1, heartbeat_on = now() WHERE id = $1", [outcomes[0]!.claim!.job]);
        expect(await queue.holds(pool, { job: outcomes[0]!.claim!.job, attempt: 0 })).toBe(false);
        expect(await queue.holds(pool, { job: outcomes[0]!.claim!.job, attempt: 1 })).toBe(true);
      } finally {
        await pool.end();
      }
    } finally {
      await db.end();
      await queue.stop();
      await store.close();
    }
  }, 120_000);
});

import { afterEach, describe, expect, it } from "vitest";
import { FAST_ENTRY, MAIN_ENTRY } from "../reliability/support/app-process.ts";
import { chaosProblems, chaosSummary } from "../reliability/support/chaos-checks.ts";
import { runKillChaos, type ChaosResult, type KillPhase } from "../reliability/support/kill-chaos.ts";
import { POSTGRES_TESTS_OFF, startPostgres } from "../helpers/postgres.ts";
import { overlappingSteps } from "../reliability/support/chaos-checks.ts";

// CHAOS_SEED replays a run; CHAOS_KILLS raises or lowers the number of kills.
const SEED = Number(process.env.CHAOS_SEED ?? 20_261_107);
const MAX_KILLS = Number(process.env.CHAOS_KILLS ?? 60);

const EVERY_PHASE: KillPhase[] = [
  "planning",
  "worker-start",
  "worker-tool-loop",
  "review",
  "scrutiny",
  "between-commit-and-push",
  "check-run-update",
  "check-run-update-answered",
  "comment-posted",
  "pull-opened",
  "control-comment-edit",
];

describe("kill -9 chaos", () => {
  let result: ChaosResult | undefined;
  afterEach(async () => {
    await result?.close();
    result = undefined;
  });

  it(`two concurrent 6-feature missions survive ${MAX_KILLS} kills at random points`, async () => {
    result = await runKillChaos({
      entry: FAST_ENTRY,
      seed: SEED,
      maxKills: MAX_KILLS,
      probability: 0.25,
      forced: EVERY_PHASE,
      missions: 2,
      milestones: 2,
      featuresPerMilestone: 3,
      timeoutMs: 420_000,
    });
    console.log(chaosSummary(result));
    expect(chaosProblems(result)).toEqual([]);
    expect(result.kills.length).toBe(MAX_KILLS);
    // Every phase was hit at least once, and some kills fell at no particular point.
    expect(new Set(result.kills.map((kill) => kill.phase))).toEqual(new Set([...EVERY_PHASE, "timer"]));
  });

  it("the real entry point, `node src/main.ts` with GitHub's write pacing, survives a kill in each main phase", async () => {
    const phases: KillPhase[] = ["planning", "worker-tool-loop", "between-commit-and-push", "pull-opened", "check-run-update", "comment-posted"];
    result = await runKillChaos({
      entry: MAIN_ENTRY,
      seed: SEED + 1,
      maxKills: phases.length,
      probability: 0,
      forced: phases,
      missions: 1,
      milestones: 1,
      featuresPerMilestone: 2,
      timeoutMs: 300_000,
    });
    console.log(chaosSummary(result));
    expect(chaosProblems(result)).toEqual([]);
    expect(new Set(result.kills.map((kill) => kill.phase))).toEqual(new Set(phases));
  });

  it.skipIf(POSTGRES_TESTS_OFF)("two instances on one PostgreSQL database survive kills of whichever instance runs a step, each killed one started again", async () => {
    const cluster = await startPostgres();
    try {
      result = await runKillChaos({
        entry: FAST_ENTRY,
        seed: SEED + 2,
        maxKills: 12,
        probability: 0.25,
        forced: ["planning", "worker-tool-loop", "review", "scrutiny", "between-commit-and-push", "check-run-update"],
        missions: 3,
        milestones: 1,
        featuresPerMilestone: 3,
        timeoutMs: 600_000,
        instances: 2,
        restartKilled: true,
        databaseUrl: await cluster.createDatabase(),
        env: { MISSIONS_QUEUE_HEARTBEAT_SECONDS: "10", MISSIONS_QUEUE_CHECK_SECONDS: "1" },
      });
      console.log(chaosSummary(result));
      expect(chaosProblems(result)).toEqual([]);
      expect(result.kills.length).toBeGreaterThan(0);
    } finally {
      cluster.stop();
    }
  }, 700_000);

  it.skipIf(POSTGRES_TESTS_OFF)("two instances on one PostgreSQL database, deliveries spread over both: ten missions done, each feature one commit, one control comment and one contract each, nothing driven twice", async () => {
    const cluster = await startPostgres();
    try {
      result = await runKillChaos({
        entry: FAST_ENTRY,
        seed: SEED + 3,
        maxKills: 0,
        probability: 0,
        forced: [],
        missions: 10,
        milestones: 1,
        featuresPerMilestone: 2,
        timeoutMs: 660_000,
        instances: 2,
        databaseUrl: await cluster.createDatabase(),
        // Four steps at once on each: ten missions are more than both take, so some wait in the queue.
        env: { MISSIONS_QUEUE_HEARTBEAT_SECONDS: "10", MISSIONS_QUEUE_CHECK_SECONDS: "1", MISSIONS_STEPS_AT_ONCE: "4" },
      });
      console.log(chaosSummary(result));
      expect(result.missions).toHaveLength(10);
      // Every feature one commit, every marker comment (the control comment, the contract) once, every handoff once.
      expect(chaosProblems(result)).toEqual([]);
      // No mission had two steps running at once, on one instance or across both.
      expect(overlappingSteps(result)).toEqual([]);
      // Both instances ran steps.
      const steppers = new Set(result.logs.split("\n").filter((line) => line.includes('"msg":"step finished"')).map((line) => /"pid":(\d+)/.exec(line)?.[1]));
      expect(steppers.size).toBe(2);
    } finally {
      cluster.stop();
    }
  }, 720_000);
});

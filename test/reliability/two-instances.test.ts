import { afterEach, describe, expect, it } from "vitest";
import { POSTGRES_TESTS_OFF, postgresForSuite } from "../helpers/postgres.ts";
import { FAST_ENTRY, type AppProcess } from "./support/app-process.ts";
import { chaosProblems, chaosSummary, overlappingSteps } from "./support/chaos-checks.ts";
import { runKillChaos, type ChaosResult } from "./support/kill-chaos.ts";

/** The queue's timings for a test: a silent job is handed on after 10 s (pg-boss's least), looked for every second. */
const QUEUE_ENV = { MISSIONS_QUEUE_HEARTBEAT_SECONDS: "10", MISSIONS_QUEUE_CHECK_SECONDS: "1", MISSIONS_STEPS_AT_ONCE: "4" };

// Several app instances (child processes, the real composition root) on one PostgreSQL database,
// missions scheduled through the shared pg-boss queue: every feature one commit, every marker
// comment and check run once, nothing driven twice — with deliveries spread over the instances,
// with the instance running a worker step SIGKILLed, and through a rolling restart.
describe.skipIf(POSTGRES_TESTS_OFF)("several instances on one PostgreSQL database", () => {
  let result: ChaosResult | undefined;
  const cluster = postgresForSuite();
  afterEach(async () => {
    await result?.close();
    result = undefined;
  });

  /** The processes (by pid) that finished steps. */
  const steppers = (logs: string) => new Set(logs.split("\n").filter((line) => line.includes('"msg":"step finished"')).map((line) => /"pid":(\d+)/.exec(line)?.[1]));

  it("two instances, deliveries spread over both: every mission done once, both instances ran steps", async () => {
    result = await runKillChaos({
      entry: FAST_ENTRY,
      seed: 11,
      maxKills: 0,
      probability: 0,
      forced: [],
      missions: 3,
      milestones: 1,
      featuresPerMilestone: 2,
      timeoutMs: 540_000,
      instances: 2,
      databaseUrl: await cluster.createDatabase(),
      env: QUEUE_ENV,
    });
    console.log(chaosSummary(result));
    expect(chaosProblems(result)).toEqual([]);
    // No mission had two steps running at once, on one instance or across both.
    expect(overlappingSteps(result)).toEqual([]);
    // Both instances took steps.
    expect(steppers(result.logs).size).toBe(2);
  }, 600_000);

  it("kill -9 of the instance running a worker step: the other instance resumes; nothing lost or doubled", async () => {
    result = await runKillChaos({
      entry: FAST_ENTRY,
      seed: 12,
      maxKills: 1,
      probability: 0,
      forced: ["worker-tool-loop"],
      missions: 2,
      milestones: 1,
      featuresPerMilestone: 2,
      timeoutMs: 540_000,
      instances: 2,
      databaseUrl: await cluster.createDatabase(),
      env: QUEUE_ENV,
    });
    console.log(chaosSummary(result));
    expect(result.kills.map((kill) => kill.phase)).toEqual(["worker-tool-loop"]);
    // The instance killed is the one whose worker made the call the kill happened in (named by its base URL).
    expect(result.kills[0]).toMatchObject({ chosenBy: "call", instance: expect.any(Number), instanceGeneration: 1 });
    expect(chaosProblems(result)).toEqual([]);
    // The survivor took the killed instance's job over.
    expect(result.logs).toContain("taking over a mission's turn");
  }, 600_000);

  it("a rolling restart (stop A, start A', stop B, start B') in the middle of missions loses nothing", async () => {
    let rolled = false;
    result = await runKillChaos({
      entry: FAST_ENTRY,
      seed: 13,
      maxKills: 0,
      probability: 0,
      forced: [],
      missions: 2,
      milestones: 1,
      featuresPerMilestone: 2,
      timeoutMs: 540_000,
      instances: 2,
      databaseUrl: await cluster.createDatabase(),
      env: QUEUE_ENV,
      during: async (apps: AppProcess[], progress) => {
        if (rolled || progress.approved === 0) return;
        rolled = true;
        for (const app of apps) {
          // A stop cancels the step in flight (it re-runs on another instance): a model call it cut off is not in the ledger.
          progress.stopping();
          await app.stop();
          await app.start();
        }
      },
    });
    console.log(chaosSummary(result));
    expect(rolled).toBe(true);
    expect(result.starts).toBe(4);
    expect(result.kills.map((kill) => kill.phase)).toEqual(["graceful-stop", "graceful-stop"]);
    expect(chaosProblems(result)).toEqual([]);
  }, 600_000);
});

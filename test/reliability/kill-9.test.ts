import { afterEach, describe, expect, it } from "vitest";
import { FAST_ENTRY } from "./support/app-process.ts";
import { chaosProblems, chaosSummary } from "./support/chaos-checks.ts";
import { runKillChaos, type ChaosResult } from "./support/kill-chaos.ts";

// The fast version of `npm run test:chaos`: the real entry point (`node src/main.ts`) as a child
// process, SIGKILLed once in each of the phases the chaos suite covers, restarted on the same store.
describe("kill -9 (fast)", () => {
  let result: ChaosResult | undefined;
  afterEach(async () => {
    await result?.close();
  });

  it("a two-feature mission survives a kill in planning, right after a comment is posted, in a worker's tool loop, between commit and push and during a check-run update", async () => {
    result = await runKillChaos({
      entry: FAST_ENTRY,
      seed: 7,
      maxKills: 5,
      probability: 0,
      forced: ["comment-posted", "planning", "worker-tool-loop", "between-commit-and-push", "check-run-update"],
      missions: 1,
      milestones: 1,
      featuresPerMilestone: 2,
      timeoutMs: 150_000,
    });
    console.log(chaosSummary(result));
    expect(chaosProblems(result)).toEqual([]);
    expect(result.kills.map((kill) => kill.phase).sort()).toEqual(["between-commit-and-push", "check-run-update", "comment-posted", "planning", "worker-tool-loop"]);
    expect(result.starts).toBe(6);
  }, 180_000);
});

import { describe, expect, it } from "vitest";
import type { StepContext } from "../../src/engine/engine-deps.ts";
import { ValidationChecks } from "../../src/engine/steps/validation-checks.ts";
import { ClaimLostError, type TurnClaim } from "../../src/store/index.ts";
import { runningMission } from "../mission/fixtures.ts";

describe("a validation whose turn another instance took over", () => {
  it("stops at its next save of the open check runs, instead of running on with validators no one will save", async () => {
    const mission = runningMission();
    const warnings: unknown[] = [];
    const claims: Array<TurnClaim | undefined> = [];
    const claim = { job: "5b7e9a52-0000-4000-8000-000000000002", attempt: 1 };
    const updated: number[] = [];
    const context = {
      claim,
      store: {
        getMission: async () => mission,
        saveMission: async (saved: typeof mission, _intents: number[], _events: unknown[], used?: TurnClaim) => {
          claims.push(used);
          throw new ClaimLostError(saved.id);
        },
      },
      github: { findCheckRun: async () => undefined, createCheckRun: async () => 41, updateCheckRun: async (_repo: unknown, id: number) => void updated.push(id) },
      settings: {},
      log: { warn: (...args: unknown[]) => void warnings.push(args) },
    } as unknown as StepContext;
    const checks = new ValidationChecks(context, mission, "M1");
    await expect(checks.open("scrutiny", { name: "Mission scrutiny · M1", headSha: "a".repeat(40), title: "Milestone M1", summary: "Running…", reuse: true })).rejects.toBeInstanceOf(ClaimLostError);
    // The save carried the turn's claim, and the refusal was not taken for a passing failure to note and go past.
    expect(claims).toEqual([claim]);
    expect(warnings).toEqual([]);
    // Nor is anything more written to GitHub: a validator that ends after it does not complete its check run.
    await expect(checks.complete(41, { conclusion: "success", title: "Passed", summary: "All assertions passed." } as never)).rejects.toBeInstanceOf(ClaimLostError);
    await expect(checks.stopAll(new Error("stopping"))).rejects.toBeInstanceOf(ClaimLostError);
    expect(updated).toEqual([]);
  });
});

import { describe, expect, it } from "vitest";
import { describeStep, nextStep, type Step } from "../../src/mission/index.ts";
import { awaitingApproval } from "./fixtures.ts";

describe("describeStep", () => {
  it("names every step in words for people, never by its internal name", () => {
    const steps: Array<[Step, string]> = [
      [{ kind: "post-control" }, "posting the control comment"],
      [{ kind: "post-notice", key: "budget-0" }, "posting a notice"],
      [{ kind: "plan" }, "planning"],
      [{ kind: "post-questions" }, "posting the orchestrator's questions"],
      [{ kind: "post-contract", version: 2 }, "posting contract v2"],
      [{ kind: "choose-branch" }, "choosing the branch"],
      [{ kind: "plan-repair", milestoneId: "M1" }, "planning the repair of milestone M1"],
      [{ kind: "implement", featureId: "F1" }, "implementing F1"],
      [{ kind: "validate", milestoneId: "M1" }, "validating milestone M1"],
      [{ kind: "review-milestone", milestoneId: "M2" }, "reviewing milestone M2 before the next one"],
      [{ kind: "curate-bulletin" }, "curating the bulletin"],
      [{ kind: "finish" }, "opening the pull request for review"],
      [{ kind: "wait", reason: "waiting for approval" }, "waiting (waiting for approval)"],
    ];
    for (const [step, words] of steps) {
      expect(describeStep(step)).toBe(words);
      expect(describeStep(step)).not.toContain("-");
    }
  });

  it("reads a timeline event's data as it was recorded, with or without its target", () => {
    expect(describeStep({ kind: "implement", featureId: "F3", ms: 1200 })).toBe("implementing F3");
    expect(describeStep({ kind: "validate" })).toBe("validating milestone");
    expect(describeStep({ kind: "some-new-step" })).toBe("some new step");
    expect(describeStep({})).toBe("a step");
  });

  it("describes what the engine does next for a mission", () => {
    expect(describeStep(nextStep(awaitingApproval()))).not.toMatch(/^post-/);
  });
});

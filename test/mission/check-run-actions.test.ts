import { describe, expect, it } from "vitest";
import { afterStoppedValidation, finishedCheckActions, parseRequestedAction, pauseForBudget, RESUME_ACTION, revalidateAction, type Mission } from "../../src/mission/index.ts";
import { awaitingApproval } from "./fixtures.ts";

const mission = (overrides: Partial<Mission>): Mission => ({ ...awaitingApproval(), ...overrides });

describe("the check runs' buttons", () => {
  it("keep within GitHub's limits and read back as what they ask for", () => {
    for (const action of [RESUME_ACTION, revalidateAction("M12")]) {
      expect(action.label.length).toBeLessThanOrEqual(20);
      expect(action.description.length).toBeLessThanOrEqual(40);
      expect(action.identifier.length).toBeLessThanOrEqual(20);
    }
    expect(parseRequestedAction(RESUME_ACTION.identifier)).toEqual({ verb: "resume" });
    expect(parseRequestedAction(revalidateAction("M12").identifier)).toEqual({ verb: "revalidate", milestoneId: "M12" });
    expect(parseRequestedAction("revalidate:../x")).toBeUndefined();
    expect(parseRequestedAction("abort")).toBeUndefined();
  });

  it("fit the mission's state after a stop: Resume when a person can resume it, none for the budget or an aborted mission", () => {
    expect(afterStoppedValidation(mission({ status: "paused", pauseCause: "host", reason: "the app's host cannot run the user-testing browser" }), "M1")).toEqual({
      text: "The mission is paused: the app's host cannot run the user-testing browser. Comment `/mission resume` on the issue, or press **Resume** above, and the validation runs again.",
      actions: [RESUME_ACTION],
    });
    const budget = pauseForBudget(mission({ status: "running" }), { spentUsd: 0.97, capUsd: 1, nextCallUsd: 0.04, maxUsd: 50 });
    expect(afterStoppedValidation(budget, "M1")).toEqual({ text: expect.stringContaining("`/mission budget <usd>`"), actions: [] });
    expect(afterStoppedValidation(mission({ status: "blocked", reason: "validate failed" }), "M1").actions).toEqual([RESUME_ACTION]);
    expect(afterStoppedValidation(mission({ status: "aborted", reason: "aborted by @alice" }), "M1")).toEqual({ text: "The mission was aborted: aborted by @alice: this validation does not run again.", actions: [] });
    expect(afterStoppedValidation(mission({ status: "running" }), "M1").actions).toEqual([]);
  });

  it("offer Re-run validation on a failed check only when nothing is repairing it already", () => {
    expect(finishedCheckActions(mission({ status: "done" }), "M2", "failure")).toEqual([revalidateAction("M2")]);
    expect(finishedCheckActions(mission({ status: "running" }), "M2", "failure")).toEqual([]);
    expect(finishedCheckActions(mission({ status: "done" }), "M2", "success")).toEqual([]);
  });
});

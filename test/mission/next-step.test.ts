import { describe, expect, it } from "vitest";
import { applyIntent, nextStep } from "../../src/mission/index.ts";
import { awaitingApproval, intent, mission } from "./fixtures.ts";

const approved = () => applyIntent(awaitingApproval(), intent("approve"), "2026-01-01T12:00:00.000Z", { maxBudgetUsd: 10 });

describe("nextStep", () => {
  it("posts the control comment first, then pending notices", () => {
    expect(nextStep(mission({ controlCommentId: undefined }))).toEqual({ kind: "post-control" });
    expect(nextStep(mission({ notices: [{ key: "k", body: "b" }] }))).toEqual({ kind: "post-notice", key: "k" });
  });

  it("plans, posts questions or the contract, then waits for people", () => {
    expect(nextStep(mission({ status: "planning" }))).toEqual({ kind: "plan" });
    expect(nextStep(mission({ status: "questions", questions: { items: ["?"] } }))).toEqual({ kind: "post-questions" });
    expect(nextStep(mission({ status: "questions", questions: { items: ["?"], commentId: 3 } })).kind).toBe("wait");
    const unposted = awaitingApproval();
    unposted.contracts[0]!.commentId = undefined;
    expect(nextStep(unposted)).toEqual({ kind: "post-contract", version: 1 });
    expect(nextStep(awaitingApproval())).toEqual({ kind: "wait", reason: "waiting for approval" });
  });

  it("implements features in order, validates the milestone, then finishes", () => {
    let state = approved();
    expect(nextStep(state)).toEqual({ kind: "choose-branch" });
    state = { ...state, branch: "mission/7-do-things" };
    expect(nextStep(state)).toEqual({ kind: "implement", featureId: "F1" });
    state = { ...state, features: { ...state.features, F1: { status: "done", attempts: 1 } } };
    expect(nextStep(state)).toEqual({ kind: "implement", featureId: "F2" });
    state = { ...state, features: { ...state.features, F2: { status: "done", attempts: 1 } } };
    expect(nextStep(state)).toEqual({ kind: "validate", milestoneId: "M1" });
    state = { ...state, milestones: { M1: { status: "passed", round: 0 } } };
    expect(nextStep(state)).toEqual({ kind: "finish" });
  });

  it("waits while paused, blocked or finished", () => {
    for (const status of ["paused", "blocked", "done", "aborted", "failed"] as const) {
      expect(nextStep({ ...approved(), status }).kind).toBe("wait");
    }
  });
});

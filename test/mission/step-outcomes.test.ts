import { describe, expect, it } from "vitest";
import { applyIntent, blockOnWorker, completeMission, nextStep, recordPlan, type Handoff } from "../../src/mission/index.ts";
import { awaitingApproval, intent, mission, PLAN, handoff as shared } from "./fixtures.ts";

const running = () => ({ ...applyIntent(awaitingApproval(), intent("approve"), "2026-01-01T12:00:00.000Z", { maxBudgetUsd: 10 }), branch: "mission/7-do-things" });
const handoff = (overrides: Partial<Handoff> = {}): Handoff => shared({ status: "blocked", summary: "The API key for the payment sandbox is missing.", leftUndone: ["the checkout flow", "its tests"], testsWrittenFirst: false, testsRun: false, ...overrides });

describe("recordPlan", () => {
  it("turns questions into open questions in the conversation", () => {
    const next = recordPlan(mission({ status: "planning" }), { kind: "questions", questions: ["Which database?", "Which port?"] }, "2026-01-01T09:00:00.000Z");
    expect(next).toMatchObject({ status: "questions", questions: { items: ["Which database?", "Which port?"] } });
    expect(next.conversation).toEqual([
      { kind: "question", author: "orchestrator", text: "Which database?", at: "2026-01-01T09:00:00.000Z" },
      { kind: "question", author: "orchestrator", text: "Which port?", at: "2026-01-01T09:00:00.000Z" },
    ]);
    expect(nextStep(next)).toEqual({ kind: "post-questions" });
  });

  it("turns a plan into the next contract version, waiting for approval", () => {
    const first = recordPlan(mission({ status: "planning" }), { kind: "plan", plan: PLAN }, "2026-01-01T09:00:00.000Z");
    expect(first.status).toBe("awaiting-approval");
    expect(first.contracts).toEqual([{ version: 1, plan: PLAN, createdAt: "2026-01-01T09:00:00.000Z" }]);
    expect(nextStep(first)).toEqual({ kind: "post-contract", version: 1 });
    const second = recordPlan(awaitingApproval({ status: "planning" }), { kind: "plan", plan: PLAN }, "2026-01-01T11:00:00.000Z");
    expect(second.contracts.map((contract) => contract.version)).toEqual([1, 2]);
  });
});

describe("blockOnWorker", () => {
  it("blocks with the worker's words, keeps the feature pending and asks for guidance", () => {
    const next = blockOnWorker(running(), { featureId: "F1", handoff: handoff() });
    expect(next).toMatchObject({ status: "blocked", pausedFrom: "running", reason: "the worker on F1 is blocked" });
    expect(next.features.F1).toMatchObject({ status: "pending", attempts: 1, handoff: { status: "blocked" } });
    expect(next.notices).toEqual([
      {
        key: "worker-blocked-F1-1",
        body: [
          "### ⛔ The worker on F1 (One) is blocked",
          "",
          "The API key for the payment sandbox is missing.",
          "- the checkout flow",
          "- its tests",
          "",
          "Its changes were not committed. Comment `/mission resume <what the worker needs to know>` to run the feature again with your guidance, or `/mission abort`.",
        ].join("\n"),
      },
    ]);
  });

  it("keeps the feature's checkpoint for the next worker, and counts attempts", () => {
    const checkpoint = { sha: "c1", from: "b0", count: 1, limit: "turns" as const, handoff: handoff({ status: "partial" }) };
    const state = running();
    const withCheckpoint = { ...state, features: { ...state.features, F1: { status: "pending" as const, attempts: 1, checkpoint } } };
    const next = blockOnWorker(withCheckpoint, { featureId: "F1", handoff: handoff() });
    expect(next.features.F1).toMatchObject({ attempts: 2, checkpoint });
    expect(next.notices[0]!.key).toBe("worker-blocked-F1-2");
  });

  it("runs the feature again once a person resumes with guidance, as the notice says", () => {
    const resumed = applyIntent(blockOnWorker(running(), { featureId: "F1", handoff: handoff() }), intent("resume", "use the test key"), "2026-01-01T13:00:00.000Z", { maxBudgetUsd: 10 });
    expect(resumed.status).toBe("running");
    expect(nextStep({ ...resumed, notices: [] })).toEqual({ kind: "implement", featureId: "F1" });
  });
});

describe("completeMission", () => {
  it("ends the mission done with its pull request ready, counting the passed assertions", () => {
    const state = running();
    const passed = { ...state, assertions: { "VAL-A-001": { verdict: "pass" as const }, "VAL-A-002": { verdict: "pass" as const } }, reason: "was blocked once" };
    const next = completeMission(passed, { pull: { number: 12, nodeId: "PR_12" }, now: "2026-01-02T00:00:00.000Z" });
    expect(next).toMatchObject({
      status: "done",
      reason: undefined,
      finishedAt: "2026-01-02T00:00:00.000Z",
      updatedAt: "2026-01-02T00:00:00.000Z",
      pr: { number: 12, nodeId: "PR_12", ready: true },
    });
    expect(next.notices).toEqual([
      { key: "done-12-2-v1", body: "### ✅ Mission complete\n\nAll 2 assertions of contract v1 pass. Pull request #12 is ready for your review." },
    ]);
    expect(nextStep(next)).toEqual({ kind: "post-notice", key: "done-12-2-v1" });
  });
});

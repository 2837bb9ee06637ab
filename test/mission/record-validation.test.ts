import { describe, expect, it } from "vitest";
import { applyIntent, nextStep, recordValidation, type Mission } from "../../src/mission/index.ts";
import { awaitingApproval, intent } from "./fixtures.ts";

const NOW = "2026-01-01T13:00:00.000Z";
function validating(rounds = 3): Mission {
  const approved = applyIntent(awaitingApproval(), intent("approve"), NOW, { maxBudgetUsd: 10 });
  return {
    ...approved,
    settings: { ...approved.settings, maxRemediationRounds: rounds },
    features: { F1: { status: "done", attempts: 1, commitSha: "a" }, F2: { status: "done", attempts: 1, commitSha: "b" } },
  };
}
const pass = (id: string) => ({ assertionId: id, verdict: "pass" as const, evidence: "ok" });
const fail = (id: string) => ({ assertionId: id, verdict: "fail" as const, evidence: "missing" });

describe("recordValidation", () => {
  it("marks the milestone passed and keeps each verdict with its commit", () => {
    const next = recordValidation(validating(), { milestoneId: "M1", headSha: "b", checkRunId: 5, verdicts: [pass("VAL-A-001"), { ...pass("VAL-A-002"), checkRunId: 6 }], failures: [], userTestingCheckRunId: 6 }, NOW);
    expect(next.milestones.M1).toMatchObject({ status: "passed", headSha: "b", checkRunId: 5, userTestingCheckRunId: 6 });
    // Each verdict keeps the check run that gave it: the PR links its evidence there.
    expect(next.assertions["VAL-A-001"]).toEqual({ verdict: "pass", evidence: "ok", commitSha: "b", checkRunId: 5 });
    expect(next.assertions["VAL-A-002"]).toEqual({ verdict: "pass", evidence: "ok", commitSha: "b", checkRunId: 6 });
  });

  it("records what failed as a repair for the orchestrator to plan", () => {
    const next = recordValidation(validating(), { milestoneId: "M1", headSha: "b", checkRunId: 5, verdicts: [pass("VAL-A-001"), fail("VAL-A-002")], failures: [] }, NOW);
    expect(next.status).toBe("running");
    expect(next.extraFeatures).toEqual([]);
    expect(next.milestones.M1).toMatchObject({ status: "pending", round: 1, repair: { failedAssertions: ["VAL-A-002"], problems: ["VAL-A-002: missing"] } });
    expect(nextStep({ ...next, branch: "b" })).toEqual({ kind: "plan-repair", milestoneId: "M1" });
  });

  it("repairs a red command even when every verdict passed", () => {
    const next = recordValidation(validating(), { milestoneId: "M1", headSha: "b", checkRunId: 5, verdicts: [pass("VAL-A-001"), pass("VAL-A-002")], failures: ["`npm test` exited with 1"] }, NOW);
    expect(next.milestones.M1!.repair).toEqual({ failedAssertions: [], problems: ["`npm test` exited with 1"] });
  });

  it("blocks with one notice once the rounds are spent", () => {
    const spent = { ...validating(1), milestones: { M1: { status: "pending" as const, round: 1 } } };
    const next = recordValidation(spent, { milestoneId: "M1", headSha: "c", checkRunId: 6, verdicts: [fail("VAL-A-001"), pass("VAL-A-002")], failures: [] }, NOW);
    expect(next).toMatchObject({ status: "blocked", pausedFrom: "running" });
    expect(next.milestones.M1!.status).toBe("failed");
    expect(next.notices).toHaveLength(1);
    expect(next.notices[0]!.body).toContain("**VAL-A-001**: missing");
    expect(next.extraFeatures).toEqual([]);
  });
});

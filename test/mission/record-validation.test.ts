import { describe, expect, it } from "vitest";
import { applyIntent, recordValidation, type Mission } from "../../src/mission/index.ts";
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
    const next = recordValidation(validating(), { milestoneId: "M1", headSha: "b", checkRunId: 5, verdicts: [pass("VAL-A-001"), pass("VAL-A-002")], failures: [] }, NOW);
    expect(next.milestones.M1).toMatchObject({ status: "passed", headSha: "b", checkRunId: 5 });
    expect(next.assertions["VAL-A-001"]).toEqual({ verdict: "pass", evidence: "ok", commitSha: "b" });
  });

  it("turns failed assertions into one follow-up feature serving them", () => {
    const next = recordValidation(validating(), { milestoneId: "M1", headSha: "b", checkRunId: 5, verdicts: [pass("VAL-A-001"), fail("VAL-A-002")], failures: [] }, NOW);
    expect(next.status).toBe("running");
    expect(next.extraFeatures).toEqual([expect.objectContaining({ id: "F3", title: "Fix VAL-A-002", assertionIds: ["VAL-A-002"] })]);
    expect(next.extraFeatures[0]!.description).toContain("VAL-A-002: missing");
    expect(next.features.F3).toEqual({ status: "pending", attempts: 0 });
    expect(next.milestones.M1).toMatchObject({ status: "pending", round: 1 });
  });

  it("repairs a red command even when every verdict passed", () => {
    const next = recordValidation(validating(), { milestoneId: "M1", headSha: "b", checkRunId: 5, verdicts: [pass("VAL-A-001"), pass("VAL-A-002")], failures: ["`npm test` exited with 1"] }, NOW);
    expect(next.extraFeatures[0]).toMatchObject({ title: "Fix milestone M1", assertionIds: ["VAL-A-001", "VAL-A-002"] });
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

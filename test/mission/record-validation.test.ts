import { describe, expect, it } from "vitest";
import { applyIntent, keepFinishedValidation, keptFindings, keptFor, loadMission, nextStep, recordValidation, type Mission } from "../../src/mission/index.ts";
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

describe("keepFinishedValidation", () => {
  const finding = { featureId: "F1", severity: "minor" as const, path: "a.ts", line: 3, message: "Rename it." };

  it("marks each reviewed feature with its findings, and keeps verdicts for the head they judged", () => {
    const next = keepFinishedValidation(validating(), { milestoneId: "M1", headSha: "h1", reviews: [{ featureId: "F1", findings: [finding] }], scrutiny: [pass("VAL-A-001")] });
    expect(next.features.F1).toMatchObject({ reviewed: true, findings: [finding] });
    expect(next.features.F2?.reviewed).toBeUndefined();
    expect(keptFindings(next, ["F1", "F2"])).toEqual([finding]);
    expect(keptFor(next, "M1", "h1")).toEqual({ headSha: "h1", scrutiny: [pass("VAL-A-001")] });
    // Another head: nothing kept applies.
    expect(keptFor(next, "M1", "h2")).toBeUndefined();
    // It survives the store's schema.
    expect(loadMission(JSON.parse(JSON.stringify(next)))).toEqual(next);
  });

  it("adds to what an earlier interruption kept on the same head, and drops what it kept on another", () => {
    const first = keepFinishedValidation(validating(), { milestoneId: "M1", headSha: "h1", reviews: [], scrutiny: [pass("VAL-A-001")] });
    const userTesting = { checkRunId: 9, verdicts: [pass("VAL-A-002")], failures: [] };
    expect(keptFor(keepFinishedValidation(first, { milestoneId: "M1", headSha: "h1", reviews: [], userTesting }), "M1", "h1")).toEqual({ headSha: "h1", scrutiny: [pass("VAL-A-001")], userTesting });
    const moved = keepFinishedValidation(first, { milestoneId: "M1", headSha: "h2", reviews: [], userTesting });
    expect(moved.milestones.M1!.kept).toEqual({ headSha: "h2", userTesting });
  });

  it("a person's re-run of the validation reuses nothing that was kept", () => {
    const kept = keepFinishedValidation({ ...validating(), status: "blocked" }, { milestoneId: "M1", headSha: "h1", reviews: [], scrutiny: [pass("VAL-A-001")] });
    const rerun = applyIntent(kept, { ...intent("revalidate"), text: "M1" }, NOW, { maxBudgetUsd: 10 });
    expect(rerun.milestones.M1).toMatchObject({ rerun: true });
    expect(rerun.milestones.M1!.kept).toBeUndefined();
  });
});

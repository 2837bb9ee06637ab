import { describe, expect, it } from "vitest";
import { applyIntent, finishNotice, type Mission } from "../../src/mission/index.ts";
import { awaitingApproval, intent, handoff } from "./fixtures.ts";


/** Both features done and every assertion passed, the "Mission complete" notice posted for PR #5. */
const finished = (): Mission => {
  const approved = applyIntent(awaitingApproval(), intent("approve"), "t", { maxBudgetUsd: 10 });
  const mission: Mission = {
    ...approved,
    features: { F1: { status: "done", attempts: 1, files: ["a.ts"], handoff: handoff() }, F2: { status: "done", attempts: 1, files: ["b.ts"], handoff: handoff() } },
    assertions: { "VAL-A-001": { verdict: "pass" }, "VAL-A-002": { verdict: "pass" } },
  };
  const { notice } = finishNotice(mission, 5);
  return { ...mission, status: "done", notices: [{ ...notice!, commentId: 10 }] };
};
const withFix = (mission: Mission, files: string[], noChangeReason?: string): Mission => ({
  ...mission,
  extraFeatures: [...mission.extraFeatures, { id: "F3", milestoneId: "M1", title: "Fix the review", description: "Fix.", assertionIds: ["VAL-A-001"] }],
  features: { ...mission.features, F3: { status: "done", attempts: 1, files, handoff: handoff(noChangeReason ? { noChangeReason } : {}) } },
});

describe("finishNotice", () => {
  it("says the mission is complete the first time", () => {
    const [notice] = finished().notices;
    expect(notice!.key).toBe("done-5-2-v1");
    expect(notice!.body).toContain("### ✅ Mission complete");
    expect(notice!.body).toContain("All 2 assertions of contract v1 pass. Pull request #5 is ready for your review.");
  });

  it("after a fix that changed no file: says the feedback needed no change, once, and why — not complete again", () => {
    const mission = withFix(finished(), [], "the farewell already says goodbye in farewell.txt");
    const { notice, changed } = finishNotice(mission, 5);
    expect(changed).toBe(false);
    expect(notice!.key).toBe("done-unchanged-5-3-v1");
    expect(notice!.body).toContain("### ✅ No change needed");
    expect(notice!.body).not.toContain("Mission complete");
    expect(notice!.body).toContain("- F3 (Fix the review): the farewell already says goodbye in farewell.txt");
    expect(notice!.body).toContain("`/mission fix <what to change>`");
    // Finished again with nothing new (validated again, say): nothing more to say.
    expect(finishNotice({ ...mission, notices: [...mission.notices, { ...notice!, commentId: 11 }] }, 5)).toEqual({ changed: false });
  });

  it("after a fix that changed files: complete again, for the new work", () => {
    const { notice, changed } = finishNotice(withFix(finished(), ["a.ts"]), 5);
    expect(changed).toBe(true);
    expect(notice).toMatchObject({ key: "done-5-3-v1", body: expect.stringContaining("Mission complete") });
  });

  it("validated again with no new feature: no second notice", () => {
    expect(finishNotice(finished(), 5)).toEqual({ changed: false });
  });

  it("after a revision approved once the mission was done: complete again under the new version, even with no new feature", () => {
    const first = finishNotice(finished(), 5);
    expect(first.changed).toBe(false);
    const revised = { ...finished(), approvedVersion: 2 };
    expect(finishNotice(revised, 5)).toMatchObject({ changed: true, notice: { key: "done-5-2-v2", body: expect.stringContaining("contract v2") } });
  });
});

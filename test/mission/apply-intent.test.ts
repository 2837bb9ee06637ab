import { describe, expect, it } from "vitest";
import { applyIntent, applyRepair, type Mission } from "../../src/mission/index.ts";
import { PLAN, awaitingApproval, intent, mission } from "./fixtures.ts";

const NOW = "2026-01-01T12:00:01.000Z";
const limits = { maxBudgetUsd: 50 };
const replyOf = (next: Mission) => next.notices.at(-1)?.body;

describe("applyIntent", () => {
  it("approves the latest contract and prepares every feature, milestone and assertion", () => {
    const next = applyIntent(awaitingApproval(), intent("approve"), NOW, limits);
    expect(next.status).toBe("running");
    expect(next.approvedVersion).toBe(1);
    expect(Object.keys(next.features)).toEqual(["F1", "F2"]);
    expect(next.milestones.M1).toEqual({ status: "pending", round: 0 });
    expect(next.assertions["VAL-A-002"]).toEqual({ verdict: "pending" });
    expect(next.notices).toEqual([]);
  });

  it("refuses to approve a version that is no longer the latest, named or only seen", () => {
    const twoVersions = awaitingApproval({
      contracts: [
        { version: 1, plan: PLAN, commentId: 10, createdAt: "2026-01-01T10:00:00.000Z" },
        { version: 2, plan: PLAN, commentId: 30, createdAt: "2026-01-01T11:00:00.000Z" },
      ],
    });
    const named = applyIntent(twoVersions, intent("approve", "v1"), NOW, limits);
    expect(named.status).toBe("awaiting-approval");
    expect(replyOf(named)).toContain("contract v1 is not the latest: v2 replaced it");
    // Written after v1's comment but before v2's (comment ids grow with time): the person approved v1.
    const seen = applyIntent(twoVersions, { ...intent("approve"), commentId: 20 }, NOW, limits);
    expect(seen.status).toBe("awaiting-approval");
    expect(replyOf(seen)).toContain("contract v1 is not the latest");
    expect(applyIntent(twoVersions, { ...intent("approve"), commentId: 31 }, NOW, limits).approvedVersion).toBe(2);
    const current = applyIntent(twoVersions, intent("approve", "v2"), NOW, limits);
    expect(current.approvedVersion).toBe(2);
  });

  it("refuses approval when nothing waits for it", () => {
    expect(replyOf(applyIntent(mission({ status: "planning" }), intent("approve"), NOW, limits))).toContain("no contract waiting");
  });

  it("revises with feedback, and asks for the feedback when it is missing", () => {
    const next = applyIntent(awaitingApproval(), intent("revise", "more tests"), NOW, limits);
    expect(next.status).toBe("planning");
    expect(next.conversation.at(-1)).toMatchObject({ kind: "feedback", text: "more tests", author: "alice" });
    expect(replyOf(applyIntent(awaitingApproval(), intent("revise"), NOW, limits))).toContain("say what to change");
    expect(replyOf(applyIntent(mission({ status: "running" }), intent("revise", "x"), NOW, limits))).toContain("no contract waiting");
  });

  it("takes answers only while questions are open", () => {
    const asking = mission({ status: "questions", questions: { items: ["Which?"], commentId: 9 } });
    const answered = applyIntent(asking, intent("answer", "This one"), NOW, limits);
    expect(answered.status).toBe("planning");
    expect(answered.questions).toBeUndefined();
    expect(replyOf(applyIntent(asking, intent("answer"), NOW, limits))).toContain("answer is empty");
    expect(replyOf(applyIntent(mission({ status: "running" }), intent("answer", "x"), NOW, limits))).toContain("no open questions");
  });

  it("pauses and resumes to where it was", () => {
    const paused = applyIntent(mission({ status: "running" }), intent("pause"), NOW, limits);
    expect(paused).toMatchObject({ status: "paused", pausedFrom: "running", reason: "paused by @alice" });
    expect(replyOf(applyIntent(paused, intent("pause"), NOW, limits))).toContain("already paused");
    expect(applyIntent(paused, intent("resume"), NOW, limits)).toMatchObject({ status: "running", pausedFrom: undefined });
    expect(replyOf(applyIntent(mission({ status: "running" }), intent("resume"), NOW, limits))).toContain("nothing to resume");
  });

  it("gives a milestone blocked past its repair rounds a fresh set on retry or resume, and leaves passed ones alone", () => {
    const blocked = mission({
      status: "blocked",
      pausedFrom: "running",
      milestones: { M1: { status: "passed", round: 1 }, M2: { status: "failed", round: 4, headSha: "abc" } },
    });
    for (const verb of ["retry", "resume"] as const) {
      const next = applyIntent(blocked, intent(verb), NOW, limits);
      expect(next.milestones).toEqual({ M1: { status: "passed", round: 1 }, M2: { status: "pending", round: 0, headSha: "abc" } });
    }
  });

  it("retries a blocked mission from where it was blocked", () => {
    const blocked = mission({ status: "blocked", pausedFrom: "running", stepFailures: 2, reason: "x" });
    expect(applyIntent(blocked, intent("retry"), NOW, limits)).toMatchObject({ status: "running", stepFailures: 0, reason: undefined });
  });

  it("aborts for good: later commands are refused", () => {
    const aborted = applyIntent(mission({ status: "running" }), intent("abort"), NOW, limits);
    expect(aborted).toMatchObject({ status: "aborted", finishedAt: NOW });
    expect(replyOf(applyIntent(aborted, intent("resume"), NOW, limits))).toContain("already **aborted**");
  });

  it("sets the budget within the operator's maximum only", () => {
    expect(applyIntent(mission(), intent("budget", "$25"), NOW, limits).settings.budgetUsd).toBe(25);
    expect(replyOf(applyIntent(mission(), intent("budget", "500"), NOW, limits))).toContain("above this installation's maximum of $50");
    expect(replyOf(applyIntent(mission(), intent("budget", "lots"), NOW, limits))).toContain("US dollars");
  });

  it("sends `/mission fix` to the milestone it concerns: the blocked one (with fresh rounds), else the one in progress", () => {
    const twoMilestones = {
      ...PLAN,
      milestones: [{ id: "M1", title: "First" }, { id: "M2", title: "Second" }],
      features: [PLAN.features[0]!, { ...PLAN.features[1]!, milestoneId: "M2" }],
      assertions: [PLAN.assertions[0]!, { ...PLAN.assertions[1]!, milestoneId: "M2" }],
    };
    const approved = applyIntent(awaitingApproval({ contracts: [{ version: 1, plan: twoMilestones, commentId: 2, createdAt: "2026-01-01T10:00:00.000Z" }] }), intent("approve"), NOW, limits);
    const pr = { number: 8, nodeId: "PR_8", ready: false };
    const blocked: Mission = { ...approved, status: "blocked", pausedFrom: "running", reason: "M1 fails", pr, milestones: { M1: { status: "failed", round: 4 }, M2: { status: "pending", round: 0 } } };
    const fixed = applyIntent(blocked, intent("fix", "the greeting needs a comma"), NOW, limits);
    expect(fixed).toMatchObject({ status: "running", reason: undefined, pausedFrom: undefined });
    expect(fixed.milestones.M1).toEqual({ status: "pending", round: 0, repair: { failedAssertions: [], problems: ["Review by @alice: the greeting needs a comma"] } });
    expect(fixed.milestones.M2).toEqual({ status: "pending", round: 0 });
    const inProgress: Mission = { ...approved, status: "running", pr, milestones: { M1: { status: "passed", round: 0 }, M2: { status: "pending", round: 1 } } };
    expect(applyIntent(inProgress, intent("fix", "x"), NOW, limits).milestones.M2?.repair?.problems).toEqual(["Review by @alice: x"]);
  });

  it("turns `/mission fix` on the PR into a repair of the last milestone, validated again", () => {
    const done = applyIntent(awaitingApproval(), intent("approve"), NOW, limits);
    const withPr: Mission = { ...done, status: "done", pr: { number: 8, nodeId: "PR_8", ready: true }, milestones: { M1: { status: "passed", round: 0 } } };
    const next = applyIntent(withPr, intent("fix", "rename the file"), NOW, limits);
    expect(next.status).toBe("running");
    expect(next.milestones.M1).toEqual({ status: "pending", round: 0, repair: { failedAssertions: [], problems: ["Review by @alice: rename the file"] } });
    expect(replyOf(applyIntent(done, intent("fix", "x"), NOW, limits))).toContain("once the mission has a pull request");
    expect(replyOf(applyIntent(withPr, intent("fix"), NOW, limits))).toContain("say what to fix");
  });

  it("leaves the mission alone for status", () => {
    const before = mission({ status: "running" });
    expect(applyIntent(before, intent("status"), NOW, limits)).toBe(before);
  });
});

describe("the mission's pull request merged or closed by a person", () => {
  const pr = { number: 9, nodeId: "PR_9", ready: false };
  const approved = () => ({ ...applyIntent(awaitingApproval(), intent("approve"), NOW, limits), branch: "mission/7-do-things", pr });

  it("merged before the mission finished: it ends as done, saying which assertions had not passed", () => {
    const running: Mission = { ...approved(), assertions: { "VAL-A-001": { verdict: "pass" }, "VAL-A-002": { verdict: "pending" } } };
    const next = applyIntent(running, intent("pull-closed", "merged"), NOW, limits);
    expect(next).toMatchObject({ status: "done", finishedAt: NOW, reason: "pull request #9 merged by @alice", pr: { number: 9, closedAs: "merged" } });
    expect(replyOf(next)).toContain("@alice merged #9 before the mission finished, so it ends here; these assertions had not passed: `VAL-A-002`.");
  });

  it("closed without merging: the mission stops, and says how to start again", () => {
    const paused: Mission = { ...approved(), status: "paused", pausedFrom: "running", pauseCause: "person" };
    const next = applyIntent(paused, intent("pull-closed", "closed"), NOW, limits);
    expect(next).toMatchObject({ status: "aborted", pauseCause: undefined, reason: "pull request #9 closed without merging by @alice", pr: { closedAs: "closed" } });
    expect(replyOf(next)).toContain("nothing more is pushed to `mission/7-do-things`");
    expect(replyOf(next)).toContain("remove the `mission` label from this issue and add it again");
  });

  it("after the mission is done: it only notes it, and the pull request takes no more fixes", () => {
    const done: Mission = { ...approved(), status: "done", finishedAt: NOW, pr: { ...pr, ready: true } };
    expect(replyOf(applyIntent(done, intent("fix", "rename it"), NOW, limits))).toBeUndefined();
    const merged = applyIntent(done, intent("pull-closed", "merged"), NOW, limits);
    expect(merged).toMatchObject({ status: "done", reason: "pull request #9 merged by @alice", pr: { closedAs: "merged" } });
    expect(merged.notices).toEqual(done.notices);
    expect(replyOf(applyIntent(merged, intent("fix", "rename it"), NOW, limits))).toContain("this mission is already **done**");
    const aborted: Mission = { ...done, status: "aborted", reason: "aborted by @bob" };
    expect(applyIntent(aborted, intent("pull-closed", "closed"), NOW, limits)).toMatchObject({ status: "aborted", reason: "aborted by @bob", pr: { closedAs: "closed" } });
  });
});

describe("follow-up features and guidance", () => {
  it("numbers repair features past the highest id, even when the plan skipped numbers", () => {
    const gappy = awaitingApproval({
      contracts: [{ version: 1, plan: { ...PLAN, features: [{ ...PLAN.features[0]!, id: "F1" }, { ...PLAN.features[1]!, id: "F4" }] }, commentId: 2, createdAt: "t" }],
    });
    const approved = applyIntent(gappy, intent("approve"), NOW, limits);
    const repairing: Mission = { ...approved, milestones: { M1: { status: "pending", round: 1, repair: { failedAssertions: ["VAL-A-001"], problems: ["x"] } } } };
    const repaired = applyRepair(repairing, "M1", [
      { title: "Fix one", description: "d", assertionIds: ["VAL-A-001"] },
      { title: "Fix two", description: "d", assertionIds: ["VAL-A-002"] },
    ]);
    expect(repaired.extraFeatures.map((feature) => [feature.id, feature.milestoneId, feature.title])).toEqual([["F5", "M1", "Fix one"], ["F6", "M1", "Fix two"]]);
    expect(repaired.features.F6).toEqual({ status: "pending", attempts: 0 });
    expect(repaired.milestones.M1!.repair).toBeUndefined();
  });

  it("passes `/mission resume <text>` to the workers as guidance", () => {
    const blocked = mission({ status: "blocked", pausedFrom: "running" });
    const next = applyIntent(blocked, intent("resume", "use the v2 API"), NOW, limits);
    expect(next.status).toBe("running");
    expect(next.guidance).toEqual([{ author: "alice", text: "use the v2 API", at: NOW }]);
  });
});

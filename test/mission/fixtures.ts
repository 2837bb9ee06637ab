import { newMission, type Handoff, type Intent, type Mission, type Plan } from "../../src/mission/index.ts";

export const PLAN: Plan = {
  summary: "Two features, one milestone.",
  milestones: [{ id: "M1", title: "First" }],
  features: [
    { id: "F1", milestoneId: "M1", title: "One", description: "Do one.", assertionIds: ["VAL-A-001"] },
    { id: "F2", milestoneId: "M1", title: "Two", description: "Do two.", assertionIds: ["VAL-A-002"] },
  ],
  assertions: [
    { id: "VAL-A-001", milestoneId: "M1", statement: "one works", verification: "test" },
    { id: "VAL-A-002", milestoneId: "M1", statement: "two works", verification: "test" },
  ],
};

export function mission(overrides: Partial<Mission> = {}): Mission {
  return {
    ...newMission({
      id: "m1",
      repo: { owner: "acme", name: "app", installationId: 1, defaultBranch: "main" },
      issue: { number: 7, title: "Do things" },
      createdBy: "alice",
      settings: { commands: {}, models: {}, maxRemediationRounds: 3 },
      now: "2026-01-01T00:00:00.000Z",
    }),
    controlCommentId: 1,
    ...overrides,
  };
}

/** A mission whose contract v1 was posted at 10:00 and waits for approval. */
export function awaitingApproval(overrides: Partial<Mission> = {}): Mission {
  return mission({
    status: "awaiting-approval",
    contracts: [{ version: 1, plan: PLAN, commentId: 2, createdAt: "2026-01-01T10:00:00.000Z" }],
    ...overrides,
  });
}

let seq = 0;
export function intent(verb: Intent["verb"], text = "", at = "2026-01-01T12:00:00.000Z"): Intent {
  return { seq: ++seq, verb, text, author: "alice", at };
}

/** A worker's handoff: done, tests written first and run, unless told otherwise. */
export function handoff(overrides: Partial<Handoff> = {}): Handoff {
  return { status: "done", summary: "Did it.", completed: [], leftUndone: [], commandsRun: [], issuesDiscovered: [], testsWrittenFirst: true, testsRun: true, ...overrides };
}

/** Approved and under way on its branch, F1 next, the draft pull request open. */
export function runningMission(overrides: Partial<Mission> = {}, plan: Plan = PLAN): Mission {
  return mission({
    status: "running",
    branch: "mission/7-do-things",
    contracts: [{ version: 1, plan, commentId: 2, createdAt: "2026-01-01T10:00:00.000Z" }],
    approvedVersion: 1,
    features: { F1: { status: "pending", attempts: 0 }, F2: { status: "pending", attempts: 0 } },
    milestones: { M1: { status: "pending", round: 0 } },
    assertions: { "VAL-A-001": { verdict: "pending" }, "VAL-A-002": { verdict: "pending" } },
    pr: { number: 9, nodeId: "PR_9", ready: false },
    ...overrides,
  });
}

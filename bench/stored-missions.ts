import { loadMission, newMission, type Mission } from "../src/mission/index.ts";
import { SqliteMissionStore } from "../src/store/index.ts";

const MILESTONES = 12;
const FEATURES = 60;

/** Words of realistic length, so a stored mission weighs what a finished long one does. */
function prose(seed: number, characters: number): string {
  const words = ["the", "handler", "validates", "input", "before", "writing", "to", "storage", "and", "returns", "a", "typed", "error", "when", "configuration", "is", "missing"];
  const out: string[] = [];
  for (let index = 0; out.join(" ").length < characters; index++) out.push(words[(seed + index * 7) % words.length]!);
  return out.join(" ");
}

/** A finished long mission: 12 milestones, 60 features with handoffs, a pull request and check runs. */
export function longMission(index: number, owner: string, repo: string): Mission {
  const at = new Date(Date.UTC(2026, 0, 1) + index * 60_000).toISOString();
  const base = newMission({
    id: `stored-${index}`,
    repo: { owner, name: repo, installationId: 100, defaultBranch: "main" },
    issue: { number: 10_000 + index, title: `Stored mission ${index}` },
    createdBy: "alice",
    settings: { commands: {}, models: {}, maxRemediationRounds: 3 },
    now: at,
  });
  const milestones = Array.from({ length: MILESTONES }, (_, m) => ({ id: `M${m + 1}`, title: `Milestone ${m + 1}` }));
  const assertions = Array.from({ length: FEATURES }, (_, f) => ({
    id: `VAL-AREA-${String(f + 1).padStart(3, "0")}`,
    milestoneId: `M${(f % MILESTONES) + 1}`,
    statement: prose(f, 160),
    verification: prose(f + 1, 120),
  }));
  const features = Array.from({ length: FEATURES }, (_, f) => ({
    id: `F${f + 1}`,
    milestoneId: `M${(f % MILESTONES) + 1}`,
    title: `Feature ${f + 1}`,
    description: prose(f + 2, 600),
    assertionIds: [assertions[f]!.id],
  }));
  const mission: Mission = {
    ...base,
    status: "done",
    contracts: [{ version: 1, plan: { summary: prose(index, 300), milestones, features, assertions }, commentId: 1, createdAt: at }],
    approvedVersion: 1,
    branch: `mission/${10_000 + index}-stored`,
    pr: { number: 20_000 + index, nodeId: `PR_${index}`, ready: true, closedAs: "merged" },
    features: Object.fromEntries(
      features.map((feature, f) => [
        feature.id,
        {
          status: "done" as const,
          commitSha: "a".repeat(40),
          reviewed: true,
          attempts: 1,
          handoff: {
            status: "done" as const,
            summary: prose(f, 400),
            completed: [prose(f + 3, 120)],
            leftUndone: [],
            commandsRun: [{ command: "npm test", exitCode: 0 }],
            issuesDiscovered: [prose(f + 4, 160)],
            testsWrittenFirst: true,
            testsRun: true,
          },
        },
      ]),
    ),
    milestones: Object.fromEntries(milestones.map((milestone, m) => [milestone.id, { status: "passed" as const, round: 1, headSha: "b".repeat(40), checkRunId: index * 100 + m + 1 }])),
    assertions: Object.fromEntries(assertions.map((assertion) => [assertion.id, { verdict: "pass" as const, evidence: prose(index, 300), commitSha: "b".repeat(40) }])),
    bulletin: Array.from({ length: 20 }, (_, b) => prose(b, 200)),
  };
  return loadMission(mission);
}

/** Writes `count` finished long missions into the store at `path` (created), then closes it. */
export async function seedStore(path: string, count: number, owner: string, repo: string): Promise<void> {
  const store = new SqliteMissionStore(path);
  try {
    for (let index = 0; index < count; index++) {
      const mission = longMission(index, owner, repo);
      await store.createMission({ ...mission, status: "planning" });
      await store.saveMission(mission);
    }
  } finally {
    await store.close();
  }
}

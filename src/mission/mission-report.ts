import { AGENT_ROLES, expectedRunRange, type Range } from "./estimate.ts";
import type { Mission } from "./mission.ts";
import type { Coverage } from "./parse-coverage.ts";
import { allFeatures, approvedPlan, latestContract } from "./plan-features.ts";

/** One model call as the ledger keeps it (`UsageEntry`; only what the report reads). */
export interface LedgerRow {
  role: string;
  model: string;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  usd: number;
}

/** One event of the mission's timeline (`MissionEvent`; only what the report reads). */
export interface ReportEvent {
  kind: string;
  at: string;
  data: Record<string, unknown>;
}

/** Lines the mission branch adds and removes against its base, as `git diff --numstat` counts them. */
export interface DiffStats {
  added: number;
  deleted: number;
  /** Of the lines added, those in test files (see `isTestPath`). */
  testAdded: number;
  files: number;
}

export interface MoneyRow {
  usd: number;
  calls: number;
}

export interface MissionReport {
  finished: boolean;
  features: { done: number; skipped: number; total: number };
  assertions: { passed: number; skipped: number; failed: number; pending: number; total: number };
  repairRounds: Array<{ milestoneId: string; title: string; rounds: number }>;
  runs: { byRole: Array<{ role: string; runs: number; expected: number }>; total: number; expected: Range };
  /** Undefined when the branch's diff was not measured (the mission did not finish, say). */
  lines?: DiffStats & { testShare: number };
  coverage?: Coverage;
  /** `input` counts every token sent: read from the cache, written to it, and neither (`uncached`). */
  tokens: { input: number; uncached: number; cacheRead: number; cacheWrite: number; output: number };
  /** Of all input tokens, the share read from the cache; undefined with no input. */
  cacheShare?: number;
  cost: {
    usd: number;
    byRole: Array<MoneyRow & { role: string }>;
    byModel: Array<MoneyRow & { model: string }>;
    byRoleAndModel: Array<MoneyRow & { role: string; model: string }>;
  };
  wallMs: number;
  /** Time the mission waited for people: for approval, for answers, paused, blocked. */
  waiting: { totalMs: number; approvalMs: number; answersMs: number; pausedMs: number; blockedMs: number };
}

const WAITING: Record<string, keyof Omit<MissionReport["waiting"], "totalMs">> = {
  "awaiting-approval": "approvalMs",
  questions: "answersMs",
  paused: "pausedMs",
  blocked: "blockedMs",
};

/**
 * The figures of a mission that matter once it ends: what it built and proved, what it ran and cost,
 * how long it took and how long people kept it waiting. Pure: from the mission, its ledger and its
 * timeline (agent runs, repair steps, status changes, coverage and diff measurements).
 */
export function buildMissionReport(mission: Mission, ledger: LedgerRow[], events: ReportEvent[], now: Date): MissionReport {
  const plan = approvedPlan(mission) ?? latestContract(mission)?.plan;
  const features = mission.approvedVersion !== undefined ? allFeatures(mission) : (plan?.features ?? []);
  const assertionIds = plan?.assertions.map((assertion) => assertion.id) ?? [];
  const verdict = (id: string) => mission.assertions[id]?.verdict ?? "pending";
  const end = mission.finishedAt ? Date.parse(mission.finishedAt) : now.getTime();

  const repairs = new Map<string, number>();
  for (const event of events) {
    if (event.kind === "step-end" && event.data.kind === "plan-repair") repairs.set(String(event.data.milestoneId), (repairs.get(String(event.data.milestoneId)) ?? 0) + 1);
  }

  const expected = plan ? expectedRunRange(plan) : undefined;
  const runCounts = new Map<string, number>();
  for (const event of events.filter((candidate) => candidate.kind === "agent-run")) runCounts.set(String(event.data.role), (runCounts.get(String(event.data.role)) ?? 0) + 1);
  const roles = [...AGENT_ROLES, ...[...runCounts.keys()].filter((role) => !(AGENT_ROLES as readonly string[]).includes(role)).sort()];

  const latest = (kind: string) => events.findLast((event) => event.kind === kind)?.data;
  const diff = latest("diff-stats");
  const coverage = latest("coverage-report");

  const tokens = { input: 0, uncached: 0, cacheRead: 0, cacheWrite: 0, output: 0 };
  for (const row of ledger) {
    tokens.input += row.inputTokens;
    tokens.cacheRead += row.cacheReadTokens;
    tokens.cacheWrite += row.cacheWriteTokens;
    tokens.uncached += Math.max(0, row.inputTokens - row.cacheReadTokens - row.cacheWriteTokens);
    tokens.output += row.outputTokens;
  }

  return {
    finished: mission.finishedAt !== undefined,
    features: {
      done: features.filter((feature) => mission.features[feature.id]?.status === "done").length,
      skipped: features.filter((feature) => mission.features[feature.id]?.status === "skipped").length,
      total: features.length,
    },
    assertions: {
      passed: assertionIds.filter((id) => verdict(id) === "pass").length,
      skipped: assertionIds.filter((id) => verdict(id) === "skipped").length,
      failed: assertionIds.filter((id) => verdict(id) === "fail").length,
      pending: assertionIds.filter((id) => verdict(id) === "pending").length,
      total: assertionIds.length,
    },
    repairRounds: (plan?.milestones ?? []).map((milestone) => ({ milestoneId: milestone.id, title: milestone.title, rounds: repairs.get(milestone.id) ?? 0 })),
    runs: {
      byRole: roles
        .map((role) => ({ role, runs: runCounts.get(role) ?? 0, expected: expected?.runs[role as keyof typeof expected.runs] ?? 0 }))
        .filter((row) => row.runs > 0 || row.expected > 0),
      total: [...runCounts.values()].reduce((sum, count) => sum + count, 0),
      expected: expected?.total ?? { low: 0, high: 0 },
    },
    ...(diff ? { lines: diffStats(diff) } : {}),
    ...(coverage && typeof coverage.percent === "number"
      ? { coverage: { percent: coverage.percent, measure: coverage.measure === "statements" ? ("statements" as const) : ("lines" as const), line: String(coverage.line ?? "") } }
      : {}),
    tokens,
    ...(tokens.input > 0 ? { cacheShare: tokens.cacheRead / tokens.input } : {}),
    cost: {
      usd: sumUsd(ledger),
      byRole: groupBy(ledger, (row) => row.role).map(([role, rows]) => ({ role, usd: sumUsd(rows), calls: rows.length })),
      byModel: groupBy(ledger, (row) => row.model).map(([model, rows]) => ({ model, usd: sumUsd(rows), calls: rows.length })),
      byRoleAndModel: groupBy(ledger, (row) => `${row.role}\u0000${row.model}`).map(([key, rows]) => {
        const [role = "", model = ""] = key.split("\u0000");
        return { role, model, usd: sumUsd(rows), calls: rows.length };
      }),
    },
    wallMs: Math.max(0, end - Date.parse(mission.createdAt)),
    waiting: waitingTime(mission, events, end),
  };
}

/** Intervals spent in each status that waits for people, from the timeline's status changes (the first status is `planning`). */
function waitingTime(mission: Mission, events: ReportEvent[], end: number): MissionReport["waiting"] {
  const waiting = { totalMs: 0, approvalMs: 0, answersMs: 0, pausedMs: 0, blockedMs: 0 };
  const changes = events.filter((event) => event.kind === "status-change").sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  let status = changes.length > 0 ? String(changes[0]!.data.from) : mission.status;
  let since = Date.parse(mission.createdAt);
  const close = (until: number) => {
    const key = WAITING[status];
    const ms = Math.max(0, Math.min(until, end) - since);
    if (key) {
      waiting[key] += ms;
      waiting.totalMs += ms;
    }
  };
  for (const change of changes) {
    const at = Date.parse(change.at);
    close(at);
    status = String(change.data.to);
    since = Math.max(since, at);
  }
  close(end);
  return waiting;
}

function diffStats(data: Record<string, unknown>): DiffStats & { testShare: number } {
  const number = (value: unknown) => (typeof value === "number" && Number.isFinite(value) ? value : 0);
  const added = number(data.added);
  const testAdded = number(data.testAdded);
  return { added, deleted: number(data.deleted), testAdded, files: number(data.files), testShare: added > 0 ? testAdded / added : 0 };
}

function sumUsd(rows: LedgerRow[]): number {
  // In whole micro-dollars, as the ledger's totals are: the report agrees with the control comment to the cent.
  return rows.reduce((sum, row) => sum + Math.round(row.usd * 1_000_000), 0) / 1_000_000;
}

function groupBy<T>(rows: T[], key: (row: T) => string): Array<[string, T[]]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) groups.set(key(row), [...(groups.get(key(row)) ?? []), row]);
  return [...groups];
}

// Test files by the conventions of common languages: a test folder, or a test suffix or prefix.
const TEST_FOLDER = /(^|\/)(tests?|__tests__|specs?|e2e|testing)\//i;
const TEST_FILE = /(\.(test|spec)\.[^./]+$)|(_(test|spec)\.[^./]+$)|((^|\/)test_[^/]+\.py$)|(Tests?\.(java|kt|cs|swift|scala)$)/;

/** Whether a path holds test code. */
export function isTestPath(path: string): boolean {
  return TEST_FOLDER.test(path) || TEST_FILE.test(path);
}

/** The lines of `git diff --numstat` summed: binary files (`-`) add no lines; a rename counts at its new path. */
export function countDiff(numstat: string): DiffStats {
  const stats: DiffStats = { added: 0, deleted: 0, testAdded: 0, files: 0 };
  for (const line of numstat.split("\n")) {
    const match = /^(\d+|-)\t(\d+|-)\t(.+)$/.exec(line);
    if (!match) continue;
    const added = match[1] === "-" ? 0 : Number(match[1]);
    // "old => new" and "dir/{old => new}/file": the path as it is now.
    const path = match[3]!.replace(/\{[^{}]* => ([^{}]*)\}/, "$1").replace(/^.* => /, "").replace(/\/\//g, "/");
    stats.files++;
    stats.added += added;
    stats.deleted += match[2] === "-" ? 0 : Number(match[2]);
    if (isTestPath(path)) stats.testAdded += added;
  }
  return stats;
}

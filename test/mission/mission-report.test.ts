import { describe, expect, it } from "vitest";
import { buildMissionReport, countDiff, isTestPath, renderPullBody, type LedgerRow, type ReportEvent } from "../../src/mission/index.ts";
import { renderMissionReport } from "../../src/control/dashboard/render-mission-report.ts";
import { runningMission } from "./fixtures.ts";

const row = (role: string, model: string, input: number, read: number, write: number, output: number, usd: number): LedgerRow => ({
  role,
  model,
  inputTokens: input,
  cacheReadTokens: read,
  cacheWriteTokens: write,
  outputTokens: output,
  usd,
});
const event = (kind: string, at: string, data: Record<string, unknown> = {}): ReportEvent => ({ kind, at: `2026-01-01T${at}:00.000Z`, data });

const finished = runningMission({
  createdAt: "2026-01-01T09:00:00.000Z",
  finishedAt: "2026-01-01T13:00:00.000Z",
  features: { F1: { status: "done", attempts: 1, commitSha: "a".repeat(40) }, F2: { status: "skipped", attempts: 0 } },
  milestones: { M1: { status: "passed", round: 1 } },
  assertions: { "VAL-A-001": { verdict: "pass" }, "VAL-A-002": { verdict: "skipped" } },
});

const LEDGER = [
  row("orchestrator", "anthropic/claude-opus-4-5", 1_000, 0, 900, 500, 0.1),
  row("worker", "anthropic/claude-sonnet-5-5", 10_000, 8_000, 1_000, 2_000, 0.2),
  row("worker", "anthropic/claude-sonnet-5-5", 12_000, 11_000, 500, 1_000, 0.15),
  row("scrutiny", "openai/gpt-5", 3_000, 1_000, 0, 300, 0.05),
];

const EVENTS = [
  event("status-change", "09:10", { from: "planning", to: "awaiting-approval" }),
  event("status-change", "10:10", { from: "awaiting-approval", to: "running" }),
  event("agent-run", "09:05", { role: "orchestrator" }),
  event("agent-run", "10:20", { role: "worker", feature: "F1" }),
  event("agent-run", "10:40", { role: "scrutiny" }),
  event("agent-run", "10:41", { role: "reviewer", feature: "F1" }),
  event("step-end", "11:00", { kind: "plan-repair", milestoneId: "M1" }),
  event("agent-run", "11:00", { role: "orchestrator" }),
  event("agent-run", "11:10", { role: "worker", feature: "F3" }),
  event("status-change", "11:30", { from: "running", to: "paused" }),
  event("status-change", "12:00", { from: "paused", to: "running" }),
  event("coverage-report", "12:20", { milestone: "M1", percent: 80, measure: "lines", line: "Lines : 80% ( 8/10 )" }),
  event("coverage-report", "12:30", { milestone: "M1", percent: 85.5, measure: "lines", line: "Lines : 85.5%" }),
  event("diff-stats", "12:59", { added: 120, deleted: 7, testAdded: 30, files: 5 }),
];

describe("the mission report", () => {
  const report = buildMissionReport(finished, LEDGER, EVENTS, new Date("2026-01-02T00:00:00.000Z"));

  it("counts features, assertions and repair rounds per milestone", () => {
    expect(report.features).toEqual({ done: 1, skipped: 1, total: 2 });
    expect(report.assertions).toEqual({ passed: 1, skipped: 1, failed: 0, pending: 0, total: 2 });
    expect(report.repairRounds).toEqual([{ milestoneId: "M1", title: "First", rounds: 1 }]);
  });

  it("counts agent runs by role against the plan's estimate", () => {
    expect(report.runs.total).toBe(6);
    expect(report.runs.expected).toEqual({ low: 6, high: 10 });
    expect(report.runs.byRole).toEqual([
      { role: "orchestrator", runs: 2, expected: 1 },
      { role: "worker", runs: 2, expected: 2 },
      { role: "reviewer", runs: 1, expected: 2 },
      { role: "scrutiny", runs: 1, expected: 1 },
    ]);
  });

  it("sums tokens by kind, the cache share and the cost by role and model from the ledger", () => {
    expect(report.tokens).toEqual({ input: 26_000, cacheRead: 20_000, cacheWrite: 2_400, uncached: 3_600, output: 3_800 });
    expect(report.cacheShare).toBeCloseTo(20_000 / 26_000);
    expect(report.cost.usd).toBe(0.5);
    expect(report.cost.byRole).toEqual([
      { role: "orchestrator", usd: 0.1, calls: 1 },
      { role: "worker", usd: 0.35, calls: 2 },
      { role: "scrutiny", usd: 0.05, calls: 1 },
    ]);
    expect(report.cost.byModel.map((entry) => [entry.model, entry.usd])).toEqual([
      ["anthropic/claude-opus-4-5", 0.1],
      ["anthropic/claude-sonnet-5-5", 0.35],
      ["openai/gpt-5", 0.05],
    ]);
  });

  it("takes the latest coverage and diff measurement, with the share of test code", () => {
    expect(report.coverage).toEqual({ percent: 85.5, measure: "lines", line: "Lines : 85.5%" });
    expect(report.lines).toEqual({ added: 120, deleted: 7, testAdded: 30, files: 5, testShare: 0.25 });
  });

  it("measures wall time to the finish and the time spent waiting for people", () => {
    expect(report.wallMs).toBe(4 * 3_600_000);
    expect(report.waiting).toEqual({ totalMs: 90 * 60_000, approvalMs: 60 * 60_000, answersMs: 0, pausedMs: 30 * 60_000, blockedMs: 0 });
  });

  it("says what was not measured", () => {
    const bare = buildMissionReport(finished, [], [], new Date("2026-01-02T00:00:00.000Z"));
    expect(bare.lines).toBeUndefined();
    expect(bare.coverage).toBeUndefined();
    expect(bare.cacheShare).toBeUndefined();
    const body = renderPullBody(finished, { report: bare });
    expect(body).toContain("| Lines | not measured |");
    expect(body).toContain("| Coverage | not reported by the test command |");
  });

  it("is in the pull request body, short", () => {
    const body = renderPullBody(finished, { report });
    expect(body).toContain("## Mission report");
    expect(body).toContain("| Repair rounds | M1: 1 |");
    expect(body).toContain("| Agent runs | 6 (estimated 6–10): orchestrator 2, worker 2, reviewer 1, scrutiny 1 |");
    expect(body).toContain("| Lines | 120 added, 7 removed in 5 files; 25.0% of the added lines are test code |");
    expect(body).toContain("| Coverage | 85.5% of lines, as the test command reports it |");
    expect(body).toContain("| Tokens | 26,000 input (20,000 cache read, 2,400 cache write, 3,600 uncached), 76.9% of it read from the cache; 3,800 output |");
    expect(body).toContain("| Cost | $0.50 (orchestrator $0.10, worker $0.35, scrutiny $0.05) |");
    expect(body).toContain("| Time | 4h 0m, of which 1h 30m waiting for people |");
  });

  it("is on the dashboard in full once the mission ended, every name escaped", () => {
    const hostile = [...LEDGER, row("<script>alert(1)</script>", "evil/<img src=x onerror=alert(1)>", 10, 0, 0, 1, 0.01)];
    const events = [...EVENTS, event("coverage-report", "12:40", { percent: 50, measure: "lines", line: "<b>Lines : 50%</b>" })];
    const html = String(renderMissionReport({ mission: finished, usage: hostile as never, events: events as never, now: new Date("2026-01-02T00:00:00.000Z") }));
    expect(html).toContain('data-report="finished"');
    expect(html).toContain('<tr data-figure="runs"><th scope="row">Agent runs</th><td>6 (estimated 6–10)</td></tr>');
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).toContain("evil/&lt;img src=x onerror=alert(1)&gt;");
    expect(html).toContain("&lt;b&gt;Lines : 50%&lt;/b&gt;");
    expect(html).not.toMatch(/<script|<img|<b>/);
    // Before the mission ends there is no report.
    expect(String(renderMissionReport({ mission: { ...finished, finishedAt: undefined }, usage: [], events: [], now: new Date() }))).toBe("");
  });
});

describe("lines of a branch's diff", () => {
  it("tells test code from the rest by the conventions of common languages", () => {
    for (const path of ["test/a.ts", "src/__tests__/b.js", "pkg/x_test.go", "tests/test_api.py", "app/models/user.spec.ts", "spec/user_spec.rb", "src/test/java/AppTest.java", "e2e/login.ts"]) {
      expect(isTestPath(path), path).toBe(true);
    }
    for (const path of ["src/app.ts", "README.md", "src/contest.ts", "testing.md", "src/attest/x.ts"]) expect(isTestPath(path), path).toBe(false);
  });

  it("sums git's numstat, counting binary files as no lines and renames at their new path", () => {
    const numstat = ["10\t2\tsrc/app.ts", "5\t0\ttest/app.test.ts", "-\t-\tlogo.png", "3\t1\tsrc/{old => test}/moved.ts", ""].join("\n");
    expect(countDiff(numstat)).toEqual({ added: 18, deleted: 3, testAdded: 8, files: 4 });
  });
});

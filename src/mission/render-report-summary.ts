import { escapeCell } from "./markdown.ts";
import type { MissionReport } from "./mission-report.ts";
import { formatDuration } from "./render-pull-body.ts";

export function count(value: number): string {
  return value.toLocaleString("en-US");
}

export function percent(share: number): string {
  return `${(Math.round(share * 1000) / 10).toFixed(1)}%`;
}

/** The mission report in short, for the pull request body (the dashboard shows it in full). */
export function renderReportSummary(report: MissionReport): string[] {
  const repairs = report.repairRounds.filter((milestone) => milestone.rounds > 0);
  const { expected } = report.runs;
  const roles = report.runs.byRole.filter((row) => row.runs > 0).map((row) => `${escapeCell(row.role)} ${row.runs}`);
  const lines = report.lines
    ? `${count(report.lines.added)} added, ${count(report.lines.deleted)} removed in ${count(report.lines.files)} files; ${percent(report.lines.testShare)} of the added lines are test code`
    : "not measured";
  const coverage = report.coverage ? `${report.coverage.percent}% of ${report.coverage.measure}, as the test command reports it` : "not reported by the test command";
  const { tokens } = report;
  const cacheShare = report.cacheShare !== undefined ? `, ${percent(report.cacheShare)} of it read from the cache` : "";
  const byRole = report.cost.byRole.map((row) => `${escapeCell(row.role)} $${row.usd.toFixed(2)}`).join(", ");
  return [
    "## Mission report",
    "",
    "| | |",
    "|---|---|",
    `| Features | ${report.features.done} done, ${report.features.skipped} skipped, of ${report.features.total} |`,
    `| Assertions | ${report.assertions.passed} passed, ${report.assertions.skipped} skipped, of ${report.assertions.total} |`,
    `| Repair rounds | ${repairs.length > 0 ? repairs.map((milestone) => `${escapeCell(milestone.milestoneId)}: ${milestone.rounds}`).join(", ") : "none"} |`,
    `| Agent runs | ${report.runs.total} (estimated ${expected.low}–${expected.high})${roles.length > 0 ? `: ${roles.join(", ")}` : ""} |`,
    `| Lines | ${lines} |`,
    `| Coverage | ${coverage} |`,
    `| Tokens | ${count(tokens.input)} input (${count(tokens.cacheRead)} cache read, ${count(tokens.cacheWrite)} cache write, ${count(tokens.uncached)} uncached)${cacheShare}; ${count(tokens.output)} output |`,
    `| Cost | $${report.cost.usd.toFixed(2)}${byRole ? ` (${byRole})` : ""} |`,
    `| Time | ${formatDuration(report.wallMs)}, of which ${formatDuration(report.waiting.totalMs)} waiting for people |`,
  ];
}

import { buildMissionReport, formatDuration, isTerminal, type Mission, type MissionReport } from "../../mission/index.ts";
import type { MissionEvent, UsageEntry } from "../../store/index.ts";
import { html, type Html } from "./html.ts";

export interface MissionReportView {
  mission: Mission;
  events: MissionEvent[];
  usage: UsageEntry[];
  now: Date;
}

/** The mission report in full, once the mission has ended; empty before. Every figure and name is escaped. */
export function renderMissionReport(view: MissionReportView): Html | "" {
  if (!view.mission.finishedAt && !isTerminal(view.mission.status)) return "";
  return renderReport(buildMissionReport(view.mission, view.usage, view.events, view.now));
}

const count = (value: number) => value.toLocaleString("en-US");
const share = (value: number) => `${(Math.round(value * 1000) / 10).toFixed(1)}%`;
const usd = (value: number) => `$${value.toFixed(4)}`;

function table(head: string[], rows: string[][], attribute: string): Html {
  const th = head.map((cell) => html`<th>${cell}</th>`);
  const body = rows.map((row) => html`<tr>${row.map((cell) => html`<td>${cell}</td>`)}</tr>`);
  return html`<div class="table-wrap"><table data-report-table="${attribute}"><thead><tr>${th}</tr></thead><tbody>${body}</tbody></table></div>`;
}

export function renderReport(report: MissionReport): Html {
  const figure = (name: string, label: string, value: string) => html`<tr data-figure="${name}"><th scope="row">${label}</th><td>${value}</td></tr>`;
  const { tokens, waiting } = report;
  const summary = [
    figure("features", "Features", `${report.features.done} done, ${report.features.skipped} skipped, of ${report.features.total}`),
    figure("assertions", "Assertions", `${report.assertions.passed} passed, ${report.assertions.skipped} skipped, ${report.assertions.failed} failed, of ${report.assertions.total}`),
    figure("runs", "Agent runs", `${report.runs.total} (estimated ${report.runs.expected.low}–${report.runs.expected.high})`),
    figure(
      "lines",
      "Lines",
      report.lines
        ? `${count(report.lines.added)} added, ${count(report.lines.deleted)} removed in ${count(report.lines.files)} files; ${count(report.lines.testAdded)} of the added (${share(report.lines.testShare)}) are test code`
        : "not measured",
    ),
    figure("coverage", "Coverage", report.coverage ? `${report.coverage.percent}% of ${report.coverage.measure} (“${report.coverage.line}”)` : "not reported by the test command"),
    figure("cache-share", "Read from cache", report.cacheShare !== undefined ? `${share(report.cacheShare)} of input tokens` : "—"),
    figure("cost", "Cost", usd(report.cost.usd)),
    figure("wall-time", "Wall time", formatDuration(report.wallMs)),
    figure(
      "waiting",
      "Waiting for people",
      `${formatDuration(waiting.totalMs)} (approval ${formatDuration(waiting.approvalMs)}, answers ${formatDuration(waiting.answersMs)}, paused ${formatDuration(waiting.pausedMs)}, blocked ${formatDuration(waiting.blockedMs)})`,
    ),
  ];
  const tokenRows = [
    ["input (all)", count(tokens.input)],
    ["cache read", count(tokens.cacheRead)],
    ["cache write", count(tokens.cacheWrite)],
    ["uncached input", count(tokens.uncached)],
    ["output", count(tokens.output)],
  ];
  return html`<section aria-label="mission report" data-report="${report.finished ? "finished" : "ended"}">
<h2>Mission report</h2>
<div class="table-wrap"><table data-report-table="summary"><tbody>${summary}</tbody></table></div>
<div class="grid-2"><section><h3>Agent runs by role</h3>${table(["Role", "Runs", "Estimated"], report.runs.byRole.map((row) => [row.role, String(row.runs), String(row.expected)]), "runs")}</section>
<section><h3>Repair rounds</h3>${table(["Milestone", "Rounds"], report.repairRounds.map((row) => [`${row.milestoneId} — ${row.title}`, String(row.rounds)]), "repairs")}</section></div>
<div class="grid-2"><section><h3>Tokens by kind</h3>${table(["Kind", "Tokens"], tokenRows, "tokens")}</section>
<section><h3>Cost by role and model</h3>${table(["Role", "Model", "Calls", "Cost"], report.cost.byRoleAndModel.map((row) => [row.role, row.model, String(row.calls), usd(row.usd)]), "cost")}</section></div>
</section>`;
}

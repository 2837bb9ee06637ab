import { closes, defuseMarkers, escapeCell } from "./markdown.ts";
import { skippedBy, type Mission } from "./mission.ts";
import type { MissionReport } from "./mission-report.ts";
import { allFeatures, approvedPlan } from "./plan-features.ts";
import { renderReportSummary } from "./render-report-summary.ts";

const VERDICT = { pass: "✅ pass", fail: "❌ fail", pending: "⏳ pending", skipped: "⏭️ skipped — not verified" } as const;

/** The pull request body: the contract with every assertion's verdict, evidence and commit. */
export function renderPullBody(mission: Mission, links: { checkRunsUrl?: string; costUsd?: number; githubWebUrl?: string; report?: MissionReport; dashboardUrl?: string } = {}): string {
  const runUrl = (id: number) => `${links.githubWebUrl ?? "https://github.com"}/${mission.repo.owner}/${mission.repo.name}/runs/${id}`;
  const plan = approvedPlan(mission);
  if (!plan) return `Mission for #${mission.issue.number}.`;
  const lines = [
    `${closes(mission.issue.number)}.`,
    "",
    defuseMarkers(plan.summary),
    "",
    `## Validation contract v${mission.approvedVersion}`,
  ];
  for (const milestone of plan.milestones) {
    lines.push("", `### ${milestone.id} — ${escapeCell(milestone.title)}`, "", "| Assertion | Verdict | Evidence | Commit |", "|---|---|---|---|");
    for (const assertion of plan.assertions.filter((a) => a.milestoneId === milestone.id)) {
      const state = mission.assertions[assertion.id] ?? { verdict: "pending" as const };
      const evidence = state.skipped ? `skipped by ${skippedBy(state.skipped)}: ${state.skipped.reason}` : (state.evidence ?? "");
      lines.push(
        `| \`${assertion.id}\` ${escapeCell(assertion.statement)} | ${VERDICT[state.verdict]} | ${escapeCell(evidence)}${"checkRunId" in state && state.checkRunId ? ` ([check run](${runUrl(state.checkRunId)}))` : ""} | ${state.commitSha ? state.commitSha.slice(0, 7) : ""} |`,
      );
    }
  }
  const notVerified = plan.assertions.filter((assertion) => mission.assertions[assertion.id]?.verdict === "skipped");
  if (notVerified.length > 0) {
    lines.push("", "## ⚠️ Not verified", "", "These assertions were skipped and no validator checked them:", "");
    for (const assertion of notVerified) {
      const skipped = mission.assertions[assertion.id]!.skipped;
      lines.push(`- \`${assertion.id}\` ${escapeCell(assertion.statement)}${skipped ? ` — skipped by ${escapeCell(skippedBy(skipped))}: ${escapeCell(skipped.reason)}` : ""}`);
    }
  }
  lines.push("", "## Features", "");
  for (const feature of allFeatures(mission)) {
    const state = mission.features[feature.id];
    const mark = state?.status === "done" ? "✅" : state?.status === "skipped" ? "⏭️" : "⏳";
    const skipped = state?.status === "skipped" && state.skipped ? ` — skipped by ${escapeCell(skippedBy(state.skipped))}: ${escapeCell(state.skipped.reason)}` : "";
    lines.push(`- ${mark} **${feature.id}** ${escapeCell(feature.title)}${state?.commitSha ? ` — ${state.commitSha.slice(0, 7)}` : ""}${skipped}`);
  }
  if (links.report) lines.push("", ...renderReportSummary(links.report));
  const started = Date.parse(mission.createdAt);
  const ended = Date.parse(mission.finishedAt ?? mission.updatedAt);
  const cost = links.costUsd !== undefined ? ` Model cost: $${links.costUsd.toFixed(2)}.` : "";
  lines.push("", `Duration: ${formatDuration(ended - started)}.${cost}${links.checkRunsUrl ? ` [Check runs](${links.checkRunsUrl})` : ""}`);
  // The mission's live page: progress, the validators' findings, the spend.
  if (links.dashboardUrl) lines.push("", `[Mission dashboard](${links.dashboardUrl})`);
  return lines.join("\n");
}

export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h ${minutes % 60}m`;
  return `${Math.floor(hours / 24)}d ${hours % 24}h`;
}

import { allFeatures, approvedPlan, formatDuration, latestContract, missionProgress, type Mission } from "../../mission/index.ts";
import type { MissionEvent, UsageEntry } from "../../store/index.ts";
import { describeCheckpoint } from "../render-control.ts";
import { escapeHtml, money, progress, tokens } from "./html.ts";
import { renderChart } from "./render-chart.ts";
import { renderMissionReport } from "./render-mission-report.ts";

export interface MissionView {
  mission: Mission;
  events: MissionEvent[];
  usage: UsageEntry[];
  /** GitHub's web address for the mission's repository. */
  repositoryUrl: string;
  now: Date;
}

const TIMELINE_LIMIT = 200;

/** The live part of `/missions/<id>`: re-rendered on the server and swapped in when the mission changes. */
export function renderMissionLive(view: MissionView): string {
  const { mission } = view;
  return [renderSummary(view), renderMissionReport(view), renderCharts(view), renderFeatures(view), renderAssertions(mission), renderFindings(view), renderTimeline(view)].join("\n");
}

/** The page around the live part, with the script that keeps it live (server-sent events). */
export function renderMissionPage(view: MissionView): { title: string; body: string; script: string } {
  const { mission } = view;
  const title = `#${mission.issue.number} ${mission.issue.title}`;
  const body = `<p class="small muted"><a href="/missions">All missions</a> · <a href="${escapeHtml(`${view.repositoryUrl}/issues/${mission.issue.number}`)}" rel="noreferrer">issue on GitHub</a> · <span class="live" id="live-state">live</span></p>
<h1>${escapeHtml(title)} <span class="muted small">${escapeHtml(`${mission.repo.owner}/${mission.repo.name}`)}</span></h1>
<div id="live">${renderMissionLive(view)}</div>`;
  return { title, body, script: LIVE_SCRIPT };
}

// EventSource reconnects by itself; each update carries the whole live part, rendered and escaped on the server.
const LIVE_SCRIPT = `
(() => {
  const state = document.getElementById("live-state");
  const source = new EventSource(location.pathname + "/events");
  source.addEventListener("update", (event) => {
    document.getElementById("live").innerHTML = JSON.parse(event.data).html;
    state.textContent = "live · updated " + new Date().toLocaleTimeString();
  });
  source.addEventListener("open", () => { state.textContent = "live"; });
  source.addEventListener("error", () => { state.textContent = "reconnecting…"; });
})();
`;

function renderSummary(view: MissionView): string {
  const { mission, usage, now } = view;
  const counts = missionProgress(mission);
  // Summed in whole micro-dollars, as the ledger's totals are: the page agrees with the control comment to the cent.
  const spent = usage.reduce((sum, entry) => sum + Math.round(entry.usd * 1_000_000), 0) / 1_000_000;
  const input = usage.reduce((sum, entry) => sum + entry.inputTokens, 0);
  const output = usage.reduce((sum, entry) => sum + entry.outputTokens, 0);
  const cached = usage.reduce((sum, entry) => sum + entry.cacheReadTokens, 0);
  const end = mission.finishedAt ? Date.parse(mission.finishedAt) : now.getTime();
  const cap = mission.settings.budgetUsd;
  const links = [
    mission.branch ? `<a href="${escapeHtml(`${view.repositoryUrl}/tree/${mission.branch}`)}" rel="noreferrer">branch <code>${escapeHtml(mission.branch)}</code></a>` : "",
    mission.pr ? `<a href="${escapeHtml(`${view.repositoryUrl}/pull/${mission.pr.number}`)}" rel="noreferrer">pull request #${mission.pr.number}</a>${mission.pr.ready ? " (ready)" : " (draft)"}` : "",
  ].filter(Boolean);
  const card = (label: string, value: string, attribute = "") => `<div class="card"${attribute}><div class="label">${label}</div><div class="value">${value}</div></div>`;
  return `<section aria-label="summary">
<p><span class="status status-${escapeHtml(mission.status)}" data-status="${escapeHtml(mission.status)}">${escapeHtml(mission.status)}</span>${mission.reason ? ` <span class="muted">${escapeHtml(mission.reason)}</span>` : ""}</p>
<div class="cards">
${card("Features done", progress(counts.featuresDone, counts.featuresTotal, "features done"), ' data-card="features"')}
${card("Assertions passed", progress(counts.assertionsPassed, counts.assertionsTotal, "assertions passed"), ' data-card="assertions"')}
${card("Spent", `${money(spent)}${cap !== undefined ? ` <span class="muted small">of ${money(cap)}</span>` : ""}`, ' data-card="spent"')}
${card("Tokens", `${tokens(input)} in · ${tokens(output)} out`)}
${card("Read from cache", input > 0 ? `${Math.round((cached / input) * 100)}%` : "—")}
${card("Elapsed", formatDuration(end - Date.parse(mission.createdAt)))}
</div>
${links.length > 0 ? `<p class="small">${links.join(" · ")}</p>` : ""}
</section>`;
}

function renderCharts(view: MissionView): string {
  const { mission, usage, now } = view;
  const start = Date.parse(mission.createdAt);
  const end = Math.max(mission.finishedAt ? Date.parse(mission.finishedAt) : now.getTime(), ...usage.map((entry) => Date.parse(entry.at)), start + 1);
  let spentMicros = 0;
  let input = 0;
  let output = 0;
  let cached = 0;
  const spend: Array<[number, number]> = [];
  const inputs: Array<[number, number]> = [];
  const outputs: Array<[number, number]> = [];
  const reads: Array<[number, number]> = [];
  for (const entry of usage) {
    const at = Date.parse(entry.at);
    spentMicros += Math.round(entry.usd * 1_000_000);
    spend.push([at, spentMicros / 1_000_000]);
    inputs.push([at, (input += entry.inputTokens)]);
    outputs.push([at, (output += entry.outputTokens)]);
    reads.push([at, (cached += entry.cacheReadTokens)]);
  }
  const cap = mission.settings.budgetUsd;
  const burn = renderChart({
    id: "budget-burn",
    title: `Budget burn: ${money(spentMicros / 1_000_000)} spent${cap !== undefined ? ` of ${money(cap)}` : ""}`,
    start,
    end,
    series: [{ name: "spent (USD)", className: "spend", points: spend }],
    ...(cap !== undefined ? { cap: { value: cap, label: `budget cap ${money(cap)}` } } : {}),
    format: (value) => money(value),
  });
  const tokenChart = renderChart({
    id: "tokens",
    title: `Tokens: ${tokens(input)} in, ${tokens(output)} out, ${tokens(cached)} read from cache`,
    start,
    end,
    series: [
      { name: "input tokens", className: "input", points: inputs },
      { name: "read from cache", className: "cached", points: reads },
      { name: "output tokens", className: "output", points: outputs },
    ],
    format: (value) => tokens(Math.round(value)),
  });
  return `<div class="grid-2"><section><h2>Budget burn</h2>${burn}</section><section><h2>Tokens</h2>${tokenChart}</section></div>`;
}

function renderFeatures(view: MissionView): string {
  const { mission } = view;
  const features = mission.approvedVersion !== undefined ? allFeatures(mission) : (latestContract(mission)?.plan.features ?? []);
  if (features.length === 0) return `<section><h2>Features</h2><p class="muted">No plan yet.</p></section>`;
  const rows = features.map((feature) => {
    const state = mission.features[feature.id];
    const handoff = state?.handoff;
    const detail = handoff
      ? `<strong>${escapeHtml(handoff.status)}</strong>: ${escapeHtml(handoff.summary)}${handoff.leftUndone.length > 0 ? `<br><span class="muted">left undone: ${escapeHtml(handoff.leftUndone.join("; "))}</span>` : ""}${handoff.issuesDiscovered.length > 0 ? `<br><span class="muted">found: ${escapeHtml(handoff.issuesDiscovered.join("; "))}</span>` : ""}`
      : `<span class="muted">—</span>`;
    return `<tr data-feature="${escapeHtml(feature.id)}"><td>${escapeHtml(feature.id)}</td><td>${escapeHtml(feature.title)}<div class="muted small">${escapeHtml(feature.milestoneId)}${state?.commitSha ? ` · <code>${escapeHtml(state.commitSha.slice(0, 7))}</code>` : ""}</div></td><td><span class="status status-${state?.status === "done" ? "done" : "pending"}">${escapeHtml(state?.status ?? "pending")}</span>${renderCheckpoint(state, view.repositoryUrl)}</td><td>${detail}</td></tr>`;
  });
  return `<section><h2>Features</h2><div class="table-wrap"><table><thead><tr><th>Id</th><th>Feature</th><th>Status</th><th>Handoff</th></tr></thead><tbody>${rows.join("")}</tbody></table></div></section>`;
}

/** A pending feature continuing from a checkpoint commit (its worker ran out of turns or time). */
function renderCheckpoint(state: Mission["features"][string] | undefined, repositoryUrl: string): string {
  if (state?.status !== "pending" || !state.checkpoint) return "";
  const { sha } = state.checkpoint;
  return `<div class="muted small" data-checkpoint="${state.checkpoint.count}">${escapeHtml(describeCheckpoint(state.checkpoint))} · <a href="${escapeHtml(`${repositoryUrl}/commit/${sha}`)}" rel="noreferrer"><code>${escapeHtml(sha.slice(0, 7))}</code></a></div>`;
}

function renderAssertions(mission: Mission): string {
  const plan = approvedPlan(mission) ?? latestContract(mission)?.plan;
  if (!plan) return "";
  const rows = plan.assertions.map((assertion) => {
    const state = mission.assertions[assertion.id];
    const verdict = state?.verdict ?? "pending";
    return `<tr data-assertion="${escapeHtml(assertion.id)}"><td><code>${escapeHtml(assertion.id)}</code></td><td>${escapeHtml(assertion.statement)}<div class="muted small">${escapeHtml(assertion.verification)}</div></td><td class="verdict-${escapeHtml(verdict)}" data-verdict="${escapeHtml(verdict)}">${escapeHtml(verdict)}</td><td>${escapeHtml(state?.evidence ?? "")}</td></tr>`;
  });
  return `<section><h2>Assertions</h2><div class="table-wrap"><table><thead><tr><th>Id</th><th>Statement</th><th>Verdict</th><th>Evidence</th></tr></thead><tbody>${rows.join("")}</tbody></table></div></section>`;
}

function renderFindings(view: MissionView): string {
  const { mission } = view;
  const findings: string[] = [];
  for (const [id, state] of Object.entries(mission.assertions)) {
    if (state.verdict === "fail") findings.push(`<li><code>${escapeHtml(id)}</code> failed: ${escapeHtml(state.evidence ?? "")}</li>`);
  }
  for (const event of view.events.filter((candidate) => candidate.kind === "validation-end")) {
    const problems = Array.isArray(event.data.problems) ? (event.data.problems as unknown[]) : [];
    for (const problem of problems) findings.push(`<li><span class="muted">${escapeHtml(String(event.data.milestone))}:</span> ${escapeHtml(problem)}</li>`);
  }
  for (const [id, state] of Object.entries(mission.milestones)) {
    if (state.checkRunId !== undefined) {
      findings.push(`<li class="muted">${escapeHtml(id)}: ${escapeHtml(state.status)} · <a href="${escapeHtml(`${view.repositoryUrl}/runs/${state.checkRunId}`)}" rel="noreferrer">check run</a></li>`);
    }
  }
  return `<section><h2>Validator findings</h2>${findings.length > 0 ? `<ul>${findings.join("")}</ul>` : `<p class="muted">Nothing found so far.</p>`}</section>`;
}

function renderTimeline(view: MissionView): string {
  const items: string[] = [];
  let toolRun: { feature: string; at: string; tools: Map<string, number>; errors: number } | undefined;
  const closeToolRun = () => {
    if (!toolRun) return;
    // Tool names come from the model (it may call tools that do not exist): escaped like any text.
    const tools = [...toolRun.tools].map(([name, count]) => `${escapeHtml(name.slice(0, 64))} ×${count}`).join(", ");
    items.push(item(toolRun.at, `worker on ${escapeHtml(toolRun.feature)}: ${[...toolRun.tools.values()].reduce((a, b) => a + b, 0)} tool calls (${tools})${toolRun.errors ? `, ${toolRun.errors} failed` : ""}`));
    toolRun = undefined;
  };
  // A finished step is one line ("finished X in 2s"); only the step in flight shows its start.
  const lastEnd = view.events.findLastIndex((event) => event.kind === "step-end" || event.kind === "step-fail");
  for (const [index, event] of view.events.entries()) {
    const data = event.data;
    if (event.kind === "step-start" && index < lastEnd) continue;
    if (event.kind === "tool-call") {
      const feature = String(data.feature ?? "?");
      if (toolRun?.feature !== feature) closeToolRun();
      toolRun ??= { feature, at: event.at, tools: new Map(), errors: 0 };
      const tool = String(data.tool ?? "tool");
      toolRun.tools.set(tool, (toolRun.tools.get(tool) ?? 0) + 1);
      if (data.isError) toolRun.errors++;
      continue;
    }
    closeToolRun();
    const text = describeEvent(event);
    if (text) items.push(item(event.at, text));
  }
  closeToolRun();
  const shown = items.slice(-TIMELINE_LIMIT).reverse();
  return `<section><h2>Timeline</h2>${shown.length > 0 ? `<ol class="timeline">${shown.join("")}</ol>` : `<p class="muted">Nothing yet.</p>`}${items.length > TIMELINE_LIMIT ? `<p class="muted small">Older events are not shown.</p>` : ""}</section>`;
}

function item(at: string, html: string): string {
  return `<li><time datetime="${escapeHtml(at)}">${escapeHtml(at.slice(11, 19))}</time>${html}</li>`;
}

function describeEvent(event: MissionEvent): string | undefined {
  const data = event.data;
  const step = describeStep(data);
  switch (event.kind) {
    case "step-start":
      return `started ${step}`;
    case "step-end":
      return `finished ${step} <span class="muted">in ${escapeHtml(formatDuration(Number(data.ms ?? 0)))}</span>`;
    case "step-fail":
      return `<span class="verdict-fail">failed</span> ${step}: ${escapeHtml(String(data.message ?? "").slice(0, 300))}`;
    case "intent-apply":
      return `<strong>/mission ${escapeHtml(data.verb)}</strong> by ${escapeHtml(data.author)}`;
    case "handoff-submit":
      return `handoff of ${escapeHtml(data.feature)} (${escapeHtml(data.status)}): ${escapeHtml(String(data.summary ?? "").slice(0, 400))}`;
    case "validation-end":
      return `validation of ${escapeHtml(data.milestone)}: ${data.passed ? `<span class="verdict-pass">passed</span>` : `<span class="verdict-fail">failed</span>`}`;
    default:
      return escapeHtml(event.kind);
  }
}

function describeStep(data: Record<string, unknown>): string {
  const target = data.featureId ?? data.milestoneId;
  return `<strong>${escapeHtml(data.kind ?? "step")}</strong>${target ? ` ${escapeHtml(target)}` : ""}`;
}

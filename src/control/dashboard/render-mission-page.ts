import { allFeatures, approvedPlan, describeStep, formatDuration, latestContract, missionProgress, validatorOf, type Mission } from "../../mission/index.ts";
import type { MissionEvent, UsageEntry } from "../../store/index.ts";
import { describeCheckpoint } from "../render-control.ts";
import { renderText } from "./evidence.ts";
import { fineMoney, html, money, progress, tokens, type Html } from "./html.ts";
import { describeNow, type NowState } from "./now.ts";
import { renderChart } from "./render-chart.ts";
import { renderMissionReport } from "./render-mission-report.ts";
import { statusPill } from "./render-mission-list.ts";
import { ago, relative, utc } from "./time.ts";

export interface MissionView {
  mission: Mission;
  events: MissionEvent[];
  usage: UsageEntry[];
  /** GitHub's web address for the mission's repository. */
  repositoryUrl: string;
  now: Date;
  /** The mission's next turn waits in the shared queue for a free instance. */
  queued?: boolean;
  /** The user-testing screenshots each assertion's evidence cites, as dashboard addresses. */
  screenshots?: Record<string, string[]>;
  /**
   * REPORT SLOT: the mission report's section (src/mission/mission-report.ts), rendered by its owner and
   * shown after the summary. Undefined: no report section.
   */
  report?: Html;
}

const TIMELINE_LIMIT = 200;

/** The live part of `/missions/<id>`: re-rendered on the server and swapped in when the mission changes. */
export function renderMissionLive(view: MissionView): Html {
  const now = describeNow(view.mission, view.events, `${view.repositoryUrl}/issues/${view.mission.issue.number}`, { queued: view.queued === true });
  return html`${renderSummary(view, now)}
${view.report ?? renderMissionReport(view)}
${renderCharts(view)}
${renderFeatures(view, now)}
${renderAssertions(view)}
${renderFindings(view, now)}
${renderTimeline(view)}`;
}

/** The page around the live part, with the script that keeps it live (server-sent events). */
export function renderMissionPage(view: MissionView): { title: string; body: Html; script: string } {
  const { mission } = view;
  const title = `#${mission.issue.number} ${mission.issue.title}`;
  const body = html`<p class="small muted"><a href="/missions">All missions</a> · <a href="${`${view.repositoryUrl}/issues/${mission.issue.number}`}" rel="noreferrer">issue on GitHub</a> · <span class="live" id="live-state">live</span></p>
<h1>${title} <span class="muted small">${`${mission.repo.owner}/${mission.repo.name}`}</span></h1>
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
    state.textContent = "live · updated " + new Date().toISOString().slice(11, 19) + " UTC";
  });
  source.addEventListener("open", () => { state.textContent = "live"; });
  source.addEventListener("error", () => { state.textContent = "reconnecting…"; });
})();
`;

/** Summed in whole micro-dollars, as the ledger's totals are: the page agrees with the control comment to the cent. */
function spentOf(usage: UsageEntry[]): number {
  return usage.reduce((sum, entry) => sum + Math.round(entry.usd * 1_000_000), 0) / 1_000_000;
}

/** The Now / Needs-you banner: what runs and since when, or the exact action, and who may take it. */
export function renderNow(state: NowState, now: Date): Html {
  const waiting = state.tone === "people" || state.tone === "operator";
  const label = waiting ? (state.tone === "operator" ? "Needs the operator" : "Needs you") : state.tone === "finished" ? "Finished" : state.queued ? "Queued" : "Now";
  const since = state.since ? html` <span class="since">${sinceText(state, state.since, now)}</span>` : "";
  return html`<div class="${`now now-${state.tone}`}" data-now="${state.tone}"${state.queued ? html` data-queued` : ""} role="${waiting ? "alert" : "status"}">
<div class="now-label">${label}</div>
<div class="now-headline">${state.headline}${since}</div>
${state.action ? html`<div class="now-action" data-action>${state.action.what}</div><div class="now-who small" data-who>Who can act: ${state.action.who}</div>` : ""}
</div>`;
}

/** "waiting 3 min (since 13:41 UTC)", "for 12 s (since 13:44 UTC)", "3 h ago": how long, and from when. */
function sinceText(state: NowState, since: string, now: Date): Html {
  if (state.tone === "finished") return ago(since, now);
  const word = state.tone === "active" ? "for" : "waiting";
  return html`${word} <time datetime="${since}" title="${utc(since, true)}">${relative(now.getTime() - Date.parse(since))}</time> (since ${utc(since).slice(11)})`;
}

function renderSummary(view: MissionView, state: NowState): Html {
  const { mission, usage, now } = view;
  const counts = missionProgress(mission);
  const spent = spentOf(usage);
  const input = usage.reduce((sum, entry) => sum + entry.inputTokens, 0);
  const output = usage.reduce((sum, entry) => sum + entry.outputTokens, 0);
  const cached = usage.reduce((sum, entry) => sum + entry.cacheReadTokens, 0);
  const end = mission.finishedAt ? Date.parse(mission.finishedAt) : now.getTime();
  const cap = mission.settings.budgetUsd;
  const links = [
    mission.branch ? html`<a href="${`${view.repositoryUrl}/tree/${mission.branch}`}" rel="noreferrer">branch <code>${mission.branch}</code></a>` : "",
    mission.pr ? html`<a href="${`${view.repositoryUrl}/pull/${mission.pr.number}`}" rel="noreferrer">pull request #${mission.pr.number}</a>${mission.pr.ready ? " (ready)" : " (draft)"}` : "",
  ].filter((link) => link !== "");
  const card = (label: string, value: Html | string, name?: string) => html`<div class="card" ${name ? html`data-card="${name}"` : ""}><div class="label">${label}</div><div class="value">${value}</div></div>`;
  return html`<section aria-label="summary" class="summary">
<p class="status-line">${statusPill(mission.status, true)}${mission.reason && !state.headline.includes(mission.reason) ? html` <span class="muted">${mission.reason}</span>` : ""}</p>
${renderNow(state, now)}
<div class="cards">
${card("Features done", progress(counts.featuresDone, counts.featuresTotal, "features done"), "features")}
${card("Assertions passed", progress(counts.assertionsPassed, counts.assertionsTotal, "assertions passed"), "assertions")}
${card("Spent", html`${fineMoney(spent)}${cap !== undefined ? html` <span class="muted small">of ${money(cap)}</span>` : ""}`, "spent")}
${card("Elapsed", formatDuration(end - Date.parse(mission.createdAt)))}
${card("Tokens", `${tokens(input)} in · ${tokens(output)} out`)}
${card("Read from cache", input > 0 ? `${Math.round((cached / input) * 100)}%` : "—")}
</div>
${links.length > 0 ? html`<p class="small">${links.map((link, index) => (index > 0 ? html` · ${link}` : link))}</p>` : ""}
</section>`;
}

/** Spend per hour since the first model call, and when the cap is reached at that rate. */
export function burnRate(usage: UsageEntry[], endMs: number, cap: number | undefined, spending: boolean): { perHour?: number; text: string } {
  const spent = spentOf(usage);
  if (usage.length === 0) return { text: "Nothing spent yet." };
  const hours = (endMs - Date.parse(usage[0]!.at)) / 3_600_000;
  if (hours < 1 / 60) return { text: `${money(spent)} spent in the first minute.` };
  const perHour = spent / hours;
  const rate = `Burn rate ${money(perHour)}/h`;
  if (cap === undefined) return { perHour, text: `${rate}.` };
  if (spent >= cap) return { perHour, text: `${rate}; the cap of ${money(cap)} is reached.` };
  if (!spending) return { perHour, text: `${rate} while it ran; not spending now. ${money(cap - spent)} of the cap left.` };
  if (perHour <= 0) return { perHour, text: `${rate}.` };
  return { perHour, text: `${rate}; at this rate the cap of ${money(cap)} is reached in ${relative(((cap - spent) / perHour) * 3_600_000)}.` };
}

function renderCharts(view: MissionView): Html {
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
  const byRole = new Map<string, number>();
  for (const entry of usage) {
    const at = Date.parse(entry.at);
    spentMicros += Math.round(entry.usd * 1_000_000);
    spend.push([at, spentMicros / 1_000_000]);
    inputs.push([at, (input += entry.inputTokens)]);
    outputs.push([at, (output += entry.outputTokens)]);
    reads.push([at, (cached += entry.cacheReadTokens)]);
    byRole.set(entry.role, (byRole.get(entry.role) ?? 0) + Math.round(entry.usd * 1_000_000));
  }
  const cap = mission.settings.budgetUsd;
  const burn = renderChart({
    id: "budget-burn",
    title: `Budget burn: ${money(spentMicros / 1_000_000)} spent${cap !== undefined ? ` of ${money(cap)}` : ""}`,
    start,
    end,
    series: [{ name: "spent (USD)", className: "spend", points: spend }],
    ...(cap !== undefined ? { cap: { value: cap, label: `budget cap ${money(cap)}` } } : {}),
    // Digits for the axis's step, not its top: $0.025, $0.050… on a $0.10 scale.
    format: (value, top) => fineMoney(value, top / 4),
  });
  const rate = burnRate(usage, end, cap, mission.status === "running" || mission.status === "planning");
  const roles = [...byRole].sort((a, b) => b[1] - a[1]);
  const total = Math.max(spentMicros, 1);
  const roleList = roles.length > 0
    ? html`<table class="roles" data-spend-by-role><caption class="small muted">Spend by role</caption><tbody>${roles.map(
        ([role, micros]) => html`<tr data-role="${role}"><th scope="row">${role}</th><td><progress value="${micros}" max="${total}" aria-label="${`${role} share of the spend`}"></progress></td><td class="num">${fineMoney(micros / 1_000_000)}</td><td class="num muted">${Math.round((micros / total) * 100)}%</td></tr>`,
      )}</tbody></table>`
    : "";
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
  return html`<div class="grid-2"><section><h2>Budget burn</h2>${burn}<p class="small" data-burn-rate>${rate.text}</p>${roleList}</section><section><h2>Tokens</h2>${tokenChart}</section></div>`;
}

function renderFeatures(view: MissionView, state: NowState): Html {
  const { mission } = view;
  const features = mission.approvedVersion !== undefined ? allFeatures(mission) : (latestContract(mission)?.plan.features ?? []);
  if (features.length === 0) return html`<section><h2>Features</h2><p class="muted">No plan yet.</p></section>`;
  const rows = features.map((feature) => {
    const own = mission.features[feature.id];
    const handoff = own?.handoff;
    const detail = handoff
      ? html`<strong>${handoff.status}</strong>: ${renderText(handoff.summary)}${handoff.leftUndone.length > 0 ? html`<div class="muted">left undone: ${handoff.leftUndone.join("; ")}</div>` : ""}${handoff.issuesDiscovered.length > 0 ? html`<div class="muted">found: ${handoff.issuesDiscovered.join("; ")}</div>` : ""}`
      : html`<span class="muted">—</span>`;
    const running = state.featureId === feature.id && mission.status === "running";
    const status = running ? "in progress" : (own?.status ?? "pending");
    const pill = running ? "running" : own?.status === "done" ? "done" : own?.status === "skipped" ? "skipped" : "pending";
    return html`<tr data-feature="${feature.id}"><td data-label="Id"><code class="id">${feature.id}</code></td><td data-label="Feature">${feature.title}<div class="muted small">${feature.milestoneId}${own?.commitSha ? html` · <code>${own.commitSha.slice(0, 7)}</code>` : ""}</div></td><td data-label="Status"><span class="${`status status-${pill}`}">${status}</span>${running && state.since ? html`<div class="muted small">for ${relative(view.now.getTime() - Date.parse(state.since))}</div>` : ""}${renderCheckpoint(own, view.repositoryUrl)}</td><td data-label="Handoff">${detail}</td></tr>`;
  });
  return html`<section><h2>Features</h2><div class="table-wrap"><table class="stack"><thead><tr><th>Id</th><th>Feature</th><th>Status</th><th>Handoff</th></tr></thead><tbody>${rows}</tbody></table></div></section>`;
}

/** A pending feature continuing from a checkpoint commit (its worker ran out of turns or time). */
function renderCheckpoint(state: Mission["features"][string] | undefined, repositoryUrl: string): Html | "" {
  if (state?.status !== "pending" || !state.checkpoint) return "";
  const { sha } = state.checkpoint;
  return html`<div class="muted small" data-checkpoint="${state.checkpoint.count}">${describeCheckpoint(state.checkpoint)} · <a href="${`${repositoryUrl}/commit/${sha}`}" rel="noreferrer"><code>${sha.slice(0, 7)}</code></a></div>`;
}

function renderAssertions(view: MissionView): Html | "" {
  const { mission } = view;
  const plan = approvedPlan(mission) ?? latestContract(mission)?.plan;
  if (!plan) return "";
  const rows = plan.assertions.map((assertion) => {
    const state = mission.assertions[assertion.id];
    const verdict = state?.verdict ?? "pending";
    const shots = view.screenshots?.[assertion.id] ?? [];
    const gallery = shots.map(
      (src) => html`<figure class="shot" data-screenshot><a href="${src}"><img src="${src}" alt="${`Screenshot for ${assertion.id}: ${src.split("/").at(-1) ?? ""}`}" loading="lazy"></a><figcaption class="small muted">${src.split("/").at(-1)}</figcaption></figure>`,
    );
    return html`<tr data-assertion="${assertion.id}" id="${`assertion-${assertion.id}`}"><td data-label="Id"><code class="id">${assertion.id}</code><div class="muted small">${validatorOf(assertion) === "user-testing" ? "user testing" : "scrutiny"}</div></td><td data-label="Statement">${assertion.statement}<div class="muted small">${assertion.verification}</div></td><td data-label="Verdict" class="${`verdict-${verdict}`}" data-verdict="${verdict}">${verdict}</td><td data-label="Evidence" class="evidence">${state?.evidence ? renderText(state.evidence) : ""}${shots.length > 0 ? html`<div class="shots">${gallery}</div>` : ""}</td></tr>`;
  });
  return html`<section><h2>Assertions</h2><div class="table-wrap"><table class="stack"><thead><tr><th>Id</th><th>Statement</th><th>Verdict</th><th>Evidence</th></tr></thead><tbody>${rows}</tbody></table></div></section>`;
}

function renderFindings(view: MissionView, state: NowState): Html {
  const { mission } = view;
  const findings: Html[] = [];
  for (const [id, own] of Object.entries(mission.assertions)) {
    if (own.verdict === "fail") findings.push(html`<li><code class="id">${id}</code> failed: ${renderText(own.evidence ?? "")}</li>`);
  }
  for (const event of view.events.filter((candidate) => candidate.kind === "validation-end")) {
    const problems = Array.isArray(event.data.problems) ? (event.data.problems as unknown[]) : [];
    for (const problem of problems) findings.push(html`<li><span class="muted">${String(event.data.milestone)}:</span> ${renderText(String(problem))}</li>`);
  }
  const runs: Html[] = [];
  for (const [id, own] of Object.entries(mission.milestones)) {
    const link = (runId: number | undefined, name: string) => (runId !== undefined ? html` · <a href="${`${view.repositoryUrl}/runs/${runId}`}" rel="noreferrer">${name} check run</a>` : "");
    // A validation under way (or cut by a crash, not closed yet) links the check runs it has open, as the control comment does.
    const open = (own.openChecks ?? []).filter((check) => check.id !== own.checkRunId && check.id !== own.userTestingCheckRunId);
    const opened = open.map((check) => link(check.id, `${/user testing/i.test(check.name) ? "user testing" : "scrutiny"} (running)`));
    if (own.checkRunId !== undefined || own.userTestingCheckRunId !== undefined || opened.length > 0) runs.push(html`<li class="muted">${id}: ${own.status}${link(own.checkRunId, "scrutiny")}${link(own.userTestingCheckRunId, "user testing")}${opened}</li>`);
  }
  const running = state.validatingMilestone ? html`<p class="now-inline" data-validating>${state.headline}.</p>` : "";
  const nothing = mission.status === "paused" || mission.status === "blocked" ? "No finding recorded; validation did not finish." : "Nothing found so far.";
  return html`<section><h2>Validator findings</h2>${running}${findings.length > 0 ? html`<ul>${findings}</ul>` : html`<p class="muted">${nothing}</p>`}${runs.length > 0 ? html`<ul class="small">${runs}</ul>` : ""}</section>`;
}

function renderTimeline(view: MissionView): Html {
  const items: Array<{ at: string; content: Html }> = [];
  // Tool calls between two other events, one line per caller: a worker's calls and those of the
  // researchers it started interleave, and each is counted apart.
  const toolRuns = new Map<string, { at: string; tools: Map<string, number>; errors: number }>();
  const closeToolRuns = () => {
    for (const [who, run] of toolRuns) {
      // Tool names come from the model (it may call tools that do not exist): escaped like any text.
      const tools = [...run.tools].map(([name, count]) => `${name.slice(0, 64)} ×${count}`).join(", ");
      items.push(item(run.at, html`${who}: ${[...run.tools.values()].reduce((a, b) => a + b, 0)} tool calls (${tools})${run.errors ? `, ${run.errors} failed` : ""}`));
    }
    toolRuns.clear();
  };
  // A finished step is one line ("finished X in 2s"); only the step in flight shows its start.
  const lastEnd = view.events.findLastIndex((event) => event.kind === "step-end" || event.kind === "step-fail");
  for (const [index, event] of view.events.entries()) {
    const data = event.data;
    if (event.kind === "step-start" && index < lastEnd) continue;
    if (event.kind === "tool-call") {
      const who = toolCaller(data);
      const run = toolRuns.get(who) ?? { at: event.at, tools: new Map<string, number>(), errors: 0 };
      toolRuns.set(who, run);
      const tool = String(data.tool ?? "tool");
      run.tools.set(tool, (run.tools.get(tool) ?? 0) + 1);
      if (data.isError) run.errors++;
      continue;
    }
    closeToolRuns();
    const text = describeEvent(event, view.repositoryUrl);
    if (text) items.push(item(event.at, text));
  }
  closeToolRuns();
  const shown = items.slice(-TIMELINE_LIMIT).reverse();
  // A mission over more than one day (UTC): each day's events under a heading with its date.
  const multiDay = new Set(shown.map((entry) => entry.at.slice(0, 10))).size > 1;
  const rows: Html[] = [];
  let day: string | undefined;
  for (const entry of shown) {
    if (multiDay && entry.at.slice(0, 10) !== day) {
      day = entry.at.slice(0, 10);
      rows.push(html`<li class="day" data-day="${day}"><time datetime="${day}">${dayName(day)}</time></li>`);
    }
    rows.push(html`<li><time datetime="${entry.at}" title="${utc(entry.at, true)}">${entry.at.slice(11, 19)}</time>${entry.content}</li>`);
  }
  return html`<section><h2>Timeline <span class="muted small">(times in UTC)</span></h2>${rows.length > 0 ? html`<ol class="timeline">${rows}</ol>` : html`<p class="muted">Nothing yet.</p>`}${items.length > TIMELINE_LIMIT ? html`<p class="muted small">Older events are not shown.</p>` : ""}</section>`;
}

/**
 * Who made a run of tool calls, as the timeline names it: the worker on a feature (its events carry no
 * role), the researchers a worker or the planning orchestrator started, the orchestrator, a validator.
 */
function toolCaller(data: Record<string, unknown>): string {
  const role = typeof data.role === "string" ? data.role : "worker";
  const on = typeof data.feature === "string" ? data.feature : typeof data.milestone === "string" ? `milestone ${data.milestone}` : undefined;
  if (role === "researcher") return `researchers for ${on ?? "the orchestrator"}`;
  if (role === "orchestrator") return "orchestrator";
  const name = VALIDATOR_NAMES[role] ?? role;
  return on ? `${name} on ${on}` : name;
}

function item(at: string, content: Html): { at: string; content: Html } {
  return { at, content };
}

const WEEKDAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

/** "Thursday 3 December 2026 (UTC)": a day of the timeline, in the page's one time zone. */
function dayName(day: string): string {
  const date = new Date(`${day}T00:00:00.000Z`);
  if (Number.isNaN(date.getTime())) return day;
  return `${WEEKDAYS[date.getUTCDay()]} ${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()} (UTC)`;
}

/** The check runs a stopped validation closed, each linked (the event holds their ids). */
function stoppedRunLinks(ids: unknown, repositoryUrl: string): Html | string {
  const runs = Array.isArray(ids) ? ids.filter((id): id is number => Number.isSafeInteger(id)) : [];
  if (runs.length === 0) return "";
  return html` (${runs.map((id, index) => html`${index > 0 ? ", " : ""}<a href="${`${repositoryUrl}/runs/${id}`}" rel="noreferrer">check run ${id}</a>`)})`;
}

function describeEvent(event: MissionEvent, repositoryUrl: string): Html | undefined {
  const data = event.data;
  const step = html`<strong>${describeStep(data)}</strong>`;
  switch (event.kind) {
    case "step-start":
      return html`started ${step}`;
    case "step-end":
      return html`finished ${step} <span class="muted">in ${formatDuration(Number(data.ms ?? 0))}</span>`;
    case "step-fail":
      return html`<span class="verdict-fail">failed</span> ${step}: ${String(data.message ?? "").slice(0, 300)}`;
    case "intent-apply":
      return html`<strong>/mission ${String(data.verb)}</strong> by ${String(data.author)}`;
    case "handoff-submit":
      return html`handoff of ${String(data.feature)} (${String(data.status)}): ${String(data.summary ?? "").slice(0, 400)}`;
    case "validation-end":
      return html`validation of ${String(data.milestone)}: ${data.passed ? html`<span class="verdict-pass">passed</span>` : html`<span class="verdict-fail">failed</span>`}`;
    case "validator-start":
      return html`${validatorName(data)} started on ${validatorSubject(data)}`;
    case "validator-end":
      return data.outcome === "stopped"
        ? html`${validatorName(data)} on ${validatorSubject(data)} <span class="verdict-fail">stopped</span>${data.message ? `: ${String(data.message).slice(0, 300)}` : ""}`
        : html`${validatorName(data)} on ${validatorSubject(data)} finished`;
    case "validation-stop":
      return html`<span class="verdict-fail">validation of ${String(data.milestone ?? "")} stopped</span> (mission ${String(data.status ?? "")}): ${String(data.message ?? data.reason ?? "").slice(0, 300)}; its open check runs were closed${stoppedRunLinks(data.checkRuns, repositoryUrl)}`;
    case "status-change":
      return html`mission <strong>${String(data.from ?? "")}</strong> → <strong>${String(data.to ?? "")}</strong>${data.cause ? ` (${String(data.cause)})` : ""}`;
    case "agent-run":
      return html`${String(data.role ?? "agent")} run${data.feature ? ` for ${String(data.feature)}` : ""} on ${String(data.model ?? "")}`;
    case "mcp-problem":
      return html`<span class="verdict-fail">the MCP server <code>${String(data.server ?? "")}</code> did not start, or left a tool out</span> (${String(data.role ?? "")}): ${String(data.problem ?? "").slice(0, 300)}`;
    case "coverage-report":
      return html`coverage reported by the test command: ${String(data.percent ?? "?")}% of ${String(data.measure ?? "lines")}`;
    case "diff-stats":
      return html`the branch measured: ${String(data.added ?? 0)} lines added, ${String(data.deleted ?? 0)} removed`;
    default:
      return html`${event.kind.replace(/-/g, " ")}`;
  }
}

const VALIDATOR_NAMES: Record<string, string> = { scrutiny: "scrutiny", "user-testing": "user testing", reviewer: "code review" };

function validatorName(data: Record<string, unknown>): string {
  return VALIDATOR_NAMES[String(data.validator)] ?? String(data.validator ?? "validator");
}

function validatorSubject(data: Record<string, unknown>): string {
  return typeof data.feature === "string" ? data.feature : `milestone ${String(data.milestone ?? "")}`;
}

import { MissionStatusSchema } from "../../mission/index.ts";
import type { MissionSummary } from "../../store/index.ts";
import { fineMoney, html, money, progress, type Html } from "./html.ts";
import type { NowState } from "./now.ts";
import { ago, relative } from "./time.ts";

export interface ListFilter {
  status?: string;
  repository?: string;
}

/** Which page of the list is shown, and whether there are pages around it. */
export interface ListPage {
  page: number;
  hasNext: boolean;
}

/** A row of the list, with what its mission is doing or waits for (active missions only). */
export type ListRow = MissionSummary & { now?: NowState };

/** `/missions`: the missions the viewer may see, those that need people first, then newest first; filterable; live. */
export function renderMissionList(rows: ListRow[], filter: ListFilter, repositories: string[], page: ListPage = { page: 1, hasNext: false }, now = new Date()): { body: Html; script: string } {
  const statusOptions = ["", ...MissionStatusSchema.options].map((status) => html`<option value="${status}" ${filter.status === status ? "selected" : ""}>${status || "any status"}</option>`);
  const repositoryOptions = ["", ...repositories].map(
    (repository) => html`<option value="${repository}" ${filter.repository?.toLowerCase() === repository.toLowerCase() ? "selected" : ""}>${repository || "any repository"}</option>`,
  );
  const body = html`<h1>Missions</h1>
<form class="filters" method="get" action="/missions">
<label>Status <select name="status">${statusOptions}</select></label>
<label>Repository <select name="repository">${repositoryOptions}</select></label>
<button type="submit">Filter</button>
<span class="live" id="live-state">live</span>
</form>
<div id="live">${renderMissionRows(rows, filter, page, now)}</div>`;
  return { body, script: LIST_SCRIPT };
}

/** The live part of the list: swapped in when any mission changes. */
export function renderMissionRows(rows: ListRow[], filter: ListFilter, page: ListPage, now: Date): Html {
  const body = rows.map((row) => {
    const budget = row.budgetUsd !== undefined ? html` <span class="muted">of ${money(row.budgetUsd)}</span>` : "";
    return html`<tr data-mission="${row.id}" data-attention="${row.now?.tone ?? "finished"}">
<td data-label="Repository">${`${row.owner}/${row.repo}`}</td>
<td data-label="Issue"><a href="${`/missions/${encodeURIComponent(row.id)}`}">#${row.issue} ${row.title}</a></td>
<td data-label="Status">${statusPill(row.status)}</td>
<td data-label="Now" class="now-cell">${row.now ? renderNowCell(row.now, now) : html`<span class="muted">—</span>`}</td>
<td data-label="Features">${progress(row.featuresDone, row.featuresTotal, "features done")}</td>
<td data-label="Spend">${fineMoney(row.spentUsd)}${budget}</td>
<td data-label="Last activity">${ago(row.updatedAt, now)}</td>
</tr>`;
  });
  const link = (to: number, label: string, rel: string) => {
    const query = new URLSearchParams({ ...(filter.status ? { status: filter.status } : {}), ...(filter.repository ? { repository: filter.repository } : {}), page: String(to) });
    return html`<a href="${`/missions?${query.toString()}`}" rel="${rel}">${label}</a>`;
  };
  const pager = [page.page > 1 ? link(page.page - 1, "← newer", "prev") : "", page.hasNext ? link(page.page + 1, "older →", "next") : ""].filter(Boolean);
  return html`<div class="table-wrap"><table class="stack">
<thead><tr><th>Repository</th><th>Issue</th><th>Status</th><th>Now / needs you</th><th>Features</th><th>Spend</th><th>Last activity</th></tr></thead>
<tbody>${rows.length > 0 ? body : html`<tr><td colspan="7" class="muted">No mission matches.</td></tr>`}</tbody>
</table></div>
${pager.length > 0 ? html`<p class="small pager">page ${page.page} · ${pager.map((item, index) => (index > 0 ? html` · ${item}` : item))}</p>` : ""}`;
}

function renderNowCell(state: NowState, now: Date): Html {
  const since = state.since ? ` · ${state.tone === "active" ? "for" : "waiting"} ${relative(now.getTime() - Date.parse(state.since))}` : "";
  const waiting = state.tone === "people" || state.tone === "operator";
  const label = state.tone === "operator" ? "Needs the operator:" : "Needs you:";
  // Who can act and the command, in one line: a supervisor knows from the list whom to ask.
  const who = waiting && state.action ? html`<span class="small now-who" data-who>${state.action.brief}</span>` : "";
  return html`<span class="${`now-text tone-${state.tone}`}"${state.queued ? html` data-queued` : ""}>${waiting ? html`<strong>${label}</strong> ` : ""}${state.headline}</span>${who}<span class="muted small">${since}</span>`;
}

/** A mission's status as a pill whose colour says whether it works, waits for people, or is over. */
export function statusPill(status: string, main = false): Html {
  return main ? html`<span class="${`status status-${status}`}" data-status="${status}">${status}</span>` : html`<span class="${`status status-${status}`}">${status}</span>`;
}

// Server-sent events: each update carries the list's rows, rendered and escaped on the server.
const LIST_SCRIPT = `
(() => {
  const state = document.getElementById("live-state");
  const source = new EventSource("/missions/events" + location.search);
  source.addEventListener("update", (event) => {
    document.getElementById("live").innerHTML = JSON.parse(event.data).html;
    state.textContent = "live · updated " + new Date().toISOString().slice(11, 19) + " UTC";
  });
  source.addEventListener("open", () => { state.textContent = "live"; });
  source.addEventListener("error", () => { state.textContent = "reconnecting…"; });
})();
`;

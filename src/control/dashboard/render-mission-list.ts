import { MissionStatusSchema } from "../../mission/index.ts";
import type { MissionSummary } from "../../store/index.ts";
import { escapeHtml, money, progress } from "./html.ts";

export interface ListFilter {
  status?: string;
  repository?: string;
}

/** Which page of the list is shown, and whether there are pages around it. */
export interface ListPage {
  page: number;
  hasNext: boolean;
}

/** `/missions`: the missions the viewer may see, newest first, a page at a time, filterable by status and repository. */
export function renderMissionList(rows: MissionSummary[], filter: ListFilter, repositories: string[], page: ListPage = { page: 1, hasNext: false }): string {
  const statusOptions = ["", ...MissionStatusSchema.options]
    .map((status) => `<option value="${status}"${filter.status === status ? " selected" : ""}>${status || "any status"}</option>`)
    .join("");
  const repositoryOptions = ["", ...repositories]
    .map((repository) => `<option value="${escapeHtml(repository)}"${filter.repository?.toLowerCase() === repository.toLowerCase() ? " selected" : ""}>${escapeHtml(repository || "any repository")}</option>`)
    .join("");
  const body = rows.map((row) => {
    const budget = row.budgetUsd !== undefined ? ` <span class="muted">of ${money(row.budgetUsd)}</span>` : "";
    return `<tr data-mission="${escapeHtml(row.id)}">
<td>${escapeHtml(`${row.owner}/${row.repo}`)}</td>
<td><a href="/missions/${encodeURIComponent(row.id)}">#${row.issue} ${escapeHtml(row.title)}</a></td>
<td><span class="status status-${escapeHtml(row.status)}">${escapeHtml(row.status)}</span></td>
<td>${progress(row.featuresDone, row.featuresTotal, "features done")}</td>
<td>${money(row.spentUsd)}${budget}</td>
<td><time datetime="${escapeHtml(row.updatedAt)}">${escapeHtml(row.updatedAt.replace("T", " ").slice(0, 16))}</time></td>
</tr>`;
  });
  const link = (to: number, label: string, rel: string) => {
    const query = new URLSearchParams({ ...(filter.status ? { status: filter.status } : {}), ...(filter.repository ? { repository: filter.repository } : {}), page: String(to) });
    return `<a href="/missions?${escapeHtml(query.toString())}" rel="${rel}">${label}</a>`;
  };
  const pager = [page.page > 1 ? link(page.page - 1, "← newer", "prev") : "", page.hasNext ? link(page.page + 1, "older →", "next") : ""].filter(Boolean);
  return `<h1>Missions</h1>
<form class="filters" method="get" action="/missions">
<label>Status <select name="status">${statusOptions}</select></label>
<label>Repository <select name="repository">${repositoryOptions}</select></label>
<button type="submit">Filter</button>
</form>
<div class="table-wrap"><table>
<thead><tr><th>Repository</th><th>Issue</th><th>Status</th><th>Features</th><th>Spend</th><th>Last activity</th></tr></thead>
<tbody>${body.join("\n") || `<tr><td colspan="6" class="muted">No mission matches.</td></tr>`}</tbody>
</table></div>
${pager.length > 0 ? `<p class="small pager">page ${page.page} · ${pager.join(" · ")}</p>` : ""}`;
}

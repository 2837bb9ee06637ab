import { MissionStatusSchema, type Mission } from "../../mission/index.ts";
import { escapeHtml, money, progress } from "./html.ts";
import { missionProgress } from "./mission-progress.ts";

export interface MissionRow {
  mission: Mission;
  spentUsd: number;
  lastActivity: string;
}

export interface ListFilter {
  status?: string;
  repository?: string;
}

/** `/missions`: every mission the viewer may see, filterable by status and repository. */
export function renderMissionList(rows: MissionRow[], filter: ListFilter, repositories: string[]): string {
  const statusOptions = ["", ...MissionStatusSchema.options]
    .map((status) => `<option value="${status}"${filter.status === status ? " selected" : ""}>${status || "any status"}</option>`)
    .join("");
  const repositoryOptions = ["", ...repositories]
    .map((repository) => `<option value="${escapeHtml(repository)}"${filter.repository === repository ? " selected" : ""}>${escapeHtml(repository || "any repository")}</option>`)
    .join("");
  const body = rows.map(({ mission, spentUsd, lastActivity }) => {
    const counts = missionProgress(mission);
    const budget = mission.settings.budgetUsd !== undefined ? ` <span class="muted">of ${money(mission.settings.budgetUsd)}</span>` : "";
    return `<tr data-mission="${escapeHtml(mission.id)}">
<td>${escapeHtml(`${mission.repo.owner}/${mission.repo.name}`)}</td>
<td><a href="/missions/${encodeURIComponent(mission.id)}">#${mission.issue.number} ${escapeHtml(mission.issue.title)}</a></td>
<td><span class="status status-${escapeHtml(mission.status)}">${escapeHtml(mission.status)}</span></td>
<td>${progress(counts.featuresDone, counts.featuresTotal, "features done")}</td>
<td>${money(spentUsd)}${budget}</td>
<td><time datetime="${escapeHtml(lastActivity)}">${escapeHtml(lastActivity.replace("T", " ").slice(0, 16))}</time></td>
</tr>`;
  });
  return `<h1>Missions</h1>
<form class="filters" method="get" action="/missions">
<label>Status <select name="status">${statusOptions}</select></label>
<label>Repository <select name="repository">${repositoryOptions}</select></label>
<button type="submit">Filter</button>
</form>
<div class="table-wrap"><table>
<thead><tr><th>Repository</th><th>Issue</th><th>Status</th><th>Features</th><th>Spend</th><th>Last activity</th></tr></thead>
<tbody>${body.join("\n") || `<tr><td colspan="6" class="muted">No mission matches.</td></tr>`}</tbody>
</table></div>`;
}

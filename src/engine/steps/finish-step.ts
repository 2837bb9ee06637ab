import { completeMission, finishNotice, renderPullBody, type Mission } from "../../mission/index.ts";
import type { StepContext } from "../engine-deps.ts";
import { ensurePullRequest } from "./ensure-pull-request.ts";
import { measureBranch, missionReportFor } from "./mission-report-for.ts";
import { dashboardUrl } from "./dashboard-url.ts";
import { repoRef } from "./remote-access.ts";

/**
 * Every assertion passed: the PR body becomes the contract with verdicts, and it goes to review — once;
 * finished again after a fix that changed nothing, the people are told so instead (see `finishNotice`).
 */
export async function finishStep(context: StepContext, mission: Mission): Promise<Mission> {
  const now = context.now().toISOString();
  const finished: Mission = { ...mission, finishedAt: now, updatedAt: now };
  const repo = repoRef(mission);
  await measureBranch(context, finished);
  const report = await missionReportFor(context, finished);
  const body = renderPullBody(finished, { costUsd: (await context.store.usageTotals(mission.id)).usd, githubWebUrl: context.settings.githubWebUrl, report, dashboardUrl: dashboardUrl(context, finished) });
  const pull = await ensurePullRequest(context, finished, body);
  await context.github.updatePull(repo, pull.number, { body });
  // Finished again with no new change: a pull request a person turned back to draft stays so.
  if (pull.draft && finishNotice(mission, pull.number).changed) await context.github.markReadyForReview(repo, pull);
  return completeMission(mission, { pull, now });
}

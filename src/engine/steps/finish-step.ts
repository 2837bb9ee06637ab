import { completeMission, renderPullBody, type Mission } from "../../mission/index.ts";
import type { StepContext } from "../engine-deps.ts";
import { ensurePullRequest } from "./ensure-pull-request.ts";
import { repoRef } from "./remote-access.ts";

/** Every assertion passed: the PR body becomes the contract with verdicts, and it goes to review. */
export async function finishStep(context: StepContext, mission: Mission): Promise<Mission> {
  const now = context.now().toISOString();
  const finished: Mission = { ...mission, finishedAt: now, updatedAt: now };
  const repo = repoRef(mission);
  const body = renderPullBody(finished, { costUsd: (await context.store.usageTotals(mission.id)).usd, githubWebUrl: context.settings.githubWebUrl });
  const pull = await ensurePullRequest(context, finished, body);
  await context.github.updatePull(repo, pull.number, { body });
  if (pull.draft) await context.github.markReadyForReview(repo, pull);
  return completeMission(mission, { pull, now });
}

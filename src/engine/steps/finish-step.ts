import { renderPullBody, type Mission } from "../../mission/index.ts";
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
  const passed = Object.values(mission.assertions).filter((state) => state.verdict === "pass").length;
  const skipped = Object.values(mission.assertions).filter((state) => state.verdict === "skipped").length;
  const verified = skipped > 0 ? `${passed} assertions of contract v${mission.approvedVersion} pass; ${skipped} ${skipped === 1 ? "was" : "were"} skipped and not verified (listed in the pull request).` : `All ${passed} assertions of contract v${mission.approvedVersion} pass.`;
  return {
    ...finished,
    status: "done",
    reason: undefined,
    pr: { number: pull.number, nodeId: pull.nodeId, ready: true },
    notices: [
      ...finished.notices,
      {
        key: `done-${pull.number}-${Object.keys(mission.features).length}`,
        body: `### ✅ Mission complete\n\n${verified} Pull request #${pull.number} is ready for your review.`,
      },
    ],
  };
}

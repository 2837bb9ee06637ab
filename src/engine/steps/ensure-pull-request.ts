import type { PullRequest } from "../../github/index.ts";
import type { Mission } from "../../mission/index.ts";
import type { StepContext } from "../engine-deps.ts";
import { repoRef } from "./remote-access.ts";

/** The mission's pull request: found if it exists (a crash after creating it), else opened as a draft. */
export async function ensurePullRequest(context: StepContext, mission: Mission, body: string): Promise<PullRequest> {
  const repo = repoRef(mission);
  const existing = await context.github.findOpenPull(repo, mission.branch!);
  if (existing) return existing;
  const input = { title: mission.issue.title, head: mission.branch!, base: mission.repo.defaultBranch, body, draft: true };
  try {
    return await context.github.createPull(repo, input);
  } catch (error) {
    // Some plans (private repositories on GitHub Free) have no draft pull requests.
    if ((error as { status?: number }).status !== 422 || !/draft/i.test((error as Error).message)) throw error;
    context.log.info("draft pull requests are not available here; opening a regular one");
    return context.github.createPull(repo, { ...input, draft: false });
  }
}

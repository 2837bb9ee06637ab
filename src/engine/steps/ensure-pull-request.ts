import type { PullRequest } from "../../github/index.ts";
import type { Mission } from "../../mission/index.ts";
import type { StepContext } from "../engine-deps.ts";
import { repoRef } from "./remote-access.ts";

/** The mission's pull request: found if it exists (a crash after creating it), else opened as a draft. */
export async function ensurePullRequest(context: StepContext, mission: Mission, body: string): Promise<PullRequest> {
  const repo = repoRef(mission);
  const existing = await context.github.findOpenPull(repo, mission.branch!);
  if (existing) return existing;
  return context.github.createPull(repo, {
    title: mission.issue.title,
    head: mission.branch!,
    base: mission.repo.defaultBranch,
    body,
    draft: true,
  });
}

import { branchName, type Mission } from "../../mission/index.ts";
import type { StepContext } from "../engine-deps.ts";
import { repoRef } from "./remote-access.ts";

/**
 * Names the mission's branch before anything is pushed: `mission/<issue>-<slug>`, or with `-2`,
 * `-3`, … when an earlier mission on the same issue left its branch. A mission never builds on
 * another mission's commits. Nothing is pushed here, so re-running this step picks the same name.
 */
export async function chooseBranchStep(context: StepContext, mission: Mission): Promise<Mission> {
  const base = branchName(mission.issue.number, mission.issue.title, context.settings.branchPrefix);
  for (let attempt = 1; attempt < 100; attempt++) {
    const candidate = attempt === 1 ? base : `${base}-${attempt}`;
    if (!(await context.github.branchExists(repoRef(mission), candidate))) return { ...mission, branch: candidate };
  }
  throw new Error(`every branch name from ${base} to ${base}-99 is taken; delete old mission branches`);
}

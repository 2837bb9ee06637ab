import { applyCuratedBulletin, applyMilestoneReview, type Mission } from "../../mission/index.ts";
import { curateBulletin, reviewMilestone } from "../../roles/index.ts";
import type { StepContext } from "../engine-deps.ts";
import { modelFor } from "../model-for.ts";
import { remoteAccess } from "./remote-access.ts";

/** A milestone boundary: the orchestrator reads the milestone's handoffs and results, on the branch as it is, and adjusts the rest of the plan. */
export async function reviewMilestoneStep(context: StepContext, mission: Mission, milestoneId: string): Promise<Mission> {
  const { directory } = await context.workspace.prepare(mission.id, await remoteAccess(context, mission), mission.branch!, mission.repo.defaultBranch);
  const review = await reviewMilestone({ model: modelFor(context, mission, "orchestrator"), mission, milestoneId, directory, signal: context.signal });
  context.log.info({ milestone: milestoneId, added: review.add.length, dropped: review.drop.length, notes: review.notes.length, questions: review.questions.length }, "milestone reviewed");
  return applyMilestoneReview(mission, milestoneId, review, context.now().toISOString());
}

/** The bulletin outgrew its size between boundaries: the orchestrator curates it before the next worker reads it. */
export async function curateBulletinStep(context: StepContext, mission: Mission): Promise<Mission> {
  const { directory } = await context.workspace.prepare(mission.id, await remoteAccess(context, mission), mission.branch!, mission.repo.defaultBranch);
  const bulletin = await curateBulletin({ model: modelFor(context, mission, "orchestrator"), mission, directory, signal: context.signal });
  return applyCuratedBulletin(mission, bulletin);
}

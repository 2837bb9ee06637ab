import { AgentError } from "../../agent/index.ts";
import { applyCuratedBulletin, applyMilestoneReview, approvedPlan, featuresOf, setAsideBulletin, type Mission } from "../../mission/index.ts";
import { curateBulletin, reviewMilestone } from "../../roles/index.ts";
import type { StepContext } from "../engine-deps.ts";
import { modelFor } from "../model-for.ts";
import { commitSkills } from "./commit-skills.ts";
import { remoteAccess } from "./remote-access.ts";

/** A model that would not give a usable answer (not an outage: those are retried as any step's). */
const gaveNoAnswer = (error: unknown) => error instanceof AgentError && !error.isRetryable;

/**
 * A milestone boundary: the orchestrator reads the milestone's handoffs and results, on the branch as
 * it is, and adjusts the rest of the plan. The review is advice: when the model gives no usable answer
 * the plan goes on as approved (and the bulletin is set within its size), rather than blocking the work.
 */
export async function reviewMilestoneStep(context: StepContext, mission: Mission, milestoneId: string): Promise<Mission> {
  const { directory } = await context.workspace.prepare(mission.id, await remoteAccess(context, mission), mission.branch!, mission.repo.defaultBranch);
  try {
    const review = await reviewMilestone({ model: modelFor(context, mission, "orchestrator"), mission, milestoneId, directory, signal: context.signal });
    context.log.info({ milestone: milestoneId, added: review.add.length, dropped: review.drop.length, notes: review.notes.length, questions: review.questions.length, skills: review.skills?.length ?? 0 }, "milestone reviewed");
    // Skills written or improved from what the milestone taught: a commit of their own, before the next milestone's workers read them.
    await commitSkills(context, mission, directory, review.skills ?? [], `milestone ${milestoneId}`);
    // With no work left after it (the skills' review before the finish) the review changes the skills alone.
    const workLeft = nextWorkLeft(mission, milestoneId);
    return applyMilestoneReview(mission, milestoneId, workLeft ? review : { ...review, notes: [], add: [], drop: [], questions: [] }, context.now().toISOString());
  } catch (error) {
    if (!gaveNoAnswer(error)) throw error;
    context.log.warn({ err: error, milestone: milestoneId }, "the milestone review gave no usable answer; the plan goes on as approved");
    const state = mission.milestones[milestoneId]!;
    return setAsideBulletin({ ...mission, milestones: { ...mission.milestones, [milestoneId]: { ...state, reviewed: true } } });
  }
}

/** The bulletin outgrew its size between boundaries: the orchestrator curates it before the next worker reads it. */
export async function curateBulletinStep(context: StepContext, mission: Mission): Promise<Mission> {
  try {
    const bulletin = await curateBulletin({ model: modelFor(context, mission, "orchestrator"), mission, signal: context.signal });
    return applyCuratedBulletin(mission, bulletin);
  } catch (error) {
    if (!gaveNoAnswer(error)) throw error;
    context.log.warn({ err: error }, "the bulletin's curation gave no usable answer; the oldest entries are set aside, and said so");
    return setAsideBulletin(mission);
  }
}

/** Whether a milestone after this one still has features to build. */
function nextWorkLeft(mission: Mission, milestoneId: string): boolean {
  const plan = approvedPlan(mission)!;
  const index = plan.milestones.findIndex((milestone) => milestone.id === milestoneId);
  return plan.milestones.slice(index + 1).some((milestone) => featuresOf(mission, milestone.id).some((feature) => mission.features[feature.id]?.status === "pending"));
}

import type { Mission } from "./mission.ts";
import { approvedPlan, featuresOf, latestContract } from "./plan-features.ts";
import { BULLETIN_LIMIT } from "./record-handoff.ts";

/** The engine's next move: a pure function of the persisted mission. */
export type Step =
  | { kind: "post-control" }
  | { kind: "post-notice"; key: string }
  | { kind: "plan" }
  | { kind: "post-questions" }
  | { kind: "post-contract"; version: number }
  | { kind: "choose-branch" }
  | { kind: "plan-repair"; milestoneId: string }
  | { kind: "implement"; featureId: string }
  | { kind: "validate"; milestoneId: string }
  | { kind: "review-milestone"; milestoneId: string }
  | { kind: "curate-bulletin" }
  | { kind: "finish" }
  | { kind: "wait"; reason: string };

export function nextStep(mission: Mission): Step {
  if (mission.controlCommentId === undefined && mission.status !== "aborted") return { kind: "post-control" };
  const notice = mission.notices.find((candidate) => candidate.commentId === undefined);
  if (notice) return { kind: "post-notice", key: notice.key };
  switch (mission.status) {
    case "planning":
      return { kind: "plan" };
    case "questions":
      return mission.questions?.commentId === undefined
        ? { kind: "post-questions" }
        : { kind: "wait", reason: "waiting for answers" };
    case "awaiting-approval": {
      const latest = latestContract(mission);
      if (latest && latest.commentId === undefined) return { kind: "post-contract", version: latest.version };
      return { kind: "wait", reason: "waiting for approval" };
    }
    case "running":
      return nextWorkStep(mission);
    default:
      return { kind: "wait", reason: mission.status };
  }
}

function nextWorkStep(mission: Mission): Step {
  const plan = approvedPlan(mission);
  if (!plan) return { kind: "wait", reason: "no approved contract" };
  if (!mission.branch) return { kind: "choose-branch" };
  // Past its fixed size the bulletin is curated (merged, deduplicated) before anyone reads it again.
  if (mission.bulletin.length > BULLETIN_LIMIT) return { kind: "curate-bulletin" };
  for (const [index, milestone] of plan.milestones.entries()) {
    const state = mission.milestones[milestone.id];
    if (state?.repair) return { kind: "plan-repair", milestoneId: milestone.id };
    const pending = featuresOf(mission, milestone.id).find((feature) => isPending(mission, feature.id));
    if (pending) return { kind: "implement", featureId: pending.id };
    if (state?.status !== "passed") return { kind: "validate", milestoneId: milestone.id };
    // A milestone boundary: the orchestrator reads what the milestone taught before the next one starts.
    // Only before the next milestone's work started (a mission stored before reviews existed is not reviewed in the middle of it).
    const later = plan.milestones.slice(index + 1).flatMap((next) => featuresOf(mission, next.id));
    const boundary = later.some((feature) => isPending(mission, feature.id)) && !later.some((feature) => mission.features[feature.id]?.status === "done");
    if (!state.reviewed && boundary) return { kind: "review-milestone", milestoneId: milestone.id };
  }
  // Skill feedback no boundary acted on (the last milestone's, a one-milestone mission's): the skills are improved before the finish.
  const unacted = plan.milestones.find((milestone) => mission.milestones[milestone.id]?.reviewed !== true && hasSkillFeedback(mission, milestone.id));
  if (unacted) return { kind: "review-milestone", milestoneId: unacted.id };
  return { kind: "finish" };
}

/** Whether a worker of the milestone reported a skill wrong or lacking. */
function hasSkillFeedback(mission: Mission, milestoneId: string): boolean {
  return featuresOf(mission, milestoneId).some((feature) => (mission.features[feature.id]?.handoff?.skillFeedback?.length ?? 0) > 0);
}

/** A feature still to build: neither done nor set aside. */
function isPending(mission: Mission, featureId: string): boolean {
  const status = mission.features[featureId]?.status;
  return status !== "done" && status !== "skipped";
}

import type { Mission } from "./mission.ts";
import { approvedPlan, featuresOf, latestContract } from "./plan-features.ts";

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
  for (const milestone of plan.milestones) {
    if (mission.milestones[milestone.id]?.repair) return { kind: "plan-repair", milestoneId: milestone.id };
    const pending = featuresOf(mission, milestone.id).find((feature) => mission.features[feature.id]?.status !== "done");
    if (pending) return { kind: "implement", featureId: pending.id };
    if (mission.milestones[milestone.id]?.status !== "passed") return { kind: "validate", milestoneId: milestone.id };
  }
  return { kind: "finish" };
}

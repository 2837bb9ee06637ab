import { approvedPlan, type Mission, type Step } from "../mission/index.ts";
import type { MissionEvent } from "../store/index.ts";

type DomainEvent = Pick<MissionEvent, "kind" | "data">;

/**
 * What a finished step meant, for the timeline: a worker's handoff, a milestone's validation. Read
 * from the mission before and after the step, so the steps themselves need not know the timeline.
 */
export function stepEvents(before: Mission, after: Mission, step: Step): DomainEvent[] {
  if (step.kind === "implement") {
    const handoff = after.features[step.featureId]?.handoff;
    if (!handoff || handoff === before.features[step.featureId]?.handoff) return [];
    return [{
      kind: "handoff-submit",
      data: {
        feature: step.featureId,
        status: handoff.status,
        summary: handoff.summary,
        commit: after.features[step.featureId]?.commitSha,
        leftUndone: handoff.leftUndone,
        issuesDiscovered: handoff.issuesDiscovered,
      },
    }];
  }
  if (step.kind === "validate") {
    const state = after.milestones[step.milestoneId];
    if (!state) return [];
    const ids = approvedPlan(after)?.assertions.filter((assertion) => assertion.milestoneId === step.milestoneId).map((assertion) => assertion.id) ?? [];
    const verdicts = ids.map((id) => ({ assertion: id, verdict: after.assertions[id]?.verdict ?? "pending" }));
    return [{
      kind: "validation-end",
      data: {
        milestone: step.milestoneId,
        passed: state.status === "passed",
        checkRunId: state.checkRunId,
        round: state.round,
        verdicts,
        problems: state.repair?.problems ?? [],
      },
    }];
  }
  return [];
}

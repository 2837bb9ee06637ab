import type { CheckRunAction } from "../github/github-port.ts";
import type { Mission } from "./mission.ts";

/**
 * The buttons on the app's check runs and what pressing one asks for. An identifier is at most 20
 * characters (GitHub's limit) and says everything the app needs: the verb, and for a re-run the
 * milestone — a check run that was stopped is not recorded with its milestone.
 */
export type RequestedAction = { verb: "resume" } | { verb: "revalidate"; milestoneId: string };

export const RESUME_ACTION: CheckRunAction = { label: "Resume", description: "Resume the mission", identifier: "resume" };

export function revalidateAction(milestoneId: string): CheckRunAction {
  return { label: "Re-run validation", description: `Validate milestone ${milestoneId} again`.slice(0, 40), identifier: `revalidate:${milestoneId}`.slice(0, 20) };
}

/** What a pressed button asks for; undefined for an identifier the app never gave. */
export function parseRequestedAction(identifier: string): RequestedAction | undefined {
  if (identifier === RESUME_ACTION.identifier) return { verb: "resume" };
  const rerun = /^revalidate:(M\d+)$/.exec(identifier);
  return rerun ? { verb: "revalidate", milestoneId: rerun[1]! } : undefined;
}

/** The buttons that fit a finished validation: a failed one can be run again when the mission is not already repairing it. */
export function finishedCheckActions(mission: Mission, milestoneId: string, conclusion: string): CheckRunAction[] {
  return conclusion === "failure" && (mission.status === "done" || mission.status === "blocked") ? [revalidateAction(milestoneId)] : [];
}

/**
 * A validation stopped before it finished: what became of the mission, in a sentence that says what
 * makes it go on, and the buttons that do it from the check run's page.
 */
export function afterStoppedValidation(mission: Mission, milestoneId: string): { text: string; actions: CheckRunAction[] } {
  const reason = mission.reason ? `: ${mission.reason}` : "";
  switch (mission.status) {
    case "paused":
      if (mission.pauseCause === "budget") {
        return { text: `The mission is paused${reason}. Comment \`/mission budget <usd>\` on the issue to raise the budget; the validation runs again then.`, actions: [] };
      }
      return { text: `The mission is paused${reason}. Comment \`/mission resume\` on the issue, or press **Resume** above, and the validation runs again.`, actions: [RESUME_ACTION] };
    case "blocked":
      return { text: `The mission is blocked${reason}. Comment \`/mission retry\` on the issue, or press **Resume** above, and the validation runs again.`, actions: [RESUME_ACTION] };
    case "aborted":
      return { text: `The mission was aborted${reason}: this validation does not run again.`, actions: [] };
    case "running":
      return { text: "The mission goes on: the validation is tried again shortly.", actions: [] };
    default:
      return { text: `The mission is ${mission.status}${reason}. Press **Re-run validation** above to validate milestone ${milestoneId} again.`, actions: [revalidateAction(milestoneId)] };
  }
}

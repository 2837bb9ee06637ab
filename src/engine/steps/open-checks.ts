import { afterStoppedValidation, stoppedCheckSummary, type Mission } from "../../mission/index.ts";
import type { StepContext } from "../engine-deps.ts";
import { dashboardUrl } from "./dashboard-url.ts";
import { repoRef } from "./remote-access.ts";

/**
 * The check runs a validation saved as open (`openChecks` on its milestone) as the store has them
 * now: a validation step saves them as they open and close, so the mission the engine saves after
 * the step carries the store's list, not the one it had when the step began.
 */
export function withSavedOpenChecks(next: Mission, saved: Mission | undefined): Mission {
  if (!saved) return next;
  const milestones = { ...next.milestones };
  for (const [id, state] of Object.entries(milestones)) {
    const open = saved.milestones[id]?.openChecks;
    milestones[id] = { ...state, openChecks: open && open.length > 0 ? open : undefined };
  }
  return { ...next, milestones };
}

/**
 * The mission left `running` (paused, blocked, aborted, done) with check runs still open — a
 * validation cut by a crash: each is cancelled with the reason and the command that makes the mission
 * go on, the timeline records the stop, and the mission no longer lists them (those GitHub refused
 * to close stay listed, for the next time).
 */
export async function closeOpenChecks(context: StepContext, mission: Mission): Promise<Mission> {
  if (mission.status === "running") return mission;
  const milestones = { ...mission.milestones };
  let changed = false;
  for (const [milestoneId, state] of Object.entries(mission.milestones)) {
    const open = state.openChecks ?? [];
    if (open.length === 0) continue;
    changed = true;
    const { text, actions } = afterStoppedValidation(mission, milestoneId);
    const message = "the app stopped while it ran";
    const url = dashboardUrl(context, mission);
    const left: typeof open = [];
    for (const check of open) {
      await context.github
        .updateCheckRun(repoRef(mission), check.id, {
          name: check.name,
          headSha: check.headSha,
          status: "completed",
          conclusion: "cancelled",
          title: `${check.title} — stopped`,
          summary: stoppedCheckSummary(message, text),
          externalId: mission.id,
          actions,
          ...(url ? { detailsUrl: url } : {}),
        })
        .catch((failure: unknown) => {
          left.push(check);
          context.log.warn({ err: failure, checkRun: check.id }, "could not cancel a check run the mission left open");
        });
    }
    milestones[milestoneId] = { ...state, openChecks: left.length > 0 ? left : undefined };
    await context.store
      .appendEvent({
        missionId: mission.id,
        kind: "validation-stop",
        at: context.now().toISOString(),
        data: { milestone: milestoneId, status: mission.status, reason: mission.reason, message: message.slice(0, 300), checkRuns: open.filter((check) => !left.includes(check)).map((check) => check.id) },
      })
      .catch((failure: unknown) => context.log.warn({ err: failure }, "could not record the validation's stop"));
  }
  return changed ? { ...mission, milestones } : mission;
}

import { afterStoppedValidation, stoppedCheckSummary, type Mission } from "../../mission/index.ts";
import type { StepContext } from "../engine-deps.ts";
import type { MissionEvent } from "../../store/index.ts";
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
 * validation a person's pause or abort stopped (`message` says who), or one cut by a crash: each is
 * cancelled with the reason and the command that makes the mission
 * go on, the timeline records the stop, and the mission no longer lists them (those GitHub refused
 * to close stay listed, for the next time). The stops' events go into `events`, which the caller
 * saves with the mission (after what came before them on the timeline, in one transaction).
 */
export async function closeOpenChecks(context: StepContext, mission: Mission, events: MissionEvent[], message = "the app stopped while it ran"): Promise<Mission> {
  if (mission.status === "running") return mission;
  const milestones = { ...mission.milestones };
  let changed = false;
  for (const [milestoneId, state] of Object.entries(mission.milestones)) {
    const open = state.openChecks ?? [];
    if (open.length === 0) continue;
    changed = true;
    const left = await cancelStoppedChecks(context, mission, milestoneId, open, message, "could not cancel a check run the mission left open");
    milestones[milestoneId] = { ...state, openChecks: left.length > 0 ? left : undefined };
    events.push({
      missionId: mission.id,
      kind: "validation-stop",
      at: context.now().toISOString(),
      data: { milestone: milestoneId, status: mission.status, reason: mission.reason, message: message.slice(0, 300), checkRuns: open.filter((check) => !left.includes(check)).map((check) => check.id) },
    });
  }
  return changed ? { ...mission, milestones } : mission;
}

/** A check run to cancel: what GitHub needs to complete it under its own name and commit. */
export interface StoppedCheck {
  id: number;
  name: string;
  headSha: string;
  title: string;
}

/**
 * Cancels check runs of a validation that stopped, each saying why and what became of the mission
 * (the command and the button that make it go on). Returns those GitHub refused, to try again later.
 */
export async function cancelStoppedChecks<T extends StoppedCheck>(context: StepContext, mission: Mission, milestoneId: string, checks: readonly T[], message: string, failureLog: string): Promise<T[]> {
  const { text, actions } = afterStoppedValidation(mission, milestoneId);
  const url = dashboardUrl(context, mission);
  const refused: T[] = [];
  for (const check of checks) {
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
        refused.push(check);
        context.log.warn({ err: failure, checkRun: check.id }, failureLog);
      });
  }
  return refused;
}

/** The statuses whose check runs offer buttons (Resume, Re-run validation): the mission waits for a person to press one. */
const WAITING_FOR_A_PRESS = new Set(["paused", "blocked"]);
/** The statuses of a revision being planned and approved. */
const REVISING = new Set(["planning", "questions", "awaiting-approval"]);

/**
 * The mission left `paused` or `blocked` (a comment resumed or retried it; a revision counts only once
 * its new contract is approved), or its pull request was
 * merged or closed: the buttons its stopped and failed check runs offer are out of date — pressing
 * one would resume or validate again unasked — so they are taken away. Those are the milestones'
 * recorded check runs and the ones the latest validation stops cancelled (on the timeline).
 */
export async function clearStaleButtons(context: StepContext, before: Mission, after: Mission): Promise<void> {
  // A revision in progress keeps the status it came from (approving the old contract goes back to it);
  // once it ends otherwise (aborted, or running again) the status is what counts.
  const settled = (mission: Mission) => (REVISING.has(mission.status) ? (mission.revisingFrom?.status ?? mission.status) : mission.status);
  const left = WAITING_FOR_A_PRESS.has(settled(before)) && !WAITING_FOR_A_PRESS.has(settled(after));
  const closed = after.pr?.closedAs !== undefined && before.pr?.closedAs === undefined;
  if (!left && !closed) return;
  const ids = new Set<number>();
  for (const state of Object.values(after.milestones)) {
    if (state.checkRunId !== undefined) ids.add(state.checkRunId);
    if (state.userTestingCheckRunId !== undefined) ids.add(state.userTestingCheckRunId);
  }
  const stops = await context.store.recentEvents(after.id, ["validation-stop"], 20).catch(() => []);
  for (const stop of stops) for (const id of Array.isArray(stop.data.checkRuns) ? stop.data.checkRuns : []) if (typeof id === "number") ids.add(id);
  for (const id of ids) {
    await context.github.clearCheckRunActions(repoRef(after), id).catch((failure: unknown) => context.log.warn({ err: failure, checkRun: id }, "could not take a check run's buttons away"));
  }
}

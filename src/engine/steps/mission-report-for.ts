import { buildMissionReport, countDiff, type Mission, type MissionReport } from "../../mission/index.ts";
import type { StepContext } from "../engine-deps.ts";
import { remoteAccess } from "./remote-access.ts";

/**
 * Measures what the mission branch adds against its base (git's count, not the workers'), onto the
 * timeline for the report. A measurement that fails leaves the report saying so; it never holds up the finish.
 */
export async function measureBranch(context: StepContext, mission: Mission): Promise<void> {
  try {
    const remote = await remoteAccess(context, mission);
    const base = mission.repo.defaultBranch;
    const { directory, head } = await context.workspace.prepare(mission.id, remote, mission.branch!, base);
    const stats = countDiff(await context.workspace.numstat(directory, `origin/${base}`, head));
    await context.store.appendEvent({ missionId: mission.id, kind: "diff-stats", at: context.now().toISOString(), data: { ...stats, base, head } });
  } catch (error) {
    if (context.signal.aborted) throw error;
    context.log.warn({ err: error }, "the mission branch's diff could not be measured for the report");
  }
}

/** The mission report from the store: the ledger and the timeline. */
export async function missionReportFor(context: StepContext, mission: Mission): Promise<MissionReport> {
  const [ledger, events] = await Promise.all([context.store.usage(mission.id), context.store.events(mission.id)]);
  return buildMissionReport(mission, ledger, events, context.now());
}

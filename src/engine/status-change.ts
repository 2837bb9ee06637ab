import type { Mission } from "../mission/index.ts";
import type { MissionEvent } from "../store/index.ts";

/** A change of status, for the timeline: the mission report measures time waiting for people from these. */
export function statusChange(before: Mission, after: Mission, at: string): MissionEvent[] {
  if (before.status === after.status) return [];
  return [{ missionId: after.id, kind: "status-change", at, data: { from: before.status, to: after.status, ...(after.pauseCause && after.status === "paused" ? { cause: after.pauseCause } : {}) } }];
}

import type { Mission, MissionSettings } from "./mission.ts";
import { approvedPlan } from "./plan-features.ts";

/**
 * How user testing starts the app: the repository's `app:`, else the approved plan's — the script the
 * mission's first feature made work, when the repository could not start its app by a script before.
 */
export function appUnderTest(mission: Mission): MissionSettings["app"] {
  if (mission.settings.app) return mission.settings.app;
  const planned = approvedPlan(mission)?.app;
  return planned ? { start: planned.start, url: planned.url, timeoutSeconds: 60 } : undefined;
}

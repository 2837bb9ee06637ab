import { missionLimits, type Mission, type MissionLimits } from "../mission/index.ts";
import type { StepContext } from "./engine-deps.ts";

/** The limits a mission runs under: its repository's choice, else the operator's defaults. */
export function limitsFor(context: StepContext, mission: Mission): MissionLimits {
  const defaults = context.settings.limits ?? {
    workerTurns: 80,
    workerMinutes: 60,
    commandTimeoutSeconds: context.settings.commandTimeoutMs / 1000,
    continuations: 3,
  };
  return missionLimits(mission.settings, defaults);
}

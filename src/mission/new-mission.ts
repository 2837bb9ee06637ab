import { MISSION_SCHEMA_VERSION, type Mission, type MissionSettings } from "./mission.ts";

export interface NewMission {
  id: string;
  repo: Mission["repo"];
  issue: Mission["issue"];
  createdBy: string;
  settings: MissionSettings;
  now: string;
}

/** A mission as a label starts it: planning, nothing decided yet. */
export function newMission(input: NewMission): Mission {
  return {
    schemaVersion: MISSION_SCHEMA_VERSION,
    id: input.id,
    repo: input.repo,
    issue: input.issue,
    status: "planning",
    createdBy: input.createdBy,
    createdAt: input.now,
    updatedAt: input.now,
    settings: input.settings,
    conversation: [],
    contracts: [],
    extraFeatures: [],
    features: {},
    milestones: {},
    assertions: {},
    notices: [],
    stepFailures: 0,
    guidance: [],
    bulletin: [],
  };
}

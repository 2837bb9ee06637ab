/** The public surface of Missions as a library: start it, or compose its parts yourself. */
export { startMissions, type MissionsServer, type StartOptions } from "./server.ts";
export { missionsApp, WEBHOOK_EVENTS } from "./app.ts";
export { readOperatorConfig, parseRepositoryConfig, type OperatorConfig } from "./config/index.ts";
export { Engine, Intake } from "./engine/index.ts";
export { openStore, PostgresMissionStore, SqliteMissionStore, type MissionStore } from "./store/index.ts";

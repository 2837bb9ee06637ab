export type { Delivery, MissionEvent, MissionStore } from "./mission-store.ts";
export { SqliteMissionStore } from "./sqlite-store.ts";

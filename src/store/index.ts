export type { Delivery, MissionEvent, MissionStore, UsageEntry, UsageTotals } from "./mission-store.ts";
export { SqliteMissionStore } from "./sqlite-store.ts";

export type { Delivery, MissionEvent, MissionStore, MissionSummary, SpendHold, SummaryQuery, UsageEntry, UsageSummary, UsageTotals } from "./mission-store.ts";
export { SqliteMissionStore } from "./sqlite-store.ts";
export { StoreLockedError } from "./store-lock.ts";
export { ObservedStore, type StoreChange } from "./observed-store.ts";

export { ClaimLostError, EVIDENCE_CAP, RATE_WINDOW_MS, type EvidenceCap, type TurnClaim } from "./mission-store.ts";
export type { Delivery, MissionEvent, MissionStore, MissionSummary, SpendHold, SummaryQuery, UsageEntry, UsageSummary, UsageTotals } from "./mission-store.ts";
export { SqliteMissionStore } from "./sqlite-store.ts";
export { StoreLockedError } from "./store-lock.ts";
export { ObservedStore, type StoreChange } from "./observed-store.ts";
export { databasePassword, DatabaseInUseError, DatabaseUnavailableError, PostgresMissionStore, redactDatabaseUrl, type PostgresStoreOptions } from "./postgres-store.ts";
export { openStore } from "./open-store.ts";
export { CHANGE_CHANNEL, PostgresChangeFeed } from "./change-feed.ts";

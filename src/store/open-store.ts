import type { MissionStore } from "./mission-store.ts";
import { PostgresMissionStore, type PostgresStoreOptions } from "./postgres-store.ts";
import { SqliteMissionStore } from "./sqlite-store.ts";

/**
 * The store the operator chose: PostgreSQL when `DATABASE_URL` is a `postgres://` URL, else the SQLite
 * file (the default). Either way one app instance drives a store's missions (SQLite's lock file,
 * Postgres's one-instance lock) until steps are scheduled through a shared queue.
 */
export async function openStore(
  config: { databasePath: string; databaseUrl?: string },
  options: Pick<PostgresStoreOptions, "onInstanceLock"> = {},
): Promise<MissionStore> {
  if (config.databaseUrl) return PostgresMissionStore.open(config.databaseUrl, { ...options, exclusive: true });
  return new SqliteMissionStore(config.databasePath);
}

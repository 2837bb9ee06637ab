import type { MissionStore } from "./mission-store.ts";
import { PostgresMissionStore, type PostgresStoreOptions } from "./postgres-store.ts";
import { SqliteMissionStore } from "./sqlite-store.ts";

/**
 * The store the operator chose: PostgreSQL when `DATABASE_URL` is a `postgres://` URL, else the SQLite
 * file (the default). SQLite is one instance's (its lock file); on PostgreSQL any number of instances
 * share the database, their missions scheduled through the shared queue (src/engine/step-queue.ts).
 */
export async function openStore(
  config: { databasePath: string; databaseUrl?: string },
  options: Pick<PostgresStoreOptions, "onInstanceLock"> = {},
): Promise<MissionStore> {
  if (config.databaseUrl) return PostgresMissionStore.open(config.databaseUrl, options);
  return new SqliteMissionStore(config.databasePath);
}

import pg from "pg";
import type { OperatorConfig } from "../config/index.ts";

/** The advisory lock space of local missions on PostgreSQL ("MiLM"); the second key is the mission id's hash. */
const LOCAL_MISSION_LOCK_SPACE = 0x4d694c4d;

/** Held while a `missions` process drives a mission; `release` is idempotent. */
export interface MissionLock {
  release(): Promise<void>;
}

/**
 * Takes the exclusion a `missions` process holds while it drives `missionId`, or undefined when another
 * process holds it. On SQLite the store's lock file already excludes every other process (nothing to
 * take); on PostgreSQL it is a session advisory lock on its own connection, so it goes with the process
 * when that dies (a crash leaves nothing behind).
 */
export async function lockMission(config: Pick<OperatorConfig, "databaseUrl">, missionId: string): Promise<MissionLock | undefined> {
  if (!config.databaseUrl) return { release: async () => {} };
  const client = new pg.Client({ connectionString: config.databaseUrl });
  // An error on an idle connection must not end the process: the drive goes on (its store has its own connections).
  client.on("error", () => {});
  await client.connect();
  try {
    const { rows } = await client.query<{ locked: boolean }>("SELECT pg_try_advisory_lock($1, hashtext($2)) AS locked", [LOCAL_MISSION_LOCK_SPACE, missionId]);
    if (!rows[0]?.locked) {
      await client.end();
      return undefined;
    }
  } catch (error) {
    await client.end().catch(() => {});
    throw error;
  }
  let released = false;
  return {
    async release() {
      if (released) return;
      released = true;
      await client.end().catch(() => {});
    },
  };
}

import { resolve } from "node:path";
import { DatabaseSync } from "node:sqlite";

/** Another process (or another store object in this one) has the store open: two instances would drive the same missions. */
export class StoreLockedError extends Error {
  override name = "StoreLockedError";
  readonly isRetryable = false;
  readonly storePath: string;

  constructor(storePath: string, cause?: unknown) {
    super(
      `Another Missions process is using the store ${resolve(storePath)}: two instances on one store would drive the same missions twice. ` +
        "Stop the other process first. To run several instances of one app, put them all on one PostgreSQL database " +
        "(DATABASE_URL=postgres://user:password@host:5432/missions in every instance's .env; see \"Several instances\" in the README): " +
        "they then share the missions and their webhooks. A SQLite store serves one instance only.",
      { cause },
    );
    this.storePath = storePath;
  }
}

/** Held while a store is open; `release` is idempotent. */
export interface StoreLock {
  readonly path: string;
  release(): void;
}

/**
 * Takes the store's lock: an exclusive SQLite lock on `<store>.lock`, beside the store. The operating
 * system drops it with the process, however it ends (kill -9 included), so a crash never leaves a
 * stale lock behind — which a PID file would. A separate file rather than the store itself keeps the
 * store readable by backup and inspection tools while the app runs.
 */
export function lockStore(storePath: string): StoreLock {
  const path = `${storePath}.lock`;
  const db = new DatabaseSync(path, { timeout: 0 });
  try {
    // In exclusive locking mode a connection keeps the lock of its first write transaction until it closes.
    // No journal: the lock file holds nothing, and a kill -9 leaves no journal beside it.
    db.exec("PRAGMA journal_mode = OFF; PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE; COMMIT;");
  } catch (error) {
    db.close();
    if ((error as { errcode?: number }).errcode === SQLITE_BUSY) throw new StoreLockedError(storePath, error);
    throw error;
  }
  return {
    path,
    release() {
      if (db.isOpen) db.close();
    },
  };
}

const SQLITE_BUSY = 5;

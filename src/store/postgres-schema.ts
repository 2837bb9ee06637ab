import pg from "pg";
import { ACTIVE_STATUSES } from "../mission/index.ts";

/** The PostgreSQL store's schema, its indexed reads, its advisory locks and how it is migrated (the store: postgres-store.ts). */

export const POSTGRES_SCHEMA_VERSION = 3;
export const ACTIVE = ACTIVE_STATUSES.map((status) => `'${status}'`).join(", ");

/**
 * The schema, one migration per version, applied in order under a lock (two instances starting
 * together migrate once). JSON is `jsonb`, except a mission's own data: `json`, kept exactly as
 * written, because `jsonb` reorders object keys (by length, then bytes) and the order of a mission's
 * features, milestones and assertions is the plan's, which people see. Times the app writes stay text
 * (ISO-8601, as in SQLite), so both stores order and compare them alike. `seq` keeps the insertion
 * order SQLite's rowid gives.
 */
export const MIGRATIONS: string[] = [
  `CREATE TABLE missions (
     seq BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE, id TEXT PRIMARY KEY, owner TEXT NOT NULL, repo TEXT NOT NULL,
     issue INTEGER NOT NULL, status TEXT NOT NULL, data JSON NOT NULL, summary JSONB NOT NULL, pr_number INTEGER,
     created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
   CREATE UNIQUE INDEX missions_active_issue ON missions (owner, repo, issue) WHERE status IN (${ACTIVE});
   CREATE INDEX missions_issue ON missions (owner, repo, issue, created_at, seq);
   CREATE INDEX missions_pull ON missions (owner, repo, pr_number, created_at, seq) WHERE pr_number IS NOT NULL;
   CREATE INDEX missions_status ON missions (status);
   CREATE INDEX missions_created ON missions (created_at, seq);
   CREATE INDEX missions_status_created ON missions (status, created_at, seq);
   CREATE INDEX missions_repo_created ON missions (owner, repo, created_at, seq);
   CREATE TABLE deliveries (
     seq BIGINT GENERATED ALWAYS AS IDENTITY, id TEXT PRIMARY KEY, event TEXT NOT NULL, payload JSONB NOT NULL,
     received_at TEXT NOT NULL, processed_at TEXT, error TEXT);
   CREATE INDEX deliveries_pending ON deliveries (seq) WHERE processed_at IS NULL;
   CREATE TABLE intents (
     seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, mission_id TEXT NOT NULL, data JSONB NOT NULL, source TEXT,
     created_at TEXT NOT NULL, applied_at TEXT);
   CREATE INDEX intents_pending ON intents (mission_id, seq) WHERE applied_at IS NULL;
   CREATE UNIQUE INDEX intents_source ON intents (mission_id, source) WHERE source IS NOT NULL;
   CREATE TABLE events (
     seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, mission_id TEXT NOT NULL, kind TEXT NOT NULL, at TEXT NOT NULL,
     data JSONB NOT NULL);
   CREATE INDEX events_mission ON events (mission_id, seq);
   CREATE TABLE ledger (
     seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, mission_id TEXT NOT NULL, role TEXT NOT NULL, feature_id TEXT,
     model TEXT NOT NULL, input_tokens BIGINT NOT NULL, output_tokens BIGINT NOT NULL, cache_read_tokens BIGINT NOT NULL,
     cache_write_tokens BIGINT NOT NULL, usd DOUBLE PRECISION NOT NULL, latency_ms BIGINT NOT NULL, retries INTEGER NOT NULL,
     at TEXT NOT NULL);
   CREATE INDEX ledger_mission ON ledger (mission_id, seq);
   CREATE TABLE check_runs (
     owner TEXT NOT NULL, repo TEXT NOT NULL, check_run_id BIGINT NOT NULL, mission_id TEXT NOT NULL, milestone_id TEXT NOT NULL,
     PRIMARY KEY (owner, repo, check_run_id, mission_id, milestone_id));
   CREATE INDEX check_runs_mission ON check_runs (mission_id);
   CREATE TABLE usage_totals (
     mission_id TEXT PRIMARY KEY, usd_micros BIGINT NOT NULL, calls BIGINT NOT NULL, input BIGINT NOT NULL,
     output BIGINT NOT NULL, cache_read BIGINT NOT NULL, cache_write BIGINT NOT NULL);
   CREATE TABLE usage_summary (
     role TEXT NOT NULL, model TEXT NOT NULL, usd_micros BIGINT NOT NULL, calls BIGINT NOT NULL, input BIGINT NOT NULL,
     output BIGINT NOT NULL, cache_read BIGINT NOT NULL, cache_write BIGINT NOT NULL, PRIMARY KEY (role, model));
   CREATE TABLE spend_holds (
     id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, mission_id TEXT NOT NULL, usd_micros BIGINT NOT NULL,
     expires_at TIMESTAMPTZ NOT NULL);
   CREATE INDEX spend_holds_mission ON spend_holds (mission_id, expires_at);`,
  // What each control comment last showed, and when it was written (epoch ms): shared by the instances.
  `CREATE TABLE control_comments (mission_id TEXT PRIMARY KEY, body TEXT NOT NULL, written_at BIGINT NOT NULL);`,
  // What was per process with one instance: dashboard sessions and sign-ins begun, the refusal replies' rate limit,
  // the user-testing screenshots (served by any instance's dashboard, not from one host's disk).
  `CREATE TABLE shared_state (kind TEXT NOT NULL, key TEXT NOT NULL, value JSONB NOT NULL, expires_at BIGINT NOT NULL, PRIMARY KEY (kind, key));
   CREATE INDEX shared_state_expiry ON shared_state (kind, expires_at);
   CREATE TABLE rate_marks (key TEXT NOT NULL, source TEXT NOT NULL, at BIGINT NOT NULL, PRIMARY KEY (key, source));
   CREATE INDEX rate_marks_at ON rate_marks (at);
   CREATE TABLE evidence (mission_id TEXT NOT NULL, folder TEXT NOT NULL, name TEXT NOT NULL, data BYTEA NOT NULL, PRIMARY KEY (mission_id, folder, name));`,
];

/** The reads a webhook, a health check, a scrape or a model call makes: each has an index (a test reads their plans). */
export const POSTGRES_LOOKUPS = {
  activeMissionByIssue: `SELECT data FROM missions WHERE owner = $1 AND repo = $2 AND issue = $3 AND status IN (${ACTIVE})`,
  latestMissionByIssue: "SELECT data FROM missions WHERE owner = $1 AND repo = $2 AND issue = $3 ORDER BY created_at DESC, seq DESC LIMIT 1",
  missionByPull: "SELECT data FROM missions WHERE owner = $1 AND repo = $2 AND pr_number = $3 ORDER BY created_at DESC, seq DESC LIMIT 1",
  missionByCheckRun: `SELECT missions.data, check_runs.milestone_id FROM check_runs JOIN missions ON missions.id = check_runs.mission_id
    WHERE check_runs.owner = $1 AND check_runs.repo = $2 AND check_runs.check_run_id = $3 ORDER BY missions.created_at DESC, missions.seq DESC LIMIT 1`,
  missionById: "SELECT data FROM missions WHERE id = $1",
  pendingDeliveries: "SELECT id, event, payload, received_at FROM deliveries WHERE processed_at IS NULL ORDER BY seq",
  pendingIntents: "SELECT seq, data FROM intents WHERE mission_id = $1 AND applied_at IS NULL ORDER BY seq",
  usageTotals: "SELECT * FROM usage_totals WHERE mission_id = $1",
  spendHolds: "SELECT usd_micros, expires_at FROM spend_holds WHERE mission_id = $1 AND expires_at > now()",
} as const;

/** A page of the dashboard's list, newest first, in index order. */
export function summaryQuery(filter: { status: boolean; repositories: number }): string {
  const where: string[] = [];
  let next = 1;
  if (filter.status) where.push(`missions.status = $${next++}`);
  if (filter.repositories === 1) where.push(`missions.owner = $${next++} AND missions.repo = $${next++}`);
  else if (filter.repositories > 1) where.push(`(missions.owner || '/' || missions.repo) = ANY($${next++}::text[])`);
  return `SELECT missions.id, missions.status, missions.issue, missions.created_at, missions.updated_at, missions.summary, usage_totals.usd_micros
    FROM missions LEFT JOIN usage_totals ON usage_totals.mission_id = missions.id
    ${where.length > 0 ? `WHERE ${where.join(" AND ")}` : ""}
    ORDER BY missions.created_at DESC, missions.seq DESC LIMIT $${next++} OFFSET $${next}`;
}

export const POSTGRES_LIST_QUERIES = {
  missionSummaries: summaryQuery({ status: false, repositories: 0 }),
  missionSummariesByStatus: summaryQuery({ status: true, repositories: 0 }),
  missionSummariesByRepository: summaryQuery({ status: false, repositories: 1 }),
  missionSummariesByStatusAndRepository: summaryQuery({ status: true, repositories: 1 }),
} as const;

/** Adds one ledger row to a running-totals table (`usage_totals` or `usage_summary`); the key's values come first. */
export const ADD_TO_TOTALS = (table: string, key: string[]) =>
  `INSERT INTO ${table} (${key.join(", ")}, usd_micros, calls, input, output, cache_read, cache_write)
   VALUES (${key.map((_, index) => `$${index + 1}`).join(", ")}, $${key.length + 1}, 1, $${key.length + 2}, $${key.length + 3}, $${key.length + 4}, $${key.length + 5})
   ON CONFLICT (${key.join(", ")}) DO UPDATE SET usd_micros = ${table}.usd_micros + excluded.usd_micros, calls = ${table}.calls + 1,
     input = ${table}.input + excluded.input, output = ${table}.output + excluded.output,
     cache_read = ${table}.cache_read + excluded.cache_read, cache_write = ${table}.cache_write + excluded.cache_write`;

/** The advisory locks' first key: "MiSS". Migrations and the one-instance lock use the second key 1 and 2; spend holds a mission's hash. */
export const LOCK_SPACE = 0x4d695353;
export const MIGRATION_LOCK = 1;
export const INSTANCE_LOCK = 2;
export const SPEND_LOCK_SPACE = LOCK_SPACE + 1;
/** Where releases of spend holds are announced (the mission id as payload). */
export const SPEND_CHANNEL = "missions_spend";

/** A connection holding the one-instance lock (a session advisory lock: it goes with the connection); undefined when another has it. */
export async function takeInstanceLock(url: string, connectTimeoutMs: number): Promise<pg.Client | undefined> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: connectTimeoutMs });
  client.on("error", () => {});
  try {
    await client.connect();
    const { rows } = await client.query("SELECT pg_try_advisory_lock($1, $2) AS locked", [LOCK_SPACE, INSTANCE_LOCK]);
    if (rows[0]?.locked) return client;
  } catch (error) {
    await client.end().catch(() => {});
    throw error;
  }
  await client.end().catch(() => {});
  return undefined;
}

/** Applies the migrations not yet applied, in order, in one transaction under the migration lock. */
export async function migrate(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    await client.query("SELECT pg_advisory_xact_lock($1, $2)", [LOCK_SPACE, MIGRATION_LOCK]);
    await client.query("CREATE TABLE IF NOT EXISTS missions_schema (version INTEGER NOT NULL)");
    const { rows } = await client.query("SELECT version FROM missions_schema");
    if (rows.length === 0) await client.query("INSERT INTO missions_schema (version) VALUES (0)");
    const version = Number(rows[0]?.version ?? 0);
    if (version > MIGRATIONS.length) {
      throw Object.assign(new Error(`The mission store was written by a newer version of Missions (schema ${version}, this one knows ${MIGRATIONS.length}); upgrade the app.`), {
        operatorFacing: true,
      });
    }
    for (let next = version; next < MIGRATIONS.length; next++) {
      await client.query(MIGRATIONS[next]!);
      await client.query("UPDATE missions_schema SET version = $1", [next + 1]);
    }
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

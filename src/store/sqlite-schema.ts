import { ACTIVE_STATUSES, missionProgress, type Mission } from "../mission/index.ts";

/** The SQLite store's schema by version, its indexed reads and its list queries (the store: sqlite-store.ts). */

export const STORE_SCHEMA_VERSION = 7;
// Costs are summed as whole micro-dollars (what `costOf` records): a sum of floating-point dollars
// drifts (0.1 + 0.2 is 0.30000000000000004), and that would show in /metrics and the totals.
const MICROS_OF_USD = "CAST(ROUND(usd * 1000000) AS INTEGER)";
export const ACTIVE = ACTIVE_STATUSES.map((status) => `'${status}'`).join(", ");

export const MIGRATIONS: string[] = [
  `CREATE TABLE missions (
     id TEXT PRIMARY KEY, owner TEXT NOT NULL, repo TEXT NOT NULL, issue INTEGER NOT NULL,
     status TEXT NOT NULL, data TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
   CREATE UNIQUE INDEX missions_active_issue ON missions (owner, repo, issue) WHERE status IN (${ACTIVE});
   CREATE TABLE deliveries (
     id TEXT PRIMARY KEY, event TEXT NOT NULL, payload TEXT NOT NULL, received_at TEXT NOT NULL,
     processed_at TEXT, error TEXT);
   CREATE TABLE intents (
     seq INTEGER PRIMARY KEY AUTOINCREMENT, mission_id TEXT NOT NULL, data TEXT NOT NULL,
     created_at TEXT NOT NULL, applied_at TEXT);
   CREATE INDEX intents_pending ON intents (mission_id) WHERE applied_at IS NULL;
   CREATE TABLE events (
     seq INTEGER PRIMARY KEY AUTOINCREMENT, mission_id TEXT NOT NULL, kind TEXT NOT NULL,
     at TEXT NOT NULL, data TEXT NOT NULL);
   CREATE INDEX events_mission ON events (mission_id, seq);`,
  // v2: a command is recorded once, whatever happens to its delivery.
  `ALTER TABLE intents ADD COLUMN source TEXT;
   CREATE UNIQUE INDEX intents_source ON intents (mission_id, source) WHERE source IS NOT NULL;`,
  // v3: the usage ledger, one row per model call.
  `CREATE TABLE ledger (
     seq INTEGER PRIMARY KEY AUTOINCREMENT, mission_id TEXT NOT NULL, role TEXT NOT NULL, feature_id TEXT,
     model TEXT NOT NULL, input_tokens INTEGER NOT NULL, output_tokens INTEGER NOT NULL,
     cache_read_tokens INTEGER NOT NULL, cache_write_tokens INTEGER NOT NULL, usd REAL NOT NULL,
     latency_ms INTEGER NOT NULL, retries INTEGER NOT NULL, at TEXT NOT NULL);
   CREATE INDEX ledger_mission ON ledger (mission_id, seq);`,
  // v4: finding the deliveries still to process reads only those, however many were processed;
  // processed ones keep their id (GitHub may redeliver) but not their payload.
  `CREATE INDEX deliveries_pending ON deliveries (processed_at) WHERE processed_at IS NULL;
   UPDATE deliveries SET payload = 'null' WHERE processed_at IS NOT NULL;`,
  // v5: nothing a webhook, a health check, a scrape or a model call does grows with the store's history.
  // Webhooks find their mission by index (issue, pull request, check run) instead of loading every
  // mission; statuses are counted in SQL; spending is kept as running totals, updated in the same
  // transaction as the ledger row, instead of summed over the ledger before every model call.
  `ALTER TABLE missions ADD COLUMN pr_number INTEGER;
   UPDATE missions SET pr_number = json_extract(data, '$.pr.number');
   CREATE INDEX missions_pull ON missions (owner, repo, pr_number, created_at) WHERE pr_number IS NOT NULL;
   CREATE INDEX missions_issue ON missions (owner, repo, issue, created_at);
   CREATE INDEX missions_status ON missions (status);
   CREATE TABLE check_runs (
     owner TEXT NOT NULL, repo TEXT NOT NULL, check_run_id INTEGER NOT NULL, mission_id TEXT NOT NULL, milestone_id TEXT NOT NULL,
     PRIMARY KEY (owner, repo, check_run_id, mission_id, milestone_id));
   CREATE INDEX check_runs_mission ON check_runs (mission_id);
   INSERT OR IGNORE INTO check_runs SELECT missions.owner, missions.repo, json_extract(milestone.value, '$.checkRunId'), missions.id, milestone.key
     FROM missions, json_each(missions.data, '$.milestones') AS milestone WHERE json_extract(milestone.value, '$.checkRunId') IS NOT NULL;
   INSERT OR IGNORE INTO check_runs SELECT missions.owner, missions.repo, json_extract(milestone.value, '$.userTestingCheckRunId'), missions.id, milestone.key
     FROM missions, json_each(missions.data, '$.milestones') AS milestone WHERE json_extract(milestone.value, '$.userTestingCheckRunId') IS NOT NULL;
   CREATE TABLE usage_totals (
     mission_id TEXT PRIMARY KEY, usd_micros INTEGER NOT NULL, calls INTEGER NOT NULL, input INTEGER NOT NULL,
     output INTEGER NOT NULL, cache_read INTEGER NOT NULL, cache_write INTEGER NOT NULL);
   INSERT INTO usage_totals SELECT mission_id, SUM(${MICROS_OF_USD}), COUNT(*), SUM(input_tokens), SUM(output_tokens),
     SUM(cache_read_tokens), SUM(cache_write_tokens) FROM ledger GROUP BY mission_id;
   CREATE TABLE usage_summary (
     role TEXT NOT NULL, model TEXT NOT NULL, usd_micros INTEGER NOT NULL, calls INTEGER NOT NULL, input INTEGER NOT NULL,
     output INTEGER NOT NULL, cache_read INTEGER NOT NULL, cache_write INTEGER NOT NULL, PRIMARY KEY (role, model));
   INSERT INTO usage_summary SELECT role, model, SUM(${MICROS_OF_USD}), COUNT(*), SUM(input_tokens), SUM(output_tokens),
     SUM(cache_read_tokens), SUM(cache_write_tokens) FROM ledger GROUP BY role, model;`,
  // v6: the dashboard's list reads a page of summaries, newest first, by index: what a row shows is kept
  // beside the mission when it is saved. Missions saved before have none until their next save; the
  // list reads those few from their data.
  `ALTER TABLE missions ADD COLUMN summary TEXT;
   CREATE INDEX missions_created ON missions (created_at);
   CREATE INDEX missions_status_created ON missions (status, created_at);
   CREATE INDEX missions_repo_created ON missions (owner, repo, created_at);`,
  // State the dashboard and the intake keep beside the missions (shared when the store is PostgreSQL; the same tables here).
  `CREATE TABLE shared_state (kind TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, expires_at INTEGER NOT NULL, PRIMARY KEY (kind, key));
   CREATE INDEX shared_state_expiry ON shared_state (kind, expires_at);
   CREATE TABLE rate_marks (key TEXT NOT NULL, source TEXT NOT NULL, at INTEGER NOT NULL, PRIMARY KEY (key, source));
   CREATE INDEX rate_marks_at ON rate_marks (at);
   CREATE TABLE evidence (mission_id TEXT NOT NULL, folder TEXT NOT NULL, name TEXT NOT NULL, data BLOB NOT NULL, PRIMARY KEY (mission_id, folder, name));`,
];

/**
 * The reads a webhook, a health check, a scrape or a model call makes: each answered by an index or a
 * primary key (a test reads their query plans), so none grows with the number of missions or ledger rows.
 */
export const LOOKUPS = {
  activeMissionByIssue: `SELECT data FROM missions WHERE owner = ? AND repo = ? AND issue = ? AND status IN (${ACTIVE})`,
  latestMissionByIssue: "SELECT data FROM missions WHERE owner = ? AND repo = ? AND issue = ? ORDER BY created_at DESC, rowid DESC LIMIT 1",
  missionByPull: "SELECT data FROM missions WHERE owner = ? AND repo = ? AND pr_number = ? ORDER BY created_at DESC, rowid DESC LIMIT 1",
  missionByCheckRun: `SELECT missions.data, check_runs.milestone_id FROM check_runs JOIN missions ON missions.id = check_runs.mission_id
    WHERE check_runs.owner = ? AND check_runs.repo = ? AND check_runs.check_run_id = ? ORDER BY missions.created_at DESC, missions.rowid DESC LIMIT 1`,
  missionsByStatus: "SELECT status, COUNT(*) AS count FROM missions GROUP BY status",
  usageTotals: "SELECT * FROM usage_totals WHERE mission_id = ?",
  usageSummary: "SELECT * FROM usage_summary ORDER BY role, model",
} as const;

/**
 * A page of the dashboard's list. The mission's data is read only for a row saved before summaries
 * were kept. With many repositories to filter by, the scan goes newest first and stops at the page.
 */
export function summaryQuery(filter: { status?: boolean; repositories?: number }): string {
  const where = [
    ...(filter.status ? ["missions.status = ?"] : []),
    ...(filter.repositories === 1 ? ["missions.owner = ? AND missions.repo = ?"] : []),
    ...(filter.repositories && filter.repositories > 1 ? ["(missions.owner || '/' || missions.repo) IN (SELECT value FROM json_each(?))"] : []),
  ];
  return `SELECT missions.id, missions.status, missions.issue, missions.created_at, missions.updated_at, missions.summary,
      CASE WHEN missions.summary IS NULL THEN missions.data END AS data, usage_totals.usd_micros
    FROM missions LEFT JOIN usage_totals ON usage_totals.mission_id = missions.id
    ${where.length > 0 ? `WHERE ${where.join(" AND ")}` : ""}
    ORDER BY missions.created_at DESC, missions.rowid DESC LIMIT ? OFFSET ?`;
}

/** What a list row shows of a mission, stored with it on every save. */
export function summaryOf(mission: Mission): string {
  const progress = missionProgress(mission);
  return JSON.stringify({
    owner: mission.repo.owner,
    repo: mission.repo.name,
    title: mission.issue.title,
    featuresDone: progress.featuresDone,
    featuresTotal: progress.featuresTotal,
    ...(mission.settings.budgetUsd !== undefined ? { budgetUsd: mission.settings.budgetUsd } : {}),
  });
}

/**
 * The dashboard list's reads: a page at a time, in index order (a test reads their query plans), so a
 * page costs the same whatever the store's size; the repositories are read from an index alone.
 */
export const LIST_QUERIES = {
  missionSummaries: summaryQuery({}),
  missionSummariesByStatus: summaryQuery({ status: true }),
  missionSummariesByRepository: summaryQuery({ repositories: 1 }),
  missionSummariesByStatusAndRepository: summaryQuery({ status: true, repositories: 1 }),
  missionRepositories: "SELECT DISTINCT owner, repo FROM missions ORDER BY owner, repo",
} as const;

/** Adds one ledger row to a running-totals table (`usage_totals` or `usage_summary`). */
export const ADD_TO_TOTALS = (table: string, key: string) =>
  `INSERT INTO ${table} (${key}, usd_micros, calls, input, output, cache_read, cache_write)
   VALUES (${key.split(", ").map(() => "?").join(", ")}, CAST(ROUND(? * 1000000) AS INTEGER), 1, ?, ?, ?, ?)
   ON CONFLICT (${key}) DO UPDATE SET usd_micros = usd_micros + excluded.usd_micros, calls = calls + 1, input = input + excluded.input,
     output = output + excluded.output, cache_read = cache_read + excluded.cache_read, cache_write = cache_write + excluded.cache_write`;

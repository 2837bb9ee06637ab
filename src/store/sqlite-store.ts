import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { loadMission, type Intent, type Mission } from "../mission/index.ts";
import { lockStore, type StoreLock } from "./store-lock.ts";
import { EVIDENCE_CAP, evidenceToDrop, type Delivery, type EvidenceCap, type MissionEvent, type MissionStore, type MissionSummary, type SpendHold, type SummaryQuery, type UsageEntry, type UsageSummary, type UsageTotals } from "./mission-store.ts";
import { summaryFromRow, usageFromRow } from "./summary-row.ts";
import { ACTIVE, ADD_TO_TOTALS, LIST_QUERIES, LOOKUPS, MIGRATIONS, STORE_SCHEMA_VERSION, summaryOf, summaryQuery } from "./sqlite-schema.ts";

export { LIST_QUERIES, LOOKUPS, summaryOf } from "./sqlite-schema.ts";

/** The default store: one SQLite file through `node:sqlite`, WAL mode, schema migrations by version. */
export class SqliteMissionStore implements MissionStore {
  readonly #db: DatabaseSync;
  readonly #lock: StoreLock | undefined;
  /**
   * What the model calls in flight hold of each mission's budget, in micro-dollars, and who waits for
   * one of them to settle. Kept in memory: one process has the store (the lock), and a hold is checked
   * and taken with no await between, so two holds cannot both see the same headroom. A hold dies with
   * its process, as does the call it was for.
   */
  readonly #held = new Map<string, { micros: number; calls: number; waiting: Array<() => void> }>();

  /**
   * Opens (creating) the store; throws `StoreLockedError` while another process, or another store object, has it open.
   * `readOnly`: an existing store, to read beside the process that has it (no lock, no migration; writes fail).
   */
  constructor(path: string, options: { readOnly?: boolean } = {}) {
    if (path !== ":memory:" && !options.readOnly) mkdirSync(dirname(path), { recursive: true });
    this.#lock = path === ":memory:" || options.readOnly ? undefined : lockStore(path);
    let db: DatabaseSync | undefined;
    try {
      if (options.readOnly) {
        db = new DatabaseSync(path, { readOnly: true });
        this.#db = db;
        db.exec("PRAGMA busy_timeout = 5000;");
        return;
      }
      db = new DatabaseSync(path);
      this.#db = db;
      db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;");
      this.#migrate();
    } catch (error) {
      if (db?.isOpen) db.close();
      this.#lock?.release();
      throw error;
    }
  }

  #migrate(): void {
    const version = Number((this.#db.prepare("PRAGMA user_version").get() as { user_version: number }).user_version);
    if (version > STORE_SCHEMA_VERSION) {
      throw new Error(`The mission store was written by a newer version of Missions (schema ${version}); upgrade the app.`);
    }
    for (let next = version; next < MIGRATIONS.length; next++) {
      this.#transaction(() => {
        this.#db.exec(MIGRATIONS[next]!);
        this.#db.exec(`PRAGMA user_version = ${next + 1}`);
      });
    }
  }

  #transaction<T>(work: () => T): T {
    this.#db.exec("BEGIN IMMEDIATE");
    try {
      const result = work();
      this.#db.exec("COMMIT");
      return result;
    } catch (error) {
      this.#db.exec("ROLLBACK");
      throw error;
    }
  }

  async enqueueDelivery(delivery: Delivery): Promise<boolean> {
    const result = this.#db
      .prepare("INSERT OR IGNORE INTO deliveries (id, event, payload, received_at) VALUES (?, ?, ?, ?)")
      .run(delivery.id, delivery.event, JSON.stringify(delivery.payload), delivery.receivedAt);
    return Number(result.changes) === 1;
  }

  async pendingDeliveries(): Promise<Delivery[]> {
    const rows = this.#db
      .prepare("SELECT id, event, payload, received_at FROM deliveries WHERE processed_at IS NULL ORDER BY rowid")
      .all() as Array<{ id: string; event: string; payload: string; received_at: string }>;
    return rows.map((row) => ({ id: row.id, event: row.event, payload: JSON.parse(row.payload), receivedAt: row.received_at }));
  }

  async completeDelivery(id: string, error?: string): Promise<void> {
    this.#db.prepare("UPDATE deliveries SET processed_at = ?, error = ?, payload = 'null' WHERE id = ?").run(new Date().toISOString(), error ?? null, id);
  }

  async createMission(mission: Mission): Promise<boolean> {
    return this.#transaction(() => {
      const result = this.#db
        .prepare(
          "INSERT OR IGNORE INTO missions (id, owner, repo, issue, status, data, created_at, updated_at, pr_number, summary) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .run(
          mission.id,
          mission.repo.owner.toLowerCase(),
          mission.repo.name.toLowerCase(),
          mission.issue.number,
          mission.status,
          JSON.stringify(mission),
          mission.createdAt,
          mission.updatedAt,
          mission.pr?.number ?? null,
          summaryOf(mission),
        );
      if (Number(result.changes) !== 1) return false;
      this.#indexCheckRuns(mission);
      return true;
    });
  }

  /** Keeps `check_runs` equal to the check runs the mission's milestones report on now. */
  #indexCheckRuns(mission: Mission): void {
    this.#db.prepare("DELETE FROM check_runs WHERE mission_id = ?").run(mission.id);
    const insert = this.#db.prepare("INSERT OR IGNORE INTO check_runs (owner, repo, check_run_id, mission_id, milestone_id) VALUES (?, ?, ?, ?, ?)");
    for (const [milestoneId, state] of Object.entries(mission.milestones)) {
      for (const checkRunId of [state.checkRunId, state.userTestingCheckRunId]) {
        if (checkRunId !== undefined) insert.run(mission.repo.owner.toLowerCase(), mission.repo.name.toLowerCase(), checkRunId, mission.id, milestoneId);
      }
    }
  }

  async getMission(id: string): Promise<Mission | undefined> {
    const row = this.#db.prepare("SELECT data FROM missions WHERE id = ?").get(id) as { data: string } | undefined;
    return row ? loadMission(JSON.parse(row.data)) : undefined;
  }

  async findActiveMission(owner: string, repo: string, issue: number): Promise<Mission | undefined> {
    const row = this.#db
      .prepare(LOOKUPS.activeMissionByIssue)
      .get(owner.toLowerCase(), repo.toLowerCase(), issue) as { data: string } | undefined;
    return row ? loadMission(JSON.parse(row.data)) : undefined;
  }

  async findLatestMission(owner: string, repo: string, issue: number): Promise<Mission | undefined> {
    const row = this.#db
      .prepare(LOOKUPS.latestMissionByIssue)
      .get(owner.toLowerCase(), repo.toLowerCase(), issue) as { data: string } | undefined;
    return row ? loadMission(JSON.parse(row.data)) : undefined;
  }

  async findMissionByPull(owner: string, repo: string, pull: number): Promise<Mission | undefined> {
    const row = this.#db
      .prepare(LOOKUPS.missionByPull)
      .get(owner.toLowerCase(), repo.toLowerCase(), pull) as { data: string } | undefined;
    return row ? loadMission(JSON.parse(row.data)) : undefined;
  }

  async findMissionByCheckRun(owner: string, repo: string, checkRunId: number): Promise<{ mission: Mission; milestoneId: string } | undefined> {
    const row = this.#db
      .prepare(LOOKUPS.missionByCheckRun)
      .get(owner.toLowerCase(), repo.toLowerCase(), checkRunId) as { data: string; milestone_id: string } | undefined;
    return row ? { mission: loadMission(JSON.parse(row.data)), milestoneId: row.milestone_id } : undefined;
  }

  async countMissionsByStatus(): Promise<Record<string, number>> {
    const rows = this.#db.prepare(LOOKUPS.missionsByStatus).all() as Array<{ status: string; count: number }>;
    return Object.fromEntries(rows.map((row) => [row.status, Number(row.count)]));
  }

  async listMissions(filter: { active?: boolean } = {}): Promise<Mission[]> {
    const where = filter.active ? `WHERE status IN (${ACTIVE})` : "";
    const rows = this.#db.prepare(`SELECT data FROM missions ${where} ORDER BY created_at`).all() as Array<{ data: string }>;
    return rows.map((row) => loadMission(JSON.parse(row.data)));
  }

  async listMissionSummaries(query: SummaryQuery): Promise<MissionSummary[]> {
    const repositories = query.repositories?.map((repository) => repository.toLowerCase());
    if (repositories?.length === 0) return [];
    const params: Array<string | number> = [];
    if (query.status) params.push(query.status);
    if (repositories?.length === 1) params.push(...(repositories[0]!.split("/", 2) as [string, string]));
    else if (repositories) params.push(JSON.stringify(repositories));
    params.push(Math.max(0, Math.floor(query.limit)), Math.max(0, Math.floor(query.offset)));
    const sql = summaryQuery({ status: Boolean(query.status), repositories: repositories?.length });
    const rows = this.#db.prepare(sql).all(...params) as Array<Record<string, string | number | null>>;
    return rows.map((row) => {
      const kept = row.summary ? (JSON.parse(String(row.summary)) as Record<string, unknown>) : (JSON.parse(summaryOf(loadMission(JSON.parse(String(row.data))))) as Record<string, unknown>);
      return summaryFromRow(row, kept);
    });
  }

  async missionRepositories(): Promise<string[]> {
    const rows = this.#db.prepare(LIST_QUERIES.missionRepositories).all() as Array<{ owner: string; repo: string }>;
    return rows.map((row) => `${row.owner}/${row.repo}`);
  }

  async addIntent(missionId: string, intent: Omit<Intent, "seq">): Promise<number | undefined> {
    const result = this.#db
      .prepare("INSERT OR IGNORE INTO intents (mission_id, data, created_at, source) VALUES (?, ?, ?, ?)")
      .run(missionId, JSON.stringify(intent), new Date().toISOString(), intent.source ?? null);
    return Number(result.changes) === 1 ? Number(result.lastInsertRowid) : undefined;
  }

  async pendingIntents(missionId: string): Promise<Intent[]> {
    const rows = this.#db
      .prepare("SELECT seq, data FROM intents WHERE mission_id = ? AND applied_at IS NULL ORDER BY seq")
      .all(missionId) as Array<{ seq: number; data: string }>;
    return rows.map((row) => ({ ...JSON.parse(row.data), seq: Number(row.seq) }));
  }

  async saveMission(mission: Mission, appliedIntents: number[] = [], events: MissionEvent[] = []): Promise<void> {
    const now = new Date().toISOString();
    this.#transaction(() => {
      const insert = this.#db.prepare("INSERT INTO events (mission_id, kind, at, data) VALUES (?, ?, ?, ?)");
      for (const event of events) insert.run(event.missionId, event.kind, event.at, JSON.stringify(event.data));
      this.#db
        .prepare("UPDATE missions SET status = ?, data = ?, updated_at = ?, pr_number = ?, summary = ? WHERE id = ?")
        .run(mission.status, JSON.stringify(mission), mission.updatedAt, mission.pr?.number ?? null, summaryOf(mission), mission.id);
      this.#indexCheckRuns(mission);
      const mark = this.#db.prepare("UPDATE intents SET applied_at = ? WHERE seq = ?");
      for (const seq of appliedIntents) mark.run(now, seq);
    });
  }

  async recordUsage(entry: UsageEntry): Promise<void> {
    const tokens = [entry.inputTokens, entry.outputTokens, entry.cacheReadTokens, entry.cacheWriteTokens];
    this.#transaction(() => {
      this.#insertLedgerRow(entry);
      this.#db.prepare(ADD_TO_TOTALS("usage_totals", "mission_id")).run(entry.missionId, entry.usd, ...tokens);
      this.#db.prepare(ADD_TO_TOTALS("usage_summary", "role, model")).run(entry.role, entry.model, entry.usd, ...tokens);
    });
  }

  async reserveSpend(missionId: string, usd: number, capUsd: number, signal?: AbortSignal): Promise<SpendHold> {
    // In micro-dollars, as the totals are kept: the hold rounded up, the cap (whole cents) to the nearest.
    const wanted = Math.ceil(usd * 1_000_000);
    const cap = Math.round(capUsd * 1_000_000);
    for (;;) {
      signal?.throwIfAborted();
      const spent = Number((this.#db.prepare(LOOKUPS.usageTotals).get(missionId) as { usd_micros?: number } | undefined)?.usd_micros ?? 0);
      const held = this.#held.get(missionId) ?? { micros: 0, calls: 0, waiting: [] };
      if (spent + held.micros + wanted <= cap) {
        held.micros += wanted;
        held.calls += 1;
        this.#held.set(missionId, held);
        let released = false;
        return {
          granted: true,
          release: () => {
            if (released) return;
            released = true;
            held.micros -= wanted;
            held.calls -= 1;
            const waiting = held.waiting.splice(0);
            if (held.calls === 0) this.#held.delete(missionId);
            for (const wake of waiting) wake();
          },
        };
      }
      // Calls in flight usually cost far less than they hold: wait for one to settle, then look again.
      if (held.calls === 0 || spent + wanted > cap) return { granted: false, spentUsd: spent / 1_000_000, heldUsd: held.micros / 1_000_000, capUsd };
      this.#held.set(missionId, held);
      // Cancelled while it waits (the mission stops, the app shuts down): it stops waiting and holds nothing.
      await new Promise<void>((resolve, reject) => {
        const onAbort = () => {
          const index = held.waiting.indexOf(wake);
          if (index >= 0) held.waiting.splice(index, 1);
          reject(signal!.reason);
        };
        const wake = () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        };
        held.waiting.push(wake);
        signal?.addEventListener("abort", onAbort, { once: true });
      });
    }
  }

  #insertLedgerRow(entry: UsageEntry): void {
    this.#db
      .prepare(
        `INSERT INTO ledger (mission_id, role, feature_id, model, input_tokens, output_tokens, cache_read_tokens,
           cache_write_tokens, usd, latency_ms, retries, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        entry.missionId,
        entry.role,
        entry.featureId ?? null,
        entry.model,
        entry.inputTokens,
        entry.outputTokens,
        entry.cacheReadTokens,
        entry.cacheWriteTokens,
        entry.usd,
        Math.round(entry.latencyMs),
        entry.retries,
        entry.at,
      );
  }

  async usage(missionId: string): Promise<UsageEntry[]> {
    const rows = this.#db.prepare("SELECT * FROM ledger WHERE mission_id = ? ORDER BY seq").all(missionId) as Array<Record<string, unknown>>;
    return rows.map(usageFromRow);
  }

  async usageTotals(missionId: string): Promise<UsageTotals> {
    const row = this.#db.prepare(LOOKUPS.usageTotals).get(missionId) as Record<string, number> | undefined;
    return toTotals(row ?? { usd_micros: 0, calls: 0, input: 0, output: 0, cache_read: 0, cache_write: 0 });
  }

  async usageSummary(): Promise<UsageSummary[]> {
    const rows = this.#db.prepare(LOOKUPS.usageSummary).all() as Array<Record<string, string | number>>;
    return rows.map((row) => ({ role: String(row.role), model: String(row.model), ...toTotals(row) }));
  }

  async appendEvent(event: MissionEvent): Promise<void> {
    this.#db
      .prepare("INSERT INTO events (mission_id, kind, at, data) VALUES (?, ?, ?, ?)")
      .run(event.missionId, event.kind, event.at, JSON.stringify(event.data));
  }

  async events(missionId: string): Promise<MissionEvent[]> {
    const rows = this.#db
      .prepare("SELECT mission_id, kind, at, data FROM events WHERE mission_id = ? ORDER BY seq")
      .all(missionId) as Array<{ mission_id: string; kind: string; at: string; data: string }>;
    return rows.map((row) => ({ missionId: row.mission_id, kind: row.kind, at: row.at, data: JSON.parse(row.data) }));
  }

  async recentEvents(missionId: string, kinds: readonly string[], limit: number): Promise<MissionEvent[]> {
    const rows = this.#db
      .prepare("SELECT mission_id, kind, at, data FROM events WHERE mission_id = ? AND kind IN (SELECT value FROM json_each(?)) ORDER BY seq DESC LIMIT ?")
      .all(missionId, JSON.stringify(kinds), Math.max(0, Math.floor(limit))) as Array<{ mission_id: string; kind: string; at: string; data: string }>;
    return rows.reverse().map((row) => ({ missionId: row.mission_id, kind: row.kind, at: row.at, data: JSON.parse(row.data) }));
  }

  async putShared(kind: string, key: string, value: unknown, expiresAt: number, keep?: number): Promise<void> {
    this.#transaction(() => {
      this.#db.prepare("DELETE FROM shared_state WHERE kind = ? AND expires_at <= ?").run(kind, Date.now());
      this.#db
        .prepare("INSERT INTO shared_state (kind, key, value, expires_at) VALUES (?, ?, ?, ?) ON CONFLICT (kind, key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at")
        .run(kind, key, JSON.stringify(value), expiresAt);
      // At most `keep` of the kind: those that expire first make room.
      if (keep !== undefined) {
        this.#db.prepare("DELETE FROM shared_state WHERE kind = ? AND key IN (SELECT key FROM shared_state WHERE kind = ? ORDER BY expires_at DESC LIMIT -1 OFFSET ?)").run(kind, kind, keep);
      }
    });
  }

  async getShared(kind: string, key: string): Promise<unknown> {
    const row = this.#db.prepare("SELECT value FROM shared_state WHERE kind = ? AND key = ? AND expires_at > ?").get(kind, key, Date.now()) as { value: string } | undefined;
    return row ? JSON.parse(row.value) : undefined;
  }

  async takeShared(kind: string, key: string): Promise<unknown> {
    const row = this.#db.prepare("DELETE FROM shared_state WHERE kind = ? AND key = ? RETURNING value, expires_at").get(kind, key) as { value: string; expires_at: number } | undefined;
    return row && Number(row.expires_at) > Date.now() ? JSON.parse(row.value) : undefined;
  }

  async deleteShared(kind: string, key: string): Promise<void> {
    this.#db.prepare("DELETE FROM shared_state WHERE kind = ? AND key = ?").run(kind, key);
  }

  async markRate(key: string, source: string, at: number, windowMs: number, limit: number): Promise<boolean> {
    return this.#transaction(() => {
      // Every key's marks out of the window go (people never seen again too).
      this.#db.prepare("DELETE FROM rate_marks WHERE at <= ?").run(at - windowMs);
      if (this.#db.prepare("SELECT 1 FROM rate_marks WHERE key = ? AND source = ?").get(key, source)) return false;
      const { count } = this.#db.prepare("SELECT COUNT(*) AS count FROM rate_marks WHERE key = ?").get(key) as { count: number };
      if (Number(count) >= limit) return false;
      this.#db.prepare("INSERT INTO rate_marks (key, source, at) VALUES (?, ?, ?)").run(key, source, at);
      return true;
    });
  }

  async putEvidence(missionId: string, folder: string, name: string, data: Uint8Array, cap: EvidenceCap = EVIDENCE_CAP): Promise<boolean> {
    return this.#transaction(() => {
      // What the mission keeps now, the file being replaced apart.
      const folders = (
        this.#db
          .prepare("SELECT folder, COUNT(*) AS files, SUM(LENGTH(data)) AS bytes FROM evidence WHERE mission_id = ? AND NOT (folder = ? AND name = ?) GROUP BY folder")
          .all(missionId, folder, name) as Array<{ folder: string; files: number; bytes: number }>
      ).map((row) => ({ folder: row.folder, files: Number(row.files), bytes: Number(row.bytes) }));
      const drop = evidenceToDrop(folders, folder, { files: 1, bytes: data.length }, cap);
      if (!drop) return false;
      for (const other of drop) this.#db.prepare("DELETE FROM evidence WHERE mission_id = ? AND folder = ?").run(missionId, other);
      this.#db.prepare("INSERT INTO evidence (mission_id, folder, name, data) VALUES (?, ?, ?, ?) ON CONFLICT DO UPDATE SET data = excluded.data").run(missionId, folder, name, data);
      return true;
    });
  }

  async listEvidence(missionId: string, folder: string): Promise<string[]> {
    const rows = this.#db.prepare("SELECT name FROM evidence WHERE mission_id = ? AND folder = ? ORDER BY name").all(missionId, folder) as Array<{ name: string }>;
    return rows.map((row) => row.name);
  }

  async deleteEvidence(missionId: string, folder?: string): Promise<void> {
    if (folder === undefined) this.#db.prepare("DELETE FROM evidence WHERE mission_id = ?").run(missionId);
    else this.#db.prepare("DELETE FROM evidence WHERE mission_id = ? AND folder = ?").run(missionId, folder);
  }

  async getEvidence(missionId: string, folder: string, name: string): Promise<Buffer | undefined> {
    const row = this.#db.prepare("SELECT data FROM evidence WHERE mission_id = ? AND folder = ? AND name = ?").get(missionId, folder, name) as { data: Uint8Array } | undefined;
    return row ? Buffer.from(row.data) : undefined;
  }

  async close(): Promise<void> {
    if (this.#db.isOpen) this.#db.close();
    this.#lock?.release();
  }
}

/** A ledger aggregate row (usd_micros, calls, input, output, cache_read, cache_write) as usage totals. */
export function toTotals(row: Record<string, string | number>): UsageTotals {
  return {
    usd: Number(row.usd_micros) / 1_000_000,
    calls: Number(row.calls),
    inputTokens: Number(row.input),
    outputTokens: Number(row.output),
    cacheReadTokens: Number(row.cache_read),
    cacheWriteTokens: Number(row.cache_write),
  };
}

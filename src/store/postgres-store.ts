import pg from "pg";
import { loadMission, type Intent, type Mission } from "../mission/index.ts";
import { ClaimLostError, EVIDENCE_CAP, evidenceToDrop, type TurnClaim, type Delivery, type EvidenceCap, type MissionEvent, type MissionStore, type MissionSummary, type SpendHold, type SummaryQuery, type UsageEntry, type UsageSummary, type UsageTotals } from "./mission-store.ts";
import { summaryOf, toTotals } from "./sqlite-store.ts";
import { summaryFromRow, usageFromRow } from "./summary-row.ts";
import { ACTIVE, ADD_TO_TOTALS, migrate, POSTGRES_LOOKUPS, SPEND_CHANNEL, SPEND_LOCK_SPACE, summaryQuery, takeInstanceLock } from "./postgres-schema.ts";
import { databasePassword, DatabaseInUseError, DatabaseUnavailableError, redactDatabaseUrl } from "./postgres-errors.ts";

export { POSTGRES_LIST_QUERIES, POSTGRES_LOOKUPS, POSTGRES_SCHEMA_VERSION } from "./postgres-schema.ts";
export { databasePassword, DatabaseInUseError, DatabaseUnavailableError, redactDatabaseUrl } from "./postgres-errors.ts";

export interface PostgresStoreOptions {
  /**
   * Take the database's one-instance lock (a session advisory lock, dropped with the connection, so
   * with the process however it ends), for a user of the store that must be alone on it. The app does
   * not: its instances share the database, missions scheduled through the shared queue (step-queue.ts).
   */
  exclusive?: boolean;
  /**
   * Told when the one-instance lock is lost with its connection (another instance could start on the
   * database until it is regained) and when it is taken again (retried every `relockMs`, default 2 s).
   */
  onInstanceLock?: (event: "lost" | "regained", error?: Error) => void;
  relockMs?: number;
  /** How long a spend hold outlives its instance's last renewal (default 60 s; renewed every third of it). */
  holdLeaseMs?: number;
  /** The longest a waiting `reserveSpend` goes without looking again, besides being told of releases (default 1 s). */
  pollMs?: number;
  /** Connections in the pool (default 10). */
  maxConnections?: number;
  /** How long the first connection may take (default 10 s). */
  connectTimeoutMs?: number;
}

/**
 * JSON as `jsonb` takes it: `jsonb` holds no NUL character and no lone UTF-16 surrogate, so those
 * become U+FFFD (GitHub payloads and model output can carry them) instead of failing the write.
 * (A mission's `json` data keeps them, escaped, as SQLite does.)
 */
function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) => (typeof item === "string" ? item.replaceAll("\u0000", "\uFFFD").toWellFormed() : item));
}

/** Anything that runs queries: the pool, or one client inside a transaction. */
export type Queryable = Pick<pg.ClientBase, "query">;

/** See `PostgresMissionStore.commitWith`. */
export interface CommitWrites {
  mission?: (client: Queryable, missionId: string) => Promise<void>;
  /** Whether the turn's claim still holds, asked first in the transaction that saves its mission (and locking it till commit). */
  claim?: (client: Queryable, claim: TurnClaim) => Promise<boolean>;
  delivery?: (client: Queryable) => Promise<void>;
}

/**
 * The store on PostgreSQL (`DATABASE_URL=postgres://…`), the same `MissionStore` as SQLite's, for
 * instances that share one database. Opened with `PostgresMissionStore.open`. Spend holds live in the
 * database, so every instance's calls count against a mission's cap. `transaction` hands a caller one
 * client inside a transaction, for writes that must commit with the store's (a queue's jobs).
 */
export class PostgresMissionStore implements MissionStore {
  readonly #pool: pg.Pool;
  readonly #url: string;
  #instanceLock: pg.Client | undefined;
  readonly #options: PostgresStoreOptions;
  readonly #holdLeaseMs: number;
  readonly #pollMs: number;
  /** This instance's holds not yet released: renewed while they live. */
  readonly #liveHolds = new Set<string>();
  readonly #releases = new Set<Promise<void>>();
  /** Who waits for a hold on a mission to be released. */
  readonly #waiters = new Map<string, Set<() => void>>();
  #listener: pg.Client | undefined;
  #listening: Promise<void> | undefined;
  readonly #renewal: NodeJS.Timeout;
  #closed = false;
  #writes: CommitWrites = {};

  private constructor(url: string, pool: pg.Pool, instanceLock: pg.Client | undefined, options: PostgresStoreOptions) {
    this.#url = url;
    this.#pool = pool;
    this.#options = options;
    this.#instanceLock = instanceLock;
    if (instanceLock) this.#watchLock(instanceLock);
    this.#holdLeaseMs = options.holdLeaseMs ?? 60_000;
    this.#pollMs = options.pollMs ?? 1_000;
    this.#renewal = setInterval(() => void this.#renewHolds(), Math.max(10, Math.floor(this.#holdLeaseMs / 3)));
    this.#renewal.unref();
  }

  /**
   * Connects, migrates the schema (refusing one written by a newer version) and, with `exclusive`,
   * takes the one-instance lock. Errors say what to fix, with the URL's password replaced.
   */
  static async open(url: string, options: PostgresStoreOptions = {}): Promise<PostgresMissionStore> {
    const shown = redactDatabaseUrl(url);
    let config: pg.PoolConfig;
    try {
      const parsed = new URL(url);
      if (!/^postgres(ql)?:$/.test(parsed.protocol)) throw new Error("not postgres");
      config = { connectionString: url };
    } catch {
      throw new DatabaseUnavailableError(`DATABASE_URL is not a valid PostgreSQL URL (postgres://user:password@host:5432/database): ${shown}`);
    }
    const passwords = [databasePassword(url), URL.canParse(url) ? new URL(url).password : undefined].filter((password): password is string => !!password);
    const said = (error: unknown) => passwords.reduce((message, password) => message.replaceAll(password, "***"), error instanceof Error ? error.message : String(error));
    const pool = new pg.Pool({ ...config, max: options.maxConnections ?? 10, connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000 });
    // An idle connection the server dropped is reported here; the next query reconnects.
    pool.on("error", () => {});
    let instanceLock: pg.Client | undefined;
    try {
      try {
        await pool.query("SELECT 1");
      } catch (error) {
        throw new DatabaseUnavailableError(
          `Cannot connect to the PostgreSQL database ${shown} (DATABASE_URL): ${said(error)}. Check that the server runs and accepts connections from this host, and the URL's user, password and database.`,
          (error as { code?: string }).code,
        );
      }
      // The lock first: an instance that may not run changes nothing, not even the schema.
      if (options.exclusive) {
        instanceLock = await takeInstanceLock(url, options.connectTimeoutMs ?? 10_000);
        if (!instanceLock) {
          throw new DatabaseInUseError(
            `Another Missions process holds the PostgreSQL database ${shown} for itself: stop it first, or give this one a database of its own.`,
          );
        }
      }
      await migrate(pool).catch((error: unknown) => {
        if ((error as { operatorFacing?: unknown }).operatorFacing === true) throw error;
        throw new DatabaseUnavailableError(
          `Cannot prepare the mission store's tables in the PostgreSQL database ${shown} (DATABASE_URL): ${said(error)}. The URL's user needs to create tables in the database (or own it).`,
          (error as { code?: string }).code,
        );
      });
    } catch (error) {
      await instanceLock?.end().catch(() => {});
      await pool.end().catch(() => {});
      throw error;
    }
    return new PostgresMissionStore(url, pool, instanceLock, options);
  }

  /**
   * Writes that commit with the store's own: after a mission is created or saved (the shared queue's
   * next tick), and after a delivery is recorded (the queue's drain). Set once, before work starts.
   */
  commitWith(writes: CommitWrites): void {
    this.#writes = writes;
  }

  /** The connection pool, for what shares the database (a queue): never closed by its users. */
  get pool(): pg.Pool {
    return this.#pool;
  }

  /** Runs `work` on one client inside a transaction: committed when it resolves, rolled back when it throws. */
  async transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.#pool.connect();
    let broken: Error | undefined;
    try {
      await client.query("BEGIN");
      const result = await work(client);
      await client.query("COMMIT");
      return result;
    } catch (error) {
      // A connection that cannot even roll back is not given back to the pool.
      await client.query("ROLLBACK").catch((rollback: Error) => (broken = rollback));
      throw error;
    } finally {
      client.release(broken);
    }
  }

  async enqueueDelivery(delivery: Delivery): Promise<boolean> {
    const after = this.#writes.delivery;
    if (!after) return this.enqueueDeliveryIn(this.#pool, delivery);
    return this.transaction(async (client) => {
      const fresh = await this.enqueueDeliveryIn(client, delivery);
      if (fresh) await after(client);
      return fresh;
    });
  }

  /** `enqueueDelivery` inside the caller's transaction: for a delivery recorded with what it starts. */
  async enqueueDeliveryIn(client: Queryable, delivery: Delivery): Promise<boolean> {
    const result = await client.query("INSERT INTO deliveries (id, event, payload, received_at) VALUES ($1, $2, $3::jsonb, $4) ON CONFLICT (id) DO NOTHING", [
      delivery.id,
      delivery.event,
      toJson(delivery.payload ?? null),
      delivery.receivedAt,
    ]);
    return result.rowCount === 1;
  }

  async pendingDeliveries(): Promise<Delivery[]> {
    const { rows } = await this.#pool.query(POSTGRES_LOOKUPS.pendingDeliveries);
    return rows.map((row) => ({ id: row.id, event: row.event, payload: row.payload, receivedAt: row.received_at }));
  }

  async completeDelivery(id: string, error?: string): Promise<void> {
    await this.#pool.query("UPDATE deliveries SET processed_at = $1, error = $2, payload = 'null'::jsonb WHERE id = $3", [new Date().toISOString(), error ?? null, id]);
  }

  async createMission(mission: Mission): Promise<boolean> {
    return this.transaction(async (client) => {
      const result = await client.query(
        `INSERT INTO missions (id, owner, repo, issue, status, data, created_at, updated_at, pr_number, summary)
         VALUES ($1, $2, $3, $4, $5, $6::json, $7, $8, $9, $10::jsonb) ON CONFLICT DO NOTHING`,
        [
          mission.id,
          mission.repo.owner.toLowerCase(),
          mission.repo.name.toLowerCase(),
          mission.issue.number,
          mission.status,
          JSON.stringify(mission),
          mission.createdAt,
          mission.updatedAt,
          mission.pr?.number ?? null,
          toJson(JSON.parse(summaryOf(mission))),
        ],
      );
      if (result.rowCount !== 1) return false;
      await indexCheckRuns(client, mission);
      await this.#writes.mission?.(client, mission.id);
      return true;
    });
  }

  async getMission(id: string): Promise<Mission | undefined> {
    return missionOf(await this.#pool.query(POSTGRES_LOOKUPS.missionById, [id]));
  }

  async findActiveMission(owner: string, repo: string, issue: number): Promise<Mission | undefined> {
    return missionOf(await this.#pool.query(POSTGRES_LOOKUPS.activeMissionByIssue, [owner.toLowerCase(), repo.toLowerCase(), issue]));
  }

  async findLatestMission(owner: string, repo: string, issue: number): Promise<Mission | undefined> {
    return missionOf(await this.#pool.query(POSTGRES_LOOKUPS.latestMissionByIssue, [owner.toLowerCase(), repo.toLowerCase(), issue]));
  }

  async findMissionByPull(owner: string, repo: string, pull: number): Promise<Mission | undefined> {
    return missionOf(await this.#pool.query(POSTGRES_LOOKUPS.missionByPull, [owner.toLowerCase(), repo.toLowerCase(), pull]));
  }

  async findMissionByCheckRun(owner: string, repo: string, checkRunId: number): Promise<{ mission: Mission; milestoneId: string } | undefined> {
    const { rows } = await this.#pool.query(POSTGRES_LOOKUPS.missionByCheckRun, [owner.toLowerCase(), repo.toLowerCase(), checkRunId]);
    return rows[0] ? { mission: loadMission(rows[0].data), milestoneId: rows[0].milestone_id } : undefined;
  }

  async countMissionsByStatus(): Promise<Record<string, number>> {
    const { rows } = await this.#pool.query("SELECT status, COUNT(*) AS count FROM missions GROUP BY status");
    return Object.fromEntries(rows.map((row) => [row.status, Number(row.count)]));
  }

  async listMissions(filter: { active?: boolean } = {}): Promise<Mission[]> {
    const where = filter.active ? `WHERE status IN (${ACTIVE})` : "";
    const { rows } = await this.#pool.query(`SELECT data FROM missions ${where} ORDER BY created_at, seq`);
    return rows.map((row) => loadMission(row.data));
  }

  async listMissionSummaries(query: SummaryQuery): Promise<MissionSummary[]> {
    const repositories = query.repositories?.map((repository) => repository.toLowerCase());
    if (repositories?.length === 0) return [];
    const params: unknown[] = [];
    if (query.status) params.push(query.status);
    if (repositories?.length === 1) params.push(...(repositories[0]!.split("/", 2) as [string, string]));
    else if (repositories) params.push(repositories);
    params.push(Math.max(0, Math.floor(query.limit)), Math.max(0, Math.floor(query.offset)));
    const { rows } = await this.#pool.query(summaryQuery({ status: Boolean(query.status), repositories: repositories?.length ?? 0 }), params);
    return rows.map((row) => {
      const kept = row.summary as Record<string, unknown>;
      return summaryFromRow(row, kept);
    });
  }

  async missionRepositories(): Promise<string[]> {
    const { rows } = await this.#pool.query("SELECT DISTINCT owner, repo FROM missions ORDER BY owner, repo");
    return rows.map((row) => `${row.owner}/${row.repo}`);
  }

  async addIntent(missionId: string, intent: Omit<Intent, "seq">): Promise<number | undefined> {
    const { rows } = await this.#pool.query(
      "INSERT INTO intents (mission_id, data, created_at, source) VALUES ($1, $2::jsonb, $3, $4) ON CONFLICT DO NOTHING RETURNING seq",
      [missionId, toJson(intent), new Date().toISOString(), intent.source ?? null],
    );
    return rows[0] ? Number(rows[0].seq) : undefined;
  }

  async pendingIntents(missionId: string): Promise<Intent[]> {
    const { rows } = await this.#pool.query(POSTGRES_LOOKUPS.pendingIntents, [missionId]);
    return rows.map((row) => ({ ...row.data, seq: Number(row.seq) }));
  }

  async saveMission(mission: Mission, appliedIntents: number[] = [], events: MissionEvent[] = [], claim?: TurnClaim): Promise<void> {
    await this.transaction(async (client) => {
      if (claim && this.#writes.claim && !(await this.#writes.claim(client, claim))) throw new ClaimLostError(mission.id);
      await this.saveMissionIn(client, mission, appliedIntents, events);
      await this.#writes.mission?.(client, mission.id);
    });
  }

  /** `saveMission` inside the caller's transaction: for a write that must commit with the mission. */
  async saveMissionIn(client: Queryable, mission: Mission, appliedIntents: number[] = [], events: MissionEvent[] = []): Promise<void> {
    await insertEvents(client, events);
    await client.query("UPDATE missions SET status = $1, data = $2::json, updated_at = $3, pr_number = $4, summary = $5::jsonb WHERE id = $6", [
      mission.status,
      JSON.stringify(mission),
      mission.updatedAt,
      mission.pr?.number ?? null,
      toJson(JSON.parse(summaryOf(mission))),
      mission.id,
    ]);
    await indexCheckRuns(client, mission);
    if (appliedIntents.length > 0) {
      await client.query("UPDATE intents SET applied_at = $1 WHERE seq = ANY($2::bigint[]) AND applied_at IS NULL", [new Date().toISOString(), appliedIntents]);
    }
  }

  async recordUsage(entry: UsageEntry): Promise<void> {
    // Whole micro-dollars, as SQLite keeps them: a sum of floating-point dollars drifts.
    const micros = Math.round(entry.usd * 1_000_000);
    const tokens = [entry.inputTokens, entry.outputTokens, entry.cacheReadTokens, entry.cacheWriteTokens];
    await this.transaction(async (client) => {
      await client.query(
        `INSERT INTO ledger (mission_id, role, feature_id, model, input_tokens, output_tokens, cache_read_tokens,
           cache_write_tokens, usd, latency_ms, retries, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
        [entry.missionId, entry.role, entry.featureId ?? null, entry.model, ...tokens, entry.usd, Math.round(entry.latencyMs), entry.retries, entry.at],
      );
      await client.query(ADD_TO_TOTALS("usage_totals", ["mission_id"]), [entry.missionId, micros, ...tokens]);
      await client.query(ADD_TO_TOTALS("usage_summary", ["role", "model"]), [entry.role, entry.model, micros, ...tokens]);
    });
  }

  /**
   * The hold is a row of `spend_holds`, checked and inserted under a transaction lock per mission, so
   * holds from every instance count against the cap and two never see the same headroom. A hold lives
   * until released or, should its instance die, until its lease lapses (`holdLeaseMs`). A hold that
   * fits once others settle waits to be told of a release (LISTEN/NOTIFY), looking again at least every
   * `pollMs` and when the next hold expires.
   */
  async reserveSpend(missionId: string, usd: number, capUsd: number, signal?: AbortSignal): Promise<SpendHold> {
    const wanted = Math.ceil(usd * 1_000_000);
    const cap = Math.round(capUsd * 1_000_000);
    // This instance's own releases land first: a hold freed just before is not waited for.
    await Promise.all(this.#releases);
    let listened = false;
    for (;;) {
      signal?.throwIfAborted();
      const wake = this.#waitFor(missionId);
      let look: { granted: true; id: string } | { granted: false; spent: number; held: number; calls: number; nextExpiryMs: number };
      try {
        look = await this.transaction(async (client) => {
          await client.query("SELECT pg_advisory_xact_lock($1, hashtext($2))", [SPEND_LOCK_SPACE, missionId]);
          await client.query("DELETE FROM spend_holds WHERE mission_id = $1 AND expires_at <= now()", [missionId]);
          const { rows } = await client.query(
            `SELECT COALESCE((SELECT usd_micros FROM usage_totals WHERE mission_id = $1), 0) AS spent,
               COALESCE(SUM(usd_micros), 0) AS held, COUNT(*) AS calls,
               COALESCE(EXTRACT(EPOCH FROM MIN(expires_at) - now()) * 1000, 0) AS next_expiry_ms
             FROM spend_holds WHERE mission_id = $1 AND expires_at > now()`,
            [missionId],
          );
          const spent = Number(rows[0].spent);
          const held = Number(rows[0].held);
          if (spent + held + wanted <= cap) {
            const inserted = await client.query(
              "INSERT INTO spend_holds (mission_id, usd_micros, expires_at) VALUES ($1, $2, now() + $3 * interval '1 millisecond') RETURNING id",
              [missionId, wanted, this.#holdLeaseMs],
            );
            return { granted: true as const, id: String(inserted.rows[0].id) };
          }
          return { granted: false as const, spent, held, calls: Number(rows[0].calls), nextExpiryMs: Number(rows[0].next_expiry_ms) };
        });
      } catch (error) {
        wake.cancel();
        throw error;
      }
      if (look.granted) {
        wake.cancel();
        return this.#granted(missionId, look.id);
      }
      // Calls in flight usually cost far less than they hold: wait for one to settle, then look again.
      if (look.calls === 0 || look.spent + wanted > cap) {
        wake.cancel();
        return { granted: false, spentUsd: look.spent / 1_000_000, heldUsd: look.held / 1_000_000, capUsd };
      }
      if (!listened) {
        // Told of other instances' releases from now on; look again, in case one came before.
        listened = true;
        wake.cancel();
        await this.#listen();
        continue;
      }
      await wake.wait(Math.min(this.#pollMs, Math.max(0, look.nextExpiryMs) + 5), signal);
    }
  }

  #granted(missionId: string, id: string): SpendHold {
    this.#liveHolds.add(id);
    let released = false;
    return {
      granted: true,
      release: () => {
        if (released) return;
        released = true;
        this.#liveHolds.delete(id);
        const done: Promise<void> = this.#pool
          .query(`WITH gone AS (DELETE FROM spend_holds WHERE id = $1 RETURNING mission_id) SELECT pg_notify('${SPEND_CHANNEL}', mission_id) FROM gone`, [id])
          .then(
            () => undefined,
            // Not deleted now: it lapses with its lease, as a dead instance's would.
            () => undefined,
          )
          .finally(() => {
            this.#releases.delete(done);
            this.#wake(missionId);
          });
        this.#releases.add(done);
      },
    };
  }

  /** A wait for a release on the mission, registered now (before the look that decides to wait). */
  #waitFor(missionId: string): { wait(timeoutMs: number, signal?: AbortSignal): Promise<void>; cancel(): void } {
    let woken = false;
    let resolveWait: (() => void) | undefined;
    const wake = () => {
      woken = true;
      resolveWait?.();
    };
    const waiters = this.#waiters.get(missionId) ?? new Set();
    waiters.add(wake);
    this.#waiters.set(missionId, waiters);
    const cancel = () => {
      waiters.delete(wake);
      if (waiters.size === 0 && this.#waiters.get(missionId) === waiters) this.#waiters.delete(missionId);
    };
    return {
      cancel,
      wait: (timeoutMs, signal) =>
        new Promise<void>((resolve, reject) => {
          const onAbort = () => finish(() => reject(signal!.reason));
          const timer = setTimeout(() => finish(resolve), timeoutMs);
          const finish = (settle: () => void) => {
            clearTimeout(timer);
            signal?.removeEventListener("abort", onAbort);
            cancel();
            settle();
          };
          resolveWait = () => finish(resolve);
          if (woken) finish(resolve);
          else if (signal?.aborted) onAbort();
          else signal?.addEventListener("abort", onAbort, { once: true });
        }),
    };
  }

  #wake(missionId: string): void {
    for (const wake of [...(this.#waiters.get(missionId) ?? [])]) wake();
  }

  /** One connection listening for releases; when it cannot be had or is lost, waits fall back to polling. */
  async #listen(): Promise<void> {
    if (this.#closed) return;
    this.#listening ??= (async () => {
      const client = new pg.Client({ connectionString: this.#url, connectionTimeoutMillis: 10_000 });
      const drop = () => {
        if (this.#listener === client) this.#listener = undefined;
        this.#listening = undefined;
        void client.end().catch(() => {});
      };
      client.on("error", drop);
      client.on("notification", (message) => {
        if (message.channel === SPEND_CHANNEL && message.payload) this.#wake(message.payload);
      });
      try {
        await client.connect();
        await client.query(`LISTEN ${SPEND_CHANNEL}`);
        this.#listener = client;
        if (this.#closed) drop();
      } catch {
        drop();
      }
    })();
    await this.#listening;
  }

  #relock: NodeJS.Timeout | undefined;

  /**
   * The connection holding the one-instance lock is gone (the server restarted, the network dropped):
   * the lock went with it. Said at once, and taken again as soon as the database answers.
   */
  #watchLock(lock: pg.Client): void {
    lock.on("error", (error) => this.#lockLost(lock, error));
    lock.on("end", () => this.#lockLost(lock, new Error("the connection ended")));
  }

  #lockLost(lost: pg.Client, error: Error): void {
    if (this.#closed || this.#instanceLock !== lost) return;
    this.#instanceLock = undefined;
    void lost.end().catch(() => {});
    this.#options.onInstanceLock?.("lost", error);
    const retry = () => {
      this.#relock = setTimeout(async () => {
        const lock = await takeInstanceLock(this.#url, this.#options.connectTimeoutMs ?? 10_000).catch(() => undefined);
        if (this.#closed) {
          await lock?.end().catch(() => {});
          return;
        }
        if (!lock) return retry();
        this.#instanceLock = lock;
        this.#watchLock(lock);
        this.#options.onInstanceLock?.("regained");
      }, this.#options.relockMs ?? 2_000);
      this.#relock.unref();
    };
    retry();
  }

  async #renewHolds(): Promise<void> {
    if (this.#liveHolds.size === 0 || this.#closed) return;
    await this.#pool
      .query("UPDATE spend_holds SET expires_at = now() + $2 * interval '1 millisecond' WHERE id = ANY($1::bigint[])", [[...this.#liveHolds], this.#holdLeaseMs])
      .catch(() => {
        // Looked at again at the next renewal; a hold that lapses meanwhile only frees headroom early.
      });
  }

  /** The control comment's body as last written by any instance, and when (`ControlState`). */
  async readControl(missionId: string): Promise<{ body: string; at: number } | undefined> {
    const { rows } = await this.#pool.query("SELECT body, written_at FROM control_comments WHERE mission_id = $1", [missionId]);
    return rows[0] ? { body: String(rows[0].body), at: Number(rows[0].written_at) } : undefined;
  }

  async writeControl(missionId: string, body: string, at: number): Promise<void> {
    await this.#pool.query(
      `INSERT INTO control_comments (mission_id, body, written_at) VALUES ($1, $2, $3)
       ON CONFLICT (mission_id) DO UPDATE SET body = excluded.body, written_at = excluded.written_at WHERE control_comments.written_at <= excluded.written_at`,
      [missionId, body.replaceAll("\u0000", "\uFFFD"), at],
    );
  }

  async putShared(kind: string, key: string, value: unknown, expiresAt: number, keep?: number): Promise<void> {
    // One transaction, as on SQLite: the expired swept, the value written and the kind capped together.
    await this.transaction(async (client) => {
      await client.query("DELETE FROM shared_state WHERE kind = $1 AND expires_at <= $2", [kind, Date.now()]);
      await client.query(
        "INSERT INTO shared_state (kind, key, value, expires_at) VALUES ($1, $2, $3, $4) ON CONFLICT (kind, key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at",
        [kind, key, JSON.stringify(value), expiresAt],
      );
      // At most `keep` of the kind: those that expire first make room.
      if (keep !== undefined) {
        await client.query("DELETE FROM shared_state WHERE kind = $1 AND key IN (SELECT key FROM shared_state WHERE kind = $1 ORDER BY expires_at DESC OFFSET $2)", [kind, keep]);
      }
    });
  }

  async getShared(kind: string, key: string): Promise<unknown> {
    const { rows } = await this.#pool.query("SELECT value FROM shared_state WHERE kind = $1 AND key = $2 AND expires_at > $3", [kind, key, Date.now()]);
    return rows[0]?.value;
  }

  async takeShared(kind: string, key: string): Promise<unknown> {
    const { rows } = await this.#pool.query("DELETE FROM shared_state WHERE kind = $1 AND key = $2 RETURNING value, expires_at", [kind, key]);
    return rows[0] && Number(rows[0].expires_at) > Date.now() ? rows[0].value : undefined;
  }

  async deleteShared(kind: string, key: string): Promise<void> {
    await this.#pool.query("DELETE FROM shared_state WHERE kind = $1 AND key = $2", [kind, key]);
  }

  async markRate(key: string, source: string, at: number, windowMs: number, limit: number): Promise<boolean> {
    return this.transaction(async (client) => {
      // One key's marks are counted and added by one instance at a time.
      await client.query("SELECT pg_advisory_xact_lock(hashtext('rate_marks'), hashtext($1))", [key]);
      // Every key's marks out of the window go (people never seen again too).
      await client.query("DELETE FROM rate_marks WHERE at <= $1", [at - windowMs]);
      const { rows } = await client.query("SELECT COUNT(*) AS count, COUNT(*) FILTER (WHERE source = $2) AS same FROM rate_marks WHERE key = $1", [key, source]);
      if (Number(rows[0]?.same ?? 0) > 0 || Number(rows[0]?.count ?? 0) >= limit) return false;
      await client.query("INSERT INTO rate_marks (key, source, at) VALUES ($1, $2, $3)", [key, source, at]);
      return true;
    });
  }

  async putEvidence(missionId: string, folder: string, name: string, data: Uint8Array, cap: EvidenceCap = EVIDENCE_CAP): Promise<boolean> {
    return this.transaction(async (client) => {
      // One mission's screenshots are counted and added by one instance at a time.
      await client.query("SELECT pg_advisory_xact_lock(hashtext('evidence'), hashtext($1))", [missionId]);
      const { rows } = await client.query(
        "SELECT folder, COUNT(*) AS files, SUM(octet_length(data)) AS bytes FROM evidence WHERE mission_id = $1 AND NOT (folder = $2 AND name = $3) GROUP BY folder",
        [missionId, folder, name],
      );
      const folders = rows.map((row) => ({ folder: String(row.folder), files: Number(row.files), bytes: Number(row.bytes) }));
      const drop = evidenceToDrop(folders, folder, { files: 1, bytes: data.length }, cap);
      if (!drop) return false;
      if (drop.length > 0) await client.query("DELETE FROM evidence WHERE mission_id = $1 AND folder = ANY($2::text[])", [missionId, drop]);
      await client.query(
        "INSERT INTO evidence (mission_id, folder, name, data) VALUES ($1, $2, $3, $4) ON CONFLICT (mission_id, folder, name) DO UPDATE SET data = excluded.data",
        [missionId, folder, name, Buffer.from(data)],
      );
      return true;
    });
  }

  async listEvidence(missionId: string, folder: string): Promise<string[]> {
    const { rows } = await this.#pool.query("SELECT name FROM evidence WHERE mission_id = $1 AND folder = $2 ORDER BY name", [missionId, folder]);
    return rows.map((row) => String(row.name));
  }

  async deleteEvidence(missionId: string, folder?: string): Promise<void> {
    if (folder === undefined) await this.#pool.query("DELETE FROM evidence WHERE mission_id = $1", [missionId]);
    else await this.#pool.query("DELETE FROM evidence WHERE mission_id = $1 AND folder = $2", [missionId, folder]);
  }

  async getEvidence(missionId: string, folder: string, name: string): Promise<Buffer | undefined> {
    const { rows } = await this.#pool.query("SELECT data FROM evidence WHERE mission_id = $1 AND folder = $2 AND name = $3", [missionId, folder, name]);
    return rows[0] ? Buffer.from(rows[0].data as Buffer) : undefined;
  }

  async usage(missionId: string): Promise<UsageEntry[]> {
    const { rows } = await this.#pool.query("SELECT * FROM ledger WHERE mission_id = $1 ORDER BY seq", [missionId]);
    return rows.map(usageFromRow);
  }

  async usageTotals(missionId: string): Promise<UsageTotals> {
    const { rows } = await this.#pool.query(POSTGRES_LOOKUPS.usageTotals, [missionId]);
    return toTotals(rows[0] ?? { usd_micros: 0, calls: 0, input: 0, output: 0, cache_read: 0, cache_write: 0 });
  }

  async usageSummary(): Promise<UsageSummary[]> {
    const { rows } = await this.#pool.query("SELECT * FROM usage_summary ORDER BY role, model");
    return rows.map((row) => ({ role: String(row.role), model: String(row.model), ...toTotals(row) }));
  }

  async appendEvent(event: MissionEvent): Promise<void> {
    await insertEvents(this.#pool, [event]);
  }

  async events(missionId: string): Promise<MissionEvent[]> {
    const { rows } = await this.#pool.query("SELECT mission_id, kind, at, data FROM events WHERE mission_id = $1 ORDER BY seq", [missionId]);
    return rows.map((row) => ({ missionId: row.mission_id, kind: row.kind, at: row.at, data: row.data }));
  }

  async recentEvents(missionId: string, kinds: readonly string[], limit: number): Promise<MissionEvent[]> {
    const { rows } = await this.#pool.query("SELECT mission_id, kind, at, data FROM events WHERE mission_id = $1 AND kind = ANY($2::text[]) ORDER BY seq DESC LIMIT $3", [missionId, [...kinds], Math.max(0, Math.floor(limit))]);
    return rows.reverse().map((row) => ({ missionId: row.mission_id, kind: row.kind, at: row.at, data: row.data }));
  }

  /** Lets go of the pool, the listener and the one-instance lock; this instance's holds go with it (its calls are over). */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#renewal);
    await Promise.all(this.#releases);
    if (this.#liveHolds.size > 0) await this.#pool.query("DELETE FROM spend_holds WHERE id = ANY($1::bigint[])", [[...this.#liveHolds]]).catch(() => {});
    this.#liveHolds.clear();
    await this.#listening;
    await this.#listener?.end().catch(() => {});
    this.#listener = undefined;
    clearTimeout(this.#relock);
    const lock = this.#instanceLock;
    this.#instanceLock = undefined;
    await lock?.end().catch(() => {});
    await this.#pool.end();
  }
}

function missionOf(result: pg.QueryResult): Mission | undefined {
  return result.rows[0] ? loadMission(result.rows[0].data) : undefined;
}

async function insertEvents(client: Queryable, events: MissionEvent[]): Promise<void> {
  if (events.length === 0) return;
  await client.query(
    `INSERT INTO events (mission_id, kind, at, data) SELECT mission_id, kind, at, data
     FROM unnest($1::text[], $2::text[], $3::text[], $4::jsonb[]) WITH ORDINALITY AS e(mission_id, kind, at, data, n) ORDER BY n`,
    [events.map((event) => event.missionId), events.map((event) => event.kind), events.map((event) => event.at), events.map((event) => toJson(event.data))],
  );
}

/** Keeps `check_runs` equal to the check runs the mission's milestones report on now. */
async function indexCheckRuns(client: Queryable, mission: Mission): Promise<void> {
  await client.query("DELETE FROM check_runs WHERE mission_id = $1", [mission.id]);
  const ids: number[] = [];
  const milestones: string[] = [];
  for (const [milestoneId, state] of Object.entries(mission.milestones)) {
    for (const checkRunId of [state.checkRunId, state.userTestingCheckRunId]) {
      if (checkRunId !== undefined) {
        ids.push(checkRunId);
        milestones.push(milestoneId);
      }
    }
  }
  if (ids.length === 0) return;
  await client.query(
    `INSERT INTO check_runs (owner, repo, check_run_id, mission_id, milestone_id)
     SELECT $1, $2, id, $3, milestone FROM unnest($4::bigint[], $5::text[]) AS c(id, milestone) ON CONFLICT DO NOTHING`,
    [mission.repo.owner.toLowerCase(), mission.repo.name.toLowerCase(), mission.id, ids, milestones],
  );
}

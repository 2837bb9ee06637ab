import type { Logger } from "pino";
import pg from "pg";
import { PgBoss, type Db, type Job } from "pg-boss";
import type { TurnClaim } from "../store/mission-store.ts";
import type { Queryable } from "../store/postgres-store.ts";
import type { Engine } from "./engine.ts";

/** The queue of missions' turns: one job per mission at a time (singleton key = mission id). */
export const STEP_QUEUE = "mission-step";
/** The queue of webhook drains: one at a time across instances, so commands keep their order. */
export const INTAKE_QUEUE = "mission-intake";
const INTAKE_KEY = "deliveries";
/** The advisory lock of the queued missions' watch (one instance edits their comments). */
const QUEUED_WATCH_LOCK = "missions:queued-watch";
/** pg-boss's tables live in a schema of their own beside the store's. */
export const QUEUE_SCHEMA = "pgboss";

export interface StepQueueOptions {
  databaseUrl: string;
  log: Logger;
  /** Steps this instance runs at once (`MISSIONS_STEPS_AT_ONCE`). */
  stepsAtOnce: number;
  /** How often a running step's job says it is alive; one silent for this long is handed to another instance. */
  heartbeatSeconds: number;
  /** How often jobs whose instance went silent are looked for. */
  checkSeconds: number;
  /**
   * How long a step must have waited before its mission counts as queued (default 3 s): on an idle
   * system a step is taken within milliseconds, and its mission must not flash "queued" meanwhile.
   */
  queuedAfterMs?: number;
}

export interface QueueDepth {
  /** Steps waiting for an instance to take them (not deferred). */
  waiting: number;
  /** Steps running now, on any instance. */
  running: number;
  /** How long the oldest waiting step has waited (0: none waits). */
  oldestWaitingMs: number;
}

type StepJob = Job<{ missionId: string }>;

/**
 * Missions scheduled through pg-boss on the shared PostgreSQL database: any instance takes any
 * delivery and any step. A job of `mission-step` is one turn of the engine's loop (load the mission,
 * `nextStep`, run the step, persist); the store enqueues the next turn in the transaction that
 * persists the result (`commitWith`), and a delivery's drain in the transaction that records it. The
 * `stately` policy keeps one active job (and one waiting) per mission; missions run in parallel up to
 * `stepsAtOnce` per instance. A running job sends heartbeats; a job whose instance dies goes silent,
 * is failed by pg-boss's supervision on any instance and retried — the turn re-runs from the mission's
 * last persisted state and the branch's last pushed commit.
 */
export class StepQueue {
  readonly #boss: PgBoss;
  readonly #log: Logger;
  readonly #options: StepQueueOptions;
  #engine: Pick<Engine, "turn"> | undefined;
  #drain: (() => Promise<void>) | undefined;
  #stopped = false;
  /** Jobs this instance runs now, by mission. */
  readonly #running = new Map<string, number>();

  private constructor(boss: PgBoss, options: StepQueueOptions) {
    this.#boss = boss;
    this.#log = options.log.child({ concern: "queue" });
    this.#options = options;
  }

  /** Installs (or migrates) pg-boss's schema and the two queues; workers start with `work`. */
  static async open(options: StepQueueOptions): Promise<StepQueue> {
    const boss = new PgBoss({
      connectionString: options.databaseUrl,
      schema: QUEUE_SCHEMA,
      max: Math.max(4, options.stepsAtOnce + 2),
      useListenNotify: true,
      superviseIntervalSeconds: options.checkSeconds,
      monitorIntervalSeconds: Math.max(10, options.checkSeconds),
      schedule: false,
      application_name: "missions-queue",
    });
    const queue = new StepQueue(boss, options);
    boss.on("error", (error) => queue.#log.warn({ err: error }, "queue error"));
    await boss.start();
    const common = {
      policy: "stately" as const,
      notify: true,
      heartbeatSeconds: options.heartbeatSeconds,
      // A step can run for hours: the heartbeat, not this, tells a live job from a dead one.
      expireInSeconds: 23 * 3600,
      // Each retry is an instance that died or a database that failed under the turn: many are allowed.
      retryLimit: 1000,
      retryDelay: 1,
      retryBackoff: true,
      retryDelayMax: 60,
      deleteAfterSeconds: 24 * 3600,
    };
    const { policy: _policy, ...changeable } = common;
    for (const name of [STEP_QUEUE, INTAKE_QUEUE]) {
      const existing = await boss.getQueue(name);
      if (!existing) {
        const created = await boss.createQueue(name, common).then(() => true, async (error: unknown) => {
          // Another instance created it meanwhile.
          if (!(await boss.getQueue(name))) throw error;
          return false;
        });
        if (created) continue;
      }
      // A queue created before keeps the options it was created with: this instance's settings
      // (`MISSIONS_QUEUE_HEARTBEAT_SECONDS`) apply from now on, to the jobs sent from now on.
      await boss.updateQueue(name, changeable);
    }
    return queue;
  }

  /** The job that turns a mission, inside the caller's transaction when given one. */
  async kick(missionId: string, client?: Queryable, delayMs = 0): Promise<void> {
    await this.#boss.send(STEP_QUEUE, { missionId }, {
      singletonKey: missionId,
      ...(client ? { db: asDatabase(client) } : {}),
      ...(delayMs > 0 ? { startAfter: new Date(Date.now() + delayMs) } : {}),
    });
  }

  /**
   * Whether `claim` (a turn's job, at the attempt it was taken at) still holds, read inside the
   * caller's transaction with the job's row locked till it commits: pg-boss's supervision cannot hand
   * the job to another instance between this answer and the caller's writes.
   */
  async holds(client: Queryable, claim: TurnClaim): Promise<boolean> {
    const { rows } = await client.query(
      `SELECT 1 FROM ${QUEUE_SCHEMA}.job WHERE name = $1 AND id = $2::uuid AND retry_count = $3 AND state = 'active' FOR UPDATE`,
      [STEP_QUEUE, claim.job, claim.attempt],
    );
    return rows.length > 0;
  }

  /** The job that drains recorded deliveries, inside the caller's transaction when given one. */
  async scheduleDrain(client?: Queryable, delayMs = 0): Promise<void> {
    await this.#boss.send(INTAKE_QUEUE, {}, {
      singletonKey: INTAKE_KEY,
      ...(client ? { db: asDatabase(client) } : {}),
      ...(delayMs > 0 ? { startAfter: new Date(Date.now() + delayMs) } : {}),
    });
  }

  /** Starts taking jobs: turns of `engine`, drains by `drain`. */
  async work(engine: Pick<Engine, "turn">, drain: () => Promise<void>): Promise<void> {
    this.#engine = engine;
    this.#drain = drain;
    const polling = { pollingIntervalSeconds: 2, notifyPollingIntervalSeconds: 10 };
    await this.#boss.work<{ missionId: string }>(STEP_QUEUE, { ...polling, localConcurrency: this.#options.stepsAtOnce }, async ([job]) => {
      if (job) await this.#turn(job);
    });
    await this.#boss.work(INTAKE_QUEUE, { ...polling, localConcurrency: 1 }, async () => {
      await this.#drain?.();
    });
  }

  async #turn(job: StepJob): Promise<void> {
    const missionId = job.data.missionId;
    this.#running.set(missionId, (this.#running.get(missionId) ?? 0) + 1);
    try {
      if (job.retryCount > 0) this.#log.info({ mission: missionId, attempt: job.retryCount + 1 }, "taking over a mission's turn (its instance stopped or failed)");
      // The job's signal aborts when its claim is gone (its heartbeat could not be written in time and
      // another instance took the mission's turn over): the step in flight is cut short and saves nothing.
      const lost = () => this.#log.warn({ mission: missionId, job: job.id }, "this instance lost the mission's turn to another instance; the step in flight is cut short");
      job.signal.addEventListener("abort", lost, { once: true });
      let outcome: Awaited<ReturnType<Engine["turn"]>>;
      try {
        outcome = await this.#engine!.turn(missionId, job.signal, { job: job.id, attempt: job.retryCount });
      } finally {
        job.signal.removeEventListener("abort", lost);
      }
      // Stopping: the turn was cut short and is left for another instance (or this one's next start).
      // A turn whose claim was lost is already another instance's: it is not sent again.
      if (outcome === "stopped" && !job.signal.aborted) await this.kick(missionId);
      if (outcome === "lost") this.#log.warn({ mission: missionId, job: job.id }, "this instance lost the mission's turn to another instance before it could save; nothing of the step was saved");
    } finally {
      const left = (this.#running.get(missionId) ?? 1) - 1;
      if (left > 0) this.#running.set(missionId, left);
      else this.#running.delete(missionId);
    }
  }

  /**
   * Missions whose turn waits in the queue for a free instance ("queued" on the dashboard): a step
   * due for at least `queuedAfterMs` that no instance has taken, and no step of the mission running.
   */
  async queuedMissions(): Promise<string[]> {
    return this.#queued();
  }

  /** Whether the mission's turn waits for a free instance now (read again just before a comment says so). */
  async isQueued(missionId: string): Promise<boolean> {
    return (await this.#queued(missionId)).length > 0;
  }

  async #queued(missionId?: string): Promise<string[]> {
    const { rows } = await this.#boss.getDb().executeSql(
      `SELECT DISTINCT singleton_key FROM ${QUEUE_SCHEMA}.job WHERE name = $1 AND state IN ('created', 'retry')
       AND GREATEST(created_on, start_after) <= now() - make_interval(secs => $2::double precision / 1000)
       AND ($3::text IS NULL OR singleton_key = $3::text)
       AND singleton_key NOT IN (SELECT singleton_key FROM ${QUEUE_SCHEMA}.job WHERE name = $1 AND state = 'active' AND singleton_key IS NOT NULL)`,
      [STEP_QUEUE, this.#options.queuedAfterMs ?? 3_000, missionId ?? null],
    );
    return rows.map((row) => String(row.singleton_key));
  }

  /**
   * Looks every `everyMs` at which missions wait for a free instance and calls `onChange` for each that
   * began (`true`) or stopped (`false`) waiting: their control comments and live pages say "queued".
   * `leads`: this instance is the one (of all on the database) that edits the control comments for it;
   * the others only refresh their own live pages.
   */
  watchQueued(onChange: (missionId: string, queued: boolean, leads: boolean) => void, everyMs = 2_000): void {
    let previous = new Set<string>();
    let looking = false;
    const look = async () => {
      if (looking || this.#stopped) return;
      looking = true;
      try {
        const now = new Set(await this.queuedMissions());
        const changed = [...now].some((id) => !previous.has(id)) || [...previous].some((id) => !now.has(id));
        const leads = changed ? await this.#leads() : false;
        for (const id of now) if (!previous.has(id)) onChange(id, true, leads);
        for (const id of previous) if (!now.has(id)) onChange(id, false, leads);
        previous = now;
      } catch (error) {
        if (!this.#stopped) this.#log.warn({ err: error }, "could not read which missions are queued");
      } finally {
        looking = false;
      }
    };
    clearInterval(this.#watch);
    this.#watch = setInterval(() => void look(), everyMs);
    this.#watch.unref();
  }

  #watch: NodeJS.Timeout | undefined;
  /** The connection holding the watch's lock: the instance holding it edits the "queued" comments. */
  #leader: Promise<pg.Client | undefined> | undefined;
  #held: pg.Client | undefined;

  /**
   * Whether this instance holds the lock of the queued missions' watch: a PostgreSQL advisory lock on a
   * connection of its own, held while the connection lives, so another instance takes it over when this
   * one stops or dies.
   */
  async #leads(): Promise<boolean> {
    if (this.#stopped) return false;
    this.#leader ??= (async () => {
      const client = new pg.Client({ connectionString: this.#options.databaseUrl, application_name: "missions-queued-watch", connectionTimeoutMillis: 10_000, query_timeout: 10_000 });
      client.on("error", (error) => {
        this.#log.warn({ err: error }, "the queued missions' watch lost its connection");
        this.#leader = undefined;
        void client.end().catch(() => {});
      });
      try {
        await client.connect();
        return client;
      } catch (error) {
        this.#leader = undefined;
        throw error;
      }
    })();
    const client = await this.#leader;
    if (!client) return false;
    // Held once, held while the connection lives (asked again, the lock would only be counted again).
    if (this.#held === client) return true;
    try {
      const { rows } = await client.query("SELECT pg_try_advisory_lock(hashtext($1)) AS held", [QUEUED_WATCH_LOCK]);
      if (rows[0]?.held === true) this.#held = client;
      return this.#held === client;
    } catch (error) {
      this.#leader = undefined;
      void client.end().catch(() => {});
      throw error;
    }
  }

  /**
   * The queue as `/metrics` and `/health` show it: read from the job table, not a cache. A step waits
   * as `#queued` reads it: due (a retry from when it became due again, not from its first sending),
   * and not the next turn of a mission whose step runs (that one waits for its own mission, not for
   * an instance).
   */
  async depth(): Promise<QueueDepth> {
    const { rows } = await this.#boss.getDb().executeSql(
      `WITH jobs AS (
         SELECT state, GREATEST(created_on, start_after) AS due,
           singleton_key IN (SELECT singleton_key FROM ${QUEUE_SCHEMA}.job WHERE name = $1 AND state = 'active' AND singleton_key IS NOT NULL) AS behind
         FROM ${QUEUE_SCHEMA}.job WHERE name = $1 AND state IN ('created', 'retry', 'active'))
       SELECT COUNT(*) FILTER (WHERE state IN ('created', 'retry') AND due <= now() AND behind IS NOT TRUE) AS waiting,
         COUNT(*) FILTER (WHERE state = 'active') AS running,
         COALESCE(EXTRACT(EPOCH FROM now() - MIN(due) FILTER (WHERE state IN ('created', 'retry') AND due <= now() AND behind IS NOT TRUE)) * 1000, 0) AS oldest
       FROM jobs`,
      [STEP_QUEUE],
    );
    const row = rows[0] ?? {};
    return { waiting: Number(row.waiting ?? 0), running: Number(row.running ?? 0), oldestWaitingMs: Math.max(0, Math.round(Number(row.oldest ?? 0))) };
  }

  /** Steps this instance runs now. */
  get runningHere(): number {
    let count = 0;
    for (const jobs of this.#running.values()) count += jobs;
    return count;
  }

  /** No job of either queue waits or runs, on any instance (tests, `idle`). */
  async empty(): Promise<boolean> {
    const { rows } = await this.#boss.getDb().executeSql(
      `SELECT COUNT(*) AS count FROM ${QUEUE_SCHEMA}.job WHERE name = ANY($1::text[]) AND state IN ('created', 'retry', 'active')`,
      [[STEP_QUEUE, INTAKE_QUEUE]],
    );
    return Number(rows[0]?.count ?? 0) === 0;
  }

  /**
   * Stops taking jobs and waits for those running (the engine, stopped first, cuts their steps short;
   * each leaves a job for its mission's next turn), then lets go of the connections.
   */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    clearInterval(this.#watch);
    const leader = this.#leader;
    this.#leader = undefined;
    await leader?.then((client) => client?.end()).catch(() => {});
    await this.#boss.stop({ graceful: true, timeout: 30_000, close: true });
  }
}

/** A client inside the store's transaction, as pg-boss takes one (`db` option). */
function asDatabase(client: Queryable): Db {
  return { executeSql: async (text: string, values?: unknown[]) => client.query(text, values) };
}

import { randomBytes } from "node:crypto";
import type { Logger } from "pino";
import pg from "pg";

/** The PostgreSQL channel on which instances tell each other which mission changed. */
export const CHANGE_CHANNEL = "missions_change";
/** Changes of one mission told at most this often: a step writes many events; a page needs one nudge. */
const GATHER_MS = 200;
const RECONNECT_MS = 2_000;

/**
 * Live-update fan-out across instances on one PostgreSQL database: each instance tells the others
 * which mission it changed (`NOTIFY`, a mission id, never data) and hears theirs (`LISTEN`), so a
 * dashboard page open on one instance updates when another instance drives the mission. Its own
 * notifications are told apart by an instance id and ignored (the local feed has them already).
 * Losing the connection loses nudges, never data: it reconnects, and a page shows the store's state.
 */
export class PostgresChangeFeed {
  readonly #url: string;
  readonly #log: Logger;
  readonly #onRemote: (missionId: string) => void;
  readonly #instance = randomBytes(8).toString("hex");
  readonly #pending = new Set<string>();
  #client: pg.Client | undefined;
  #timer: NodeJS.Timeout | undefined;
  #reconnect: NodeJS.Timeout | undefined;
  #closed = false;

  private constructor(url: string, log: Logger, onRemote: (missionId: string) => void) {
    this.#url = url;
    this.#log = log;
    this.#onRemote = onRemote;
  }

  /** Listens for other instances' changes (`onRemote`); resolves once listening. */
  static async start(url: string, log: Logger, onRemote: (missionId: string) => void): Promise<PostgresChangeFeed> {
    const feed = new PostgresChangeFeed(url, log, onRemote);
    await feed.#connect();
    return feed;
  }

  /** Tells the other instances that this mission changed (gathered: at most one notification per mission every 200 ms). */
  publish(missionId: string): void {
    if (this.#closed) return;
    this.#pending.add(missionId);
    this.#timer ??= setTimeout(() => void this.#flush(), GATHER_MS);
    this.#timer.unref?.();
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    clearTimeout(this.#reconnect);
    await this.#client?.end().catch(() => {});
    this.#client = undefined;
  }

  async #flush(): Promise<void> {
    this.#timer = undefined;
    const ids = [...this.#pending];
    this.#pending.clear();
    const client = this.#client;
    if (!client || ids.length === 0) return;
    for (const id of ids) {
      await client.query("SELECT pg_notify($1, $2)", [CHANGE_CHANNEL, `${this.#instance}:${id}`]).catch((error: unknown) => this.#log.debug({ err: error }, "could not tell the other instances of a change"));
    }
  }

  async #connect(): Promise<void> {
    if (this.#closed) return;
    const client = new pg.Client({ connectionString: this.#url, connectionTimeoutMillis: 10_000, application_name: "missions-changes" });
    const lost = () => {
      if (this.#client !== client) return;
      this.#client = undefined;
      void client.end().catch(() => {});
      this.#retry();
    };
    client.on("error", lost);
    client.on("end", lost);
    client.on("notification", (message) => {
      if (message.channel !== CHANGE_CHANNEL || !message.payload) return;
      const separator = message.payload.indexOf(":");
      if (separator < 0 || message.payload.slice(0, separator) === this.#instance) return;
      this.#onRemote(message.payload.slice(separator + 1));
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANGE_CHANNEL}`);
      if (this.#closed) {
        await client.end().catch(() => {});
        return;
      }
      this.#client = client;
    } catch (error) {
      void client.end().catch(() => {});
      this.#log.warn({ err: error }, "could not listen for other instances' changes; retrying");
      this.#retry();
    }
  }

  #retry(): void {
    if (this.#closed) return;
    clearTimeout(this.#reconnect);
    this.#reconnect = setTimeout(() => void this.#connect(), RECONNECT_MS);
    this.#reconnect.unref?.();
  }
}

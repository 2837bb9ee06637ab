import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { DatabaseInUseError, DatabaseUnavailableError, PostgresMissionStore, type PostgresStoreOptions, type SpendHold } from "../../src/store/index.ts";
import { POSTGRES_LIST_QUERIES, POSTGRES_LOOKUPS, POSTGRES_SCHEMA_VERSION } from "../../src/store/postgres-store.ts";
import { freePort } from "../helpers/free-port.ts";
import { POSTGRES_TESTS_OFF, postgresForSuite } from "../helpers/postgres.ts";
import { mission } from "../mission/fixtures.ts";

const usage = { role: "worker", model: "anthropic/x", inputTokens: 1, outputTokens: 1, cacheReadTokens: 0, cacheWriteTokens: 0, latencyMs: 1, retries: 0, at: "t" };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(POSTGRES_TESTS_OFF)("PostgresMissionStore", () => {
  const opened: PostgresMissionStore[] = [];
  const clients: pg.Client[] = [];
  const cluster = postgresForSuite();
  afterEach(async () => {
    for (const store of opened.splice(0)) await store.close();
    for (const client of clients.splice(0)) await client.end().catch(() => {});
  });
  const open = async (url: string, options?: PostgresStoreOptions) => {
    const store = await PostgresMissionStore.open(url, options);
    opened.push(store);
    return store;
  };
  const raw = async (url: string) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    clients.push(client);
    return client;
  };

  it("never passes a mission's cap with calls from two instances (two pools) at once", async () => {
    const url = await cluster.createDatabase();
    const instances = [await open(url), await open(url)];
    const capUsd = 3;
    const cap = capUsd * 1_000_000;
    // What the test has seen granted and not yet released, and what it has recorded: never above the cap.
    let inFlight = 0;
    let spent = 0;
    let worst = 0;
    let granted = 0;
    let refused = 0;
    const call = async (store: PostgresMissionStore, n: number) => {
      const holdUsd = 0.2 + (n % 4) * 0.1;
      const hold: SpendHold = await store.reserveSpend("m", holdUsd, capUsd);
      if (!hold.granted) {
        refused++;
        return;
      }
      granted++;
      const micros = Math.ceil(holdUsd * 1_000_000);
      inFlight += micros;
      worst = Math.max(worst, spent + inFlight);
      expect(spent + inFlight).toBeLessThanOrEqual(cap);
      await sleep(5 + (n % 7) * 3);
      // The call costs about half what it held, as calls do.
      const usd = Math.round(holdUsd * 500_000) / 1_000_000;
      await store.recordUsage({ ...usage, missionId: "m", usd });
      spent += Math.round(usd * 1_000_000);
      inFlight -= micros;
      hold.release();
    };
    await Promise.all(Array.from({ length: 40 }, (_, n) => call(instances[n % 2]!, n)));
    const totals = await instances[0]!.usageTotals("m");
    expect(totals.usd * 1_000_000).toBeLessThanOrEqual(cap);
    expect(Math.round(totals.usd * 1_000_000)).toBe(spent);
    // The run was tight: calls waited and were refused, and the cap was nearly reached.
    expect(granted).toBeGreaterThan(10);
    expect(refused).toBeGreaterThan(0);
    expect(worst).toBeGreaterThan(cap * 0.8);
    // Every hold was released: none is left in the database.
    const left = await (await raw(url)).query("SELECT COUNT(*) AS count FROM spend_holds");
    expect(Number(left.rows[0].count)).toBe(0);
  });

  it("wakes a waiting call on another instance when a hold is released (LISTEN/NOTIFY), not at its next poll", async () => {
    const url = await cluster.createDatabase();
    const first = await open(url);
    const second = await open(url, { pollMs: 30_000 });
    const hold = await first.reserveSpend("m", 0.8, 1);
    expect(hold.granted).toBe(true);
    let settled = false;
    const waiting = second.reserveSpend("m", 0.5, 1).then((answer) => {
      settled = true;
      return answer;
    });
    await sleep(300);
    expect(settled).toBe(false);
    const released = Date.now();
    if (hold.granted) hold.release();
    expect((await waiting).granted).toBe(true);
    expect(Date.now() - released).toBeLessThan(5_000);
  });

  it("lets a dead instance's holds lapse, and renews the holds of calls still running", async () => {
    const url = await cluster.createDatabase();
    const client = await raw(url);
    const store = await open(url, { holdLeaseMs: 600, pollMs: 50 });
    // A hold left by an instance that died mid-call: nobody renews it.
    await client.query("INSERT INTO spend_holds (mission_id, usd_micros, expires_at) VALUES ('m', 900000, now() + interval '700 milliseconds')");
    // Refused at once: 0.5 does not fit beside it, and 1.5 would not fit even once it is gone.
    await expect(store.reserveSpend("m", 1.5, 1)).resolves.toMatchObject({ granted: false, heldUsd: 0.9 });
    const started = Date.now();
    const hold = await store.reserveSpend("m", 0.5, 1);
    expect(hold.granted).toBe(true);
    expect(Date.now() - started).toBeGreaterThan(300);
    // This instance's own hold outlives its lease while its call runs: renewed, never lapsed, so a
    // call that fits only once it settles keeps waiting.
    let settled = false;
    const waiting = store.reserveSpend("m", 0.6, 1).then((answer) => {
      settled = true;
      return answer;
    });
    await sleep(1_500);
    expect(settled).toBe(false);
    const live = await client.query("SELECT COUNT(*) AS count FROM spend_holds WHERE mission_id = 'm' AND expires_at > now()");
    expect(Number(live.rows[0].count)).toBe(1);
    if (hold.granted) hold.release();
    expect((await waiting).granted).toBe(true);
  });

  it("gives up a wait when its call is aborted", async () => {
    const url = await cluster.createDatabase();
    const store = await open(url);
    const hold = await store.reserveSpend("m", 0.8, 1);
    const controller = new AbortController();
    const waiting = store.reserveSpend("m", 0.5, 1, controller.signal);
    await sleep(100);
    controller.abort(new Error("mission aborted"));
    await expect(waiting).rejects.toThrow("mission aborted");
    if (hold.granted) hold.release();
  });

  it("hands a caller a transaction: a mission's save, a delivery and the caller's own write commit together or not at all", async () => {
    const url = await cluster.createDatabase();
    const store = await open(url);
    await store.createMission(mission({ id: "a" }));
    await (await raw(url)).query("CREATE TABLE jobs (mission_id TEXT NOT NULL)");
    const together = (fail: boolean) =>
      store.transaction(async (client) => {
        await store.enqueueDeliveryIn(client, { id: `d-${fail}`, event: "issues", payload: {}, receivedAt: "t" });
        await store.saveMissionIn(client, { ...mission({ id: "a" }), status: "running" }, [], [{ missionId: "a", kind: "step-end", at: "t", data: {} }]);
        await client.query("INSERT INTO jobs VALUES ('a')");
        if (fail) throw new Error("the caller failed after writing");
      });
    await expect(together(true)).rejects.toThrow("the caller failed after writing");
    expect((await store.getMission("a"))?.status).toBe("planning");
    expect(await store.events("a")).toEqual([]);
    expect(await store.pendingDeliveries()).toEqual([]);
    expect((await (await raw(url)).query("SELECT * FROM jobs")).rows).toEqual([]);
    await together(false);
    expect((await store.getMission("a"))?.status).toBe("running");
    expect(await store.events("a")).toHaveLength(1);
    expect((await store.pendingDeliveries()).map((delivery) => delivery.id)).toEqual(["d-false"]);
    expect((await (await raw(url)).query("SELECT * FROM jobs")).rows).toEqual([{ mission_id: "a" }]);
  });

  it("keeps its schema version, and refuses a database written by a newer version of Missions", async () => {
    const url = await cluster.createDatabase();
    // Two instances starting together migrate once.
    await Promise.all([open(url), open(url)]);
    const client = await raw(url);
    expect((await client.query("SELECT version FROM missions_schema")).rows).toEqual([{ version: POSTGRES_SCHEMA_VERSION }]);
    await client.query("UPDATE missions_schema SET version = 99");
    await expect(PostgresMissionStore.open(url)).rejects.toThrow(/written by a newer version of Missions \(schema 99/);
    // Nothing was changed by the refusal.
    expect((await client.query("SELECT version FROM missions_schema")).rows).toEqual([{ version: 99 }]);
  });

  it("says plainly when the database cannot be reached or refuses the password, without the password", async () => {
    const port = await freePort();
    const secret = "Sup3r-s3cret-pa55";
    const unreachable = await PostgresMissionStore.open(`postgres://missions:${secret}@127.0.0.1:${port}/missions`, { connectTimeoutMs: 3_000 }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(unreachable).toBeInstanceOf(DatabaseUnavailableError);
    expect((unreachable as Error).message).toContain(`Cannot connect to the PostgreSQL database postgres://missions:***@127.0.0.1:${port}/missions (DATABASE_URL)`);
    expect((unreachable as Error).message).toContain("ECONNREFUSED");
    expect((unreachable as { operatorFacing?: boolean }).operatorFacing).toBe(true);
    expect(JSON.stringify(unreachable) + String((unreachable as Error).stack)).not.toContain(secret);

    const wrong = await PostgresMissionStore.open(`postgres://postgres:${secret}@127.0.0.1:${cluster.port}/postgres`).then(
      () => undefined,
      (error: Error) => error,
    );
    expect(wrong?.message).toMatch(/password authentication failed for user "postgres"/);
    expect(wrong?.message).toContain(`postgres://postgres:***@127.0.0.1:${cluster.port}/postgres`);
    expect(String(wrong?.stack)).not.toContain(secret);

    const malformed = await PostgresMissionStore.open(`postgres://missions:${secret}@[db/missions`).then(
      () => undefined,
      (error: Error) => error,
    );
    expect(malformed?.message).toMatch(/DATABASE_URL is not a valid PostgreSQL URL/);
    expect(malformed?.message).not.toContain(secret);
  });

  it("says what the database's user lacks when it may not create the store's tables", async () => {
    const url = await cluster.createDatabase();
    const admin = await raw(url);
    await admin.query("CREATE ROLE reader LOGIN PASSWORD 'reader-pass-0123'");
    const readerUrl = new URL(url);
    readerUrl.username = "reader";
    readerUrl.password = "reader-pass-0123";
    const error = await PostgresMissionStore.open(readerUrl.toString()).then(
      () => undefined,
      (caught: Error) => caught,
    );
    expect(error).toBeInstanceOf(DatabaseUnavailableError);
    expect(error?.message).toMatch(/Cannot prepare the mission store's tables in the PostgreSQL database postgres:\/\/reader:\*\*\*@.*permission denied for schema public.*needs to create tables/);
    expect(error?.message).not.toContain("reader-pass-0123");
    await admin.query("DROP ROLE reader");
  });

  it("is held by one user at a time with `exclusive` (the app itself shares the database between its instances)", async () => {
    const url = await cluster.createDatabase();
    const first = await open(url, { exclusive: true });
    const second = await PostgresMissionStore.open(url, { exclusive: true }).then(
      () => undefined,
      (error: Error) => error,
    );
    expect(second).toBeInstanceOf(DatabaseInUseError);
    expect(second?.message).toContain(`Another Missions process holds the PostgreSQL database postgres://postgres:***@127.0.0.1:${cluster.port}/`);
    expect(second?.message).not.toContain(cluster.password);
    // An instance that may not run changes nothing, not even the schema (as a newer release would).
    const client = await raw(url);
    await client.query("UPDATE missions_schema SET version = 0");
    await expect(PostgresMissionStore.open(url, { exclusive: true })).rejects.toBeInstanceOf(DatabaseInUseError);
    expect((await client.query("SELECT version FROM missions_schema")).rows).toEqual([{ version: 0 }]);
    await client.query(`UPDATE missions_schema SET version = ${POSTGRES_SCHEMA_VERSION}`);
    await first.close();
    await open(url, { exclusive: true });
  });

  it("says when the one-instance lock is lost with its connection, and takes it again once it is free", async () => {
    const url = await cluster.createDatabase();
    const events: string[] = [];
    await open(url, { exclusive: true, relockMs: 500, onInstanceLock: (event) => events.push(event) });
    const client = await raw(url);
    const dropLock = () => client.query("SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND objid = 2 AND objsubid = 2 AND granted");
    const until = async (check: () => boolean) => {
      for (let waited = 0; !check() && waited < 10_000; waited += 20) await sleep(20);
    };
    await dropLock();
    await until(() => events.length === 1);
    expect(events).toEqual(["lost"]);
    // Another instance got there first: this one does not take it while that one holds it.
    const other = await PostgresMissionStore.open(url, { exclusive: true });
    await sleep(1_200);
    expect(events).toEqual(["lost"]);
    await other.close();
    await until(() => events.length === 2);
    expect(events).toEqual(["lost", "regained"]);
    await expect(PostgresMissionStore.open(url, { exclusive: true })).rejects.toBeInstanceOf(DatabaseInUseError);
  });

  it("stores text jsonb cannot hold (NUL, lone surrogates) as U+FFFD instead of failing the write; a mission keeps it exactly", async () => {
    const url = await cluster.createDatabase();
    const store = await open(url);
    const odd = mission({ id: "a", issue: { number: 7, title: "nul\u0000 and \ud800 lone" } });
    expect(await store.createMission(odd)).toBe(true);
    expect((await store.getMission("a"))?.issue.title).toBe("nul\u0000 and \ud800 lone");
    expect((await store.listMissionSummaries({ limit: 1, offset: 0 }))[0]?.title).toBe("nul\uFFFD and \uFFFD lone");
    expect(await store.enqueueDelivery({ id: "d", event: "issues", payload: { body: "a\u0000b" }, receivedAt: "t" })).toBe(true);
    expect((await store.pendingDeliveries())[0]?.payload).toEqual({ body: "a\uFFFDb" });
    await store.appendEvent({ missionId: "a", kind: "note", at: "t", data: { text: "\u0000" } });
    expect((await store.events("a"))[0]?.data).toEqual({ text: "\uFFFD" });
  });

  it("answers every lookup and list page from an index, in index order", async () => {
    const url = await cluster.createDatabase();
    await open(url);
    const client = await raw(url);
    // On tables this small the planner would scan; forbidding scans and sorts shows whether an index serves each query.
    await client.query("SET enable_seqscan = off; SET enable_sort = off; SET plan_cache_mode = force_generic_plan");
    const queries: Record<string, string> = { ...POSTGRES_LOOKUPS, ...POSTGRES_LIST_QUERIES };
    const parameters: Record<string, unknown[]> = {
      activeMissionByIssue: ["acme", "app", 7],
      latestMissionByIssue: ["acme", "app", 7],
      missionByPull: ["acme", "app", 7],
      missionByCheckRun: ["acme", "app", 7],
      missionById: ["m"],
      pendingDeliveries: [],
      pendingIntents: ["m"],
      usageTotals: ["m"],
      spendHolds: ["m"],
      missionSummaries: [20, 0],
      missionSummariesByStatus: ["done", 20, 0],
      missionSummariesByRepository: ["acme", "app", 20, 0],
      missionSummariesByStatusAndRepository: ["done", "acme", "app", 20, 0],
    };
    for (const [name, sql] of Object.entries(queries)) {
      const values = parameters[name]!;
      await client.query(`PREPARE ${name.toLowerCase()} AS ${sql}`);
      const { rows } = await client.query(`EXPLAIN EXECUTE ${name.toLowerCase()}${values.length ? `(${values.map((value) => (typeof value === "number" ? value : `'${value}'`)).join(", ")})` : ""}`);
      const plan = rows.map((row) => row["QUERY PLAN"]).join("\n");
      expect(plan, name).not.toMatch(/Seq Scan on (missions|deliveries|intents|events|ledger|check_runs|usage_totals|spend_holds)/);
      if (name.startsWith("missionSummaries")) expect(plan, name).not.toMatch(/\bSort\b/);
    }
  });
});

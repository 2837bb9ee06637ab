import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { afterEach, describe, expect, it } from "vitest";
import { SqliteMissionStore, StoreLockedError } from "../../src/store/index.ts";
import { mission } from "../mission/fixtures.ts";

describe("SqliteMissionStore", () => {
  const dirs: string[] = [];
  const open = () => {
    const dir = mkdtempSync(join(tmpdir(), "store-"));
    dirs.push(dir);
    return { path: join(dir, "nested", "missions.db"), store: new SqliteMissionStore(join(dir, "nested", "missions.db")) };
  };
  afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it("keeps one active mission per issue, and allows a new one after the old ended", async () => {
    const { store } = open();
    expect(await store.createMission(mission({ id: "a" }))).toBe(true);
    expect(await store.createMission(mission({ id: "b" }))).toBe(false);
    await store.saveMission({ ...mission({ id: "a" }), status: "aborted" });
    expect(await store.createMission(mission({ id: "c" }))).toBe(true);
    expect((await store.findActiveMission("ACME", "App", 7))?.id).toBe("c");
    expect((await store.findLatestMission("acme", "app", 7))?.id).toBe("c");
    expect((await store.listMissions({ active: true })).map((m) => m.id)).toEqual(["c"]);
    expect((await store.listMissions()).map((m) => m.id)).toEqual(["a", "c"]);
    await store.close();
  });

  it("records a delivery once, and hands back unprocessed ones in order", async () => {
    const { store } = open();
    const delivery = { id: "d1", event: "issues", payload: { a: 1 }, receivedAt: "t" };
    expect(await store.enqueueDelivery(delivery)).toBe(true);
    expect(await store.enqueueDelivery(delivery)).toBe(false);
    await store.enqueueDelivery({ ...delivery, id: "d2" });
    expect((await store.pendingDeliveries()).map((d) => d.id)).toEqual(["d1", "d2"]);
    await store.completeDelivery("d1");
    await store.completeDelivery("d2", "boom");
    expect(await store.pendingDeliveries()).toEqual([]);
    await store.close();
  });

  it("keeps a processed delivery's id, not its payload, and finds pending ones by index", async () => {
    const { store, path } = open();
    await store.enqueueDelivery({ id: "d1", event: "issues", payload: { body: "a long issue text" }, receivedAt: "t" });
    await store.completeDelivery("d1");
    expect(await store.enqueueDelivery({ id: "d1", event: "issues", payload: {}, receivedAt: "t" })).toBe(false);
    await store.close();
    const raw = new DatabaseSync(path);
    expect(raw.prepare("SELECT payload FROM deliveries WHERE id = 'd1'").get()).toEqual({ payload: "null" });
    const plan = raw.prepare("EXPLAIN QUERY PLAN SELECT id FROM deliveries WHERE processed_at IS NULL ORDER BY rowid").all() as Array<{ detail: string }>;
    expect(plan.map((row) => row.detail).join(" ")).toContain("deliveries_pending");
    raw.close();
  });

  it("marks intents applied atomically with the mission they changed", async () => {
    const { store } = open();
    await store.createMission(mission({ id: "a" }));
    const first = (await store.addIntent("a", { verb: "pause", text: "", author: "alice", at: "t" }))!;
    await store.addIntent("a", { verb: "resume", text: "", author: "alice", at: "t" });
    expect((await store.pendingIntents("a")).map((i) => [i.seq, i.verb])).toEqual([[first, "pause"], [first + 1, "resume"]]);
    await store.saveMission({ ...mission({ id: "a" }), status: "paused" }, [first]);
    expect((await store.pendingIntents("a")).map((i) => i.verb)).toEqual(["resume"]);
    expect((await store.getMission("a"))?.status).toBe("paused");
    await store.appendEvent({ missionId: "a", kind: "step-start", at: "t", data: { kind: "plan" } });
    expect(await store.events("a")).toEqual([{ missionId: "a", kind: "step-start", at: "t", data: { kind: "plan" } }]);
    await store.close();
  });

  it("persists across reopen, and refuses a store written by a newer version", async () => {
    const { path, store } = open();
    await store.createMission(mission({ id: "a" }));
    await store.close();
    const again = new SqliteMissionStore(path);
    expect((await again.getMission("a"))?.issue.number).toBe(7);
    expect(await again.getMission("missing")).toBeUndefined();
    await again.close();
    const raw = new DatabaseSync(path);
    raw.exec("PRAGMA user_version = 99");
    raw.close();
    expect(() => new SqliteMissionStore(path)).toThrow(/newer version of Missions/);
    // A store that failed to open holds no lock: the same error again, not "in use".
    expect(() => new SqliteMissionStore(path)).toThrow(/newer version of Missions/);
  });

  it("is opened by one owner at a time, and says who to ask when it is in use", async () => {
    const { path, store } = open();
    let error: unknown;
    try {
      new SqliteMissionStore(path);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(StoreLockedError);
    expect((error as Error).message).toContain(`Another Missions process is using the store ${path}`);
    expect((error as Error).message).toContain("DATABASE_URL=");
    // The store stays readable by other tools (backups, inspection) while it is in use.
    const raw = new DatabaseSync(path, { readOnly: true });
    expect(raw.prepare("PRAGMA user_version").get()).toEqual({ user_version: 6 });
    raw.close();
    await store.close();
    const again = new SqliteMissionStore(path);
    await again.close();
  });

  it("adds costs up exactly, to the micro-dollar", async () => {
    const { store } = open();
    const entry = { missionId: "a", role: "worker", model: "anthropic/x", inputTokens: 1, outputTokens: 1, cacheReadTokens: 0, cacheWriteTokens: 0, latencyMs: 1, retries: 0, at: "t" };
    // 0.1 + 0.2 is 0.30000000000000004 in floating point.
    await store.recordUsage({ ...entry, usd: 0.1 });
    await store.recordUsage({ ...entry, usd: 0.2 });
    await store.recordUsage({ ...entry, usd: 0.000001, role: "scrutiny" });
    expect((await store.usageTotals("a")).usd).toBe(0.300001);
    expect((await store.usageSummary()).map((row) => [row.role, row.usd])).toEqual([["scrutiny", 0.000001], ["worker", 0.3]]);
    await store.close();
  });
});

describe("SqliteMissionStore migrations and duplicates", () => {
  it("records a command from the same source once", async () => {
    const dir = mkdtempSync(join(tmpdir(), "store-"));
    const store = new SqliteMissionStore(join(dir, "m.db"));
    await store.createMission(mission({ id: "a" }));
    const intent = { verb: "fix" as const, text: "x", author: "alice", at: "t", source: "comment:5:0" };
    expect(await store.addIntent("a", intent)).toBeTypeOf("number");
    expect(await store.addIntent("a", intent)).toBeUndefined();
    expect(await store.addIntent("a", { ...intent, source: "comment:5:1" })).toBeTypeOf("number");
    expect(await store.pendingIntents("a")).toHaveLength(2);
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("upgrades a store written by schema version 1 and keeps its missions", async () => {
    const dir = mkdtempSync(join(tmpdir(), "store-"));
    const path = join(dir, "m.db");
    // A version-1 database, as the first release wrote it.
    const raw = new DatabaseSync(path);
    raw.exec(`CREATE TABLE missions (id TEXT PRIMARY KEY, owner TEXT NOT NULL, repo TEXT NOT NULL, issue INTEGER NOT NULL,
      status TEXT NOT NULL, data TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
      CREATE TABLE deliveries (id TEXT PRIMARY KEY, event TEXT NOT NULL, payload TEXT NOT NULL, received_at TEXT NOT NULL, processed_at TEXT, error TEXT);
      CREATE TABLE intents (seq INTEGER PRIMARY KEY AUTOINCREMENT, mission_id TEXT NOT NULL, data TEXT NOT NULL, created_at TEXT NOT NULL, applied_at TEXT);
      CREATE TABLE events (seq INTEGER PRIMARY KEY AUTOINCREMENT, mission_id TEXT NOT NULL, kind TEXT NOT NULL, at TEXT NOT NULL, data TEXT NOT NULL);
      PRAGMA user_version = 1;`);
    const old = { ...mission({ id: "old" }) } as Record<string, unknown>;
    delete old.guidance; // written before guidance existed
    raw.prepare("INSERT INTO missions VALUES ('old', 'acme', 'app', 7, 'running', ?, 't', 't')").run(JSON.stringify(old));
    raw.prepare("INSERT INTO intents (mission_id, data, created_at) VALUES ('old', ?, 't')").run(JSON.stringify({ verb: "pause", text: "", author: "a", at: "t" }));
    raw.close();
    const store = new SqliteMissionStore(path);
    expect((await store.getMission("old"))?.guidance).toEqual([]);
    expect((await store.pendingIntents("old")).map((intent) => intent.verb)).toEqual(["pause"]);
    expect(await store.addIntent("old", { verb: "resume", text: "", author: "a", at: "t", source: "comment:1:0" })).toBeTypeOf("number");
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
});

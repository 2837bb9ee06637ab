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
    expect(raw.prepare("PRAGMA user_version").get()).toEqual({ user_version: 7 });
    raw.close();
    await store.close();
    const again = new SqliteMissionStore(path);
    await again.close();
  });

});

describe("SqliteMissionStore migrations", () => {
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

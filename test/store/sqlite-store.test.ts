import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { afterEach, describe, expect, it } from "vitest";
import { SqliteMissionStore } from "../../src/store/index.ts";
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

  it("marks intents applied atomically with the mission they changed", async () => {
    const { store } = open();
    await store.createMission(mission({ id: "a" }));
    const first = await store.addIntent("a", { verb: "pause", text: "", author: "alice", at: "t" });
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
  });
});

import { readdirSync, readFileSync } from "node:fs";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { loadMission, type Mission } from "../../src/mission/index.ts";
import { EVIDENCE_CAP, type MissionStore, type UsageEntry } from "../../src/store/index.ts";
import { mission } from "../mission/fixtures.ts";
import { postgresKind, sqliteKind, type StoreKind } from "./store-kinds.ts";

const usage = { role: "worker", model: "anthropic/x", inputTokens: 10, outputTokens: 2, cacheReadTokens: 3, cacheWriteTokens: 1, latencyMs: 5, retries: 0, at: "t" };
const CORPUS = new URL("../fixtures/missions/", import.meta.url);

// What every `MissionStore` promises, run against each implementation: SQLite (the default) and
// PostgreSQL (a throw-away cluster; MISSIONS_TEST_POSTGRES=off skips it, a missing PostgreSQL fails it).
describe.each<StoreKind>([sqliteKind(), postgresKind()])("the $name store", (kind) => {
  const opened: MissionStore[] = [];
  beforeAll(() => (kind.skip ? undefined : kind.setup()), 120_000);
  afterAll(() => kind.teardown());
  afterEach(async () => {
    for (const store of opened.splice(0)) await store.close();
  });
  /** A fresh store, and a way to open it again (after closing it). */
  const fresh = async () => {
    const place = await kind.place();
    const open = async () => {
      const store = await place.open();
      opened.push(store);
      return store;
    };
    return { store: await open(), open };
  };
  const test = it.skipIf(kind.skip);

  test("keeps one active mission per issue, and allows a new one after the old ended", async () => {
    const { store } = await fresh();
    expect(await store.createMission(mission({ id: "a" }))).toBe(true);
    expect(await store.createMission(mission({ id: "b" }))).toBe(false);
    // The same id again is a duplicate too, whatever its issue.
    expect(await store.createMission(mission({ id: "a", issue: { number: 8, title: "t" } }))).toBe(false);
    await store.saveMission({ ...mission({ id: "a" }), status: "aborted" });
    expect(await store.createMission(mission({ id: "c", createdAt: "2026-01-02T00:00:00.000Z" }))).toBe(true);
    expect((await store.findActiveMission("ACME", "App", 7))?.id).toBe("c");
    expect((await store.findLatestMission("acme", "app", 7))?.id).toBe("c");
    expect(await store.findActiveMission("acme", "app", 8)).toBeUndefined();
    expect((await store.listMissions({ active: true })).map((m) => m.id)).toEqual(["c"]);
    expect((await store.listMissions()).map((m) => m.id)).toEqual(["a", "c"]);
  });

  test("keeps shared state until it expires, hands a one-use value to one taker, and forgets what is deleted", async () => {
    const { store, open } = await fresh();
    const later = Date.now() + 60_000;
    await store.putShared("session", "k1", { viewer: { kind: "operator" }, n: [1, "two"] }, later);
    await store.putShared("session", "gone", { a: 1 }, Date.now() - 1);
    await store.putShared("oauth-state", "k1", { next: "/missions" }, later);
    expect(await store.getShared("session", "k1")).toEqual({ viewer: { kind: "operator" }, n: [1, "two"] });
    expect(await store.getShared("session", "gone")).toBeUndefined();
    expect(await store.getShared("session", "missing")).toBeUndefined();
    // Another instance (here: the store opened again) sees the same.
    await store.close();
    const again = await open();
    expect(await again.getShared("session", "k1")).toEqual({ viewer: { kind: "operator" }, n: [1, "two"] });
    const takers = await Promise.all([again.takeShared("oauth-state", "k1"), again.takeShared("oauth-state", "k1")]);
    expect(takers.filter((taken) => taken !== undefined)).toEqual([{ next: "/missions" }]);
    await again.deleteShared("session", "k1");
    expect(await again.getShared("session", "k1")).toBeUndefined();
    // At most `keep` of a kind: those that expire first make room; other kinds are untouched.
    await again.putShared("session", "kept", { n: 0 }, later);
    for (let index = 1; index <= 4; index++) await again.putShared("oauth-state", `s${index}`, { n: index }, later + index, 3);
    expect(await Promise.all(["s1", "s2", "s3", "s4"].map((key) => again.getShared("oauth-state", key)))).toEqual([undefined, { n: 2 }, { n: 3 }, { n: 4 }]);
    expect(await again.getShared("session", "kept")).toEqual({ n: 0 });
  });

  test("counts a rate limit's marks within its window, once per source", async () => {
    const { store } = await fresh();
    const hour = 3_600_000;
    expect(await store.markRate("acme/app#7@alice", "c1", 1_000, hour, 2)).toBe(true);
    expect(await store.markRate("acme/app#7@alice", "c1", 2_000, hour, 2)).toBe(false);
    expect(await store.markRate("acme/app#7@bob", "c1", 2_000, hour, 2)).toBe(true);
    expect(await store.markRate("acme/app#7@alice", "c2", 3_000, hour, 2)).toBe(true);
    expect(await store.markRate("acme/app#7@alice", "c3", 4_000, hour, 2)).toBe(false);
    // An hour after the first, it has left the window: room for one more.
    expect(await store.markRate("acme/app#7@alice", "c3", 1_000 + hour, hour, 2)).toBe(true);
    expect(await store.markRate("acme/app#7@alice", "c4", 1_000 + hour, hour, 2)).toBe(false);
  });

  test("keeps screenshots byte for byte, by mission and folder", async () => {
    const { store } = await fresh();
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff, 0x00]);
    await store.putEvidence("m1", "M1-abcdef123456", "shot-2.png", png);
    await store.putEvidence("m1", "M1-abcdef123456", "shot-1.png", Buffer.from("one"));
    await store.putEvidence("m2", "M1-abcdef123456", "other.png", Buffer.from("x"));
    expect(await store.listEvidence("m1", "M1-abcdef123456")).toEqual(["shot-1.png", "shot-2.png"]);
    expect(await store.getEvidence("m1", "M1-abcdef123456", "shot-2.png")).toEqual(png);
    expect(await store.getEvidence("m1", "M1-abcdef123456", "other.png")).toBeUndefined();
    // Recorded again (a retried step): replaced, not doubled.
    await store.putEvidence("m1", "M1-abcdef123456", "shot-1.png", Buffer.from("one again"));
    expect((await store.getEvidence("m1", "M1-abcdef123456", "shot-1.png"))?.toString()).toBe("one again");
    expect(await store.listEvidence("m1", "M1-abcdef123456")).toEqual(["shot-1.png", "shot-2.png"]);
    // A folder forgotten (a session on the same commit starts again); then all of a mission's.
    await store.putEvidence("m1", "M2-abcdef123456", "shot-1.png", Buffer.from("two"));
    await store.deleteEvidence("m1", "M1-abcdef123456");
    expect(await store.listEvidence("m1", "M1-abcdef123456")).toEqual([]);
    expect(await store.listEvidence("m1", "M2-abcdef123456")).toEqual(["shot-1.png"]);
    expect(await store.listEvidence("m2", "M1-abcdef123456")).toEqual(["other.png"]);
    await store.deleteEvidence("m1");
    expect(await store.listEvidence("m1", "M2-abcdef123456")).toEqual([]);
    expect(await store.listEvidence("m2", "M1-abcdef123456")).toEqual(["other.png"]);
  });

  test("keeps at most so many screenshots a mission: earlier runs of the milestone make room first, and what cannot fit is not kept", async () => {
    const { store } = await fresh();
    const cap = { files: 3, bytes: 100 };
    const ten = Buffer.alloc(10, 1);
    expect(await store.putEvidence("m1", "M1-aaaaaaaaaaaa", "shot-1.png", ten, cap)).toBe(true);
    expect(await store.putEvidence("m1", "M1-aaaaaaaaaaaa", "shot-2.png", ten, cap)).toBe(true);
    expect(await store.putEvidence("m1", "M2-bbbbbbbbbbbb", "shot-1.png", ten, cap)).toBe(true);
    // Another mission's screenshots count for it alone.
    expect(await store.putEvidence("m2", "M1-aaaaaaaaaaaa", "shot-1.png", ten, cap)).toBe(true);
    // A fourth: the milestone's earlier run goes, the other milestone's stays.
    expect(await store.putEvidence("m1", "M1-cccccccccccc", "shot-1.png", ten, cap)).toBe(true);
    expect(await store.listEvidence("m1", "M1-aaaaaaaaaaaa")).toEqual([]);
    expect(await store.getEvidence("m1", "M1-aaaaaaaaaaaa", "shot-1.png")).toBeUndefined();
    expect(await store.listEvidence("m1", "M2-bbbbbbbbbbbb")).toEqual(["shot-1.png"]);
    expect(await store.listEvidence("m1", "M1-cccccccccccc")).toEqual(["shot-1.png"]);
    expect(await store.listEvidence("m2", "M1-aaaaaaaaaaaa")).toEqual(["shot-1.png"]);
    // Replaced, not counted twice.
    expect(await store.putEvidence("m1", "M1-cccccccccccc", "shot-1.png", Buffer.alloc(20, 2), cap)).toBe(true);
    expect(await store.listEvidence("m1", "M2-bbbbbbbbbbbb")).toEqual(["shot-1.png"]);
    // Too big even alone: not kept, and nothing else dropped for it.
    expect(await store.putEvidence("m1", "M1-cccccccccccc", "huge.png", Buffer.alloc(101), cap)).toBe(false);
    expect(await store.getEvidence("m1", "M1-cccccccccccc", "huge.png")).toBeUndefined();
    expect(await store.listEvidence("m1", "M2-bbbbbbbbbbbb")).toEqual(["shot-1.png"]);
    // The run being written keeps its own: other folders go, then the one file too many is refused.
    expect(await store.putEvidence("m1", "M1-cccccccccccc", "shot-2.png", ten, cap)).toBe(true);
    expect(await store.putEvidence("m1", "M1-cccccccccccc", "shot-3.png", ten, cap)).toBe(true);
    expect(await store.listEvidence("m1", "M2-bbbbbbbbbbbb")).toEqual([]);
    expect(await store.putEvidence("m1", "M1-cccccccccccc", "shot-4.png", ten, cap)).toBe(false);
    expect(await store.listEvidence("m1", "M1-cccccccccccc")).toEqual(["shot-1.png", "shot-2.png", "shot-3.png"]);
    // Bytes count too: shot-3 replaced beside 20 + 10 bytes, 71 would pass 100.
    expect(await store.putEvidence("m1", "M1-cccccccccccc", "shot-3.png", Buffer.alloc(71), cap)).toBe(false);
    expect((await store.getEvidence("m1", "M1-cccccccccccc", "shot-3.png"))?.length).toBe(10);
    expect(await store.putEvidence("m1", "M1-cccccccccccc", "shot-3.png", Buffer.alloc(70), cap)).toBe(true);
    // Without a cap given, the store's own applies.
    expect(EVIDENCE_CAP.files).toBeGreaterThanOrEqual(50);
    expect(await store.putEvidence("m3", "M1-dddddddddddd", "shot-1.png", ten)).toBe(true);
  });

  test("records a delivery once, even after it was processed, and hands back unprocessed ones in order", async () => {
    const { store } = await fresh();
    const delivery = { id: "d1", event: "issues", payload: { a: 1, nested: { list: [1, "two", null] } }, receivedAt: "t" };
    expect(await store.enqueueDelivery(delivery)).toBe(true);
    expect(await store.enqueueDelivery(delivery)).toBe(false);
    await store.enqueueDelivery({ ...delivery, id: "d2" });
    await store.enqueueDelivery({ ...delivery, id: "d0" });
    expect(await store.pendingDeliveries()).toEqual([delivery, { ...delivery, id: "d2" }, { ...delivery, id: "d0" }]);
    await store.completeDelivery("d1");
    await store.completeDelivery("d2", "boom");
    expect((await store.pendingDeliveries()).map((d) => d.id)).toEqual(["d0"]);
    expect(await store.enqueueDelivery({ ...delivery, payload: {} })).toBe(false);
  });

  test("marks intents applied atomically with the mission they changed, and keeps the timeline", async () => {
    const { store } = await fresh();
    await store.createMission(mission({ id: "a" }));
    const first = (await store.addIntent("a", { verb: "pause", text: "", author: "alice", at: "t" }))!;
    const second = (await store.addIntent("a", { verb: "resume", text: "", author: "alice", at: "t" }))!;
    expect(second).toBeGreaterThan(first);
    expect((await store.pendingIntents("a")).map((i) => [i.seq, i.verb])).toEqual([[first, "pause"], [second, "resume"]]);
    await store.saveMission({ ...mission({ id: "a" }), status: "paused" }, [first], [
      { missionId: "a", kind: "step-end", at: "t1", data: { kind: "plan" } },
      { missionId: "a", kind: "paused", at: "t2", data: {} },
    ]);
    expect((await store.pendingIntents("a")).map((i) => i.verb)).toEqual(["resume"]);
    expect((await store.getMission("a"))?.status).toBe("paused");
    await store.appendEvent({ missionId: "a", kind: "step-start", at: "t3", data: { kind: "work", n: 1 } });
    expect(await store.events("a")).toEqual([
      { missionId: "a", kind: "step-end", at: "t1", data: { kind: "plan" } },
      { missionId: "a", kind: "paused", at: "t2", data: {} },
      { missionId: "a", kind: "step-start", at: "t3", data: { kind: "work", n: 1 } },
    ]);
    expect(await store.events("b")).toEqual([]);
    // The latest of some kinds, oldest first, as many as asked for.
    expect(await store.recentEvents("a", ["step-start", "step-end"], 5)).toEqual([
      { missionId: "a", kind: "step-end", at: "t1", data: { kind: "plan" } },
      { missionId: "a", kind: "step-start", at: "t3", data: { kind: "work", n: 1 } },
    ]);
    expect(await store.recentEvents("a", ["step-start", "step-end", "paused"], 2)).toEqual([
      { missionId: "a", kind: "paused", at: "t2", data: {} },
      { missionId: "a", kind: "step-start", at: "t3", data: { kind: "work", n: 1 } },
    ]);
    expect(await store.recentEvents("b", ["step-start"], 5)).toEqual([]);
  });

  test("saves a mission, its applied intents and its events in one transaction: a failed save keeps none of them", async () => {
    const { store } = await fresh();
    await store.createMission(mission({ id: "a" }));
    const seq = (await store.addIntent("a", { verb: "pause", text: "", author: "alice", at: "t" }))!;
    // The mission cannot be written (JSON has no BigInt): the events written before it are rolled back.
    const unwritable = { ...mission({ id: "a" }), status: "paused", controlCommentId: 10n } as unknown as Mission;
    await expect(store.saveMission(unwritable, [seq], [{ missionId: "a", kind: "paused", at: "t", data: {} }])).rejects.toThrow();
    expect(await store.events("a")).toEqual([]);
    expect((await store.pendingIntents("a")).map((intent) => intent.seq)).toEqual([seq]);
    expect((await store.getMission("a"))?.status).toBe("planning");
    // The store is still usable after the rollback.
    await store.saveMission({ ...mission({ id: "a" }), status: "paused" }, [seq], [{ missionId: "a", kind: "paused", at: "t", data: {} }]);
    expect(await store.pendingIntents("a")).toEqual([]);
    expect(await store.events("a")).toHaveLength(1);
  });

  test("records a command from the same source once", async () => {
    const { store } = await fresh();
    await store.createMission(mission({ id: "a" }));
    const intent = { verb: "fix" as const, text: "x", author: "alice", at: "t", source: "comment:5:0" };
    expect(await store.addIntent("a", intent)).toBeTypeOf("number");
    expect(await store.addIntent("a", intent)).toBeUndefined();
    expect(await store.addIntent("a", { ...intent, source: "comment:5:1" })).toBeTypeOf("number");
    // Another mission's command from the same comment is its own.
    expect(await store.addIntent("b", intent)).toBeTypeOf("number");
    expect(await store.pendingIntents("a")).toHaveLength(2);
    expect((await store.pendingIntents("a"))[0]).toMatchObject({ verb: "fix", text: "x", author: "alice", source: "comment:5:0" });
  });

  test("persists across reopen", async () => {
    const { store, open } = await fresh();
    await store.createMission(mission({ id: "a" }));
    await store.recordUsage({ ...usage, missionId: "a", usd: 0.5 });
    await store.close();
    const again = await open();
    expect((await again.getMission("a"))?.issue.number).toBe(7);
    expect((await again.usageTotals("a")).usd).toBe(0.5);
    expect(await again.getMission("missing")).toBeUndefined();
  });

  test("finds a mission by its pull request and by its check runs, as they are now", async () => {
    const { store } = await fresh();
    await store.createMission(mission({ id: "old", status: "done", createdAt: "2026-01-01T00:00:00.000Z" }));
    await store.createMission(mission({ id: "other-repo", repo: { owner: "acme", name: "site", installationId: 1, defaultBranch: "main" } }));
    await store.saveMission({ ...mission({ id: "old", status: "done" }), pr: { number: 12, nodeId: "n", ready: true }, milestones: { M1: { status: "passed", round: 0, checkRunId: 101 } } });
    await store.createMission(mission({ id: "new", issue: { number: 8, title: "t" }, createdAt: "2026-02-01T00:00:00.000Z" }));
    await store.saveMission({
      ...mission({ id: "new", issue: { number: 8, title: "t" }, createdAt: "2026-02-01T00:00:00.000Z" }),
      pr: { number: 12, nodeId: "n2", ready: false },
      // Check run ids beyond 32 bits, as GitHub's are now.
      milestones: { M1: { status: "passed", round: 0, checkRunId: 201 }, M2: { status: "failed", round: 1, checkRunId: 202, userTestingCheckRunId: 40_000_000_203 } },
    });
    expect((await store.findMissionByPull("ACME", "App", 12))?.id).toBe("new");
    expect(await store.findMissionByPull("acme", "site", 12)).toBeUndefined();
    expect(await store.findMissionByPull("acme", "app", 13)).toBeUndefined();
    const byUserTesting = await store.findMissionByCheckRun("acme", "APP", 40_000_000_203);
    expect([byUserTesting?.mission.id, byUserTesting?.milestoneId]).toEqual(["new", "M2"]);
    expect((await store.findMissionByCheckRun("acme", "app", 101))?.mission.id).toBe("old");
    expect(await store.findMissionByCheckRun("acme", "site", 101)).toBeUndefined();
    // A re-run reports as a new check run: the milestone's old one no longer leads to it.
    await store.saveMission({ ...(await store.getMission("new"))!, milestones: { M1: { status: "passed", round: 0, checkRunId: 301 } } });
    expect(await store.findMissionByCheckRun("acme", "app", 201)).toBeUndefined();
    expect((await store.findMissionByCheckRun("acme", "app", 301))?.milestoneId).toBe("M1");
    expect(await store.countMissionsByStatus()).toEqual({ done: 1, planning: 2 });
    // The most recently created mission wins a tie on the pull request.
    await store.createMission(mission({ id: "newest", issue: { number: 9, title: "t" }, createdAt: "2026-03-01T00:00:00.000Z", pr: { number: 12, nodeId: "n3", ready: false } }));
    expect((await store.findMissionByPull("acme", "app", 12))?.id).toBe("newest");
  });

  test("lists mission summaries newest first, a page at a time, filtered by status and repository", async () => {
    const { store } = await fresh();
    for (let index = 0; index < 12; index++) {
      await store.createMission(
        mission({
          id: `m${index}`,
          status: index % 3 === 0 ? "done" : "planning",
          issue: { number: index + 1, title: `Issue ${index}` },
          repo: { owner: "Acme", name: index % 2 ? "App" : "Site", installationId: 1, defaultBranch: "main" },
          createdAt: `2026-01-01T00:00:${String(index).padStart(2, "0")}.000Z`,
          settings: { commands: {}, models: {}, maxRemediationRounds: 3, budgetUsd: 5 },
        }),
      );
    }
    await store.recordUsage({ ...usage, missionId: "m11", usd: 0.25 });
    const first = await store.listMissionSummaries({ limit: 5, offset: 0 });
    expect(first.map((row) => row.id)).toEqual(["m11", "m10", "m9", "m8", "m7"]);
    expect(first[0]).toEqual({
      id: "m11",
      owner: "Acme",
      repo: "App",
      issue: 12,
      title: "Issue 11",
      status: "planning",
      featuresDone: 0,
      featuresTotal: 0,
      budgetUsd: 5,
      spentUsd: 0.25,
      createdAt: "2026-01-01T00:00:11.000Z",
      updatedAt: "2026-01-01T00:00:00.000Z",
    });
    expect(first[1]?.spentUsd).toBe(0);
    expect((await store.listMissionSummaries({ limit: 5, offset: 10 })).map((row) => row.id)).toEqual(["m1", "m0"]);
    expect((await store.listMissionSummaries({ status: "done", limit: 10, offset: 0 })).map((row) => row.id)).toEqual(["m9", "m6", "m3", "m0"]);
    expect((await store.listMissionSummaries({ repositories: ["ACME/app"], limit: 3, offset: 0 })).map((row) => row.id)).toEqual(["m11", "m9", "m7"]);
    expect((await store.listMissionSummaries({ status: "done", repositories: ["acme/app", "acme/site"], limit: 10, offset: 1 })).map((row) => row.id)).toEqual(["m6", "m3", "m0"]);
    expect((await store.listMissionSummaries({ repositories: ["acme/app", "acme/none"], limit: 2, offset: 0 })).map((row) => row.id)).toEqual(["m11", "m9"]);
    expect(await store.listMissionSummaries({ repositories: [], limit: 10, offset: 0 })).toEqual([]);
    expect(await store.missionRepositories()).toEqual(["acme/app", "acme/site"]);
    // What a row shows follows the mission's saves.
    await store.saveMission({ ...(await store.getMission("m11"))!, status: "running", updatedAt: "2026-01-02T00:00:00.000Z", issue: { number: 12, title: "Renamed" } });
    expect((await store.listMissionSummaries({ limit: 1, offset: 0 }))[0]).toMatchObject({ id: "m11", status: "running", title: "Renamed", updatedAt: "2026-01-02T00:00:00.000Z" });
  });

  test("keeps spending as running totals equal to the ledger, to the micro-dollar", async () => {
    const { store } = await fresh();
    for (let call = 0; call < 50; call++) await store.recordUsage({ ...usage, missionId: call % 2 ? "a" : "b", usd: 0.1, role: call % 5 ? "worker" : "scrutiny" });
    const ledger = await store.usage("a");
    expect(ledger).toHaveLength(25);
    expect(ledger[0]).toEqual({ ...usage, missionId: "a", usd: 0.1, role: "worker" });
    expect(await store.usageTotals("a")).toEqual({ usd: 2.5, calls: 25, inputTokens: 250, outputTokens: 50, cacheReadTokens: 75, cacheWriteTokens: 25 });
    expect(await store.usageTotals("none")).toEqual({ usd: 0, calls: 0, inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 });
    expect((await store.usageSummary()).map((row) => [row.role, row.calls, row.usd])).toEqual([["scrutiny", 10, 1], ["worker", 40, 4]]);
    const entry: UsageEntry = { ...usage, missionId: "c", featureId: "F1", usd: 0.1, latencyMs: 12.6 };
    await store.recordUsage(entry);
    expect(await store.usage("c")).toEqual([{ ...entry, latencyMs: 13 }]);
  });

  test("adds costs up exactly, to the micro-dollar", async () => {
    const { store } = await fresh();
    // 0.1 + 0.2 is 0.30000000000000004 in floating point.
    await store.recordUsage({ ...usage, missionId: "a", usd: 0.1 });
    await store.recordUsage({ ...usage, missionId: "a", usd: 0.2 });
    await store.recordUsage({ ...usage, missionId: "a", usd: 0.000001, role: "scrutiny" });
    expect((await store.usageTotals("a")).usd).toBe(0.300001);
    expect((await store.usageSummary()).map((row) => [row.role, row.usd])).toEqual([["scrutiny", 0.000001], ["worker", 0.3]]);
  });

  test("holds spending against what is spent and held, refuses what cannot fit, waits for what fits once holds settle, and frees a hold once", async () => {
    const { store } = await fresh();
    await store.recordUsage({ ...usage, missionId: "m", usd: 0.4 });
    const first = await store.reserveSpend("m", 0.5, 1);
    expect(first.granted).toBe(true);
    // 0.4 spent + 0.5 held + 0.7 > 1, and 0.4 + 0.7 > 1 even once the hold settles: refused at once.
    await expect(store.reserveSpend("m", 0.7, 1)).resolves.toEqual({ granted: false, spentUsd: 0.4, heldUsd: 0.5, capUsd: 1 });
    // 0.4 + 0.2 fits once the hold settles: it waits for that.
    let granted = false;
    const waiting = store.reserveSpend("m", 0.2, 1).then((hold) => {
      granted = hold.granted;
      return hold;
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(granted).toBe(false);
    if (first.granted) {
      first.release();
      first.release();
    }
    const second = await waiting;
    expect(granted).toBe(true);
    // Released twice, freed once: the 0.2 still holds, so 0.4 + 0.2 + 0.5 > 1 waits, and 0.4 + 0.7 is refused.
    await expect(store.reserveSpend("m", 0.7, 1)).resolves.toEqual({ granted: false, spentUsd: 0.4, heldUsd: 0.2, capUsd: 1 });
    // Another mission's budget is its own.
    await expect(store.reserveSpend("m2", 1, 1)).resolves.toMatchObject({ granted: true });
    // Nothing held, nothing fits: refused at once, not waited for.
    await expect(store.reserveSpend("m3", 1.5, 1)).resolves.toEqual({ granted: false, spentUsd: 0, heldUsd: 0, capUsd: 1 });
    if (second.granted) second.release();
    // A hold freed just before is not waited for: the whole rest of the cap is there at once.
    const all = await store.reserveSpend("m", 0.6, 1);
    expect(all.granted).toBe(true);
  });

  test("keeps a mission exactly as saved: the order of its features, milestones and assertions, and any text", async () => {
    const { store } = await fresh();
    // Plan order, which people see in lists (not sorted by length or name, as a JSON database would).
    const saved = {
      ...mission({ id: "a", issue: { number: 7, title: "odd text: \u0000 and \ud800" } }),
      features: { F2: { status: "pending", attempts: 0 }, F10: { status: "pending", attempts: 0 }, F1: { status: "done", attempts: 1 } },
      milestones: { "M-late": { status: "pending", round: 0 }, M1: { status: "pending", round: 0 } },
      assertions: { "VAL-API-002": { verdict: "pending" }, "VAL-UI-001": { verdict: "pass" }, "VAL-API-001": { verdict: "pending" } },
    } as Mission;
    await store.createMission(saved);
    const loaded = (await store.getMission("a"))!;
    expect(Object.keys(loaded.features)).toEqual(["F2", "F10", "F1"]);
    expect(Object.keys(loaded.milestones)).toEqual(["M-late", "M1"]);
    expect(Object.keys(loaded.assertions)).toEqual(["VAL-API-002", "VAL-UI-001", "VAL-API-001"]);
    expect(loaded.issue.title).toBe("odd text: \u0000 and \ud800");
    await store.saveMission({ ...loaded, assertions: { "VAL-UI-002": { verdict: "pending" }, ...loaded.assertions } });
    expect(Object.keys((await store.getMission("a"))!.assertions)).toEqual(["VAL-UI-002", "VAL-API-002", "VAL-UI-001", "VAL-API-001"]);
    expect(Object.keys((await store.listMissions())[0]!.features)).toEqual(["F2", "F10", "F1"]);
  });

  test("round-trips every kind of stored mission", async () => {
    const { store } = await fresh();
    const names = readdirSync(CORPUS).filter((name) => name.endsWith(".json"));
    expect(names.length).toBeGreaterThan(0);
    for (const [index, name] of names.entries()) {
      // Each about an issue of its own: the corpus's missions are all about one.
      const stored = loadMission(JSON.parse(readFileSync(new URL(name, CORPUS), "utf8")));
      const kept = { ...stored, id: `${stored.id}-${index}`, issue: { ...stored.issue, number: 1000 + index } };
      expect(await store.createMission(kept), name).toBe(true);
      expect(await store.getMission(kept.id), name).toEqual(kept);
      await store.saveMission(kept);
      expect(await store.getMission(kept.id), name).toEqual(kept);
    }
  });
});

import pg from "pg";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { StepQueue } from "../../src/engine/step-queue.ts";
import { POSTGRES_TESTS_OFF, postgresForSuite } from "../helpers/postgres.ts";
import { untilWithin } from "../helpers/until.ts";

const until = untilWithin(60_000);

/** An engine whose turns start and then wait until the test releases them, by mission. */
function heldEngine() {
  const started: string[] = [];
  const release = new Map<string, () => void>();
  const engine = {
    turn: (missionId: string) =>
      new Promise<"wait">((resolve) => {
        started.push(missionId);
        release.set(missionId, () => resolve("wait"));
      }),
  };
  return { engine, started, release };
}

describe.skipIf(POSTGRES_TESTS_OFF)("missions waiting in the shared queue for a free instance", () => {
  const cluster = postgresForSuite();

  it("are the queued ones: with one step at once, the second mission waits while the first runs, and is told when it starts", async () => {
    const url = await cluster.createDatabase();
    // Counted as queued as soon as a step waits (the least wait is the next test's).
    const queue = await StepQueue.open({ databaseUrl: url, log: pino({ level: "silent" }), stepsAtOnce: 1, heartbeatSeconds: 10, checkSeconds: 5, queuedAfterMs: 0 });
    try {
      const { engine, started, release } = heldEngine();
      const changes: Array<[string, boolean]> = [];
      await queue.work(engine, async () => {});
      await queue.kick("mission-a");
      await until("mission A to start", () => started.includes("mission-a"));
      // Watched from when A runs: on a busy machine A's own first moments in the queue could be seen.
      queue.watchQueued((missionId, queued) => changes.push([missionId, queued]), 100);
      await queue.kick("mission-b");
      // B waits for this instance's only slot: queued, and said so once.
      expect(await until("B to be queued", async () => ((await queue.queuedMissions()).includes("mission-b") ? await queue.queuedMissions() : undefined))).toEqual(["mission-b"]);
      await until("the watch to say B is queued", () => changes.some(([id, queued]) => id === "mission-b" && queued));
      expect(started).toEqual(["mission-a"]);
      expect(changes).toEqual([["mission-b", true]]);
      // A running mission is never "queued", even with its next turn waiting behind it.
      await queue.kick("mission-a");
      expect(await queue.queuedMissions()).not.toContain("mission-a");
      release.get("mission-a")!();
      await until("B to start", () => started.includes("mission-b"));
      await until("the watch to say B no longer waits", () => changes.some(([id, queued]) => id === "mission-b" && !queued));
      // A's second turn (kicked while it ran) now waits behind B, in B's place.
      expect(await queue.queuedMissions()).toEqual(["mission-a"]);
      await until("the watch to say A is queued", () => changes.some(([id, queued]) => id === "mission-a" && queued));
      release.get("mission-b")!();
      await until("A's second turn", () => started.filter((id) => id === "mission-a").length === 2);
      release.get("mission-a")!();
      await until("the queue to empty", () => queue.empty());
      expect(await queue.queuedMissions()).toEqual([]);
      await until("the watch to say A no longer waits", () => changes.some(([id, queued]) => id === "mission-a" && !queued));
      expect(changes.toSorted()).toEqual([["mission-a", false], ["mission-a", true], ["mission-b", false], ["mission-b", true]]);
    } finally {
      await queue.stop();
    }
  }, 120_000);

  it("are not a step about to be taken: a mission counts as queued only once its step has waited a while, and never while a step of it runs", async () => {
    const url = await cluster.createDatabase();
    const queue = await StepQueue.open({ databaseUrl: url, log: pino({ level: "silent" }), stepsAtOnce: 1, heartbeatSeconds: 10, checkSeconds: 5, queuedAfterMs: 1_500 });
    try {
      const { engine, started, release } = heldEngine();
      // No instance takes steps yet: a step just sent is one about to be taken, not a queued mission.
      await queue.kick("mission-a");
      const sent = Date.now();
      expect(await queue.queuedMissions()).toEqual([]);
      expect(await queue.isQueued("mission-a")).toBe(false);
      // Still untaken after the least wait: now it is queued.
      await until("A to count as queued", async () => (await queue.isQueued("mission-a")) || undefined);
      expect(Date.now() - sent).toBeGreaterThanOrEqual(1_400);
      expect(await queue.queuedMissions()).toEqual(["mission-a"]);
      await queue.work(engine, async () => {});
      await until("A to start", () => started.includes("mission-a"));
      // Running, with its next turn waiting behind it for longer than the least wait: not queued.
      await queue.kick("mission-a");
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      expect(await queue.isQueued("mission-a")).toBe(false);
      // B waits for the only slot: queued once it has waited the least wait, the other missions never.
      await queue.kick("mission-b");
      expect(await queue.isQueued("mission-b")).toBe(false);
      await until("B to count as queued", async () => (await queue.isQueued("mission-b")) || undefined);
      expect(await queue.queuedMissions()).toEqual(["mission-b"]);
      expect(await queue.isQueued("mission-c")).toBe(false);
      // A's second turn, sent before B, goes first; B still waits.
      release.get("mission-a")!();
      await until("A's second turn", () => started.filter((id) => id === "mission-a").length === 2);
      expect(await queue.isQueued("mission-a")).toBe(false);
      expect(await queue.isQueued("mission-b")).toBe(true);
      release.get("mission-a")!();
      await until("B to start", () => started.includes("mission-b"));
      expect(await queue.isQueued("mission-b")).toBe(false);
      release.get("mission-b")!();
      await until("the queue to empty", () => queue.empty());
    } finally {
      await queue.stop();
    }
  }, 120_000);
  it("are the waiting steps /metrics counts: not a running mission's next turn, and a retry from when it became due again", async () => {
    const url = await cluster.createDatabase();
    const queue = await StepQueue.open({ databaseUrl: url, log: pino({ level: "silent" }), stepsAtOnce: 1, heartbeatSeconds: 10, checkSeconds: 5, queuedAfterMs: 0 });
    const db = new pg.Client({ connectionString: url });
    await db.connect();
    try {
      const { engine, started, release } = heldEngine();
      await queue.work(engine, async () => {});
      await queue.kick("mission-a");
      await until("A to start", () => started.includes("mission-a"));
      // A's next turn waits behind A's own running step, not for an instance.
      await queue.kick("mission-a");
      await until("A's next turn to be sent", async () => (await db.query("SELECT 1 FROM pgboss.job WHERE singleton_key = 'mission-a' AND state = 'created'")).rowCount === 1);
      expect(await queue.depth()).toEqual({ waiting: 0, running: 1, oldestWaitingMs: 0 });
      // B waits for the only slot; a job first sent an hour ago but due again just now (a retry) has not waited an hour.
      await queue.kick("mission-b");
      await db.query("UPDATE pgboss.job SET created_on = now() - interval '1 hour', start_after = now() WHERE singleton_key = 'mission-b' AND state = 'created'");
      const depth = await queue.depth();
      expect(depth.waiting).toBe(1);
      expect(depth.running).toBe(1);
      expect(depth.oldestWaitingMs).toBeLessThan(10 * 60_000);
      // Every turn let go as it starts, until none is left.
      await until("the queue to empty", async () => {
        for (const done of release.values()) done();
        return queue.empty();
      });
      expect(started.toSorted()).toEqual(["mission-a", "mission-a", "mission-b"]);
    } finally {
      await db.end();
      await queue.stop();
    }
  }, 120_000);
  it("are announced by every instance, but only one (the watch's lock holder) is told to edit their comments; another takes over when it stops", async () => {
    const url = await cluster.createDatabase();
    const open = () => StepQueue.open({ databaseUrl: url, log: pino({ level: "silent" }), stepsAtOnce: 1, heartbeatSeconds: 10, checkSeconds: 5, queuedAfterMs: 0 });
    const queues = [await open(), await open()];
    const stopped = new Set<number>();
    try {
      // Nobody takes steps: every mission kicked waits.
      const seen: Array<Array<[string, boolean, boolean]>> = [[], []];
      queues.forEach((queue, index) => queue.watchQueued((missionId, queued, leads) => seen[index]!.push([missionId, queued, leads]), 100));
      await queues[0]!.kick("mission-a");
      await until("both instances to see A queued", () => seen.every((changes) => changes.some(([id]) => id === "mission-a")));
      const leaders = seen.map((changes) => changes.find(([id]) => id === "mission-a")![2]);
      expect(leaders.toSorted()).toEqual([false, true]);
      const leader = leaders.indexOf(true);
      const other = 1 - leader;
      await queues[leader]!.stop();
      stopped.add(leader);
      await queues[other]!.kick("mission-b");
      await until("the other instance to see B queued", () => seen[other]!.some(([id]) => id === "mission-b"));
      expect(seen[other]!.find(([id]) => id === "mission-b")).toEqual(["mission-b", true, true]);
    } finally {
      await Promise.all(queues.map((queue, index) => (stopped.has(index) ? undefined : queue.stop())));
    }
  }, 120_000);
});

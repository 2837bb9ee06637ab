import pg from "pg";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { StepQueue } from "../../src/engine/step-queue.ts";
import { POSTGRES_TESTS_OFF, postgresForSuite } from "../helpers/postgres.ts";
import { untilWithin } from "../helpers/until.ts";

const until = untilWithin(60_000);

// Two instances' queues on one database, a job silent for 10 s handed on, looked for every second:
// a step that runs far longer than that keeps its job, because its instance keeps saying it is alive.
describe.skipIf(POSTGRES_TESTS_OFF)("a long step on the shared queue", () => {
  const cluster = postgresForSuite();

  it("runs once, on one instance, though it outlasts the heartbeat window twice over; the mission's next turn runs after it", async () => {
    const url = await cluster.createDatabase();
    const open = () => StepQueue.open({ databaseUrl: url, log: pino({ level: "silent" }), stepsAtOnce: 2, heartbeatSeconds: 10, checkSeconds: 1 });
    const [first, second] = [await open(), await open()];
    try {
      const started: Array<{ instance: string; at: number }> = [];
      let longEnded: number | undefined;
      const engine = (instance: string) => ({
        turn: async () => {
          started.push({ instance, at: Date.now() });
          if (started.length === 1) {
            // The long step: 25 s, more than twice the 10 s after which a silent job is handed on.
            await new Promise((resolve) => setTimeout(resolve, 25_000));
            longEnded = Date.now();
            return "again" as const;
          }
          return "wait" as const;
        },
      });
      await first.work(engine("first"), async () => {});
      await second.work(engine("second"), async () => {});
      await first.kick("mission-long");
      await until("the step to start", () => started.length === 1);
      // While it runs its next turn is sent too (as the store does with the turn's result): it waits behind it.
      await first.kick("mission-long");
      await until("the long step to end", () => longEnded !== undefined, 90_000);
      await until("the next turn", () => started.length >= 2, 30_000);
      await until("the queue to empty", () => first.empty(), 30_000);
      // Exactly two turns ran, and the second began only after the long one ended: never two at once,
      // never the long step handed to the other instance while its own kept saying it was alive.
      expect(started).toHaveLength(2);
      expect(started[1]!.at).toBeGreaterThanOrEqual(longEnded!);
    } finally {
      await Promise.all([first.stop(), second.stop()]);
    }
  }, 180_000);
  it("takes the heartbeat an instance opens with, though the queue was created before with another", async () => {
    const url = await cluster.createDatabase();
    const open = (heartbeatSeconds: number) => StepQueue.open({ databaseUrl: url, log: pino({ level: "silent" }), stepsAtOnce: 1, heartbeatSeconds, checkSeconds: 5 });
    const stored = async () => {
      const db = new pg.Client({ connectionString: url });
      await db.connect();
      try {
        const { rows } = await db.query("SELECT name, heartbeat_seconds FROM pgboss.queue WHERE name IN ('mission-step', 'mission-intake') ORDER BY name");
        return rows.map((row) => [row.name, Number(row.heartbeat_seconds)]);
      } finally {
        await db.end();
      }
    };
    await (await open(10)).stop();
    expect(await stored()).toEqual([["mission-intake", 10], ["mission-step", 10]]);
    await (await open(20)).stop();
    expect(await stored()).toEqual([["mission-intake", 20], ["mission-step", 20]]);
  }, 120_000);
  it("tells a turn whose job lost its claim (another instance took the mission over) to stop, and sends it no second time", async () => {
    const url = await cluster.createDatabase();
    const queue = await StepQueue.open({ databaseUrl: url, log: pino({ level: "silent" }), stepsAtOnce: 1, heartbeatSeconds: 10, checkSeconds: 60 });
    const db = new pg.Client({ connectionString: url });
    await db.connect();
    try {
      const signals: AbortSignal[] = [];
      let ended = false;
      await queue.work({
        turn: async (_missionId: string, signal?: AbortSignal) => {
          if (signals.length > 0) return "wait" as const;
          signals.push(signal!);
          // The step runs until it is told to stop.
          await new Promise((resolve) => signal?.addEventListener("abort", resolve, { once: true }));
          ended = true;
          return "stopped" as const;
        },
      }, async () => {});
      await queue.kick("mission-a");
      await until("the turn to start", () => signals.length === 1);
      expect(signals[0]).toBeInstanceOf(AbortSignal);
      expect(signals[0]!.aborted).toBe(false);
      // What the supervision does to a job whose heartbeat went stale: its claim is gone.
      await db.query("UPDATE pgboss.job SET state = 'failed', completed_on = now() WHERE singleton_key = 'mission-a' AND state = 'active'");
      await until("the turn to be told to stop", () => ended, 60_000);
      expect(signals[0]!.aborted).toBe(true);
      // The turn ended "stopped" with its claim lost: it is not sent again by this instance.
      await until("the queue to settle", () => queue.empty(), 30_000);
      const { rows } = await db.query("SELECT state FROM pgboss.job WHERE singleton_key = 'mission-a' ORDER BY created_on");
      expect(rows.map((row) => row.state)).toEqual(["failed"]);
    } finally {
      await db.end();
      await queue.stop();
    }
  }, 120_000);
});

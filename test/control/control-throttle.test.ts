import { describe, expect, it } from "vitest";
import { ControlThrottle } from "../../src/control/index.ts";

/** A clock and timers the test moves by hand. */
function manualTime() {
  let now = 0;
  const timers: Array<{ at: number; callback: () => void; cancelled: boolean }> = [];
  return {
    now: () => now,
    schedule: (callback: () => void, ms: number) => {
      const timer = { at: now + ms, callback, cancelled: false };
      timers.push(timer);
      return () => void (timer.cancelled = true);
    },
    async advance(ms: number) {
      now += ms;
      for (const timer of timers.filter((candidate) => !candidate.cancelled && candidate.at <= now)) {
        timer.cancelled = true;
        timer.callback();
      }
      await new Promise((resolve) => setImmediate(resolve));
    },
    pending: () => timers.filter((timer) => !timer.cancelled).length,
  };
}

describe("control comment throttle", () => {
  it("writes at most once per interval, and the newest state when the interval is over", async () => {
    const time = manualTime();
    const written: string[] = [];
    const write = async (body: string) => void written.push(body);
    const throttle = new ControlThrottle({ intervalMs: 5_000, now: time.now, schedule: time.schedule });

    await throttle.offer("m1", "one", write);
    await throttle.offer("m1", "two", write);
    await throttle.offer("m1", "three", write);
    expect(written).toEqual(["one"]);
    expect(throttle.latest("m1")).toBe("three");
    expect(time.pending()).toBe(1);

    await time.advance(4_999);
    expect(written).toEqual(["one"]);
    await time.advance(1);
    expect(written).toEqual(["one", "three"]);
    expect(throttle.latest("m1")).toBe("three");
  });

  it("writes at once when urgent or flushed, and keeps comments of different missions apart", async () => {
    const time = manualTime();
    const written: string[] = [];
    const write = async (body: string) => void written.push(body);
    const throttle = new ControlThrottle({ intervalMs: 5_000, now: time.now, schedule: time.schedule });
    throttle.markWritten("m1", "created");

    await throttle.offer("m1", "running", write);
    await throttle.offer("m2", "other mission", write);
    expect(written).toEqual(["other mission"]);
    await throttle.offer("m1", "done", write, { urgent: true });
    expect(written).toEqual(["other mission", "done"]);
    expect(time.pending()).toBe(0);

    await time.advance(1_000);
    await throttle.offer("m2", "paused", write);
    await throttle.flushAll();
    expect(written).toEqual(["other mission", "done", "paused"]);
    await time.advance(10_000);
    expect(written).toHaveLength(3);
  });

  it("reports a failed write, and writes the same state again next time", async () => {
    const time = manualTime();
    const errors: unknown[] = [];
    let fail = true;
    const written: string[] = [];
    const write = async (body: string) => {
      if (fail) throw new Error("GitHub is down");
      written.push(body);
    };
    const throttle = new ControlThrottle({ intervalMs: 0, now: time.now, schedule: time.schedule, onError: (error) => errors.push(error) });
    await throttle.offer("m1", "state", write);
    expect(errors).toHaveLength(1);
    expect(throttle.latest("m1")).toBeUndefined();
    fail = false;
    await throttle.offer("m1", "state", write);
    expect(written).toEqual(["state"]);
  });

  it("forgets a finished mission", async () => {
    const time = manualTime();
    const throttle = new ControlThrottle({ intervalMs: 5_000, now: time.now, schedule: time.schedule });
    const written: string[] = [];
    await throttle.offer("m1", "a", async (body) => void written.push(body));
    await throttle.offer("m1", "b", async (body) => void written.push(body));
    throttle.forget("m1");
    await time.advance(10_000);
    expect(written).toEqual(["a"]);
    expect(throttle.latest("m1")).toBeUndefined();
    await throttle.flush("m1");
  });

  it("takes another instance's write only when it is newer than its own: an older record neither brings an edit forward nor hides the newer body", async () => {
    const time = manualTime();
    const written: string[] = [];
    const write = async (body: string) => void written.push(body);
    const throttle = new ControlThrottle({ intervalMs: 5_000, now: time.now, schedule: time.schedule });

    // A mission taken over: what the store says was written, and when, is the comment (nothing written here yet).
    await time.advance(10_000);
    throttle.adopt("m1", "written elsewhere", 9_000);
    expect(throttle.latest("m1")).toBe("written elsewhere");
    await throttle.offer("m1", "first here", write);
    expect(written).toEqual([]);
    await time.advance(4_000);
    expect(written).toEqual(["first here"]);

    // The store still holds the older write (this one's is not recorded yet): taken, it would let the next edit through at once.
    throttle.adopt("m1", "written elsewhere", 9_000);
    expect(throttle.latest("m1")).toBe("first here");
    await throttle.offer("m1", "second here", write);
    expect(written).toEqual(["first here"]);

    // Something waits to be written here: a newer record does not replace it, nor its moment.
    throttle.adopt("m1", "another instance's", 14_500);
    expect(throttle.latest("m1")).toBe("second here");
    await time.advance(5_000);
    expect(written).toEqual(["first here", "second here"]);

    // A newer write by another instance, nothing waiting: it is what the comment shows, and the pacing counts from it.
    throttle.adopt("m1", "another instance's", 20_000);
    expect(throttle.latest("m1")).toBe("another instance's");
    await time.advance(1_000);
    await throttle.offer("m1", "third here", write);
    expect(written).toEqual(["first here", "second here"]);
    await time.advance(4_999);
    expect(written).toEqual(["first here", "second here"]);
    await time.advance(1);
    expect(written).toEqual(["first here", "second here", "third here"]);
  });
  it("does not write a body kept for later when another instance wrote the comment after it was offered (several instances)", async () => {
    const time = manualTime();
    const written: string[] = [];
    let record: { body: string; at: number } | undefined;
    // This instance's writes are recorded once the edit is through: a moment after it began.
    const write = async (body: string) => {
      written.push(body);
      record = { body, at: time.now() + 500 };
    };
    const throttle = new ControlThrottle({ intervalMs: 5_000, now: time.now, schedule: time.schedule, recorded: async () => record });

    await throttle.offer("m1", "one", write);
    // Offered before its own write was recorded: the record is this instance's, and the body is written.
    await throttle.offer("m1", "two", write);
    await time.advance(5_000);
    expect(written).toEqual(["one", "two"]);

    // Kept for later; meanwhile another instance (which took the mission's next turn) writes a newer state.
    await time.advance(1_000);
    await throttle.offer("m1", "three", write);
    await time.advance(1_000);
    record = { body: "another instance's", at: time.now() };
    await time.advance(5_000);
    expect(written).toEqual(["one", "two"]);
    expect(throttle.latest("m1")).toBe("another instance's");

    // Offered after that write: written, in its turn.
    await throttle.offer("m1", "four", write);
    await time.advance(5_000);
    expect(written).toEqual(["one", "two", "four"]);
  });
});

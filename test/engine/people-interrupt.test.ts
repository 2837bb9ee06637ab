import { describe, expect, it, vi } from "vitest";
import { describeStoppingIntent, stoppedForPeople, StoppedForPeopleError, stopWhenPeopleAsk, watchForPeople } from "../../src/engine/people-interrupt.ts";
import { Slots } from "../../src/engine/slots.ts";
import { StepProgressError, type Intent } from "../../src/mission/index.ts";
import type { LanguageModel, ModelRequest } from "../../src/models/index.ts";
import { runningMission } from "../mission/fixtures.ts";

const intent = (verb: Intent["verb"], text = ""): Intent => ({ seq: 1, verb, text, author: "alice", at: "2026-01-01T10:00:00.000Z" });
const REQUEST = { messages: [], tools: [], maxOutputTokens: 10 } as unknown as ModelRequest;

describe("a person's stop during a step", () => {
  it("stops the model before its next call once a pause, an abort or a closed pull request waits, and every model sharing the stop with it", async () => {
    let pending: Intent[] = [intent("status"), intent("budget", "30")];
    let calls = 0;
    const inner: LanguageModel = { id: "fake/model", generate: async () => (calls++, { content: [], stopReason: "end", usage: { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 } }) as never };
    const stop = new AbortController();
    // The metered model refuses to start once the shared stop is aborted: as MeteredModel's stopBeforeNextCall does.
    const metered: LanguageModel = { id: inner.id, generate: (request) => (stop.signal.aborted ? Promise.reject(stop.signal.reason) : inner.generate(request)) };
    const wrap = stopWhenPeopleAsk({ pendingIntents: async () => pending }, "m1", stop);
    const [scrutiny, tester] = [wrap(metered), wrap(metered)];
    await scrutiny.generate(REQUEST);
    expect(calls).toBe(1);
    pending = [...pending, intent("pause")];
    const stopped = await tester.generate(REQUEST).catch((error: unknown) => error);
    expect(stopped).toBeInstanceOf(StoppedForPeopleError);
    expect((stopped as Error).message).toBe("@alice commented `/mission pause`");
    await expect(scrutiny.generate(REQUEST)).rejects.toBe(stopped);
    expect(calls).toBe(1);
  });

  it("says who stopped it, and is found behind the work a step kept", () => {
    expect(describeStoppingIntent(intent("abort"))).toBe("@alice commented `/mission abort`");
    expect(describeStoppingIntent(intent("pull-closed", "merged"))).toBe("@alice merged the pull request");
    expect(describeStoppingIntent(intent("pull-closed", "closed"))).toBe("@alice closed the pull request");
    const error = new StoppedForPeopleError(intent("pause"));
    expect(stoppedForPeople(new StepProgressError(error, runningMission(), "kept"))).toBe(error);
    expect(stoppedForPeople(new Error("other"))).toBeUndefined();
  });

  it("ends a wait no model call ends (for a free browser) once a person stops the mission, and asks no more once unwatched", async () => {
    let pending: Intent[] = [intent("status")];
    let asked = 0;
    let failOnce = true;
    const store = {
      pendingIntents: async () => {
        asked++;
        if (failOnce) {
          failOnce = false;
          throw new Error("store busy");
        }
        return pending;
      },
    };
    const browsers = new Slots(1);
    const held = await browsers.take();
    const stop = new AbortController();
    const unwatch = watchForPeople(store, "m1", stop, 10);
    const waiting = browsers.take(stop.signal).then(
      () => "got the browser",
      (error: unknown) => error,
    );
    // Asked again after the store failed once; nothing stops it yet.
    await vi.waitFor(() => expect(asked).toBeGreaterThanOrEqual(3), { timeout: 2_000, interval: 5 });
    expect(stop.signal.aborted).toBe(false);
    pending = [...pending, intent("abort")];
    const ended = await waiting;
    expect(ended).toBeInstanceOf(StoppedForPeopleError);
    expect((ended as Error).message).toBe("@alice commented `/mission abort`");
    expect(browsers.waiting).toBe(0);
    unwatch();
    const after = asked;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(asked).toBe(after);
    held();
    expect(browsers.available).toBe(true);
  });

  it("stops watching when unwatched before anyone stopped the mission", async () => {
    let asked = 0;
    const stop = new AbortController();
    const unwatch = watchForPeople({ pendingIntents: async () => (asked++, []) }, "m1", stop, 10);
    await vi.waitFor(() => expect(asked).toBeGreaterThanOrEqual(2), { timeout: 2_000, interval: 5 });
    unwatch();
    const after = asked;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(asked).toBeLessThanOrEqual(after + 1);
    expect(stop.signal.aborted).toBe(false);
  });
});

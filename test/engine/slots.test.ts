import { describe, expect, it } from "vitest";
import { Slots } from "../../src/engine/slots.ts";

describe("a per-instance limit (browsers at once)", () => {
  it("lets `size` takers in, keeps the others waiting in order, and hands each freed slot to the next", async () => {
    const slots = new Slots(2);
    const order: string[] = [];
    const first = await slots.take();
    const second = await slots.take();
    expect(slots.available).toBe(false);
    const third = slots.take().then((release) => (order.push("third"), release));
    const fourth = slots.take().then((release) => (order.push("fourth"), release));
    await Promise.resolve();
    expect(slots.waiting).toBe(2);
    expect(order).toEqual([]);
    first();
    // Released twice: still one slot.
    first();
    const releaseThird = await third;
    expect(order).toEqual(["third"]);
    expect(slots.waiting).toBe(1);
    second();
    const releaseFourth = await fourth;
    expect(order).toEqual(["third", "fourth"]);
    releaseThird();
    releaseFourth();
    expect(slots.available).toBe(true);
    (await slots.take())();
    (await slots.take())();
  });

  it("gives up a wait when its step is stopped, and the slot goes to the next taker", async () => {
    const slots = new Slots(1);
    const held = await slots.take();
    const stop = new AbortController();
    const stopped = slots.take(stop.signal);
    const next = slots.take();
    stop.abort(new Error("stopping"));
    await expect(stopped).rejects.toThrow("stopping");
    expect(slots.waiting).toBe(1);
    held();
    (await next)();
    expect(slots.available).toBe(true);
    expect(() => new Slots(0)).toThrow();
  });
});

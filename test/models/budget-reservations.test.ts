import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { defineTool, runAgent } from "../../src/agent/index.ts";
import { ROLE_OUTPUT_TOKENS } from "../../src/engine/model-for.ts";
import { convertToAnthropicRequest } from "../../src/models/anthropic/convert-to-anthropic-messages.ts";
import {
  AnthropicLanguageModel,
  BudgetExceededError,
  costOf,
  extendedInputBound,
  inputTokenBound,
  promptOf,
  MeteredModel,
  OpenAILanguageModel,
  PriceTable,
  worstCaseUsd,
  type LanguageModel,
  type ModelPrice,
  type ModelRequest,
} from "../../src/models/index.ts";
import { SqliteMissionStore } from "../../src/store/index.ts";
import { startFakeModels, type FakeModels } from "../fakes/models/index.ts";
import type { NormalizedRequest } from "../fakes/models/types.ts";

const MISSION = "m1";
const price: ModelPrice = new PriceTable().lookup("anthropic/claude-sonnet-5-5")!;

let fake: FakeModels;
let store: SqliteMissionStore;

beforeEach(async () => {
  fake = await startFakeModels();
  store = new SqliteMissionStore(":memory:");
});
afterEach(async () => {
  await store.close();
  await fake.close();
});

function anthropic(): LanguageModel {
  return new AnthropicLanguageModel("claude-test", { apiKey: "k", baseUrl: fake.anthropicBaseUrl, maxRetries: 0 });
}

/** The real meter on the real store, as `modelFor` builds it for a role. */
function metered(inner: LanguageModel, capUsd: number, maxOutputTokens = ROLE_OUTPUT_TOKENS.worker, stopBeforeNextCall?: AbortSignal): MeteredModel {
  return new MeteredModel(inner, {
    price,
    ...(stopBeforeNextCall ? { stopBeforeNextCall } : {}),
    reserve: (usd, signal) => store.reserveSpend(MISSION, usd, capUsd, signal),
    record: (call) =>
      store.recordUsage({ missionId: MISSION, role: "worker", model: call.model, ...call.usage, usd: call.usd, latencyMs: call.latencyMs, retries: call.retries, at: new Date().toISOString() }),
    maxOutputTokens,
    retryBaseMs: 1,
    sleep: async () => {},
  });
}

function ask(text: string, maxOutputTokens = 16_000): ModelRequest {
  return { system: "You are a test.", messages: [{ role: "user", content: [{ type: "text", text }] }], tools: [], maxOutputTokens };
}

/**
 * The worst a byte-level BPE tokenizer can do with what the server received: no merge at all, one
 * token per UTF-8 byte of the system text, the messages and the tools.
 */
function bytesReceived(request: NormalizedRequest): number {
  return Buffer.byteLength(request.system) + Buffer.byteLength(JSON.stringify(request.messages)) + Buffer.byteLength(JSON.stringify(request.tools));
}

describe("budget reservations", () => {
  it("eight concurrent calls against a cap: total recorded spend ≤ cap", async () => {
    // Every call really costs its worst case (byte-level input, the whole output allowed), and they overlap.
    let inFlight = 0;
    let most = 0;
    fake.script(async (request) => {
      most = Math.max(most, ++inFlight);
      await new Promise((resolve) => setTimeout(resolve, 50));
      inFlight--;
      return { text: "ok", usage: { inputTokens: bytesReceived(request), outputTokens: request.maxTokens ?? 0 }, delayMs: 0 };
    });
    const request = ask("x".repeat(20_000));
    const model = metered(anthropic(), 0.5);
    const worst = worstCaseUsd({ ...request, maxOutputTokens: ROLE_OUTPUT_TOKENS.worker }, price);
    const fits = Math.floor(0.5 / worst);
    expect(fits).toBeGreaterThanOrEqual(2);
    expect(fits).toBeLessThan(8);
    const outcomes = await Promise.allSettled(Array.from({ length: 8 }, () => model.generate(request)));
    const spent = (await store.usageTotals(MISSION)).usd;
    expect(spent).toBeLessThanOrEqual(0.5);
    expect(spent).toBeGreaterThan(0);
    const refused = outcomes.filter((outcome) => outcome.status === "rejected");
    expect(refused.length).toBeGreaterThan(0);
    for (const outcome of refused) expect((outcome as PromiseRejectedResult).reason).toBeInstanceOf(BudgetExceededError);
    // Refused before the call: the server saw only the calls that were paid for.
    expect(fake.calls).toHaveLength(8 - refused.length);
    expect(most).toBeLessThanOrEqual(fits);
    expect((await store.usage(MISSION)).length).toBe(8 - refused.length);
  });

  it("calls that hold more than is left wait for the ones in flight to settle, and all run when their real cost fits", async () => {
    // Eight worst cases pass the cap together, but the real costs are small: nobody is refused.
    fake.script(async () => ({ text: "ok", usage: { outputTokens: 50 }, delayMs: 20 }));
    const request = ask("y".repeat(20_000));
    const worst = worstCaseUsd({ ...request, maxOutputTokens: ROLE_OUTPUT_TOKENS.worker }, price);
    const cap = worst * 3;
    const outcomes = await Promise.allSettled(Array.from({ length: 8 }, () => metered(anthropic(), cap).generate(request)));
    expect(outcomes.map((outcome) => outcome.status)).toEqual(Array(8).fill("fulfilled"));
    expect((await store.usageTotals(MISSION)).usd).toBeLessThanOrEqual(cap);
  });

  it("a serial mission whose real spend fits the cap is not paused early", async () => {
    // A worker's turns on a growing conversation, as a $0.35 mission: each turn really costs about a cent.
    fake.script(async () => ({ text: "ok", usage: { outputTokens: 400 } }));
    const model = metered(anthropic(), 0.35);
    let history = "";
    let calls = 0;
    let refusal: BudgetExceededError | undefined;
    for (; calls < 200; calls++) {
      history += "Some tool output, English text and code. ".repeat(40);
      try {
        await model.generate(ask(history));
      } catch (error) {
        refusal = error as BudgetExceededError;
        break;
      }
    }
    expect(refusal).toBeInstanceOf(BudgetExceededError);
    const spent = (await store.usageTotals(MISSION)).usd;
    // It stopped only when the next call's worst case did not fit, not at a fraction of the cap.
    expect(spent + refusal!.nextCallUsd).toBeGreaterThan(0.35);
    expect(spent).toBeGreaterThan(0.35 * 0.5);
    expect(spent).toBeLessThanOrEqual(0.35);
    // The role's output bound is what the provider was asked for, and what was held.
    expect(fake.calls.every((call) => call.request.maxTokens === ROLE_OUTPUT_TOKENS.worker)).toBe(true);
  });

  it.each([
    ["CJK", "日本語のテキストと中文文本和한국어 텍스트".repeat(600)],
    ["emoji", "🚀🔥💸👩‍👩‍👧‍👦🏳️‍🌈🧪".repeat(600)],
    ["base64", Buffer.from(Array.from({ length: 20_000 }, (_, index) => (index * 7919) % 256)).toString("base64")],
    ["hex", Buffer.from(Array.from({ length: 15_000 }, (_, index) => (index * 104_729) % 256)).toString("hex")],
  ])("bounds %s input above what any byte-level tokenizer counts", async (_kind, text) => {
    fake.script(async (request) => ({ text: "ok", usage: { inputTokens: bytesReceived(request), outputTokens: request.maxTokens ?? 0 } }));
    for (const inner of [anthropic(), new OpenAILanguageModel("gpt-test", { provider: "openai", apiKey: "k", baseUrl: fake.openaiBaseUrl, maxRetries: 0 })]) {
      const request = ask(text, ROLE_OUTPUT_TOKENS.reviewer);
      await metered(inner, 100).generate(request);
      const served = fake.calls.at(-1)!;
      expect(inputTokenBound(request)).toBeGreaterThanOrEqual(served.usage.inputTokens);
      expect(worstCaseUsd(request, price)).toBeGreaterThanOrEqual(costOf(served.usage, price));
      // Characters ÷ 3, the old estimate, fell short of such text.
      expect(Math.ceil(text.length / 3)).toBeLessThan(served.usage.inputTokens);
    }
  });

  it("prices only the static prefix and the marked context at the 1-hour cache-write rate, as the Anthropic adapter writes only them to that cache", async () => {
    const request: ModelRequest = {
      system: "s".repeat(5_000),
      tools: [{ name: "read_file", description: "Reads a file.", parameters: { type: "object", properties: { path: { type: "string" } } } }],
      messages: [
        { role: "user", content: [{ type: "text", text: "c".repeat(40_000), cache: true }, { type: "text", text: "task" }] },
        { role: "assistant", content: [{ type: "tool-call", id: "t1", name: "read_file", input: { path: "a" } }] },
        { role: "user", content: [{ type: "tool-result", toolCallId: "t1", toolName: "read_file", output: "o".repeat(20_000), isError: false }] },
      ],
      maxOutputTokens: 4_000,
    };
    const converted = convertToAnthropicRequest(request);
    const ttls = converted.messages.flatMap((message) => (Array.isArray(message.content) ? message.content : []).map((block) => (block as { cache_control?: { ttl?: string } }).cache_control?.ttl));
    expect(ttls.filter((ttl) => ttl === "1h")).toHaveLength(1);
    expect(ttls[0]).toBe("1h");
    // Through the fake, which bills cache writes by their TTL: the first call writes both caches, at its worst.
    fake.script(async () => ({ text: "ok", usage: { outputTokens: 4_000 } }));
    await metered(anthropic(), 100, ROLE_OUTPUT_TOKENS.reviewer).generate(request);
    const served = fake.calls.at(-1)!.usage;
    expect(served.cacheWriteLongTokens).toBeGreaterThan(10_000);
    expect(served.cacheWriteTokens).toBeGreaterThan(served.cacheWriteLongTokens!);
    expect(worstCaseUsd(request, price)).toBeGreaterThanOrEqual(costOf(served, price));
    // Bounded by the tokens the provider counted, with 1-hour writes much dearer than 5-minute ones:
    // the context's hour is counted too, not only the system prompt's.
    const dearHour = { ...price, cacheWrite: price.input * 1.25, cacheWriteLong: price.input * 10 };
    expect(worstCaseUsd(request, dearHour, served.inputTokens)).toBeGreaterThanOrEqual(costOf(served, dearHour));
  });

  it("releases the hold when the call fails, however it fails", async () => {
    const request = ask("z".repeat(1_000));
    const worst = worstCaseUsd({ ...request, maxOutputTokens: ROLE_OUTPUT_TOKENS.worker }, price);
    // In whole cents, as people set budgets.
    const cap = Math.ceil(worst * 150) / 100;
    expect(cap).toBeLessThan(worst * 2);
    fake.script(async () => ({ error: { status: 400, message: "bad request" } }));
    await expect(metered(anthropic(), cap).generate(request)).rejects.toMatchObject({ status: 400 });
    fake.script(async () => ({ error: { status: 529 } }));
    await expect(metered(anthropic(), cap).generate(request)).rejects.toMatchObject({ status: 529 });
    // Nothing is held and nothing was spent: the whole cap can be held again, and a call goes through.
    const hold = await store.reserveSpend(MISSION, cap, cap);
    expect(hold.granted).toBe(true);
    if (hold.granted) hold.release();
    fake.script(async () => ({ text: "ok" }));
    await expect(metered(anthropic(), cap).generate(request)).resolves.toMatchObject({ stopReason: "end" });
    expect((await store.usage(MISSION)).length).toBe(1);
  });
});

describe("a conversation's later calls, bounded from the last call's real input", () => {
  it("lets a serial run with a long context go on to near its cap, where the byte bound stopped it at a fifth, and never past it", async () => {
    // Priced flat (a cache read costs what a write does), so what a call really costs is close to its bound.
    const flat: ModelPrice = { input: 2, output: 10, cacheRead: 2, cacheWrite: 2, cacheWriteLong: 2 };
    const cap = 0.6;
    const seen: ModelRequest[] = [];
    const inner = anthropic();
    const recording: LanguageModel = {
      id: inner.id,
      generate: (request) => {
        const { signal: _signal, ...rest } = request;
        seen.push(structuredClone(rest));
        return inner.generate(request);
      },
    };
    const model = new MeteredModel(recording, {
      price: flat,
      reserve: (usd, signal) => store.reserveSpend(MISSION, usd, cap, signal),
      record: (call) => store.recordUsage({ missionId: MISSION, role: "reviewer", model: call.model, ...call.usage, usd: call.usd, latencyMs: call.latencyMs, retries: call.retries, at: new Date().toISOString() }),
      maxOutputTokens: ROLE_OUTPUT_TOKENS.reviewer,
      sleep: async () => {},
    });
    // A long context (English text and code, about four characters a token), then small tool outputs.
    const context = "function greet(name) { return `Hello, ${name}!`; } // Some English text about it.\n".repeat(3_000);
    fake.script(async (request) => ({ toolCalls: [{ name: "read_page", arguments: { page: request.messages.length } }], usage: { outputTokens: 60 } }));
    const readPage = defineTool({ name: "read_page", description: "Reads a page.", parameters: z.object({ page: z.number() }), execute: async () => "A page of notes. ".repeat(120) });
    const refusal = await runAgent({
      model,
      system: "You review code.",
      prompt: { context, task: "Read every page." },
      tools: [readPage],
      final: { name: "submit", description: "Done.", parameters: z.object({}) },
      context: { root: "/nonexistent", readFiles: new Set() },
      maxTurns: 100,
      contextBudgetChars: 100_000_000,
    }).then(() => undefined, (error: unknown) => error);
    expect(refusal).toBeInstanceOf(BudgetExceededError);
    const ledger = await store.usage(MISSION);
    const spent = (await store.usageTotals(MISSION)).usd;
    expect(spent).toBeLessThanOrEqual(cap);
    // Stopped only when the next call's worst case no longer fitted, near the cap.
    expect(spent + (refusal as BudgetExceededError).nextCallUsd).toBeGreaterThan(cap);
    expect(spent).toBeGreaterThan(cap * 0.75);
    // Each later call's bound held what the provider counted, and was tighter than the byte bound.
    expect(seen.length).toBeGreaterThan(3);
    for (let index = 1; index < seen.length; index++) {
      const bound = extendedInputBound({ ...promptOf(seen[index - 1]!), inputTokens: ledger[index - 1]!.inputTokens }, promptOf(seen[index]!));
      expect(bound).toBeGreaterThanOrEqual(fake.calls[index]!.usage.inputTokens);
      expect(bound).toBeLessThan(inputTokenBound(seen[index]!) / 2);
    }
    // The same calls held at the byte bound of their whole prompt: the run would have stopped at a fifth of the cap.
    let spentAtByteBound = 0;
    for (const [index, request] of seen.entries()) {
      if (spentAtByteBound + worstCaseUsd(request, flat) > cap) break;
      spentAtByteBound += ledger[index]!.usd;
    }
    expect(spentAtByteBound).toBeLessThan(cap * 0.25);
  });

  it.each([
    ["CJK", "日本語のテキストと中文文本和한국어 텍스트".repeat(600)],
    ["emoji", "🚀🔥💸👩‍👩‍👧‍👦🏳️‍🌈🧪".repeat(600)],
    ["hex", Buffer.from(Array.from({ length: 15_000 }, (_, index) => (index * 104_729) % 256)).toString("hex")],
  ])("bounds new %s text above what any byte-level tokenizer counts", async (_kind, text) => {
    // The worst tokenizer: one token per byte of everything the server received.
    fake.script(async (request) => ({ toolCalls: [{ name: "read_file", arguments: { path: "a" } }], usage: { inputTokens: bytesReceived(request), outputTokens: 10 } }));
    const model = metered(anthropic(), 100, ROLE_OUTPUT_TOKENS.reviewer);
    const first = ask("Read a.");
    const reply = await model.generate(first);
    const call = reply.content.find((part) => part.type === "tool-call")!;
    const second: ModelRequest = {
      ...first,
      messages: [...first.messages, { role: "assistant", content: reply.content }, { role: "user", content: [{ type: "tool-result", toolCallId: call.type === "tool-call" ? call.id : "", toolName: "read_file", output: text, isError: false }] }],
    };
    await model.generate(second);
    const bound = extendedInputBound({ ...promptOf(first), inputTokens: fake.calls[0]!.usage.inputTokens }, promptOf(second));
    expect(bound).toBeDefined();
    expect(bound!).toBeGreaterThanOrEqual(fake.calls[1]!.usage.inputTokens);
    expect(worstCaseUsd(second, price, bound)).toBeGreaterThanOrEqual(costOf(fake.calls[1]!.usage, price));
  });

  it("falls back to the byte bound when the history was edited, the prefix changed, or the provider reported no usage", () => {
    const first = ask("hello");
    const previous = { ...promptOf(first), inputTokens: 50 };
    const extended: ModelRequest = { ...first, messages: [...first.messages, { role: "assistant", content: [{ type: "text", text: "hi" }] }, { role: "user", content: [{ type: "text", text: "more" }] }] };
    expect(extendedInputBound(previous, promptOf(extended))).toBeGreaterThan(50);
    // An earlier message edited in place (pruned tool outputs): the previous count says nothing of it.
    const edited: ModelRequest = { ...extended, messages: [{ role: "user", content: [{ type: "text", text: "hellO" }] }, ...extended.messages.slice(1)] };
    expect(extendedInputBound(previous, promptOf(edited))).toBeUndefined();
    expect(extendedInputBound(previous, promptOf({ ...extended, system: "Another system prompt." }))).toBeUndefined();
    expect(extendedInputBound(previous, promptOf({ ...extended, tools: [{ name: "t", description: "", parameters: {} }] }))).toBeUndefined();
    expect(extendedInputBound(previous, promptOf(first))).toBeUndefined();
    expect(extendedInputBound({ ...previous, inputTokens: 0 }, promptOf(extended))).toBeUndefined();
    expect(extendedInputBound(undefined, promptOf(extended))).toBeUndefined();
  });
});

describe("SqliteMissionStore.reserveSpend", () => {
  it("holds against what is spent and held, refuses what cannot fit, and frees a hold once", async () => {
    await store.recordUsage({ missionId: MISSION, role: "worker", model: "a/b", inputTokens: 1, outputTokens: 1, cacheReadTokens: 0, cacheWriteTokens: 0, usd: 0.4, latencyMs: 1, retries: 0, at: "2026-01-01T00:00:00Z" });
    const first = await store.reserveSpend(MISSION, 0.5, 1);
    expect(first.granted).toBe(true);
    // 0.4 spent + 0.5 held + 0.2 > 1, and 0.4 + 0.7 > 1 even once the hold settles: refused at once.
    await expect(store.reserveSpend(MISSION, 0.7, 1)).resolves.toEqual({ granted: false, spentUsd: 0.4, heldUsd: 0.5, capUsd: 1 });
    // 0.4 + 0.2 fits once the hold settles: it waits for that.
    let granted = false;
    const waiting = store.reserveSpend(MISSION, 0.2, 1).then((hold) => (granted = hold.granted));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(granted).toBe(false);
    if (first.granted) {
      first.release();
      first.release();
    }
    await waiting;
    expect(granted).toBe(true);
    // Another mission's budget is its own.
    await expect(store.reserveSpend("m2", 1, 1)).resolves.toMatchObject({ granted: true });
  });
});

describe("waiting for a hold, stopping, and cut calls", () => {
  it("stops waiting for a hold when its signal aborts, and holds nothing", async () => {
    const first = await store.reserveSpend(MISSION, 0.6, 1);
    const controller = new AbortController();
    const waiting = store.reserveSpend(MISSION, 0.6, 1, controller.signal);
    const settled = vi.fn();
    void waiting.then(settled, settled);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(settled).not.toHaveBeenCalled();
    controller.abort(new Error("the mission stops"));
    await expect(waiting).rejects.toThrow("the mission stops");
    // Already aborted: refused without waiting.
    await expect(store.reserveSpend(MISSION, 0.6, 1, controller.signal)).rejects.toThrow("the mission stops");
    // The aborted waiter holds nothing once the first hold settles: the whole cap is free again.
    if (first.granted) first.release();
    const whole = await store.reserveSpend(MISSION, 1, 1);
    expect(whole.granted).toBe(true);
  });

  it("a metered call cancelled while it waits for its hold rejects at once and never reaches the provider", async () => {
    fake.script(async () => ({ text: "ok" }));
    const request = ask("w".repeat(1_000));
    const worst = worstCaseUsd({ ...request, maxOutputTokens: ROLE_OUTPUT_TOKENS.worker }, price);
    const cap = Math.ceil(worst * 150) / 100;
    const other = await store.reserveSpend(MISSION, worst, cap);
    const controller = new AbortController();
    const call = metered(anthropic(), cap).generate({ ...request, signal: controller.signal });
    await new Promise((resolve) => setTimeout(resolve, 20));
    controller.abort();
    await expect(call).rejects.toMatchObject({ name: "AbortError" });
    if (other.granted) other.release();
    expect(fake.calls).toHaveLength(0);
  });

  it("a call stopped before it starts throws the stop's reason; one under way finishes and is recorded", async () => {
    const stop = new AbortController();
    const reason = new BudgetExceededError(0.9, 1, 0.2);
    fake.script(async () => ({ text: "ok", delayMs: 100 }));
    const model = metered(anthropic(), 100, ROLE_OUTPUT_TOKENS.reviewer, stop.signal);
    const underWay = model.generate(ask("first"));
    await new Promise((resolve) => setTimeout(resolve, 30));
    stop.abort(reason);
    await expect(underWay).resolves.toMatchObject({ stopReason: "end" });
    await expect(model.generate(ask("second"))).rejects.toBe(reason);
    expect(fake.calls).toHaveLength(1);
    expect(await store.usage(MISSION)).toHaveLength(1);
  });

  it("records a call cut off mid-stream with the usage the provider reported before the cut, and holds afresh for its retry", async () => {
    let served = 0;
    fake.script(async () => (served++ === 0 ? { truncateStream: true, text: "a long answer ".repeat(200) } : { text: "ok" }));
    const request = ask("x".repeat(4_000));
    await expect(metered(anthropic(), 100).generate(request)).resolves.toMatchObject({ stopReason: "end" });
    const ledger = await store.usage(MISSION);
    expect(ledger).toHaveLength(2);
    // The cut call: its prompt as the provider counted it (the stream's first event), billed all the same.
    expect(ledger[0]).toMatchObject({ inputTokens: fake.calls[0]!.usage.inputTokens, retries: 0 });
    expect(ledger[0]!.usd).toBeGreaterThan(0);
    expect(ledger[1]).toMatchObject({ inputTokens: fake.calls[1]!.usage.inputTokens, retries: 1 });
  });

  it("a retry after a billed cut call that no longer fits the budget is refused instead of overspending", async () => {
    fake.script(async () => ({ truncateStream: true, text: "a long answer ".repeat(200), usage: { outputTokens: 1 } }));
    const request = ask("x".repeat(40_000));
    const worst = worstCaseUsd({ ...request, maxOutputTokens: ROLE_OUTPUT_TOKENS.worker }, price);
    // Room for one call's worst case, not for a second after the first cut call's input was billed.
    const cap = Math.ceil(worst * 100 * 1.02) / 100;
    await expect(metered(anthropic(), cap).generate(request)).rejects.toBeInstanceOf(BudgetExceededError);
    expect(fake.calls).toHaveLength(1);
    expect((await store.usageTotals(MISSION)).usd).toBeLessThanOrEqual(cap);
  });
});

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ROLE_OUTPUT_TOKENS } from "../../src/engine/model-for.ts";
import { convertToAnthropicRequest } from "../../src/models/anthropic/convert-to-anthropic-messages.ts";
import {
  AnthropicLanguageModel,
  BudgetExceededError,
  costOf,
  inputTokenBound,
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
function metered(inner: LanguageModel, capUsd: number, maxOutputTokens = ROLE_OUTPUT_TOKENS.worker): MeteredModel {
  return new MeteredModel(inner, {
    price,
    reserve: (usd) => store.reserveSpend(MISSION, usd, capUsd),
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

  it("prices only the static prefix at the 1-hour cache-write rate, as the Anthropic adapter writes only it to that cache", async () => {
    const request: ModelRequest = {
      system: "s".repeat(5_000),
      tools: [{ name: "read_file", description: "Reads a file.", parameters: { type: "object", properties: { path: { type: "string" } } } }],
      messages: [
        { role: "user", content: [{ type: "text", text: "c".repeat(20_000), cache: true }, { type: "text", text: "task" }] },
        { role: "assistant", content: [{ type: "tool-call", id: "t1", name: "read_file", input: { path: "a" } }] },
        { role: "user", content: [{ type: "tool-result", toolCallId: "t1", toolName: "read_file", output: "o".repeat(20_000), isError: false }] },
      ],
      maxOutputTokens: 4_000,
    };
    const converted = convertToAnthropicRequest(request);
    const ttls = converted.messages.flatMap((message) => (Array.isArray(message.content) ? message.content : []).map((block) => (block as { cache_control?: { ttl?: string } }).cache_control?.ttl));
    expect(ttls).not.toContain("1h");
    // Through the fake, which bills cache writes by their TTL: the first call writes both caches, at its worst.
    fake.script(async () => ({ text: "ok", usage: { outputTokens: 4_000 } }));
    await metered(anthropic(), 100, ROLE_OUTPUT_TOKENS.reviewer).generate(request);
    const served = fake.calls.at(-1)!.usage;
    expect(served.cacheWriteLongTokens).toBeGreaterThan(0);
    expect(served.cacheWriteTokens).toBeGreaterThan(served.cacheWriteLongTokens!);
    expect(worstCaseUsd(request, price)).toBeGreaterThanOrEqual(costOf(served, price));
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

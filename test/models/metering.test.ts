import { describe, expect, it } from "vitest";
import {
  BudgetExceededError,
  costOf,
  MeteredModel,
  ModelError,
  parseOperatorPrices,
  PriceTable,
  retryDelay,
  worstCaseUsd,
  type CallRecord,
  type LanguageModel,
  type ModelRequest,
  type ModelResponse,
} from "../../src/models/index.ts";
import { readOperatorConfig } from "../../src/config/index.ts";

const request: ModelRequest = { system: "s".repeat(300), messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }], tools: [], maxOutputTokens: 1000 };
const answer: ModelResponse = {
  content: [{ type: "text", text: "ok" }],
  stopReason: "end",
  usage: { inputTokens: 1000, outputTokens: 100, cacheReadTokens: 600, cacheWriteTokens: 200, cacheWriteLongTokens: 50 },
};
const price = { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75, cacheWriteLong: 6 };

function scripted(outcomes: Array<ModelResponse | Error>): LanguageModel & { calls: number } {
  return {
    id: "test/model",
    calls: 0,
    async generate() {
      const next = outcomes[this.calls++]!;
      if (next instanceof Error) throw next;
      return next;
    },
  };
}

describe("prices", () => {
  it("prices each kind of token at its own rate", () => {
    // 200 uncached × 3 + 600 reads × 0.3 + 150 five-minute writes × 3.75 + 50 one-hour writes × 6 + 100 out × 15, per million:
    // $0.0031425, rounded up to the micro-dollar.
    expect(costOf(answer.usage, price)).toBe(0.003143);
  });

  it("gives exact decimals, where floating point would add noise", () => {
    // 7 × 0.3 is 2.0999999999999996 and 0.1 × 3 is 0.30000000000000004 in floating point.
    const reads = { inputTokens: 7_000_000, outputTokens: 0, cacheReadTokens: 7_000_000, cacheWriteTokens: 0 };
    expect(costOf(reads, price)).toBe(2.1);
    expect(costOf({ inputTokens: 100_000, outputTokens: 0, cacheReadTokens: 100_000, cacheWriteTokens: 0 }, new PriceTable().lookup("anthropic/claude-sonnet-4-5")!)).toBe(0.03);
    // Nothing is free by rounding: a sliver of a micro-dollar counts as one.
    expect(costOf({ inputTokens: 1, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 }, price)).toBe(0.000003);
    expect(costOf({ inputTokens: 1, outputTokens: 0, cacheReadTokens: 1, cacheWriteTokens: 0 }, new PriceTable().lookup("openai/gpt-5-nano")!)).toBe(0.000001);
  });

  it("prices the default models exactly, as the provider publishes them", () => {
    const config = readOperatorConfig({ ANTHROPIC_API_KEY: "a", OPENAI_API_KEY: "o" });
    const table = new PriceTable();
    const defaults = [...new Set(Object.values(config.models))].sort();
    expect(defaults).toEqual(["anthropic/claude-sonnet-5-5", "openai/gpt-5.1"]);
    for (const model of defaults) expect(table.find(model)?.source).toBe("exact");
    expect(table.find("anthropic/claude-sonnet-5-5")).toEqual({ source: "exact", price: { input: 2, output: 10, cacheRead: 0.2, cacheWrite: 2.5, cacheWriteLong: 4 } });
    expect(table.find("openai/gpt-5.1")).toEqual({ source: "exact", price: { input: 1.25, output: 10, cacheRead: 0.125, cacheWrite: 1.25, cacheWriteLong: 1.25 } });
  });

  it("knows exact models and their dated snapshots, Anthropic's tiers as families, and the operator's prices first", () => {
    const table = new PriceTable(parseOperatorPrices('{"openai/gpt-5.1": {"input": 9, "output": 9}, "ollama/": {"input": 0, "output": 0}}'));
    expect(table.find("anthropic/claude-sonnet-4-5-20250929")).toEqual({ source: "exact", price: { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75, cacheWriteLong: 6 } });
    expect(table.find("anthropic/claude-opus-4-1-20250805")?.price.input).toBe(15);
    expect(table.find("anthropic/claude-sonnet-6-0")).toMatchObject({ source: "family", price: { input: 3, output: 15 } });
    expect(table.find("openai/gpt-5-mini-2025-08-07")).toMatchObject({ source: "exact", price: { input: 0.25 } });
    // Operator prices leave nothing cheaper than it may be: reads at input, writes at twice it.
    expect(table.find("openai/gpt-5.1")).toEqual({ source: "operator", price: { input: 9, output: 9, cacheRead: 9, cacheWrite: 18, cacheWriteLong: 18 } });
    expect(table.find("ollama/qwen3-coder")).toMatchObject({ source: "operator", price: { input: 0, output: 0 } });
    // Unknown models are unknown, even when their name starts like a known one.
    expect(table.lookup("openai/gpt-5-pro")).toBeUndefined();
    expect(table.lookup("openai/gpt-5.5")).toBeUndefined();
    expect(table.lookup("vllm/mystery")).toBeUndefined();
  });

  it("explains a bad MISSIONS_PRICES", () => {
    expect(() => parseOperatorPrices("{")).toThrow(/MISSIONS_PRICES is not valid JSON/);
    expect(() => parseOperatorPrices('{"a/b": {"input": -1, "output": 0}}')).toThrow(/MISSIONS_PRICES: a\/b.input/);
    expect(parseOperatorPrices(undefined)).toEqual({});
  });
});

describe("MeteredModel", () => {
  const meter = (inner: LanguageModel, spentUsd: number, capUsd: number, records: CallRecord[] = []) =>
    new MeteredModel(inner, {
      price,
      reserve: async (usd) => (spentUsd + usd <= capUsd ? { granted: true, release: () => {} } : { granted: false, spentUsd, heldUsd: 0, capUsd }),
      record: async (call) => void records.push(call),
      retryBaseMs: 1,
      sleep: async () => {},
    });

  it("records every call with its cost, and the retries it took", async () => {
    const records: CallRecord[] = [];
    const inner = scripted([new ModelError("x: HTTP 529", { isRetryable: true, status: 529 }), answer]);
    await expect(meter(inner, 0, 10, records).generate(request)).resolves.toBe(answer);
    expect(records).toEqual([{ model: "test/model", usage: answer.usage, usd: costOf(answer.usage, price), latencyMs: expect.any(Number), retries: 1 }]);
  });

  it("refuses a call whose worst case would pass the budget, before making it", async () => {
    const inner = scripted([answer]);
    const worst = worstCaseUsd(request, price);
    const error = await meter(inner, 1 - worst / 2, 1).generate(request).catch((caught) => caught);
    expect(error).toBeInstanceOf(BudgetExceededError);
    expect(error.message).toMatch(/budget of \$1\.00 is reached/);
    expect(inner.calls).toBe(0);
    await expect(meter(inner, 1 - worst * 2, 1).generate(request)).resolves.toBe(answer);
  });

  it("gives up on errors that retrying cannot fix, and after the retries", async () => {
    const bad = scripted([new ModelError("x: HTTP 400", { isRetryable: false, status: 400 })]);
    await expect(meter(bad, 0, 10).generate(request)).rejects.toMatchObject({ status: 400 });
    expect(bad.calls).toBe(1);
    const down = scripted(Array.from({ length: 9 }, () => new ModelError("x: HTTP 503", { isRetryable: true, status: 503 })));
    await expect(meter(down, 0, 10).generate(request)).rejects.toMatchObject({ status: 503 });
    expect(down.calls).toBe(8);
  });

  it("waits as long as retry-after says, in seconds, milliseconds or as a date", () => {
    const withHeaders = (headers: Record<string, string>) => new ModelError("x", { isRetryable: true, cause: { headers: new Headers(headers) } });
    expect(retryDelay(withHeaders({ "retry-after": "7" }), 0, 1000)).toBe(7000);
    expect(retryDelay(withHeaders({ "retry-after-ms": "250", "retry-after": "7" }), 0, 1000)).toBe(250);
    const date = new Date(Date.now() + 30_000).toUTCString();
    expect(retryDelay(withHeaders({ "retry-after": date }), 0, 1000)).toBeGreaterThan(25_000);
    expect(retryDelay(withHeaders({ "retry-after": "9999" }), 0, 1000)).toBe(120_000);
    const backoff = retryDelay(new ModelError("x", { isRetryable: true }), 3, 100);
    expect(backoff).toBeGreaterThanOrEqual(600);
    expect(backoff).toBeLessThanOrEqual(1000);
  });
});

describe("toModelError", () => {
  it("retries what waiting can fix, including errors sent inside an open stream", async () => {
    const { toModelError } = await import("../../src/models/index.ts");
    expect(toModelError({ status: undefined, error: { type: "error", error: { type: "overloaded_error" } }, message: "Overloaded" }, "a/b").isRetryable).toBe(true);
    expect(toModelError({ type: "rate_limit_error", message: "slow down" }, "a/b").isRetryable).toBe(true);
    expect(toModelError({ status: 408 }, "a/b").isRetryable).toBe(true);
    expect(toModelError({ status: 409 }, "a/b").isRetryable).toBe(true);
    expect(toModelError({ status: 429, code: "insufficient_quota", message: "You exceeded your current quota" }, "a/b")).toMatchObject({ isRetryable: false, message: "a/b: HTTP 429 (insufficient_quota)" });
    expect(toModelError({ type: "invalid_request_error", message: "bad" }, "a/b").isRetryable).toBe(false);
  });
});

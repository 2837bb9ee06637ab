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

const request: ModelRequest = { system: "s".repeat(300), messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }], tools: [], maxOutputTokens: 1000 };
const answer: ModelResponse = { content: [{ type: "text", text: "ok" }], stopReason: "end", usage: { inputTokens: 1000, outputTokens: 100, cacheReadTokens: 600, cacheWriteTokens: 200 } };
const price = { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 6 };

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
    // 200 uncached × 3 + 600 reads × 0.3 + 200 writes × 6 + 100 out × 15, per million
    expect(costOf(answer.usage, price)).toBeCloseTo((600 + 180 + 1200 + 1500) / 1e6, 12);
  });

  it("finds shipped prices by the longest prefix, and the operator's first", () => {
    const table = new PriceTable(parseOperatorPrices('{"openai/gpt-5.1": {"input": 9, "output": 9}, "ollama/": {"input": 0, "output": 0}}'));
    expect(table.lookup("anthropic/claude-sonnet-5-5")).toMatchObject({ input: 3, output: 15 });
    expect(table.lookup("anthropic/claude-opus-4-1-20250805")).toMatchObject({ input: 15 });
    expect(table.lookup("openai/gpt-5-mini")).toMatchObject({ input: 0.25 });
    expect(table.lookup("openai/gpt-5.1")).toEqual({ input: 9, output: 9, cacheRead: 0.9, cacheWrite: 9 });
    expect(table.lookup("ollama/qwen3-coder")).toMatchObject({ input: 0, output: 0 });
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
    new MeteredModel(inner, { price, budget: async () => ({ spentUsd, capUsd }), record: async (call) => void records.push(call), retryBaseMs: 1, sleep: async () => {} });

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
    const down = scripted(Array.from({ length: 6 }, () => new ModelError("x: HTTP 503", { isRetryable: true, status: 503 })));
    await expect(meter(down, 0, 10).generate(request)).rejects.toMatchObject({ status: 503 });
    expect(down.calls).toBe(5);
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

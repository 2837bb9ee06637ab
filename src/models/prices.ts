import { z } from "zod";
import type { Usage } from "./language-model.ts";

/** USD per million tokens. */
export interface ModelPrice {
  input: number;
  output: number;
  cacheRead: number;
  /** 5-minute cache writes (Anthropic), or any cache write where a provider has one kind. */
  cacheWrite: number;
  /** 1-hour cache writes (Anthropic). */
  cacheWriteLong: number;
}

export interface PriceLookup {
  price: ModelPrice;
  /** `operator`: MISSIONS_PRICES; `exact`: a shipped price for this model; `family`: a shipped price for its tier. */
  source: "operator" | "exact" | "family";
}

const MICROS = 1_000_000;

/** USD as a whole number of micro-dollars: prices have at most six decimals. */
function toMicros(usd: number): number {
  return Math.round(usd * MICROS);
}

// Anthropic: reads 0.1×, 5-minute writes 1.25×, 1-hour writes 2× the input price — as exact decimals
// (3 × 0.1 is 0.30000000000000004 in floating point).
const anthropic = (input: number, output: number): ModelPrice => ({
  input,
  output,
  cacheRead: toMicros(input * 0.1) / MICROS,
  cacheWrite: toMicros(input * 1.25) / MICROS,
  cacheWriteLong: input * 2,
});
// OpenAI: cached input at its own rate; no cache writes are billed.
const openai = (input: number, output: number, cacheRead: number): ModelPrice => ({ input, output, cacheRead, cacheWrite: input, cacheWriteLong: input });

/** Shipped prices of specific models; dated snapshots (`-20250929`, `-2025-08-07`) share their model's price. */
const EXACT: Record<string, ModelPrice> = {
  "anthropic/claude-sonnet-5-5": anthropic(2, 10),
  "anthropic/claude-sonnet-5": anthropic(2, 10),
  "anthropic/claude-opus-4-0": anthropic(15, 75),
  "anthropic/claude-opus-4-1": anthropic(15, 75),
  "anthropic/claude-opus-4-5": anthropic(5, 25),
  "anthropic/claude-sonnet-4-0": anthropic(3, 15),
  "anthropic/claude-sonnet-4-5": anthropic(3, 15),
  "anthropic/claude-haiku-4-5": anthropic(1, 5),
  "anthropic/claude-3-5-haiku": anthropic(0.8, 4),
  "openai/gpt-5": openai(1.25, 10, 0.125),
  "openai/gpt-5.1": openai(1.25, 10, 0.125),
  "openai/gpt-5-mini": openai(0.25, 2, 0.025),
  "openai/gpt-5-nano": openai(0.05, 0.4, 0.005),
  "openai/gpt-4.1": openai(2, 8, 0.5),
  "openai/gpt-4.1-mini": openai(0.4, 1.6, 0.1),
  "openai/gpt-4o": openai(2.5, 10, 1.25),
  "openai/gpt-4o-mini": openai(0.15, 0.6, 0.075),
};

/**
 * A Sonnet, Opus or Haiku the table does not know is priced at its tier's usual price (the dearer
 * one where a tier has had two) — and reported as such (`family`), so an operator sees it and can
 * set the exact price. OpenAI's prices vary within a name prefix: no families.
 */
const FAMILIES: Record<string, ModelPrice> = {
  "anthropic/claude-sonnet-": anthropic(3, 15),
  "anthropic/claude-opus-": anthropic(5, 25),
  "anthropic/claude-haiku-": anthropic(1, 5),
};

const DATED = /-(\d{8}|\d{4}-\d{2}-\d{2})$/;

const OperatorPriceSchema = z.record(
  z.string(),
  z.strictObject({
    input: z.number().min(0),
    output: z.number().min(0),
    cacheRead: z.number().min(0).optional(),
    cacheWrite: z.number().min(0).optional(),
    cacheWriteLong: z.number().min(0).optional(),
  }),
);

/**
 * Operator prices from MISSIONS_PRICES (JSON) by `provider/model`, or by a prefix ending in `/` or
 * `-`: `{"ollama/": {"input": 0, "output": 0}}`. Cache rates left out are taken at their dearest
 * plausible value (reads at the input price, writes at twice it) so a budget is never underestimated.
 */
export function parseOperatorPrices(json: string | undefined): Record<string, ModelPrice> {
  if (!json) return {};
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    throw new Error(`MISSIONS_PRICES is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  const parsed = OperatorPriceSchema.safeParse(value);
  if (!parsed.success) {
    throw new Error(`MISSIONS_PRICES: ${parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ")}`);
  }
  return Object.fromEntries(
    Object.entries(parsed.data).map(([model, price]) => {
      const cacheWrite = price.cacheWrite ?? price.input * 2;
      return [model, { input: price.input, output: price.output, cacheRead: price.cacheRead ?? price.input, cacheWrite, cacheWriteLong: price.cacheWriteLong ?? cacheWrite }];
    }),
  );
}

export class PriceTable {
  readonly #operator: Record<string, ModelPrice>;

  constructor(operator: Record<string, ModelPrice> = {}) {
    this.#operator = operator;
  }

  /** The price of `provider/model`; undefined when nobody priced it. */
  lookup(model: string): ModelPrice | undefined {
    return this.find(model)?.price;
  }

  find(model: string): PriceLookup | undefined {
    const undated = model.replace(DATED, "");
    const operator = longestMatch(this.#operator, model, undated);
    if (operator) return { price: operator, source: "operator" };
    const exact = EXACT[model] ?? EXACT[undated];
    if (exact) return { price: exact, source: "exact" };
    const family = longestMatch(FAMILIES, model, undated);
    return family ? { price: family, source: "family" } : undefined;
  }
}

/** An exact key, or the longest key ending in `/` or `-` that the model starts with. */
function longestMatch(table: Record<string, ModelPrice>, model: string, undated: string): ModelPrice | undefined {
  if (table[model]) return table[model];
  if (table[undated]) return table[undated];
  const prefix = Object.keys(table)
    .filter((key) => /[/-]$/.test(key) && model.startsWith(key))
    .sort((a, b) => b.length - a.length)[0];
  return prefix ? table[prefix] : undefined;
}

/**
 * What a call cost, in USD to the micro-dollar (rounded up, so a budget is never underspent): uncached
 * input, cache reads, 5-minute and 1-hour cache writes, and output, each at its own rate. Computed in
 * integers — tokens × micro-dollars per million tokens — so the result is an exact decimal, never
 * float noise such as 0.0031430000000000004, and sums of costs stay exact in micro-dollars.
 */
export function costOf(usage: Usage, price: ModelPrice): number {
  const uncached = Math.max(0, usage.inputTokens - usage.cacheReadTokens - usage.cacheWriteTokens);
  const long = Math.min(usage.cacheWriteLongTokens ?? 0, usage.cacheWriteTokens);
  const short = usage.cacheWriteTokens - long;
  const microsPerMillionTokens =
    uncached * toMicros(price.input) +
    usage.cacheReadTokens * toMicros(price.cacheRead) +
    short * toMicros(price.cacheWrite) +
    long * toMicros(price.cacheWriteLong) +
    usage.outputTokens * toMicros(price.output);
  return Math.ceil(microsPerMillionTokens / MICROS) / MICROS;
}

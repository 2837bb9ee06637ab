import { z } from "zod";
import type { Usage } from "./language-model.ts";

/** USD per million tokens. */
export interface ModelPrice {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
}

const anthropic = (input: number, output: number): ModelPrice =>
  // Cache writes are priced at the 1-hour rate (2× input), the dearer of the two the app uses, so a
  // budget is never underestimated; reads at 0.1× input.
  ({ input, output, cacheRead: input * 0.1, cacheWrite: input * 2 });
const openai = (input: number, output: number, cacheRead: number): ModelPrice => ({ input, output, cacheRead, cacheWrite: input });

/**
 * Shipped prices by `provider/model` prefix (the longest prefix wins). Families are priced as their
 * current members; an operator overrides any entry with MISSIONS_PRICES.
 */
const SHIPPED: Record<string, ModelPrice> = {
  "anthropic/claude-opus": anthropic(5, 25),
  "anthropic/claude-opus-4-0": anthropic(15, 75),
  "anthropic/claude-opus-4-1": anthropic(15, 75),
  "anthropic/claude-opus-4-2": anthropic(15, 75),
  "anthropic/claude-sonnet": anthropic(3, 15),
  "anthropic/claude-haiku": anthropic(1, 5),
  "anthropic/claude-3-5-haiku": anthropic(0.8, 4),
  "openai/gpt-5": openai(1.25, 10, 0.125),
  "openai/gpt-5-mini": openai(0.25, 2, 0.025),
  "openai/gpt-5-nano": openai(0.05, 0.4, 0.005),
  "openai/gpt-4.1": openai(2, 8, 0.5),
  "openai/gpt-4.1-mini": openai(0.4, 1.6, 0.1),
  "openai/gpt-4o": openai(2.5, 10, 1.25),
  "openai/gpt-4o-mini": openai(0.15, 0.6, 0.075),
};

const OperatorPriceSchema = z.record(
  z.string(),
  z.strictObject({
    input: z.number().min(0),
    output: z.number().min(0),
    cacheRead: z.number().min(0).optional(),
    cacheWrite: z.number().min(0).optional(),
  }),
);

/** Operator prices from MISSIONS_PRICES (JSON): `{"ollama/qwen3-coder": {"input": 0, "output": 0}}`. */
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
    Object.entries(parsed.data).map(([model, price]) => [
      model,
      { input: price.input, output: price.output, cacheRead: price.cacheRead ?? price.input * 0.1, cacheWrite: price.cacheWrite ?? price.input },
    ]),
  );
}

export class PriceTable {
  readonly #entries: Array<[string, ModelPrice, "operator" | "shipped"]>;

  constructor(operator: Record<string, ModelPrice> = {}) {
    this.#entries = [
      ...Object.entries(operator).map(([prefix, price]) => [prefix, price, "operator"] as [string, ModelPrice, "operator"]),
      ...Object.entries(SHIPPED).map(([prefix, price]) => [prefix, price, "shipped"] as [string, ModelPrice, "shipped"]),
    ];
  }

  /** The price of `provider/model`: the operator's first, then the longest shipped prefix; undefined when unknown. */
  lookup(model: string): ModelPrice | undefined {
    const operator = this.#entries.filter(([prefix, , source]) => source === "operator" && matches(model, prefix));
    const candidates = operator.length > 0 ? operator : this.#entries.filter(([prefix]) => matches(model, prefix));
    return candidates.sort((a, b) => b[0].length - a[0].length)[0]?.[1];
  }
}

function matches(model: string, prefix: string): boolean {
  return model === prefix || model.startsWith(prefix);
}

/** What a call cost: uncached input, cache reads and writes, and output, each at its own rate. */
export function costOf(usage: Usage, price: ModelPrice): number {
  const uncached = Math.max(0, usage.inputTokens - usage.cacheReadTokens - usage.cacheWriteTokens);
  return (uncached * price.input + usage.cacheReadTokens * price.cacheRead + usage.cacheWriteTokens * price.cacheWrite + usage.outputTokens * price.output) / 1_000_000;
}

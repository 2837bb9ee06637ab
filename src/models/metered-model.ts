import type { LanguageModel, ModelRequest, ModelResponse } from "./language-model.ts";
import { ModelError, toModelError } from "./model-error.ts";
import { costOf, type ModelPrice } from "./prices.ts";

/** The mission's money ran out for the next call; the mission pauses until a person raises the budget. */
export class BudgetExceededError extends Error {
  override name = "BudgetExceededError";
  readonly isRetryable = false;
  readonly spentUsd: number;
  readonly capUsd: number;
  readonly nextCallUsd: number;

  constructor(spentUsd: number, capUsd: number, nextCallUsd: number) {
    super(`the budget of $${capUsd.toFixed(2)} is reached: $${spentUsd.toFixed(2)} spent, and the next call could cost up to $${nextCallUsd.toFixed(2)}`);
    this.spentUsd = spentUsd;
    this.capUsd = capUsd;
    this.nextCallUsd = nextCallUsd;
  }
}

export interface CallRecord {
  model: string;
  usage: ModelResponse["usage"];
  usd: number;
  latencyMs: number;
  retries: number;
}

export interface MeterOptions {
  price: ModelPrice;
  /** What the mission has spent and may spend, asked before every call. */
  budget: () => Promise<{ spentUsd: number; capUsd: number }>;
  /** Records every successful call (the ledger). */
  record: (call: CallRecord) => Promise<void>;
  maxRetries?: number;
  retryBaseMs?: number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/**
 * A model with the mission's discipline around it: the budget is checked against the call's worst
 * case before it is made (so a mission never overspends), passing failures are retried with backoff
 * that honours `retry-after`, and every call lands in the ledger.
 */
export class MeteredModel implements LanguageModel {
  readonly id: string;
  readonly #inner: LanguageModel;
  readonly #options: MeterOptions;

  constructor(inner: LanguageModel, options: MeterOptions) {
    this.#inner = inner;
    this.id = inner.id;
    this.#options = options;
  }

  async generate(request: ModelRequest): Promise<ModelResponse> {
    const worst = worstCaseUsd(request, this.#options.price);
    const { spentUsd, capUsd } = await this.#options.budget();
    if (spentUsd + worst > capUsd) throw new BudgetExceededError(spentUsd, capUsd, worst);
    // About two minutes of backoff before the step itself fails: a step re-run repeats every turn.
    const maxRetries = this.#options.maxRetries ?? 7;
    const sleep = this.#options.sleep ?? defaultSleep;
    const started = performance.now();
    for (let retries = 0; ; retries++) {
      try {
        const response = await this.#inner.generate(request);
        const usd = costOf(response.usage, this.#options.price);
        await this.#options.record({ model: this.id, usage: response.usage, usd, latencyMs: performance.now() - started, retries });
        return response;
      } catch (error) {
        const failure = error instanceof ModelError ? error : toModelError(error, this.id);
        if (!failure.isRetryable || retries >= maxRetries || request.signal?.aborted) throw failure;
        await sleep(retryDelay(failure, retries, this.#options.retryBaseMs ?? 1_000), request.signal);
      }
    }
  }
}

/** The most a call can cost: its whole prompt at the dearer input rate, and every output token allowed. */
export function worstCaseUsd(request: ModelRequest, price: ModelPrice): number {
  const characters = request.system.length + JSON.stringify(request.messages).length + JSON.stringify(request.tools).length;
  // Three characters per token overestimates for English and code with every common tokenizer.
  const inputTokens = Math.ceil(characters / 3);
  return (inputTokens * Math.max(price.input, price.cacheWrite, price.cacheWriteLong) + request.maxOutputTokens * price.output) / 1_000_000;
}

/** `retry-after` (seconds or a date) or `retry-after-ms` when the provider sent them; else exponential with jitter. */
export function retryDelay(error: ModelError, attempt: number, baseMs: number): number {
  const headers = (error.cause as { headers?: Headers | Record<string, string> } | undefined)?.headers;
  const header = (name: string) => (headers instanceof Headers ? headers.get(name) : headers?.[name]) ?? undefined;
  const ms = Number(header("retry-after-ms"));
  if (Number.isFinite(ms) && ms >= 0 && header("retry-after-ms") !== undefined) return Math.min(ms, 120_000);
  const after = header("retry-after");
  if (after !== undefined) {
    const seconds = Number(after);
    if (Number.isFinite(seconds)) return Math.min(seconds * 1000, 120_000);
    const date = Date.parse(after);
    if (Number.isFinite(date)) return Math.min(Math.max(0, date - Date.now()), 120_000);
  }
  return baseMs * 2 ** attempt * (0.75 + Math.random() * 0.5);
}

function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}

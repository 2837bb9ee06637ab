import type { LanguageModel, ModelRequest, ModelResponse } from "./language-model.ts";
import { ModelError, toModelError } from "./model-error.ts";
import { costOf, type ModelPrice } from "./prices.ts";

/** The mission's money ran out for the next call; the mission pauses, before the call, until a person raises the budget. */
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

/** A hold on the budget for one call: granted (released once the call is recorded or failed), or refused. */
export type BudgetHold = { granted: true; release(): void } | { granted: false; spentUsd: number; heldUsd: number; capUsd: number };

export interface MeterOptions {
  price: ModelPrice;
  /**
   * Holds the call's worst case against the mission's cap before it starts, atomically with every
   * other call of the mission (the store's `reserveSpend`).
   */
  reserve: (usd: number) => Promise<BudgetHold>;
  /** Records every successful call (the ledger). */
  record: (call: CallRecord) => Promise<void>;
  /** The most output the role needs from one call: a request asking for more is sent with this limit. */
  maxOutputTokens?: number;
  maxRetries?: number;
  retryBaseMs?: number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/**
 * A model with the mission's discipline around it: the call's worst case is held against the budget
 * before it is made and settled to its real cost after (so missions never overspend, however many
 * calls run at once), passing failures are retried with backoff that honours `retry-after`, and every
 * call lands in the ledger.
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

  async generate(asked: ModelRequest): Promise<ModelResponse> {
    const limit = this.#options.maxOutputTokens;
    const request = limit !== undefined && asked.maxOutputTokens > limit ? { ...asked, maxOutputTokens: limit } : asked;
    const worst = worstCaseUsd(request, this.#options.price);
    const hold = await this.#options.reserve(worst);
    if (!hold.granted) throw new BudgetExceededError(hold.spentUsd, hold.capUsd, worst);
    try {
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
    } finally {
      // Settled: the ledger has the real cost (or the call failed, and nothing was billed); the hold goes.
      hold.release();
    }
  }
}

/**
 * Tokens a provider may add to what the request carries: the tool-use instructions Anthropic puts
 * before the tools (a few hundred tokens), and the chat template's markers around each message
 * (which the request's JSON, counted byte for byte, covers too).
 */
export const PROVIDER_OVERHEAD_TOKENS = 1_000;

/**
 * At least as many input tokens as any byte-level BPE tokenizer (OpenAI's o200k and cl100k,
 * Anthropic's) makes of the request: such a tokenizer splits the UTF-8 bytes into tokens of one byte
 * or more, so it never makes more tokens than there are bytes. The request is counted as JSON, which
 * holds every text, tool input and tool schema the provider is sent, plus the provider's overhead.
 * Unlike characters ÷ 3, this holds for CJK (three bytes a character), emoji (four) and base64 or hex.
 */
export function inputTokenBound(request: ModelRequest): number {
  return prefixBytes(request) + Buffer.byteLength(JSON.stringify(request.messages), "utf8") + PROVIDER_OVERHEAD_TOKENS;
}

/** The static prefix: system prompt and tools. */
function prefixBytes(request: ModelRequest): number {
  return Buffer.byteLength(request.system, "utf8") + Buffer.byteLength(JSON.stringify(request.tools), "utf8");
}

/**
 * The most a call can cost: every token of its prompt bound at the dearest rate it can be billed at,
 * and every output token allowed. Only the static prefix (tools and system) is ever written to the
 * 1-hour cache (see `convertToAnthropicRequest`); the messages are billed at most at the 5-minute
 * write rate.
 */
export function worstCaseUsd(request: ModelRequest, price: ModelPrice): number {
  const dearest = Math.max(price.input, price.cacheWrite, price.cacheWriteLong);
  const messages = inputTokenBound(request) - prefixBytes(request) - PROVIDER_OVERHEAD_TOKENS;
  const input = (prefixBytes(request) + PROVIDER_OVERHEAD_TOKENS) * dearest + messages * Math.max(price.input, price.cacheWrite);
  return (input + request.maxOutputTokens * price.output) / 1_000_000;
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

import { THINKING_TOKENS, type Effort, type LanguageModel, type ModelMessage, type ModelRequest, type ModelResponse, type Usage } from "./language-model.ts";
import { ModelError, toModelError } from "./model-error.ts";
import type { ModelLimits } from "./model-limits.ts";
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
   * other call of the mission (the store's `reserveSpend`); a wait for other calls to settle ends
   * when `signal` aborts (the promise then rejects with its reason).
   */
  reserve: (usd: number, signal?: AbortSignal) => Promise<BudgetHold>;
  /** Records every call the provider billed (the ledger): each answered call, and a cut one whose usage was known. */
  record: (call: CallRecord) => Promise<void>;
  /**
   * Aborted when the step this model works for must stop at its next call (a sibling validator was
   * refused by the budget): no new call starts — `generate` throws the signal's reason — while a call
   * already under way finishes and is recorded. Unlike the request's own `signal`, it cuts nothing.
   */
  stopBeforeNextCall?: AbortSignal;
  /** The most output the role needs from one call: a request asking for more is sent with this limit. */
  maxOutputTokens?: number;
  /** How hard the role's model thinks (see `ModelRequest.effort`); the provider's default when absent. */
  effort?: Effort;
  /**
   * What the model itself allows (`modelLimits`): a request never asks more output than its limit,
   * and an effort is not sent to a model that does not think (the provider would refuse either with
   * a 400, which is not retried).
   */
  limits?: ModelLimits;
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
  /** The last answered call's prompt and its real size: the next call of the same conversation is bounded from it. */
  #last: PreviousCall | undefined;

  constructor(inner: LanguageModel, options: MeterOptions) {
    this.#inner = inner;
    this.id = inner.id;
    this.#options = options;
  }

  async generate(asked: ModelRequest): Promise<ModelResponse> {
    const stop = this.#options.stopBeforeNextCall;
    if (stop?.aborted) throw stop.reason;
    const limit = this.#options.maxOutputTokens;
    const bounded = limit !== undefined && asked.maxOutputTokens > limit ? { ...asked, maxOutputTokens: limit } : asked;
    // Thinking is output too: the role's effort adds its budget to what the call may produce (and
    // so to the worst case held against the budget), leaving the role's answer its own room — within
    // the model's own output limit. A model that does not think is sent no effort (a repository may
    // have chosen one for the role; the operator's choice is checked at start).
    const limits = this.#options.limits ?? {};
    const effort = limits.thinks === false ? undefined : this.#options.effort;
    const wanted = effort ? bounded.maxOutputTokens + THINKING_TOKENS[effort] : bounded.maxOutputTokens;
    const maxOutputTokens = Math.min(wanted, limits.maxOutputTokens ?? Infinity);
    const { effort: askedEffort, ...rest } = bounded;
    const sentEffort = limits.thinks === false ? undefined : (effort ?? askedEffort);
    const request: ModelRequest = { ...rest, ...(sentEffort ? { effort: sentEffort } : {}), maxOutputTokens };
    const prompt = promptOf(request);
    const worst = worstCaseUsd(request, this.#options.price, extendedInputBound(this.#last, prompt));
    let hold = await this.#hold(worst, request.signal);
    try {
      // Stopped while it waited for its hold: it has not started, so it does not.
      if (stop?.aborted) throw stop.reason;
      // About two minutes of backoff before the step itself fails: a step re-run repeats every turn.
      const maxRetries = this.#options.maxRetries ?? 7;
      const sleep = this.#options.sleep ?? defaultSleep;
      const started = performance.now();
      for (let retries = 0; ; retries++) {
        try {
          const response = await this.#inner.generate(request);
          await this.#record(response.usage, started, retries);
          this.#last = { ...prompt, inputTokens: response.usage.inputTokens };
          return response;
        } catch (error) {
          const failure = error instanceof ModelError ? error : toModelError(error, this.id);
          // Cut after the provider began to answer (aborted mid-stream, or an answer that did not parse):
          // billed all the same, so what the provider reported of it goes in the ledger…
          if (failure.billed) await this.#record(failure.billed, started, retries);
          if (!failure.isRetryable || retries >= maxRetries || request.signal?.aborted) throw failure;
          if (failure.billed) {
            // …and the retry, a call of its own, holds its worst case afresh (it may no longer fit).
            hold.release();
            hold = await this.#hold(worst, request.signal);
            if (stop?.aborted) throw stop.reason;
          }
          await sleep(retryDelay(failure, retries, this.#options.retryBaseMs ?? 1_000), request.signal);
        }
      }
    } finally {
      // Settled: the ledger has the real cost (or the call failed, and nothing was billed); the hold goes.
      hold.release();
    }
  }

  /** Holds `usd` against the budget, or throws BudgetExceededError. */
  async #hold(usd: number, signal: AbortSignal | undefined): Promise<{ release(): void }> {
    const hold = await this.#options.reserve(usd, signal);
    if (!hold.granted) throw new BudgetExceededError(hold.spentUsd, hold.capUsd, usd);
    return hold;
  }

  async #record(usage: Usage, started: number, retries: number): Promise<void> {
    await this.#options.record({ model: this.id, usage, usd: costOf(usage, this.#options.price), latencyMs: performance.now() - started, retries });
  }
}

/** A request's prompt, as compared between calls: the static prefix and each message, serialised. */
export interface Prompt {
  system: string;
  tools: string;
  messages: string[];
}

export interface PreviousCall extends Prompt {
  /** Every input token the provider billed for it (cached or not), as it reported them. */
  inputTokens: number;
}

export function promptOf(request: ModelRequest): Prompt {
  return { system: request.system, tools: JSON.stringify(request.tools), messages: request.messages.map((message: ModelMessage) => JSON.stringify(message)) };
}

/**
 * A tighter bound on the input tokens of a request that extends the previous call's: the same system
 * prompt and tools, and the previous messages unchanged at its start (compared by content — the agent
 * loop edits its history in place when it prunes old tool outputs, and then this does not apply). Its
 * prompt is then the previous prompt followed by the new messages, so it has at most the previous
 * call's real input tokens (as the provider counted and billed them: the tokenizer's exact count of
 * that same prefix, its overhead included) plus one token per UTF-8 byte of the new messages' JSON
 * (no byte-level BPE tokenizer makes more tokens than bytes; the JSON's own punctuation covers the
 * chat template's markers around each new message), plus the provider's overhead once more in case
 * the split between the old and the new text costs a merge or two. `undefined` when it does not apply.
 */
export function extendedInputBound(previous: PreviousCall | undefined, prompt: Prompt): number | undefined {
  // A server that reports no usage (some OpenAI-compatible ones) says nothing about the prompt's size.
  if (!previous || previous.inputTokens <= 0 || previous.system !== prompt.system || previous.tools !== prompt.tools) return undefined;
  if (prompt.messages.length <= previous.messages.length) return undefined;
  for (let index = 0; index < previous.messages.length; index++) if (previous.messages[index] !== prompt.messages[index]) return undefined;
  const added = prompt.messages.slice(previous.messages.length).reduce((sum, message) => sum + Buffer.byteLength(message, "utf8") + 1, 0);
  return previous.inputTokens + added + PROVIDER_OVERHEAD_TOKENS;
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

/** The bytes of the blocks a provider may keep for an hour: the static prefix and the first block marked as a stable context. */
function longLivedBytes(request: ModelRequest): number {
  const context = request.messages
    .flatMap((message) => (message.role === "user" ? message.content : []))
    .find((part) => part.type === "text" && part.cache);
  // The block as sent: its JSON (quotes, escapes) is never shorter than its text.
  return prefixBytes(request) + (context?.type === "text" ? Buffer.byteLength(JSON.stringify(context), "utf8") : 0);
}

/**
 * The most a call can cost: every token of its prompt bound at the dearest rate it can be billed at,
 * and every output token allowed. Only the static prefix (tools and system) and the first message's
 * marked context are ever written to the 1-hour cache (see `convertToAnthropicRequest`); the rest of
 * the messages are billed at most at the 5-minute write rate. `inputTokens`, when given, is a tighter
 * bound on the prompt's tokens than its bytes (`extendedInputBound`); the byte bound is used where it
 * is smaller.
 */
export function worstCaseUsd(request: ModelRequest, price: ModelPrice, inputTokens?: number): number {
  const dearest = Math.max(price.input, price.cacheWrite, price.cacheWriteLong);
  const total = Math.min(inputTokenBound(request), inputTokens ?? Infinity);
  // At most the long-lived blocks' tokens (fewer than their bytes) are billed at the 1-hour rate.
  const long = Math.min(total, longLivedBytes(request) + PROVIDER_OVERHEAD_TOKENS);
  const input = long * dearest + (total - long) * Math.max(price.input, price.cacheWrite);
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

import { prefixHashes } from "./prefix-hashes.ts";
import type { PromptPart } from "./prompt-part.ts";

const fiveMinutesMs = 5 * 60_000;
/** How many blocks the API checks for a stored prefix, from each breakpoint back (the breakpoint's own included). */
export const LOOKBACK_BLOCKS = 20;

export interface AnthropicCacheAccounting {
  totalTokens: number;
  readTokens: number;
  writeTokens: number;
  /** The written tokens split by the lifetime of the breakpoint that wrote them. */
  writeTokensByTtl: { fiveMinutes: number; oneHour: number };
  /**
   * Makes this request's writes readable: called once its response has been sent. Until then a
   * request with the same prefix (a parallel one) misses, as it does on the real API.
   */
  commit(): void;
}

interface Entry {
  expiresAt: number;
  ttlMs: number;
}

/**
 * Anthropic's minimum cacheable prompt length by model, as its documentation lists them: 4,096
 * tokens for Opus 4.5 and 4.6 and Haiku 4.5, 2,048 for Sonnet 4.6, Opus 4.7 and the Haiku 3
 * family, 1,024 for the other Sonnets and Opus 4.0/4.1. A model the table does not know gets the
 * largest minimum of its family (Haiku 4,096, Opus 4,096), any other 1,024; tests and the
 * benchmark can set their own (`startFakeModels({ cacheMinimumTokens })`).
 */
export function minimumCacheableTokens(model: string): number {
  const name = model.toLowerCase();
  if (/opus-4-[56]|haiku-4-5/.test(name)) return 4096;
  if (/sonnet-4-6|opus-4-7|3-haiku|3-5-haiku|haiku-3/.test(name)) return 2048;
  if (/haiku|opus-(?!4-[01]\b|4-\d{8}|4$)/.test(name) && !/3-opus|opus-3/.test(name)) return 4096;
  return 1024;
}

/**
 * Prompt caching by Anthropic's rules: only prefixes ending at a cache_control breakpoint are
 * stored, per model, and only once the writing request's response has been sent. From each
 * breakpoint the API looks back at most 20 blocks for a stored prefix; the request reads the
 * longest it finds and writes everything after it up to its last breakpoint — each breakpoint's
 * prefix that reaches the model's minimum length.
 */
export class AnthropicPromptCache {
  readonly #entries = new Map<string, Entry>();
  readonly #now: () => number;
  readonly #minimum: (model: string) => number;

  constructor(now: () => number, minimum: (model: string) => number = minimumCacheableTokens) {
    this.#now = now;
    this.#minimum = minimum;
  }

  account(model: string, parts: PromptPart[]): AnthropicCacheAccounting {
    const prefixes = prefixHashes(model, parts);
    const totalTokens = prefixes.at(-1)?.tokens ?? 0;
    const nothing = () => {};
    const none = { totalTokens, readTokens: 0, writeTokens: 0, writeTokensByTtl: { fiveMinutes: 0, oneHour: 0 }, commit: nothing };
    const breakpoints = parts.flatMap((part, index) => (part.cacheTtlMs === undefined ? [] : [index]));
    const lastBreakpoint = breakpoints.at(-1);
    if (lastBreakpoint === undefined) return none;
    const now = this.#now();
    const live = (index: number) => {
      const entry = this.#entries.get(prefixes[index]!.hash);
      return entry && entry.expiresAt > now ? entry : undefined;
    };

    // From each breakpoint, back over at most 20 blocks (parts that are not blocks, such as the
    // settings marker, do not count): the longest stored prefix found.
    let readIndex = -1;
    for (const breakpoint of breakpoints) {
      let blocks = 0;
      for (let index = breakpoint; index > readIndex && blocks < LOOKBACK_BLOCKS; index--) {
        if (parts[index]!.notABlock) continue;
        blocks++;
        if (live(index)) {
          readIndex = index;
          break;
        }
      }
    }
    // A hit refreshes the lifetime of what it used.
    for (let index = 0; index <= readIndex; index++) {
      const entry = live(index);
      if (entry) entry.expiresAt = Math.max(entry.expiresAt, now + entry.ttlMs);
    }
    const readTokens = readIndex < 0 ? 0 : prefixes[readIndex]!.tokens;

    const minimum = this.#minimum(model);
    if (prefixes[lastBreakpoint]!.tokens < minimum) return { ...none, readTokens };
    const writeTokensByTtl = { fiveMinutes: 0, oneHour: 0 };
    const pending: Array<{ hash: string; ttlMs: number }> = [];
    let cachedUpTo = readTokens;
    for (const index of breakpoints) {
      const { hash, tokens } = prefixes[index]!;
      if (tokens < minimum) continue;
      const ttlMs = parts[index]!.cacheTtlMs!;
      const written = Math.max(0, tokens - cachedUpTo);
      if (ttlMs > fiveMinutesMs) writeTokensByTtl.oneHour += written;
      else writeTokensByTtl.fiveMinutes += written;
      cachedUpTo = Math.max(cachedUpTo, tokens);
      pending.push({ hash, ttlMs });
    }
    const commit = () => {
      const at = this.#now();
      for (const { hash, ttlMs } of pending.splice(0)) {
        const entry = this.#entries.get(hash);
        const alive = entry && entry.expiresAt > at;
        this.#entries.set(hash, { expiresAt: Math.max(alive ? entry.expiresAt : 0, at + ttlMs), ttlMs: Math.max(alive ? entry.ttlMs : 0, ttlMs) });
      }
    };
    return { totalTokens, readTokens, writeTokens: writeTokensByTtl.fiveMinutes + writeTokensByTtl.oneHour, writeTokensByTtl, commit };
  }
}

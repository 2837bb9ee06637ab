import { prefixHashes } from "./prefix-hashes.ts";
import type { PromptPart } from "./prompt-part.ts";

const fiveMinutesMs = 5 * 60_000;

export interface AnthropicCacheAccounting {
  totalTokens: number;
  readTokens: number;
  writeTokens: number;
  /** The written tokens split by the lifetime of the breakpoint that wrote them. */
  writeTokensByTtl: { fiveMinutes: number; oneHour: number };
}

interface Entry {
  expiresAt: number;
  ttlMs: number;
}

/** Anthropic's minimum cacheable prompt length, by the rule this fake follows. */
export function minimumCacheableTokens(model: string): number {
  return model.toLowerCase().includes("haiku") ? 2048 : 1024;
}

/**
 * Prompt caching by Anthropic's rules: only prefixes ending at a cache_control breakpoint are
 * cached, per model; a request reads the longest stored prefix of itself that ends at or before
 * its last breakpoint, and writes everything after that up to its last breakpoint. Unlike the real
 * API, which looks back at most 20 blocks from each breakpoint, any stored prefix is found.
 */
export class AnthropicPromptCache {
  readonly #entries = new Map<string, Entry>();
  readonly #now: () => number;

  constructor(now: () => number) {
    this.#now = now;
  }

  account(model: string, parts: PromptPart[]): AnthropicCacheAccounting {
    const prefixes = prefixHashes(model, parts);
    const totalTokens = prefixes.at(-1)?.tokens ?? 0;
    const none = { totalTokens, readTokens: 0, writeTokens: 0, writeTokensByTtl: { fiveMinutes: 0, oneHour: 0 } };
    const breakpoints = parts.flatMap((part, index) => (part.cacheTtlMs === undefined ? [] : [index]));
    const lastBreakpoint = breakpoints.at(-1);
    if (lastBreakpoint === undefined) return none;
    const now = this.#now();

    let readIndex = -1;
    for (let index = lastBreakpoint; index >= 0 && readIndex < 0; index--) {
      const entry = this.#entries.get(prefixes[index]!.hash);
      if (entry && entry.expiresAt > now) readIndex = index;
    }
    // A hit refreshes the lifetime of what it used.
    for (let index = 0; index <= readIndex; index++) {
      const entry = this.#entries.get(prefixes[index]!.hash);
      if (entry && entry.expiresAt > now) entry.expiresAt = Math.max(entry.expiresAt, now + entry.ttlMs);
    }
    const readTokens = readIndex < 0 ? 0 : prefixes[readIndex]!.tokens;

    const minimum = minimumCacheableTokens(model);
    if (prefixes[lastBreakpoint]!.tokens < minimum) return { ...none, readTokens };
    const writeTokensByTtl = { fiveMinutes: 0, oneHour: 0 };
    let cachedUpTo = readTokens;
    for (const index of breakpoints) {
      const { hash, tokens } = prefixes[index]!;
      if (tokens < minimum) continue;
      const ttlMs = parts[index]!.cacheTtlMs!;
      const written = Math.max(0, tokens - cachedUpTo);
      if (ttlMs > fiveMinutesMs) writeTokensByTtl.oneHour += written;
      else writeTokensByTtl.fiveMinutes += written;
      cachedUpTo = Math.max(cachedUpTo, tokens);
      const entry = this.#entries.get(hash);
      const expiresAt = Math.max(entry && entry.expiresAt > now ? entry.expiresAt : 0, now + ttlMs);
      this.#entries.set(hash, { expiresAt, ttlMs: Math.max(entry?.ttlMs ?? 0, ttlMs) });
    }
    return {
      totalTokens,
      readTokens,
      writeTokens: writeTokensByTtl.fiveMinutes + writeTokensByTtl.oneHour,
      writeTokensByTtl,
    };
  }
}

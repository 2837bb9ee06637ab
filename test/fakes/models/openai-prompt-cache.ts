import { prefixHashes } from "./prefix-hashes.ts";
import type { PromptPart } from "./prompt-part.ts";

const minimumTokens = 1024;
const incrementTokens = 128;

export interface OpenAiCacheAccounting {
  totalTokens: number;
  cachedTokens: number;
  /** Stores the prompt's prefixes: called once the response has been sent (a parallel request misses). */
  commit(): void;
}

/**
 * OpenAI's automatic prompt caching: prompts of 1024 tokens or more are cached, per model and
 * prompt_cache_key; a later prompt reads its longest previously seen prefix, counted as 1024
 * tokens plus whole 128-token increments. Entries expire after `lifetimeMs` unused, and are
 * stored only once the response that wrote them has been sent.
 */
export class OpenAiPromptCache {
  readonly #expiresAt = new Map<string, number>();
  readonly #now: () => number;

  constructor(now: () => number) {
    this.#now = now;
  }

  account(scope: { model: string; cacheKey: string; lifetimeMs: number }, parts: PromptPart[]): OpenAiCacheAccounting {
    const prefixes = prefixHashes(JSON.stringify([scope.model, scope.cacheKey]), parts);
    const totalTokens = prefixes.at(-1)?.tokens ?? 0;
    const now = this.#now();
    let matchedTokens = 0;
    for (const { hash, tokens } of prefixes) {
      if (tokens < minimumTokens) continue;
      if ((this.#expiresAt.get(hash) ?? 0) > now) matchedTokens = tokens;
    }
    // A hit refreshes what it read at once; storing every long-enough prefix waits for the response.
    for (const { hash, tokens } of prefixes) {
      if (tokens >= minimumTokens && tokens <= matchedTokens) this.#expiresAt.set(hash, now + scope.lifetimeMs);
    }
    const commit = () => {
      const at = this.#now();
      for (const { hash, tokens } of prefixes) if (tokens >= minimumTokens) this.#expiresAt.set(hash, at + scope.lifetimeMs);
    };
    const cachedTokens =
      matchedTokens < minimumTokens
        ? 0
        : minimumTokens + Math.floor((matchedTokens - minimumTokens) / incrementTokens) * incrementTokens;
    return { totalTokens, cachedTokens, commit };
  }
}

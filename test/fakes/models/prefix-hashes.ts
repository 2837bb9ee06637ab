import { createHash } from "node:crypto";
import type { PromptPart } from "./prompt-part.ts";

/**
 * For each part, a hash of the whole prompt up to and including it (seeded with what scopes the
 * cache, such as the model), and the tokens up to there.
 */
export function prefixHashes(seed: string, parts: PromptPart[]): Array<{ hash: string; tokens: number }> {
  let hash = createHash("sha256").update(seed).digest("hex");
  let tokens = 0;
  return parts.map((part) => {
    hash = createHash("sha256").update(hash).update("\0").update(part.key).digest("hex");
    tokens += part.tokens;
    return { hash, tokens };
  });
}

import { estimateTokens } from "./estimate-tokens.ts";
import { asArray, type JsonObject } from "./json-access.ts";
import type { PromptPart } from "./prompt-part.ts";

/**
 * Splits a Chat Completions request into tools, then messages, one part each. The real cache
 * matches token by token; matching whole messages is this fake's approximation, which is exact
 * for the usual case of a conversation that only ever grows at the end.
 */
export function openaiPromptParts(body: JsonObject): PromptPart[] {
  return [
    ...asArray(body.tools).map((tool) => ({ key: JSON.stringify(["tool", tool]), tokens: estimateTokens(tool) })),
    ...asArray(body.messages).map((message) => ({
      key: JSON.stringify(["message", message]),
      tokens: estimateTokens(message),
    })),
  ];
}

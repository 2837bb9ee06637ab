import { estimateTokens } from "./estimate-tokens.ts";
import { asArray, asObject, type JsonObject } from "./json-access.ts";
import type { PromptPart } from "./prompt-part.ts";

const ttlMs: Record<string, number> = { "5m": 5 * 60_000, "1h": 60 * 60_000 };

/**
 * Splits a Messages request into the order the API caches it: tools → system → messages, one part
 * per tool or content block. cache_control is left out of a part's identity and size, because
 * moving a breakpoint along a conversation must not change the prefix it marks.
 */
export function anthropicPromptParts(body: JsonObject): PromptPart[] {
  const parts: PromptPart[] = [];
  for (const tool of asArray(body.tools)) parts.push(part(["tool"], asObject(tool)));
  for (const block of blocksOf(body.system)) parts.push(part(["system"], block));
  // Changing tool_choice or thinking invalidates the cached messages (not tools or system), as
  // the real API does: a zero-token part makes those settings part of every later prefix.
  parts.push({ key: JSON.stringify(["settings", body.tool_choice ?? null, body.thinking ?? null]), tokens: 0, notABlock: true });
  for (const message of asArray(body.messages)) {
    const { role, content } = asObject(message);
    blocksOf(content).forEach((block, index) => parts.push(part(["message", role, index === 0], block)));
  }
  // Top-level cache_control marks the last cacheable block.
  const last = parts.at(-1);
  if (body.cache_control && last && last.cacheTtlMs === undefined) last.cacheTtlMs = breakpointTtl(body.cache_control);
  return parts;
}

function blocksOf(content: unknown): JsonObject[] {
  if (typeof content === "string") return [{ type: "text", text: content }];
  return asArray(content).map(asObject);
}

function part(position: unknown[], block: JsonObject): PromptPart {
  const { cache_control: cacheControl, ...content } = block;
  return {
    key: JSON.stringify([...position, content]),
    tokens: estimateTokens(content),
    ...(cacheControl ? { cacheTtlMs: breakpointTtl(cacheControl) } : {}),
  };
}

function breakpointTtl(cacheControl: unknown): number {
  return ttlMs[String(asObject(cacheControl).ttl ?? "5m")] ?? ttlMs["5m"]!;
}

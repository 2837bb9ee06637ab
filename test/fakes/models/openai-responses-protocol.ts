import { estimateTokens } from "./estimate-tokens.ts";
import { asArray, asString, type JsonObject } from "./json-access.ts";
import { normalizeOpenAiResponsesRequest } from "./normalize-openai-responses-request.ts";
import type { ProtocolAdapter } from "./protocol-adapter.ts";
import { openaiResponse, openaiResponseEvents } from "./openai-response.ts";
import { OpenAiPromptCache } from "./openai-prompt-cache.ts";
import { openaiResponsesRequestProblem } from "./openai-responses-request-problem.ts";
import type { PromptPart } from "./prompt-part.ts";

// As for Chat Completions: the documented 5 to 10 minutes of idle lifetime, the shorter.
const defaultLifetimeMs = 5 * 60_000;
const extendedLifetimeMs = 24 * 60 * 60_000;

/**
 * The OpenAI Responses API (`POST /openai/v1/responses`), beside Chat Completions: the same keys,
 * ids, errors and automatic prompt cache, its own request shape, output items and event stream.
 */
export function createOpenAiResponsesProtocol(chat: ProtocolAdapter, now: () => number): ProtocolAdapter {
  const cache = new OpenAiPromptCache(now);
  return {
    ...chat,
    requestProblem: openaiResponsesRequestProblem,
    normalize: normalizeOpenAiResponsesRequest,
    accountPrompt(body) {
      const { totalTokens, cachedTokens, commit } = cache.account(
        {
          model: asString(body.model),
          cacheKey: asString(body.prompt_cache_key),
          lifetimeMs: body.prompt_cache_retention === "24h" ? extendedLifetimeMs : defaultLifetimeMs,
        },
        promptParts(body),
      );
      return { inputTokens: totalTokens, cacheReadTokens: cachedTokens, cacheWriteTokens: 0, writeTokensByTtl: { fiveMinutes: 0, oneHour: 0 }, commit };
    },
    messageBody: openaiResponse,
    streamFrames: openaiResponseEvents,
  };
}

/** Tools, instructions, then input items, one part each (whole-item matching, as for Chat Completions). */
function promptParts(body: JsonObject): PromptPart[] {
  const input = typeof body.input === "string" ? [body.input] : asArray(body.input);
  return [
    ...asArray(body.tools).map((tool) => ({ key: JSON.stringify(["tool", tool]), tokens: estimateTokens(tool) })),
    ...(typeof body.instructions === "string" ? [{ key: JSON.stringify(["instructions", body.instructions]), tokens: estimateTokens(body.instructions) }] : []),
    ...input.map((item) => ({ key: JSON.stringify(["item", item]), tokens: estimateTokens(item) })),
  ];
}

import { bearerToken } from "./bearer-token.ts";
import { asString } from "./json-access.ts";
import { newId } from "./new-id.ts";
import { normalizeOpenAiRequest } from "./normalize-openai-request.ts";
import { openaiCompletion } from "./openai-completion.ts";
import { openaiCompletionChunks } from "./openai-completion-chunks.ts";
import { openaiErrorBody } from "./openai-error-body.ts";
import { OpenAiPromptCache } from "./openai-prompt-cache.ts";
import { openaiPromptParts } from "./openai-prompt-parts.ts";
import { openaiRequestProblem } from "./openai-request-problem.ts";
import type { ProtocolAdapter } from "./protocol-adapter.ts";

// How long an unused cached prefix lives: the documented 5 to 10 minutes (the shorter, so a figure
// measured here does not flatter), or a day when asked for.
const defaultLifetimeMs = 5 * 60_000;
const extendedLifetimeMs = 24 * 60 * 60_000;

/** The OpenAI Chat Completions API, with an automatic prompt cache of its own. */
export function createOpenAiProtocol(now: () => number): ProtocolAdapter {
  const cache = new OpenAiPromptCache(now);
  return {
    protocol: "openai",
    requestIdHeader: "x-request-id",
    newRequestId: () => newId("req_", 32),
    newToolCallId: () => newId("call_", 24),
    presentedApiKey: bearerToken,
    invalidKeyMessage: (presented) =>
      `Incorrect API key provided: ${redact(presented ?? "")}. ` +
      "You can find your API key at https://platform.openai.com/account/api-keys.",
    requestProblem: openaiRequestProblem,
    normalize: normalizeOpenAiRequest,
    accountPrompt(body) {
      const { totalTokens, cachedTokens, commit } = cache.account(
        {
          model: asString(body.model),
          cacheKey: asString(body.prompt_cache_key),
          lifetimeMs: body.prompt_cache_retention === "24h" ? extendedLifetimeMs : defaultLifetimeMs,
        },
        openaiPromptParts(body),
      );
      return {
        inputTokens: totalTokens,
        cacheReadTokens: cachedTokens,
        cacheWriteTokens: 0,
        writeTokensByTtl: { fiveMinutes: 0, oneHour: 0 },
        commit,
      };
    },
    errorBody: (status, type, message) => openaiErrorBody(status, type, message),
    messageBody: openaiCompletion,
    streamFrames: openaiCompletionChunks,
    modelList: (models) => ({ object: "list", data: models.map(modelInfo) }),
    modelInfo,
  };
}

function modelInfo(id: string) {
  return { id, object: "model", created: 1_735_689_600, owned_by: "system" };
}

function redact(key: string): string {
  return key.length > 8 ? `${key.slice(0, 3)}${"*".repeat(key.length - 7)}${key.slice(-4)}` : "***";
}

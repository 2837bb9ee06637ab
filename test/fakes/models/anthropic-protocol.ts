import { anthropicErrorBody } from "./anthropic-error-body.ts";
import { anthropicMessage } from "./anthropic-message.ts";
import { AnthropicPromptCache } from "./anthropic-prompt-cache.ts";
import { anthropicPromptParts } from "./anthropic-prompt-parts.ts";
import { anthropicRequestProblem } from "./anthropic-request-problem.ts";
import { anthropicStreamFrames } from "./anthropic-stream-frames.ts";
import { bearerToken } from "./bearer-token.ts";
import { asString } from "./json-access.ts";
import { newId } from "./new-id.ts";
import { normalizeAnthropicRequest } from "./normalize-anthropic-request.ts";
import type { ProtocolAdapter } from "./protocol-adapter.ts";

/** The Anthropic Messages API, with a prompt cache of its own. */
export function createAnthropicProtocol(now: () => number, cacheMinimumTokens?: (model: string) => number): ProtocolAdapter {
  const cache = new AnthropicPromptCache(now, cacheMinimumTokens);
  return {
    protocol: "anthropic",
    requestIdHeader: "request-id",
    newRequestId: () => newId("req_011C", 20),
    newToolCallId: () => newId("toolu_01", 22),
    // The SDK sends its key as a bearer token; x-api-key is what other clients (and curl) use.
    presentedApiKey: (headers) => headers["x-api-key"] ?? bearerToken(headers),
    invalidKeyMessage: () => "invalid x-api-key",
    requestProblem: anthropicRequestProblem,
    normalize: normalizeAnthropicRequest,
    accountPrompt(body) {
      const accounting = cache.account(asString(body.model), anthropicPromptParts(body));
      return {
        inputTokens: accounting.totalTokens,
        cacheReadTokens: accounting.readTokens,
        cacheWriteTokens: accounting.writeTokens,
        writeTokensByTtl: accounting.writeTokensByTtl,
        commit: accounting.commit,
      };
    },
    errorBody: anthropicErrorBody,
    messageBody: anthropicMessage,
    streamFrames: anthropicStreamFrames,
    modelList: (models) => ({
      data: models.map(modelInfo),
      has_more: false,
      first_id: models[0] ?? null,
      last_id: models.at(-1) ?? null,
    }),
    modelInfo,
  };
}

function modelInfo(id: string) {
  return {
    type: "model",
    id,
    display_name: id,
    created_at: "2025-01-01T00:00:00Z",
    capabilities: null,
    deprecated_at: null,
    lifecycle: "active",
    line: null,
    max_input_tokens: null,
    max_tokens: null,
    retires_at: null,
  };
}

import type { ReplyContext } from "./protocol-adapter.ts";
import type { ResolvedReply } from "./resolve-reply.ts";
import type { StopReason } from "./types.ts";

// A refusal is not a finish reason in Chat Completions: the message carries it instead.
const finishReasons: Record<StopReason, string> = { end: "stop", tool_use: "tool_calls", max_tokens: "length", refusal: "stop" };

/** A non-streaming chat.completion. */
export function openaiCompletion(reply: ResolvedReply, context: ReplyContext) {
  const refused = reply.stopReason === "refusal";
  return {
    ...openaiCompletionHead(context),
    object: "chat.completion",
    choices: [
      {
        index: 0,
        message: {
          role: "assistant",
          content: refused || (reply.text === "" && reply.toolCalls.length > 0) ? null : reply.text,
          refusal: refused ? reply.text : null,
          annotations: [],
          ...(reply.toolCalls.length > 0
            ? {
                tool_calls: reply.toolCalls.map((call) => ({
                  id: call.id,
                  type: "function",
                  function: { name: call.name, arguments: call.argumentsJson },
                })),
              }
            : {}),
        },
        logprobs: null,
        finish_reason: openaiFinishReason(reply),
      },
    ],
    usage: openaiUsage(context),
  };
}

export function openaiCompletionHead(context: ReplyContext) {
  return {
    id: context.requestId.replace(/^req_/, "chatcmpl-"),
    created: Math.floor(context.createdAt / 1000),
    model: context.model,
    service_tier: "default",
    system_fingerprint: "fp_fake_models",
  };
}

export function openaiFinishReason(reply: ResolvedReply): string {
  return finishReasons[reply.stopReason];
}

export function openaiUsage({ usage }: ReplyContext) {
  return {
    prompt_tokens: usage.inputTokens,
    completion_tokens: usage.outputTokens,
    total_tokens: usage.inputTokens + usage.outputTokens,
    prompt_tokens_details: {
      cached_tokens: usage.cacheReadTokens,
      audio_tokens: 0,
      // Automatic caching reports no writes; only a scripted override can produce one.
      ...(usage.cacheWriteTokens > 0 ? { cache_write_tokens: usage.cacheWriteTokens } : {}),
    },
    completion_tokens_details: {
      reasoning_tokens: 0,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

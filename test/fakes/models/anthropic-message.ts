import type { ReplyContext } from "./protocol-adapter.ts";
import type { ResolvedReply, ResolvedToolCall } from "./resolve-reply.ts";
import type { StopReason, Usage } from "./types.ts";

const stopReasons: Record<StopReason, string> = {
  end: "end_turn",
  tool_use: "tool_use",
  max_tokens: "max_tokens",
  refusal: "refusal",
};

/** A non-streaming Messages API response, with the fields the SDK's Message type declares. */
export function anthropicMessage(reply: ResolvedReply, context: ReplyContext) {
  return {
    ...anthropicMessageHead(context, anthropicUsage(context, context.usage.outputTokens)),
    content: [
      ...(reply.thinking ? [{ type: "thinking", thinking: reply.thinking.text, signature: reply.thinking.signature }] : []),
      ...(hasTextBlock(reply) ? [{ type: "text", text: reply.text, citations: null }] : []),
      ...reply.toolCalls.map((call) => ({ ...toolUseBlock(call), input: toolInput(call) })),
    ],
    ...anthropicStop(reply),
  };
}

/** The part of a message that message_start already carries. */
export function anthropicMessageHead(context: ReplyContext, usage: ReturnType<typeof anthropicUsage>) {
  return {
    id: context.requestId.replace(/^req_/, "msg_"),
    type: "message",
    role: "assistant",
    model: context.model,
    content: [] as unknown[],
    stop_reason: null as string | null,
    stop_sequence: null,
    stop_details: null as unknown,
    container: null,
    diagnostics: null,
    usage,
  };
}

export function anthropicStop(reply: ResolvedReply) {
  return {
    stop_reason: stopReasons[reply.stopReason],
    stop_sequence: null,
    stop_details: reply.stopReason === "refusal" ? { type: "refusal", category: null, explanation: null } : null,
  };
}

export function anthropicUsage(context: ReplyContext, outputTokens: number) {
  const { usage, writeTokensByTtl } = context;
  return {
    input_tokens: uncachedInputTokens(usage),
    cache_creation_input_tokens: usage.cacheWriteTokens,
    cache_read_input_tokens: usage.cacheReadTokens,
    cache_creation: {
      ephemeral_5m_input_tokens: usage.cacheWriteTokens - Math.min(writeTokensByTtl.oneHour, usage.cacheWriteTokens),
      ephemeral_1h_input_tokens: Math.min(writeTokensByTtl.oneHour, usage.cacheWriteTokens),
    },
    output_tokens: outputTokens,
    output_tokens_details: null,
    server_tool_use: null,
    service_tier: "standard",
    inference_geo: null,
    speed: null,
  };
}

/** Anthropic counts only the tokens neither read from nor written to the cache as input_tokens. */
export function uncachedInputTokens(usage: Usage): number {
  return Math.max(0, usage.inputTokens - usage.cacheReadTokens - usage.cacheWriteTokens);
}

/** The model always says something unless it only calls tools. */
export function hasTextBlock(reply: ResolvedReply): boolean {
  return reply.text !== "" || reply.toolCalls.length === 0;
}

export function toolUseBlock(call: ResolvedToolCall) {
  return { type: "tool_use", id: call.id, name: call.name, input: {} as unknown, caller: { type: "direct" } };
}

// A scripted string is parsed when it is JSON; otherwise it goes out as a JSON string, the
// nearest a non-streamed body can come to malformed input without being unreadable as a whole.
function toolInput(call: ResolvedToolCall): unknown {
  if (typeof call.arguments !== "string") return call.arguments ?? {};
  try {
    return JSON.parse(call.arguments) as unknown;
  } catch {
    return call.arguments;
  }
}

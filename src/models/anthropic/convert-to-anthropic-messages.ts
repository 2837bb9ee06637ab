import type Anthropic from "@anthropic-ai/sdk";
import type { ModelMessage, ModelRequest } from "../language-model.ts";

type MessageParam = Anthropic.Messages.MessageParam;
type ContentBlock = Anthropic.Messages.ContentBlockParam;

/**
 * Converts to the Messages API with cache breakpoints: a long-lived one after tools + system (the
 * static prefix, byte-stable per role) and a sliding one on the newest message. Only the static
 * prefix may be written to the 1-hour cache: the budget's worst case (`worstCaseUsd`) counts on it.
 */
export function convertToAnthropicRequest(request: ModelRequest) {
  const tools: Anthropic.Messages.Tool[] = request.tools.map((tool, index) => ({
    name: tool.name,
    description: tool.description,
    input_schema: tool.parameters as Anthropic.Messages.Tool.InputSchema,
    ...(index === request.tools.length - 1 ? { cache_control: { type: "ephemeral" as const, ttl: "1h" as const } } : {}),
  }));
  const system: Anthropic.Messages.TextBlockParam[] = [
    { type: "text", text: request.system, cache_control: { type: "ephemeral", ttl: "1h" } },
  ];
  const messages = request.messages.map(convertMessage);
  markSlidingBreakpoints(messages, request.messages);
  return { system, tools, messages };
}

function convertMessage(message: ModelMessage): MessageParam {
  if (message.role === "assistant") {
    return {
      role: "assistant",
      content: message.content.flatMap((part): ContentBlock[] => {
        if (part.type === "text") return [{ type: "text", text: part.text }];
        // Thinking goes back as it came, signature and all: the API checks it within a tool loop.
        // Another provider's reasoning (OpenAI's encrypted items) means nothing here.
        if (part.type === "reasoning") {
          if ("encrypted" in part) return [];
          return ["redacted" in part ? { type: "redacted_thinking", data: part.redacted } : { type: "thinking", thinking: part.text, signature: part.signature }];
        }
        return [{ type: "tool_use", id: part.id, name: part.name, input: typeof part.input === "object" && part.input !== null ? part.input : {} }];
      }),
    };
  }
  return {
    role: "user",
    content: message.content.map((part): ContentBlock =>
      part.type === "text"
        ? { type: "text", text: part.text }
        : { type: "tool_result", tool_use_id: part.toolCallId, content: part.output, is_error: part.isError },
    ),
  };
}

/**
 * Two breakpoints in the messages, with tools and system four in all (the API's limit): the first
 * block the caller marked as a stable prefix, and the newest message, sliding.
 */
function markSlidingBreakpoints(messages: MessageParam[], source: ModelMessage[]): void {
  outer: for (const [messageIndex, message] of source.entries()) {
    if (message.role !== "user") continue;
    for (const [partIndex, part] of message.content.entries()) {
      if (part.type === "text" && part.cache) {
        setBreakpoint(messages[messageIndex]!, partIndex);
        break outer;
      }
    }
  }
  const last = messages.at(-1);
  if (last && Array.isArray(last.content) && last.content.length > 0) setBreakpoint(last, last.content.length - 1);
}

function setBreakpoint(message: MessageParam, index: number): void {
  const block = (message.content as ContentBlock[])[index] as ContentBlock & { cache_control?: unknown };
  if (block && block.type !== "thinking" && block.type !== "redacted_thinking") block.cache_control = { type: "ephemeral" };
}

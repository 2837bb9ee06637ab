import type Anthropic from "@anthropic-ai/sdk";
import type { ModelMessage, ModelRequest } from "../language-model.ts";

type MessageParam = Anthropic.Messages.MessageParam;
type ContentBlock = Anthropic.Messages.ContentBlockParam;

/**
 * Converts to the Messages API with four cache breakpoints, the API's limit, none of them wasted:
 * - the system prompt, 1 hour: tools and system together, the static prefix of every run of a role;
 * - the first block the caller marked as stable (the mission's context, the same for every run of
 *   the role), 1 hour;
 * - about half-way through the blocks added since the previous call (the newest turn: the model's
 *   parallel tool calls and their results), and
 * - the newest block, both 5 minutes.
 * The API looks back at most 20 blocks from a breakpoint for a stored prefix: with only the newest
 * block marked, a turn of 12 parallel tool calls (25 new blocks) would miss the previous call's
 * prefix and write the whole conversation again; the half-way breakpoint finds it (up to ~38 new
 * blocks). Only the static prefix and the marked context are written to the 1-hour cache: the
 * budget's worst case (`worstCaseUsd`) counts on it.
 *
 * Once a run has pruned old tool output, the end of the pruned history is marked too (5 minutes,
 * refreshed by every call): the next pruning reads the history up to it instead of writing it all
 * again. The system prompt then gives up its breakpoint — within a mission the context's covers it.
 */
export function convertToAnthropicRequest(request: ModelRequest) {
  const tools: Anthropic.Messages.Tool[] = request.tools.map((tool) => ({
    name: tool.name,
    description: tool.description,
    input_schema: tool.parameters as Anthropic.Messages.Tool.InputSchema,
  }));
  const messages = request.messages.map(convertMessage);
  const systemBreakpoint = markBreakpoints(messages, request.messages);
  const system: Anthropic.Messages.TextBlockParam[] = [
    { type: "text", text: request.system, ...(systemBreakpoint ? { cache_control: { type: "ephemeral" as const, ttl: "1h" as const } } : {}) },
  ];
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
 * The message blocks' breakpoints, at most four with the system prompt's, by priority: the newest
 * block; the marked context (1 hour); the marked ends of the pruned history (`pruneToolOutputs`: one,
 * or on the turn of a pruning the previous and the new one — the call reads up to the previous);
 * half-way through the newest turn; and last the system prompt's, which the context's covers within
 * a mission. Returns whether the system prompt keeps its breakpoint.
 */
function markBreakpoints(messages: MessageParam[], source: ModelMessage[]): boolean {
  const blocks = messages.flatMap((message, messageIndex) => (message.content as ContentBlock[]).map((_, blockIndex) => ({ messageIndex, blockIndex })));
  const indexOf = (messageIndex: number, partIndex: number) => blocks.findIndex((block) => block.messageIndex === messageIndex && block.blockIndex === partIndex);
  let context = -1;
  const boundaries: number[] = [];
  for (const [messageIndex, message] of source.entries()) {
    if (message.role !== "user") continue;
    for (const [partIndex, part] of message.content.entries()) {
      if (part.type === "text" && part.cache && context < 0) context = indexOf(messageIndex, partIndex);
      if (part.type === "tool-result" && part.cache) boundaries.push(indexOf(messageIndex, partIndex));
    }
  }
  const last = blocks.length - 1;
  if (last < 0) {
    return true;
  }
  const marks: Array<{ at: number; ttl: "5m" | "1h" }> = [];
  if (last !== context) marks.push({ at: last, ttl: "5m" });
  if (context >= 0) marks.push({ at: context, ttl: "1h" });
  for (const at of boundaries.slice(-2).reverse()) if (at > context && at < last) marks.push({ at, ttl: "5m" });
  // The previous call ended with the user message before the newest assistant turn.
  const previousUser = source.findLastIndex((message, index) => message.role === "user" && index < source.length - 2);
  const previousEnd = previousUser < 0 ? -1 : blocks.findLastIndex((block) => block.messageIndex === previousUser);
  const middle = previousEnd + Math.ceil((last - previousEnd) / 2);
  const floor = Math.max(context, ...boundaries);
  if (previousEnd >= 0 && middle > floor && middle < last) marks.push({ at: blocks.indexOf(nearestMarkable(messages, blocks, middle, floor)), ttl: "5m" });
  const kept = marks.slice(0, 4);
  for (const { at, ttl } of kept) setBreakpoint(messages, blocks[at]!, ttl);
  return kept.length < 4;
}

/** The block at `index` or the nearest one before it (after `floor`) that may carry a breakpoint: not thinking. */
function nearestMarkable(messages: MessageParam[], blocks: Array<{ messageIndex: number; blockIndex: number }>, index: number, floor: number) {
  for (let at = index; at > floor; at--) {
    const { messageIndex, blockIndex } = blocks[at]!;
    const type = (messages[messageIndex]!.content as ContentBlock[])[blockIndex]!.type;
    if (type !== "thinking" && type !== "redacted_thinking") return blocks[at]!;
  }
  return blocks[index]!;
}

function setBreakpoint(messages: MessageParam[], at: { messageIndex: number; blockIndex: number }, ttl: "5m" | "1h"): void {
  const block = (messages[at.messageIndex]!.content as ContentBlock[])[at.blockIndex] as ContentBlock & { cache_control?: unknown };
  if (block && block.type !== "thinking" && block.type !== "redacted_thinking") block.cache_control = ttl === "1h" ? { type: "ephemeral", ttl: "1h" } : { type: "ephemeral" };
}

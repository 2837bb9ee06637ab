import {
  anthropicMessageHead,
  anthropicStop,
  anthropicUsage,
  hasTextBlock,
  toolUseBlock,
  uncachedInputTokens,
} from "./anthropic-message.ts";
import type { ReplyContext } from "./protocol-adapter.ts";
import type { ResolvedReply } from "./resolve-reply.ts";
import { splitIntoChunks } from "./split-into-chunks.ts";

/**
 * The Messages API's event stream for a reply: message_start, ping, one start / deltas / stop
 * group per content block (tool input as several input_json_delta pieces, sent verbatim), then
 * message_delta with the stop reason and cumulative usage, and message_stop.
 */
export function anthropicStreamFrames(reply: ResolvedReply, context: ReplyContext): string[] {
  const { usage } = context;
  const events: Array<{ type: string } & Record<string, unknown>> = [
    { type: "message_start", message: anthropicMessageHead(context, anthropicUsage(context, Math.min(1, usage.outputTokens))) },
    { type: "ping" },
  ];
  let index = 0;
  if (reply.thinking) {
    events.push({ type: "content_block_start", index, content_block: { type: "thinking", thinking: "", signature: "" } });
    for (const thinking of splitIntoChunks(reply.thinking.text)) {
      events.push({ type: "content_block_delta", index, delta: { type: "thinking_delta", thinking } });
    }
    events.push({ type: "content_block_delta", index, delta: { type: "signature_delta", signature: reply.thinking.signature } });
    events.push({ type: "content_block_stop", index });
    index++;
  }
  if (hasTextBlock(reply)) {
    events.push({ type: "content_block_start", index, content_block: { type: "text", text: "", citations: null } });
    for (const text of splitIntoChunks(reply.text)) {
      events.push({ type: "content_block_delta", index, delta: { type: "text_delta", text } });
    }
    events.push({ type: "content_block_stop", index });
    index++;
  }
  for (const call of reply.toolCalls) {
    events.push({ type: "content_block_start", index, content_block: toolUseBlock(call) });
    for (const partial_json of splitIntoChunks(call.argumentsJson)) {
      events.push({ type: "content_block_delta", index, delta: { type: "input_json_delta", partial_json } });
    }
    events.push({ type: "content_block_stop", index });
    index++;
  }
  const { stop_reason, stop_sequence, stop_details } = anthropicStop(reply);
  events.push({
    type: "message_delta",
    delta: { stop_reason, stop_sequence, stop_details, container: null },
    usage: {
      input_tokens: uncachedInputTokens(usage),
      cache_creation_input_tokens: usage.cacheWriteTokens,
      cache_read_input_tokens: usage.cacheReadTokens,
      output_tokens: usage.outputTokens,
      output_tokens_details: null,
      server_tool_use: null,
    },
  });
  events.push({ type: "message_stop" });
  return events.map((event) => `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
}

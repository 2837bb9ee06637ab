import { asArray, asObject } from "./json-access.ts";
import { newId } from "./new-id.ts";
import { encryptReasoning } from "./openai-reasoning-content.ts";
import type { ReplyContext } from "./protocol-adapter.ts";
import type { ResolvedReply } from "./resolve-reply.ts";
import { splitIntoChunks } from "./split-into-chunks.ts";

type Item = Record<string, unknown>;

/**
 * The output items of a reply: a reasoning item first when the reply thinks (its encrypted content
 * only when `include` asks for it, as the real API does), then the message, then the function calls.
 */
function outputItems(reply: ResolvedReply, context: ReplyContext): Item[] {
  const items: Item[] = [];
  if (reply.thinking) {
    const id = newId("rs_", 32);
    const wantsEncrypted = asArray(context.body.include).includes("reasoning.encrypted_content");
    items.push({ type: "reasoning", id, summary: [{ type: "summary_text", text: reply.thinking.text }], ...(wantsEncrypted ? { encrypted_content: encryptReasoning(id, reply.thinking.text) } : {}) });
  }
  if (reply.text !== "" || reply.toolCalls.length === 0) {
    const part = reply.stopReason === "refusal" ? { type: "refusal", refusal: reply.text } : { type: "output_text", text: reply.text, annotations: [], logprobs: [] };
    items.push({ type: "message", id: newId("msg_", 32), role: "assistant", status: "completed", content: [part] });
  }
  for (const call of reply.toolCalls) {
    items.push({ type: "function_call", id: newId("fc_", 32), call_id: call.id, name: call.name, arguments: call.argumentsJson, status: "completed" });
  }
  return items;
}

function responseObject(context: ReplyContext, status: string, output: Item[], reply?: ResolvedReply) {
  const body = context.body;
  const incomplete = reply?.stopReason === "max_tokens";
  const { usage } = context;
  return {
    id: context.requestId.replace(/^req_/, "resp_"),
    object: "response",
    created_at: Math.floor(context.createdAt / 1000),
    status: reply ? (incomplete ? "incomplete" : "completed") : status,
    error: null,
    incomplete_details: incomplete ? { reason: "max_output_tokens" } : null,
    instructions: body.instructions ?? null,
    max_output_tokens: body.max_output_tokens ?? null,
    model: context.model,
    output,
    parallel_tool_calls: body.parallel_tool_calls ?? true,
    previous_response_id: null,
    prompt_cache_key: body.prompt_cache_key ?? null,
    reasoning: { effort: asObject(body.reasoning).effort ?? null, summary: asObject(body.reasoning).summary ?? null },
    store: body.store ?? true,
    temperature: 1,
    text: { format: { type: "text" } },
    tool_choice: body.tool_choice ?? "auto",
    tools: body.tools ?? [],
    top_p: 1,
    truncation: "disabled",
    usage: reply
      ? {
          input_tokens: usage.inputTokens,
          input_tokens_details: { cached_tokens: usage.cacheReadTokens },
          output_tokens: usage.outputTokens,
          output_tokens_details: { reasoning_tokens: reply.thinking ? Math.ceil(reply.thinking.text.length / 4) : 0 },
          total_tokens: usage.inputTokens + usage.outputTokens,
        }
      : null,
    metadata: {},
  };
}

/** A non-streaming response object. */
export function openaiResponse(reply: ResolvedReply, context: ReplyContext) {
  return responseObject(context, "completed", outputItems(reply, context), reply);
}

/**
 * The Responses event stream, as the real API sends it: response.created, each output item added,
 * its parts and deltas, done; then response.completed (or response.incomplete) carrying the whole
 * response with its usage. Each frame names its event and carries a sequence number.
 */
export function openaiResponseEvents(reply: ResolvedReply, context: ReplyContext): string[] {
  const items = outputItems(reply, context);
  const events: Item[] = [
    { type: "response.created", response: responseObject(context, "in_progress", []) },
    { type: "response.in_progress", response: responseObject(context, "in_progress", []) },
  ];
  items.forEach((item, outputIndex) => {
    const itemId = item.id as string;
    if (item.type === "reasoning") {
      events.push({ type: "response.output_item.added", output_index: outputIndex, item: { ...item, summary: [] } });
    } else if (item.type === "message") {
      events.push({ type: "response.output_item.added", output_index: outputIndex, item: { ...item, status: "in_progress", content: [] } });
      const part = (item.content as Item[])[0]!;
      const at = { item_id: itemId, output_index: outputIndex, content_index: 0 };
      if (part.type === "output_text") {
        events.push({ type: "response.content_part.added", ...at, part: { ...part, text: "" } });
        for (const delta of splitIntoChunks(part.text as string)) events.push({ type: "response.output_text.delta", ...at, delta, logprobs: [] });
        events.push({ type: "response.output_text.done", ...at, text: part.text, logprobs: [] });
      } else {
        events.push({ type: "response.content_part.added", ...at, part: { ...part, refusal: "" } });
        for (const delta of splitIntoChunks(part.refusal as string)) events.push({ type: "response.refusal.delta", ...at, delta });
        events.push({ type: "response.refusal.done", ...at, refusal: part.refusal });
      }
      events.push({ type: "response.content_part.done", ...at, part });
    } else {
      events.push({ type: "response.output_item.added", output_index: outputIndex, item: { ...item, arguments: "", status: "in_progress" } });
      for (const delta of splitIntoChunks(item.arguments as string)) {
        events.push({ type: "response.function_call_arguments.delta", item_id: itemId, output_index: outputIndex, delta });
      }
      events.push({ type: "response.function_call_arguments.done", item_id: itemId, output_index: outputIndex, arguments: item.arguments });
    }
    events.push({ type: "response.output_item.done", output_index: outputIndex, item });
  });
  const final = responseObject(context, "completed", items, reply);
  events.push({ type: final.status === "incomplete" ? "response.incomplete" : "response.completed", response: final });
  return events.map((event, sequence) => `event: ${event.type as string}\ndata: ${JSON.stringify({ ...event, sequence_number: sequence })}\n\n`);
}

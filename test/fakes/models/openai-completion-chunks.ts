import { openaiCompletionHead, openaiFinishReason, openaiUsage } from "./openai-completion.ts";
import type { ReplyContext } from "./protocol-adapter.ts";
import type { ResolvedReply } from "./resolve-reply.ts";
import { splitIntoChunks } from "./split-into-chunks.ts";

/**
 * The chat.completion.chunk stream for a reply: the role, content (or refusal) deltas, each tool
 * call opened with its id and name then its arguments in pieces, the finish reason, the usage
 * chunk when stream_options.include_usage asks for it, and [DONE].
 */
export function openaiCompletionChunks(reply: ResolvedReply, context: ReplyContext): string[] {
  const includeUsage = (context.body.stream_options as { include_usage?: unknown } | undefined)?.include_usage === true;
  const head = { ...openaiCompletionHead(context), object: "chat.completion.chunk", ...(includeUsage ? { usage: null } : {}) };
  const choice = (delta: Record<string, unknown>, finishReason: string | null = null) => ({
    ...head,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
  });
  const chunks: unknown[] = [choice({ role: "assistant", content: "", refusal: null })];
  const textField = reply.stopReason === "refusal" ? "refusal" : "content";
  for (const text of splitIntoChunks(reply.text)) chunks.push(choice({ [textField]: text }));
  reply.toolCalls.forEach((call, index) => {
    chunks.push(
      choice({ tool_calls: [{ index, id: call.id, type: "function", function: { name: call.name, arguments: "" } }] }),
    );
    for (const piece of splitIntoChunks(call.argumentsJson)) {
      chunks.push(choice({ tool_calls: [{ index, function: { arguments: piece } }] }));
    }
  });
  chunks.push(choice({}, openaiFinishReason(reply)));
  if (includeUsage) chunks.push({ ...head, choices: [], usage: openaiUsage(context) });
  return [...chunks.map((chunk) => `data: ${JSON.stringify(chunk)}\n\n`), "data: [DONE]\n\n"];
}

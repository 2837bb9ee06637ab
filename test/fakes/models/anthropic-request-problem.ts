import { asArray, asObject, asString, type JsonObject } from "./json-access.ts";

/**
 * The first thing the real Messages API would reject with a 400, among the mistakes a client is
 * likely to make: missing fields, and tool_use / tool_result blocks that do not pair up.
 */
export function anthropicRequestProblem(body: JsonObject): string | undefined {
  if (typeof body.model !== "string" || body.model === "") return "model: Field required";
  if (typeof body.max_tokens !== "number" || body.max_tokens < 1) return "max_tokens: Field required";
  const messages = asArray(body.messages).map(asObject);
  if (messages.length === 0) return "messages: at least one message is required";
  for (const [index, message] of messages.entries()) {
    const previous = index > 0 ? messages[index - 1] : undefined;
    const offered = previous?.role === "assistant" ? blockIds(previous, "tool_use", "id") : [];
    const answered = message.role === "user" ? blockIds(message, "tool_result", "tool_use_id") : [];
    const unexpected = answered.filter((id) => !offered.includes(id));
    if (unexpected.length > 0) {
      return (
        `messages.${index}: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${unexpected.join(", ")}. ` +
        "Each `tool_result` block must have a corresponding `tool_use` block in the previous message."
      );
    }
    const unanswered = offered.filter((id) => !answered.includes(id));
    if (unanswered.length > 0) {
      return (
        `messages.${index}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ` +
        `${unanswered.join(", ")}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`
      );
    }
  }
  return undefined;
}

function blockIds(message: JsonObject, type: string, idField: string): string[] {
  return asArray(message.content)
    .map(asObject)
    .filter((block) => block.type === type)
    .map((block) => asString(block[idField]));
}

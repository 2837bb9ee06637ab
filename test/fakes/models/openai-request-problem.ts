import { asArray, asObject, asString, type JsonObject } from "./json-access.ts";

/**
 * The first thing the real Chat Completions API would reject with a 400, among the mistakes a
 * client is likely to make: missing fields, and tool calls without their tool messages (or the
 * reverse). The wording is the real API's, typo included.
 */
export function openaiRequestProblem(body: JsonObject): string | undefined {
  if (typeof body.model !== "string" || body.model === "") return "you must provide a model parameter";
  // Models that do not reason (gpt-4o, gpt-4.1, …) refuse an effort, as the real API does.
  if (/^(?:gpt-4|gpt-3\.5|chatgpt-)/.test(body.model) && body.reasoning_effort !== undefined) return "Unsupported parameter: 'reasoning_effort' is not supported with this model.";
  const messages = asArray(body.messages).map(asObject);
  if (messages.length === 0) return "[] is too short - 'messages'";
  let awaiting: string[] = [];
  let inToolTurn = false;
  for (const message of [...messages, { role: "end" }]) {
    if (message.role === "tool") {
      if (!inToolTurn) {
        return "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.";
      }
      awaiting = awaiting.filter((id) => id !== asString(message.tool_call_id));
      continue;
    }
    // A conversation may end on an assistant's tool calls; anything else must answer them first.
    if (awaiting.length > 0 && message.role !== "end") {
      return (
        "An assistant message with 'tool_calls' must be followed by tool messages responding to each " +
        `'tool_call_id'. The following tool_call_ids did not have response messages: ${awaiting.join(", ")}`
      );
    }
    const toolCallIds = asArray(message.tool_calls).map((call) => asString(asObject(call).id));
    inToolTurn = message.role === "assistant" && toolCallIds.length > 0;
    awaiting = inToolTurn ? toolCallIds : [];
  }
  return undefined;
}

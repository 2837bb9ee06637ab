import { asArray, asObject, asString, type JsonObject } from "./json-access.ts";
import { decryptReasoning } from "./openai-reasoning-content.ts";

/**
 * What the real Responses API would refuse with a 400 among a client's likely mistakes: a missing
 * model or input, a chained `previous_response_id` (this fake stores nothing), reasoning items sent
 * back without their encrypted content under `store: false` or with that content changed,
 * encrypted reasoning or an effort asked of a model that does not reason, and function calls without their
 * outputs (or the reverse).
 */
export function openaiResponsesRequestProblem(body: JsonObject): string | undefined {
  if (typeof body.model !== "string" || body.model === "") return "Missing required parameter: 'model'.";
  if (body.input === undefined) return "Missing required parameter: 'input'.";
  if (typeof body.previous_response_id === "string") return `Previous response with id '${body.previous_response_id}' not found.`;
  // Models that do not reason (gpt-4o, gpt-4.1, …) refuse to return reasoning, as the real API does.
  if (/^(?:gpt-4|gpt-3\.5|chatgpt-)/.test(body.model) && asArray(body.include).includes("reasoning.encrypted_content")) return "Encrypted content is not supported with this model.";
  if (/^(?:gpt-4|gpt-3\.5|chatgpt-)/.test(body.model) && body.reasoning !== undefined) return "Unsupported parameter: 'reasoning.effort' is not supported with this model.";
  const items = asArray(body.input).map(asObject);
  const calls = new Set<string>();
  const answered = new Set<string>();
  for (const item of items) {
    if (item.type === "reasoning") {
      const id = asString(item.id);
      if (typeof item.encrypted_content !== "string") {
        if (body.store === false) return `Item with id '${id}' not found. Items are not persisted when \`store\` is set to false. Try again with \`store\` set to true, or remove this item from your input.`;
      } else if (decryptReasoning(id, item.encrypted_content) === undefined) {
        return `The encrypted content for item ${id} could not be verified.`;
      }
    } else if (item.type === "function_call") {
      calls.add(asString(item.call_id));
    } else if (item.type === "function_call_output") {
      const callId = asString(item.call_id);
      if (!calls.has(callId)) return `No tool call found for function call output with call_id ${callId}.`;
      answered.add(callId);
    }
  }
  const unanswered = [...calls].find((callId) => !answered.has(callId));
  if (unanswered) return `No tool output found for function call ${unanswered}.`;
  return undefined;
}

import type OpenAI from "openai";
import type { ModelRequest } from "../language-model.ts";

type InputItem = OpenAI.Responses.ResponseInputItem;

/**
 * Converts to Responses input items, in order: user text as user messages, the assistant's reasoning
 * items (with their encrypted content: nothing is stored at OpenAI, so the model's reasoning reaches
 * the next turn only this way), its text, its calls as `function_call` items, and tool results as
 * `function_call_output` items. The system prompt goes in `instructions`.
 */
export function convertToResponsesInput(request: ModelRequest): InputItem[] {
  const items: InputItem[] = [];
  for (const message of request.messages) {
    if (message.role === "assistant") {
      for (const part of message.content) {
        if (part.type === "reasoning") {
          // Only OpenAI's own reasoning goes back; Anthropic's thinking is not readable here.
          if ("encrypted" in part) {
            items.push({ type: "reasoning", id: part.id, encrypted_content: part.encrypted, summary: part.summary ? [{ type: "summary_text", text: part.summary }] : [] });
          }
        } else if (part.type === "text") {
          items.push({ role: "assistant", content: part.text });
        } else {
          items.push({ type: "function_call", call_id: part.id, name: part.name, arguments: typeof part.input === "string" ? part.input : JSON.stringify(part.input ?? {}) });
        }
      }
      continue;
    }
    for (const part of message.content) {
      if (part.type === "tool-result") items.push({ type: "function_call_output", call_id: part.toolCallId, output: part.output });
    }
    const text = message.content.flatMap((part) => (part.type === "text" ? [part.text] : [])).join("\n\n");
    if (text) items.push({ role: "user", content: text });
  }
  return items;
}

export function convertToResponsesTools(request: ModelRequest): OpenAI.Responses.FunctionTool[] {
  return request.tools.map((tool) => ({ type: "function", name: tool.name, description: tool.description, parameters: tool.parameters, strict: false }));
}

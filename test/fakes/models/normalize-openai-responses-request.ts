import { asArray, asObject, asString, type JsonObject } from "./json-access.ts";
import type { NormalizedMessage, NormalizedRequest } from "./types.ts";

/**
 * Reads a Responses body into the protocol-neutral shape: `instructions` and system/developer
 * messages are the system text; consecutive `function_call` items join one assistant message (with
 * the text before them), `function_call_output` items one user message (with the user text after
 * them). Reasoning items are left to `body.input`.
 */
export function normalizeOpenAiResponsesRequest(body: JsonObject, path: string, headers: Record<string, string>): NormalizedRequest {
  const systemTexts: string[] = typeof body.instructions === "string" ? [body.instructions] : [];
  const messages: NormalizedMessage[] = [];
  const input = typeof body.input === "string" ? [{ role: "user", content: body.input }] : asArray(body.input);
  for (const value of input) {
    const item = asObject(value);
    const last = messages.at(-1);
    if (item.type === "reasoning") continue;
    if (item.type === "function_call") {
      const call = { id: asString(item.call_id), name: asString(item.name), arguments: parseArguments(item.arguments) };
      if (last?.role === "assistant") last.toolCalls.push(call);
      else messages.push({ role: "assistant", text: "", toolCalls: [call] });
      continue;
    }
    if (item.type === "function_call_output") {
      const result = { toolCallId: asString(item.call_id), content: textOf(item.output), isError: false };
      if (last?.role === "user" && last.toolResults.length > 0 && last.text === "") last.toolResults.push(result);
      else messages.push({ role: "user", text: "", toolResults: [result] });
      continue;
    }
    const role = asString(item.role);
    const text = textOf(item.content);
    if (role === "system" || role === "developer") systemTexts.push(text);
    else if (role === "assistant") messages.push({ role: "assistant", text, toolCalls: [] });
    else if (last?.role === "user" && last.toolResults.length > 0 && last.text === "") last.text = text;
    else messages.push({ role: "user", text, toolResults: [] });
  }
  return {
    protocol: "openai",
    path,
    model: asString(body.model),
    system: systemTexts.filter((text) => text !== "").join("\n"),
    messages,
    tools: asArray(body.tools).map((tool) => {
      const definition = asObject(tool);
      return { name: asString(definition.name), description: asString(definition.description), parameters: definition.parameters };
    }),
    toolChoice: body.tool_choice,
    maxTokens: typeof body.max_output_tokens === "number" ? body.max_output_tokens : undefined,
    stream: body.stream === true,
    headers,
    body,
  };
}

function parseArguments(raw: unknown): unknown {
  if (typeof raw !== "string") return raw;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}

/** A string as it is, or the text of input_text / output_text parts joined with "\n". */
function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  return asArray(content)
    .map(asObject)
    .filter((part) => part.type === "input_text" || part.type === "output_text" || part.type === "text")
    .map((part) => asString(part.text))
    .join("\n");
}

import { asArray, asObject, asString, type JsonObject } from "./json-access.ts";
import type { NormalizedMessage, NormalizedRequest, NormalizedToolCall } from "./types.ts";

/** Reads a Chat Completions body into the protocol-neutral shape tests assert on. */
export function normalizeOpenAiRequest(
  body: JsonObject,
  path: string,
  headers: Record<string, string>,
): NormalizedRequest {
  const systemTexts: string[] = [];
  const messages: NormalizedMessage[] = [];
  // The user message gathering a run of tool results, which the next user message joins.
  let toolResultTurn: Extract<NormalizedMessage, { role: "user" }> | undefined;
  for (const message of asArray(body.messages)) {
    const { role, content, tool_calls: toolCalls } = asObject(message);
    if (role === "tool" || role === "function") {
      if (!toolResultTurn) {
        toolResultTurn = { role: "user", text: "", toolResults: [] };
        messages.push(toolResultTurn);
      }
      const { tool_call_id: toolCallId, name } = asObject(message);
      toolResultTurn.toolResults.push({
        toolCallId: asString(toolCallId ?? name),
        content: textOf(content),
        isError: false,
      });
      continue;
    }
    if (role === "user" && toolResultTurn) {
      toolResultTurn.text = textOf(content);
    } else if (role === "system" || role === "developer") {
      systemTexts.push(textOf(content));
    } else if (role === "assistant") {
      messages.push({ role: "assistant", text: textOf(content), toolCalls: asArray(toolCalls).map(toolCallOf) });
    } else {
      messages.push({ role: "user", text: textOf(content), toolResults: [] });
    }
    toolResultTurn = undefined;
  }
  const maxTokens = body.max_completion_tokens ?? body.max_tokens;
  return {
    protocol: "openai",
    path,
    model: asString(body.model),
    system: systemTexts.filter((text) => text !== "").join("\n"),
    messages,
    tools: asArray(body.tools).map((tool) => {
      const { function: functionTool, custom } = asObject(tool);
      const definition = asObject(functionTool ?? custom);
      return {
        name: asString(definition.name),
        description: asString(definition.description),
        parameters: definition.parameters ?? definition.format,
      };
    }),
    toolChoice: body.tool_choice,
    maxTokens: typeof maxTokens === "number" ? maxTokens : undefined,
    stream: body.stream === true,
    headers,
    body,
  };
}

function toolCallOf(value: unknown): NormalizedToolCall {
  const { id, function: functionCall, custom } = asObject(value);
  if (custom) {
    const { name, input } = asObject(custom);
    return { id: asString(id), name: asString(name), arguments: input };
  }
  const { name, arguments: rawArguments } = asObject(functionCall);
  return { id: asString(id), name: asString(name), arguments: parseArguments(rawArguments) };
}

function parseArguments(raw: unknown): unknown {
  if (typeof raw !== "string") return raw;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}

/** A string as it is, or the text parts of a part list joined with "\n". */
function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  return asArray(content)
    .map(asObject)
    .filter((part) => part.type === "text")
    .map((part) => asString(part.text))
    .join("\n");
}

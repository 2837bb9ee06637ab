import { asArray, asObject, asString, type JsonObject } from "./json-access.ts";
import type { NormalizedMessage, NormalizedRequest } from "./types.ts";

/** Reads a Messages API body into the protocol-neutral shape tests assert on. */
export function normalizeAnthropicRequest(
  body: JsonObject,
  path: string,
  headers: Record<string, string>,
): NormalizedRequest {
  const systemTexts = [textOf(body.system)];
  const messages: NormalizedMessage[] = [];
  for (const message of asArray(body.messages)) {
    const { role, content } = asObject(message);
    const blocks = typeof content === "string" ? [] : asArray(content).map(asObject);
    const text = textOf(content);
    if (role === "system") {
      systemTexts.push(text);
    } else if (role === "assistant") {
      const toolCalls = blocks
        .filter((block) => block.type === "tool_use")
        .map((block) => ({ id: asString(block.id), name: asString(block.name), arguments: block.input }));
      messages.push({ role: "assistant", text, toolCalls });
    } else {
      const toolResults = blocks
        .filter((block) => block.type === "tool_result")
        .map((block) => ({
          toolCallId: asString(block.tool_use_id),
          content: textOf(block.content),
          isError: block.is_error === true,
        }));
      messages.push({ role: "user", text, toolResults });
    }
  }
  return {
    protocol: "anthropic",
    path,
    model: asString(body.model),
    system: systemTexts.filter((text) => text !== "").join("\n"),
    messages,
    tools: asArray(body.tools).map((tool) => {
      const { name, description, input_schema: parameters } = asObject(tool);
      return { name: asString(name), description: asString(description), parameters };
    }),
    toolChoice: body.tool_choice,
    maxTokens: typeof body.max_tokens === "number" ? body.max_tokens : undefined,
    stream: body.stream === true,
    headers,
    body,
  };
}

/** A string as it is, or the text blocks of a block list joined with "\n". */
function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  return asArray(content)
    .map(asObject)
    .filter((block) => block.type === "text")
    .map((block) => asString(block.text))
    .join("\n");
}

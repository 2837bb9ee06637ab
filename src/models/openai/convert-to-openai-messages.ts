import type OpenAI from "openai";
import type { ModelRequest } from "../language-model.ts";

type ChatMessage = OpenAI.Chat.Completions.ChatCompletionMessageParam;

/** Converts to Chat Completions: system first, tool results as `tool` messages, in order. */
export function convertToOpenAIMessages(request: ModelRequest): ChatMessage[] {
  const messages: ChatMessage[] = [{ role: "system", content: request.system }];
  for (const message of request.messages) {
    if (message.role === "assistant") {
      const text = message.content.flatMap((part) => (part.type === "text" ? [part.text] : [])).join("");
      const toolCalls = message.content.flatMap((part) =>
        part.type === "tool-call"
          ? [{
              id: part.id,
              type: "function" as const,
              function: { name: part.name, arguments: typeof part.input === "string" ? part.input : JSON.stringify(part.input) },
            }]
          : [],
      );
      messages.push({ role: "assistant", content: text || null, ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}) });
      continue;
    }
    for (const part of message.content) {
      if (part.type === "tool-result") messages.push({ role: "tool", tool_call_id: part.toolCallId, content: part.output });
    }
    const text = message.content.flatMap((part) => (part.type === "text" ? [part.text] : [])).join("\n\n");
    if (text) messages.push({ role: "user", content: text });
  }
  return messages;
}

export function convertToOpenAITools(request: ModelRequest): OpenAI.Chat.Completions.ChatCompletionTool[] {
  return request.tools.map((tool) => ({
    type: "function",
    function: { name: tool.name, description: tool.description, parameters: tool.parameters },
  }));
}

import type OpenAI from "openai";
import type { AssistantPart, LanguageModel, ModelRequest, ModelResponse } from "../language-model.ts";
import { toModelError } from "../model-error.ts";
import { NON_REASONING_MODEL } from "../model-limits.ts";
import { convertToOpenAIMessages, convertToOpenAITools } from "./convert-to-openai-messages.ts";
import { mapOpenAIStopReason } from "./map-openai-stop-reason.ts";
import { openAiClient } from "./openai-client.ts";

export interface OpenAIModelOptions {
  /** The provider's name as the operator declared it: `openai`, `ollama`, `openrouter`, … */
  provider: string;
  apiKey: string;
  baseUrl?: string;
  maxRetries?: number;
  timeoutMs?: number;
}

/** Chat Completions, for OpenAI and every OpenAI-compatible server (Ollama, vLLM, OpenRouter, gateways). */
export class OpenAILanguageModel implements LanguageModel {
  readonly id: string;
  readonly #options: OpenAIModelOptions;
  #client: Promise<OpenAI> | undefined;
  readonly #model: string;
  readonly #isOpenAI: boolean;

  constructor(model: string, options: OpenAIModelOptions) {
    this.#model = model;
    this.id = `${options.provider}/${model}`;
    this.#isOpenAI = options.provider === "openai";
    this.#options = options;
  }

  #sdk(): Promise<OpenAI> {
    return (this.#client ??= openAiClient(this.#options));
  }

  async generate(request: ModelRequest): Promise<ModelResponse> {
    try {
      const client = await this.#sdk();
      const completion = await client.chat.completions.create(
        {
          model: this.#model,
          messages: convertToOpenAIMessages(request),
          tools: request.tools.length > 0 ? convertToOpenAITools(request) : undefined,
          // OpenAI's own API wants max_completion_tokens; compatible servers mostly know max_tokens.
          ...(this.#isOpenAI
            ? { max_completion_tokens: request.maxOutputTokens, prompt_cache_key: request.cacheKey }
            : { max_tokens: request.maxOutputTokens }),
          // Sent only when the operator or the repository chose an effort for the role: reasoning
          // models take it, and a server that knows no such field is then the operator's to fix.
          // OpenAI's models that do not reason (gpt-4o, gpt-4.1) refuse it: they are sent none.
          ...(request.effort && !(this.#isOpenAI && NON_REASONING_MODEL.test(this.#model)) ? { reasoning_effort: request.effort } : {}),
        },
        { signal: request.signal },
      );
      const choice = completion.choices[0];
      const message = choice?.message;
      const content: AssistantPart[] = [];
      if (message?.content) content.push({ type: "text", text: message.content });
      for (const call of message?.tool_calls ?? []) {
        if (call.type !== "function") continue;
        content.push({ type: "tool-call", id: call.id, name: call.function.name, input: parseArguments(call.function.arguments) });
      }
      const usage = completion.usage;
      return {
        content,
        stopReason: mapOpenAIStopReason(choice?.finish_reason, message?.refusal),
        usage: {
          inputTokens: usage?.prompt_tokens ?? 0,
          outputTokens: usage?.completion_tokens ?? 0,
          cacheReadTokens: usage?.prompt_tokens_details?.cached_tokens ?? 0,
          cacheWriteTokens: 0,
        },
      };
    } catch (error) {
      throw toModelError(error, this.id);
    }
  }
}

export function parseArguments(text: string): unknown {
  try {
    return JSON.parse(text || "{}");
  } catch {
    return text;
  }
}

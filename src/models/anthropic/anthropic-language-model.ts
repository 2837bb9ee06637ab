import type Anthropic from "@anthropic-ai/sdk";
import { THINKING_TOKENS, type AssistantPart, type LanguageModel, type ModelRequest, type ModelResponse, type Usage } from "../language-model.ts";
import { toModelError } from "../model-error.ts";
import { convertToAnthropicRequest } from "./convert-to-anthropic-messages.ts";
import { mapAnthropicStopReason } from "./map-anthropic-stop-reason.ts";

export interface AnthropicModelOptions {
  apiKey: string;
  baseUrl?: string;
  maxRetries?: number;
  timeoutMs?: number;
}

/** Anthropic's Messages API, streamed so long outputs never hit the SDK's non-streaming limits. */
export class AnthropicLanguageModel implements LanguageModel {
  readonly id: string;
  readonly #options: AnthropicModelOptions;
  #client: Promise<Anthropic> | undefined;
  readonly #model: string;

  constructor(model: string, options: AnthropicModelOptions) {
    this.#model = model;
    this.id = `anthropic/${model}`;
    this.#options = options;
  }

  /** The SDK is loaded at the first call, not at start: an idle app does not carry it. */
  #sdk(): Promise<Anthropic> {
    const options = this.#options;
    return (this.#client ??= import("@anthropic-ai/sdk").then(
      ({ default: Anthropic }) => new Anthropic({ apiKey: options.apiKey, baseURL: options.baseUrl, maxRetries: options.maxRetries ?? 2, timeout: options.timeoutMs ?? 10 * 60_000 }),
    ));
  }

  async generate(request: ModelRequest): Promise<ModelResponse> {
    const { system, tools, messages } = convertToAnthropicRequest(request);
    let stream: ReturnType<Anthropic["messages"]["stream"]> | undefined;
    try {
      const client = await this.#sdk();
      stream = client.messages.stream(
        { model: this.#model, max_tokens: request.maxOutputTokens, system, tools, messages, ...thinkingFor(request) },
        { signal: request.signal },
      );
      const message = await stream.finalMessage();
      const content: AssistantPart[] = [];
      for (const block of message.content) {
        if (block.type === "thinking") content.push({ type: "reasoning", text: block.thinking, signature: block.signature });
        else if (block.type === "redacted_thinking") content.push({ type: "reasoning", redacted: block.data });
        else if (block.type === "text") content.push({ type: "text", text: block.text });
        else if (block.type === "tool_use") content.push({ type: "tool-call", id: block.id, name: block.name, input: block.input });
      }
      return { content, stopReason: mapAnthropicStopReason(message.stop_reason), usage: toUsage(message.usage) };
    } catch (error) {
      const failure = toModelError(error, this.id);
      // The stream had begun (its first event carries the prompt's usage) and was then cut — aborted,
      // dropped, or its content did not parse: billed all the same. The output tokens are those the
      // provider had reported when it was cut (it reports them in full only at the end), so this is
      // what is known of the cost, not all of it.
      const started = stream?.currentMessage?.usage;
      if (started && !failure.billed) failure.billed = toUsage(started);
      throw failure;
    }
  }
}

/**
 * Extended thinking for a request with an effort: the effort's budget, kept below `max_tokens` with
 * room for the answer (the API requires budget < max_tokens, and at least 1,024); none when the call
 * allows too little output for both.
 */
export function thinkingFor(request: ModelRequest): { thinking?: { type: "enabled"; budget_tokens: number } } {
  if (!request.effort) return {};
  const budget = Math.min(THINKING_TOKENS[request.effort], request.maxOutputTokens - 1_024);
  return budget >= 1_024 ? { thinking: { type: "enabled", budget_tokens: budget } } : {};
}

function toUsage(usage: Anthropic.Messages.Usage): Usage {
  const cacheRead = usage.cache_read_input_tokens ?? 0;
  const cacheWrite = usage.cache_creation_input_tokens ?? 0;
  const cacheWriteLong = usage.cache_creation?.ephemeral_1h_input_tokens ?? 0;
  return {
    inputTokens: usage.input_tokens + cacheRead + cacheWrite,
    outputTokens: usage.output_tokens,
    cacheReadTokens: cacheRead,
    cacheWriteTokens: cacheWrite,
    cacheWriteLongTokens: cacheWriteLong,
  };
}

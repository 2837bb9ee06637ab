import type OpenAI from "openai";
import type { AssistantPart, LanguageModel, ModelRequest, ModelResponse, StopReason } from "../language-model.ts";
import { toModelError } from "../model-error.ts";
import { NON_REASONING_MODEL, REASONING_MODEL } from "../model-limits.ts";
import { convertToResponsesInput, convertToResponsesTools } from "./convert-to-responses-input.ts";
import { openAiClient } from "./openai-client.ts";
import { parseArguments, type OpenAIModelOptions } from "./openai-language-model.ts";

/**
 * OpenAI's Responses API, streamed. Nothing is stored at OpenAI (`store: false`, no
 * `previous_response_id`): every call carries the whole conversation, and the model's reasoning
 * travels as encrypted reasoning items it returned, sent back as they came.
 */
export class OpenAIResponsesModel implements LanguageModel {
  readonly id: string;
  readonly #options: OpenAIModelOptions;
  readonly #model: string;
  #client: Promise<OpenAI> | undefined;

  constructor(model: string, options: OpenAIModelOptions) {
    this.#model = model;
    this.id = `${options.provider}/${model}`;
    this.#options = options;
  }

  #sdk(): Promise<OpenAI> {
    return (this.#client ??= openAiClient(this.#options));
  }

  async generate(request: ModelRequest): Promise<ModelResponse> {
    try {
      // A model known not to reason refuses an effort (HTTP 400): it is sent none.
      if (NON_REASONING_MODEL.test(this.#model) && request.effort) request = withoutEffort(request);
      // Asked for only when reasoning is in play: models that do not reason refuse it (HTTP 400).
      const encrypted = !this.#encryptedRefused && (request.effort !== undefined || REASONING_MODEL.test(this.#model));
      try {
        return await this.#generate(request, encrypted);
      } catch (error) {
        // A model this app does not know as a reasoning one, given an effort: once without, and never again.
        if (!encrypted || !refusesEncryptedContent(error)) throw error;
        this.#encryptedRefused = true;
        return await this.#generate(request, false);
      }
    } catch (error) {
      throw toModelError(error, this.id);
    }
  }

  #encryptedRefused = false;

  async #generate(request: ModelRequest, encrypted: boolean): Promise<ModelResponse> {
    const client = await this.#sdk();
    const stream = client.responses.stream(
      {
        model: this.#model,
        instructions: request.system,
        input: convertToResponsesInput(request),
        tools: request.tools.length > 0 ? convertToResponsesTools(request) : undefined,
        max_output_tokens: request.maxOutputTokens,
        store: false,
        // Without storage, the reasoning of one turn reaches the next only as this encrypted content.
        ...(encrypted ? { include: ["reasoning.encrypted_content" as const] } : {}),
        ...(request.cacheKey ? { prompt_cache_key: request.cacheKey } : {}),
        // Sent only when the operator or the repository chose an effort for the role.
        ...(request.effort ? { reasoning: { effort: request.effort } } : {}),
      },
      { signal: request.signal },
    );
    const response = await stream.finalResponse();
    return toModelResponse(response);
  }
}

/** The request without its effort. */
export function withoutEffort(request: ModelRequest): ModelRequest {
  const { effort: _effort, ...rest } = request;
  return rest;
}

/** The 400 a model that does not reason answers `include: ["reasoning.encrypted_content"]` with. */
function refusesEncryptedContent(error: unknown): boolean {
  const status = (error as { status?: unknown }).status;
  return status === 400 && /encrypted content is not supported/i.test((error as Error).message ?? "");
}

function toModelResponse(response: OpenAI.Responses.Response): ModelResponse {
  const content: AssistantPart[] = [];
  let refused = false;
  for (const item of response.output) {
    if (item.type === "reasoning") {
      // Without its encrypted content a reasoning item cannot be sent back (nothing is stored).
      if (item.encrypted_content) content.push({ type: "reasoning", id: item.id, encrypted: item.encrypted_content, summary: item.summary.map((part) => part.text).join("\n\n") });
    } else if (item.type === "message") {
      const text = item.content.map((part) => (part.type === "output_text" ? part.text : "")).join("");
      if (item.content.some((part) => part.type === "refusal")) refused = true;
      if (text) content.push({ type: "text", text });
    } else if (item.type === "function_call") {
      content.push({ type: "tool-call", id: item.call_id, name: item.name, input: parseArguments(item.arguments) });
    }
  }
  const usage = response.usage;
  return {
    content,
    stopReason: stopReason(response, refused, content.some((part) => part.type === "tool-call")),
    usage: {
      inputTokens: usage?.input_tokens ?? 0,
      outputTokens: usage?.output_tokens ?? 0,
      cacheReadTokens: usage?.input_tokens_details?.cached_tokens ?? 0,
      cacheWriteTokens: 0,
    },
  };
}

function stopReason(response: OpenAI.Responses.Response, refused: boolean, called: boolean): StopReason {
  if (refused) return "refusal";
  if (response.status === "incomplete") {
    const reason = response.incomplete_details?.reason;
    return reason === "max_output_tokens" ? "max-tokens" : reason === "content_filter" ? "refusal" : "other";
  }
  if (response.status !== "completed") return "other";
  return called ? "tool-use" : "end";
}

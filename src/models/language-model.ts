/** The provider-neutral model interface every role talks to (in the spirit of vercel/ai's `doGenerate`). */
export interface ToolSpec {
  name: string;
  description: string;
  /** JSON schema of the arguments. */
  parameters: Record<string, unknown>;
}

export type UserPart =
  | { type: "text"; text: string; cache?: boolean }
  | {
      type: "tool-result";
      toolCallId: string;
      toolName: string;
      output: string;
      isError: boolean;
      /**
       * The end of the pruned history (`pruneToolOutputs`): what comes before it stays as it is until
       * the next pruning, so providers that cache at marked points (Anthropic) keep a breakpoint here.
       */
      cache?: boolean;
    };
export type AssistantPart = { type: "text"; text: string } | ToolCall | Reasoning;
/**
 * A model's reasoning as its provider returns it (Anthropic's thinking blocks, signed; a redacted one
 * carries only its encrypted `data`; an OpenAI Responses reasoning item, its `encrypted` content and
 * summary), sent back unchanged within the run: the provider requires it, and each provider sends
 * back only its own kind.
 */
export type Reasoning =
  | { type: "reasoning"; text: string; signature: string }
  | { type: "reasoning"; redacted: string }
  | { type: "reasoning"; id: string; encrypted: string; summary: string };
export interface ToolCall {
  type: "tool-call";
  id: string;
  name: string;
  /** Parsed arguments, or the raw text when the model sent invalid JSON. */
  input: unknown;
}

export type ModelMessage = { role: "user"; content: UserPart[] } | { role: "assistant"; content: AssistantPart[] };

export interface ModelRequest {
  /** Byte-stable across calls of one role, so providers can cache it. */
  system: string;
  messages: ModelMessage[];
  tools: ToolSpec[];
  maxOutputTokens: number;
  /** Groups calls that share a prefix (OpenAI's `prompt_cache_key`): mission and role. */
  cacheKey?: string;
  /**
   * How hard the model thinks before it answers (Anthropic's extended thinking budget, OpenAI's
   * `reasoning_effort`); the provider's default when absent. Thinking counts as output, within
   * `maxOutputTokens`.
   */
  effort?: Effort;
  signal?: AbortSignal;
}

export type Effort = "low" | "medium" | "high";

/** The thinking budget of each effort (Anthropic), and the output a call gains for it (both providers). */
export const THINKING_TOKENS: Record<Effort, number> = { low: 2_048, medium: 8_192, high: 24_576 };

export type StopReason = "end" | "tool-use" | "max-tokens" | "refusal" | "other";

export interface Usage {
  /** All input tokens, cached or not. */
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  /** The part of the cache writes kept for an hour (Anthropic), dearer than the 5-minute kind. */
  cacheWriteLongTokens?: number;
}

export interface ModelResponse {
  content: AssistantPart[];
  stopReason: StopReason;
  usage: Usage;
}

export interface LanguageModel {
  /** `provider/model`, as the operator and repositories name it. */
  readonly id: string;
  generate(request: ModelRequest): Promise<ModelResponse>;
}

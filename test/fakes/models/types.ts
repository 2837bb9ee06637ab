export type Protocol = "anthropic" | "openai";

export interface NormalizedToolCall {
  id: string;
  name: string;
  /** Parsed JSON, or the raw string when it does not parse. */
  arguments: unknown;
}

export interface NormalizedToolResult {
  toolCallId: string;
  content: string;
  isError: boolean;
}

export type NormalizedMessage =
  | { role: "user"; text: string; toolResults: NormalizedToolResult[] }
  | { role: "assistant"; text: string; toolCalls: NormalizedToolCall[] };

export interface NormalizedTool {
  name: string;
  description: string;
  parameters: unknown;
}

/** One model request, the same shape whichever protocol carried it. */
export interface NormalizedRequest {
  protocol: Protocol;
  path: string;
  model: string;
  /** All system (and OpenAI developer) text, joined with "\n". */
  system: string;
  /**
   * Several text blocks of one message are joined with "\n". OpenAI "tool" messages are folded into
   * a user message's toolResults, together with the user message right after them if there is one,
   * which is how the Anthropic protocol has to carry the same turn.
   */
  messages: NormalizedMessage[];
  tools: NormalizedTool[];
  toolChoice: unknown;
  maxTokens: number | undefined;
  stream: boolean;
  /** Lower-case names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  /** The raw JSON body, for assertions the normalized fields do not cover. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests dig into raw bodies freely
  body: any;
}

/**
 * Provider-neutral token counts, meant as the app's own Usage (src/models) means them.
 * On the wire: Anthropic's input_tokens is inputTokens − cacheReadTokens − cacheWriteTokens;
 * OpenAI's prompt_tokens is inputTokens and its cached_tokens is cacheReadTokens.
 */
export interface Usage {
  /** The whole prompt, cached or not. */
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  /** The part of the cache writes kept for an hour (Anthropic reports it apart; it costs more). */
  cacheWriteLongTokens?: number;
}

/** "end" → end_turn / stop; "tool_use" → tool_use / tool_calls; "max_tokens" → max_tokens / length. */
export type StopReason = "end" | "tool_use" | "max_tokens" | "refusal";

export interface ScriptedToolCall {
  name: string;
  /** An object, or a string sent verbatim (to inject invalid JSON). */
  arguments: unknown;
  /** Defaults to a fresh toolu_… (Anthropic) or call_… (OpenAI) id. */
  id?: string;
}

interface ContentReplyFields {
  /**
   * Anthropic: a thinking block before the text and tool calls, with a signature the fake checks
   * when the client sends it back. OpenAI Responses: a reasoning item first, its summary this text,
   * its `encrypted_content` (when `include` asks for it) checked likewise. Ignored by Chat Completions.
   */
  thinking?: string;
  /** Defaults to "tool_use" when there are tool calls, "end" otherwise. */
  stopReason?: StopReason;
  /** Overrides the computed counts field by field. */
  usage?: Partial<Usage>;
  delayMs?: number;
}

export interface TextReply extends ContentReplyFields {
  text: string;
  toolCalls?: ScriptedToolCall[];
}

export interface ToolCallsReply extends ContentReplyFields {
  toolCalls: ScriptedToolCall[];
  text?: string;
}

export interface ErrorReply {
  error: {
    status: number;
    /** Defaults to the provider's type for the status (e.g. 529 → overloaded_error). */
    type?: string;
    message?: string;
    /** Sent as response headers, e.g. retry-after or retry-after-ms. */
    headers?: Record<string, string>;
  };
  delayMs?: number;
}

/** Never answers; the connection is destroyed when the fake closes. */
export interface HangReply {
  hang: true;
}

/** Sends the first part of the response, then drops the connection. */
export interface TruncateStreamReply {
  truncateStream: true;
  text: string;
}

/** A 200 answer whose body is sent verbatim: malformed JSON, a broken event stream. */
export interface RawReply {
  raw: string;
  /** Defaults to text/event-stream for streaming requests, application/json otherwise. */
  contentType?: string;
}

export type Reply = TextReply | ToolCallsReply | ErrorReply | HangReply | TruncateStreamReply | RawReply;

/** index counts the requests that reached the script (0 for the first). */
export type Responder = (request: NormalizedRequest, index: number) => Reply | Promise<Reply>;

export interface RecordedCall {
  request: NormalizedRequest;
  /** The reply as sent: generated tool-call ids are filled in. */
  reply: Reply;
  usage: Usage;
  startedAt: number;
  /** When the response finished or the connection closed; the reply time while still open. */
  endedAt: number;
}

export interface FakeModelsOptions {
  /** When given, a request presenting another key gets the provider's 401. */
  apiKeys?: { anthropic?: string; openai?: string };
  /** The clock for cache lifetimes and recorded times; defaults to Date.now. */
  now?: () => number;
  /**
   * Anthropic's minimum cacheable prompt length by model (default: the documented table,
   * `minimumCacheableTokens`); a benchmark sets the strictest one to measure what cannot flatter.
   */
  cacheMinimumTokens?: (model: string) => number;
  /** What GET …/v1/models lists. */
  models?: { anthropic?: string[]; openai?: string[] };
}

export interface FakeModels {
  url: string;
  /** For `new Anthropic({ baseURL })`. */
  anthropicBaseUrl: string;
  /** For `new OpenAI({ baseURL })`. */
  openaiBaseUrl: string;
  /** Replaces the responder. */
  script(responder: Responder): void;
  /** Every model request (messages / chat completions) in the order its reply was decided. */
  calls: RecordedCall[];
  close(): Promise<void>;
}

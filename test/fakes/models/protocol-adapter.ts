import type { JsonObject } from "./json-access.ts";
import type { ResolvedReply } from "./resolve-reply.ts";
import type { NormalizedRequest, Protocol, Usage } from "./types.ts";

/** What the reply encoders need besides the reply itself. */
export interface ReplyContext {
  requestId: string;
  model: string;
  usage: Usage;
  /** Anthropic reports written cache tokens by breakpoint lifetime as well. */
  writeTokensByTtl: { fiveMinutes: number; oneHour: number };
  /** The fake's clock, in milliseconds. */
  createdAt: number;
  body: JsonObject;
}

export interface PromptAccounting {
  inputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  writeTokensByTtl: { fiveMinutes: number; oneHour: number };
  /** Makes the prompt's cache writes readable: called once its response has been sent. */
  commit(): void;
}

/** Everything that differs between the two wire protocols; the server itself is shared. */
export interface ProtocolAdapter {
  protocol: Protocol;
  /** The response header carrying the request id (request-id / x-request-id). */
  requestIdHeader: string;
  newRequestId(): string;
  newToolCallId(): string;
  presentedApiKey(headers: Record<string, string>): string | undefined;
  /** The provider's words for a 401. */
  invalidKeyMessage(presented: string | undefined): string;
  requestProblem(body: JsonObject): string | undefined;
  normalize(body: JsonObject, path: string, headers: Record<string, string>): NormalizedRequest;
  /** Counts the prompt and updates this server's prompt cache. */
  accountPrompt(body: JsonObject): PromptAccounting;
  errorBody(status: number, type: string | undefined, message: string, requestId: string): unknown;
  messageBody(reply: ResolvedReply, context: ReplyContext): unknown;
  /** Complete server-sent-event frames, each ending in a blank line. */
  streamFrames(reply: ResolvedReply, context: ReplyContext): string[];
  modelList(models: string[]): unknown;
  modelInfo(model: string): unknown;
}

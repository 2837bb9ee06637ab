export { startFakeModels } from "./start-fake-models.ts";
export { textReply } from "./text-reply.ts";
export { toolReply } from "./tool-reply.ts";
export { scriptQueue, type QueuedReply } from "./script-queue.ts";
export { estimateTokens } from "./estimate-tokens.ts";
export { minimumCacheableTokens } from "./anthropic-prompt-cache.ts";
export type {
  ErrorReply,
  FakeModels,
  FakeModelsOptions,
  HangReply,
  NormalizedMessage,
  NormalizedRequest,
  NormalizedTool,
  NormalizedToolCall,
  NormalizedToolResult,
  Protocol,
  RecordedCall,
  Reply,
  Responder,
  ScriptedToolCall,
  StopReason,
  TextReply,
  ToolCallsReply,
  TruncateStreamReply,
  Usage,
} from "./types.ts";

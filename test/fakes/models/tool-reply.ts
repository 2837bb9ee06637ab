import type { ToolCallsReply } from "./types.ts";

/** The model calls one tool; `args` may be a string to send malformed JSON verbatim. */
export function toolReply(name: string, args: unknown): ToolCallsReply {
  return { toolCalls: [{ name, arguments: args }] };
}

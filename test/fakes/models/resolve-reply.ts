import type { StopReason, TextReply, ToolCallsReply } from "./types.ts";

export interface ResolvedToolCall {
  id: string;
  name: string;
  arguments: unknown;
  /** What goes on the wire: a scripted string verbatim, anything else serialized. */
  argumentsJson: string;
}

/** A content reply with every default decided, ready for either protocol's encoder. */
export interface ResolvedReply {
  text: string;
  toolCalls: ResolvedToolCall[];
  stopReason: StopReason;
}

export function resolveReply(reply: TextReply | ToolCallsReply, newToolCallId: () => string): ResolvedReply {
  const toolCalls = (reply.toolCalls ?? []).map((call) => ({
    id: call.id ?? newToolCallId(),
    name: call.name,
    arguments: call.arguments,
    argumentsJson: typeof call.arguments === "string" ? call.arguments : (JSON.stringify(call.arguments ?? {}) ?? "{}"),
  }));
  return {
    text: reply.text ?? "",
    toolCalls,
    stopReason: reply.stopReason ?? (toolCalls.length > 0 ? "tool_use" : "end"),
  };
}

/** The fake's output count: a quarter of the characters of the text and tool arguments. */
export function outputTokens(reply: ResolvedReply): number {
  const characters = reply.toolCalls.reduce((sum, call) => sum + call.argumentsJson.length, reply.text.length);
  return Math.ceil(characters / 4);
}

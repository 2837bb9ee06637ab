import { createHash } from "node:crypto";
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
  /** A thinking block (Anthropic) and its signature. */
  thinking?: { text: string; signature: string };
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
    ...(reply.thinking !== undefined ? { thinking: { text: reply.thinking, signature: thinkingSignature(reply.thinking) } } : {}),
    text: reply.text ?? "",
    toolCalls,
    stopReason: reply.stopReason ?? (toolCalls.length > 0 ? "tool_use" : "end"),
  };
}

/** The fake's signature of a thinking block: what a client must send back unchanged with it. */
export function thinkingSignature(text: string): string {
  return `fake-sig-${createHash("sha256").update(text).digest("base64url").slice(0, 24)}`;
}

/** The fake's output count: a quarter of the characters of the thinking, the text and tool arguments. */
export function outputTokens(reply: ResolvedReply): number {
  const characters = reply.toolCalls.reduce((sum, call) => sum + call.argumentsJson.length, reply.text.length + (reply.thinking?.text.length ?? 0));
  return Math.ceil(characters / 4);
}

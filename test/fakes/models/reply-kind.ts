import type { ErrorReply, HangReply, RawReply, Reply, TextReply, ToolCallsReply, TruncateStreamReply } from "./types.ts";

export type ClassifiedReply =
  | { kind: "content"; reply: TextReply | ToolCallsReply }
  | { kind: "error"; reply: ErrorReply }
  | { kind: "hang"; reply: HangReply }
  | { kind: "truncate"; reply: TruncateStreamReply }
  | { kind: "raw"; reply: RawReply };

/** Tells the reply variants apart; anything unrecognisable is a content reply with no text. */
export function replyKind(reply: Reply): ClassifiedReply {
  if ("error" in reply) return { kind: "error", reply };
  if ("hang" in reply) return { kind: "hang", reply };
  if ("truncateStream" in reply) return { kind: "truncate", reply };
  if ("raw" in reply) return { kind: "raw", reply };
  return { kind: "content", reply };
}

import type { TextReply } from "./types.ts";

/** The model answers with text and ends its turn. */
export function textReply(text: string): TextReply {
  return { text };
}

import type { NormalizedRequest, Reply, Responder } from "./types.ts";

export type QueuedReply = Reply | ((request: NormalizedRequest) => Reply | Promise<Reply>);

/**
 * Answers requests with the given replies in order (a function is called with the request). One
 * request too many is a test bug: it throws, which the fake answers as a 500 with this message
 * and records.
 */
export function scriptQueue(replies: QueuedReply[]): Responder {
  let next = 0;
  return (request) => {
    const reply = replies[next];
    if (reply === undefined) {
      const lastUser = request.messages.findLast((message) => message.role === "user");
      throw new Error(
        `scriptQueue exhausted: request ${next + 1} (${request.protocol} ${request.model}) but only ` +
          `${replies.length} replies were scripted; last user text: ${JSON.stringify(lastUser?.text.slice(0, 200) ?? "")}`,
      );
    }
    next++;
    return typeof reply === "function" ? reply(request) : reply;
  };
}

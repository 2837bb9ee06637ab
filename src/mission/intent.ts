import type { CommandVerb } from "./commands.ts";

/**
 * A command from a person with write permission, recorded by the webhook intake and applied by
 * the engine at the next step boundary: the engine is the only writer of mission state.
 */
export interface Intent {
  seq: number;
  /**
   * A command; `revalidate` (text: the milestone) when someone pressed Re-run on a check run;
   * `pull-closed` (text: `merged` or `closed`) when someone merged or closed the mission's pull request.
   */
  verb: Exclude<CommandVerb, "help" | "status"> | "status" | "revalidate" | "pull-closed";
  text: string;
  author: string;
  /** When the comment was written: decides which contract version `/mission approve` meant. */
  at: string;
  commentId?: number;
  /**
   * Where the command came from (`comment:<id>:<n>`, `review:<id>`): the same command recorded twice
   * — a crash before its delivery was marked done, a redelivery under a new id — counts once.
   */
  source?: string;
}

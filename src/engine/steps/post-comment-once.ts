import type { Mission } from "../../mission/index.ts";
import type { StepContext } from "../engine-deps.ts";
import { repoRef } from "./remote-access.ts";

/**
 * Posts a comment unless the app already did: a crash between posting and saving must not post
 * twice. Only the app's own comments are searched, so a person cannot pre-empt one.
 */
export async function postCommentOnce(context: StepContext, mission: Mission, marker: string, body: string): Promise<number> {
  const repo = repoRef(mission);
  const existing = await context.github.findOwnComment(repo, mission.issue.number, marker);
  if (existing) {
    if (existing.body !== body) await context.github.updateComment(repo, existing.id, body);
    return existing.id;
  }
  return context.github.postComment(repo, mission.issue.number, body);
}

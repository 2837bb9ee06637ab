import type { GitTreeChange } from "../../github/index.ts";
import type { Mission } from "../../mission/index.ts";
import { PushRejectedError, WorkflowPermissionError, workflowFilesRefused, type CommitChange } from "../../workspace/index.ts";
import type { StepContext } from "../engine-deps.ts";
import { remoteAccess, repoRef } from "./remote-access.ts";

/**
 * Puts the checkout's HEAD commit (one feature or checkpoint, on the branch's head) on the mission's
 * branch, and returns the commit the branch now has.
 *
 * By default through the Git Data API: the same change, the same message (trailers and all) and the
 * same parent, made by GitHub — which makes the app's bot its author and committer and signs it, so a
 * branch that requires signed commits takes it. The branch is moved without force; the checkout is then
 * reset to GitHub's commit (the same tree), so later steps and the recovery by trailers see it. With
 * `MISSIONS_COMMITS=push` the local commit is pushed with git instead (unsigned).
 *
 * Either way a branch that moved meanwhile is a `PushRejectedError` (the step runs again from the new
 * head), and a refusal for want of the `workflows` permission a `WorkflowPermissionError` that keeps
 * the local commit for `unpushedCommit`. `freshToken` asks GitHub for a new installation token first
 * (a token keeps the permissions it was made with).
 */
export async function publishCommit(context: StepContext, mission: Mission, directory: string, options: { freshToken?: boolean } = {}): Promise<string> {
  const branch = mission.branch!;
  const remote = await remoteAccess(context, mission, options);
  if (context.settings.commits === "push") {
    await context.workspace.push(directory, remote, branch);
    return context.workspace.head(directory);
  }
  const repo = repoRef(mission);
  const local = await context.workspace.commitContent(directory, await context.workspace.head(directory));
  let sha: string;
  try {
    const made = await context.github.createCommit(repo, { parent: local.parent, baseTree: local.parentTree, message: local.message, changes: local.changes.map(treeChange) });
    if (made.tree !== local.tree) throw new Error(`the commit GitHub made has the tree ${made.tree}, not the checkout's ${local.tree}`);
    sha = made.sha;
    await context.github.updateBranch(repo, branch, sha);
  } catch (error) {
    const message = String((error as Error).message ?? error);
    const files = workflowFilesRefused(message);
    if (files.length > 0) {
      await context.workspace.keepUnpushed(directory, branch);
      throw new WorkflowPermissionError(branch, files, error as Error);
    }
    // Not a fast-forward (or the branch was created meanwhile): someone moved it.
    if ((error as { status?: number }).status === 422 && /fast forward|already exists/i.test(message)) throw new PushRejectedError(branch, error as Error);
    throw error;
  }
  await context.workspace.adopt(directory, remote, branch, sha);
  return sha;
}

function treeChange(change: CommitChange): GitTreeChange {
  if (change.kind === "deleted") return { path: change.path, mode: change.mode, deleted: true };
  if (change.kind === "submodule") return { path: change.path, mode: "160000", sha: change.sha };
  // A blob whose content the parent already had (only its mode changed) is on GitHub: named, not uploaded.
  return { path: change.path, mode: change.mode, content: change.content, sha: change.sha, known: change.unchangedContent };
}

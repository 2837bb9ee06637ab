import type { FakeState } from "./fake-state.ts";
import { branchShaSync } from "./git-reads.ts";
import { commentJson, issueJson } from "./github-json.ts";
import { nodeId } from "./node-id.ts";
import type { RepoRecord } from "./records.ts";
import type { CheckRun, Comment, Issue, Pull } from "./types.ts";

// What a person would see on GitHub, as plain copies: tests can keep them without seeing later
// changes, and cannot change the fake's state through them.

export function issueView(state: FakeState, repo: RepoRecord, number: number): Issue {
  const issue = repo.issues.get(number);
  if (!issue) throw new Error(`fake GitHub: no issue #${number} in ${repo.owner.login}/${repo.name}`);
  return issueJson(state, repo, issue);
}

export function commentViews(state: FakeState, repo: RepoRecord, number: number): Comment[] {
  return [...repo.comments.values()]
    .filter((comment) => comment.issueNumber === number)
    .sort((a, b) => a.id - b.id)
    .map((comment) => ({
      id: comment.id,
      body: comment.body,
      user: { login: comment.user.login, type: comment.user.type },
      created_at: comment.createdAt,
      updated_at: comment.updatedAt,
      edits: comment.edits,
      performed_via_github_app: comment.viaApp ? { id: state.appId, slug: state.appSlug } : null,
      html_url: String(commentJson(state, repo, comment).html_url),
      reactions: comment.reactions.map((r) => ({ content: r.content, user: r.user.login })),
    }));
}

export function checkRunViews(state: FakeState, repo: RepoRecord): CheckRun[] {
  return [...repo.checkRuns.values()]
    .sort((a, b) => a.id - b.id)
    .map((run) => ({
      id: run.id,
      name: run.name,
      head_sha: run.headSha,
      status: run.status,
      conclusion: run.conclusion,
      output: { title: run.title, summary: run.summary, text: run.text, annotations: structuredClone(run.annotations) },
      actions: structuredClone(run.actions),
      details_url: run.detailsUrl,
      external_id: run.externalId,
      started_at: run.startedAt,
      completed_at: run.completedAt,
      app: { id: state.appId, slug: state.appSlug },
      updates: run.updates,
    }));
}

export function pullViews(state: FakeState, repo: RepoRecord): Pull[] {
  const views: Pull[] = [];
  for (const issue of [...repo.issues.values()].sort((a, b) => a.number - b.number)) {
    if (!issue.pull) continue;
    views.push({
      number: issue.number,
      title: issue.title,
      body: issue.body,
      head: { ref: issue.pull.headRef, sha: branchShaSync(repo.gitDir, issue.pull.headRef) ?? null },
      base: { ref: issue.pull.baseRef },
      draft: issue.pull.draft,
      state: issue.state,
      merged: issue.pull.mergedAt !== undefined,
      node_id: nodeId("PR", issue.id),
      html_url: `${state.baseUrl}/${repo.owner.login}/${repo.name}/pull/${issue.number}`,
      user: { login: issue.user.login, type: issue.user.type },
    });
  }
  return views;
}

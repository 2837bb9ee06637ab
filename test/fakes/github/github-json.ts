import type { FakeState } from "./fake-state.ts";
import type { CheckRunRecord, CommentRecord, IssueRecord, LabelRecord, ReactionRecord, RepoRecord, ReviewCommentRecord, ReviewRecord, UserRecord } from "./records.ts";
import { nodeId } from "./node-id.ts";
import type { Issue, LabelJson, ReactionSummary, UserJson } from "./types.ts";

// Renders records as GitHub's REST JSON. Webhook payloads reuse these, so an object looks the
// same whether the app fetched it or was sent it.

const REACTIONS = ["+1", "-1", "laugh", "hooray", "confused", "heart", "rocket", "eyes"];

export function userJson(state: FakeState, user: UserRecord): UserJson {
  return {
    login: user.login,
    id: user.id,
    node_id: nodeId(user.type === "Bot" ? "BOT" : "U", user.id),
    avatar_url: `${state.baseUrl}/avatars/${encodeURIComponent(user.login)}`,
    gravatar_id: "",
    url: `${state.apiUrl}/users/${encodeURIComponent(user.login)}`,
    html_url: user.type === "Bot" ? `${state.baseUrl}/apps/${state.appSlug}` : `${state.baseUrl}/${user.login}`,
    type: user.type,
    site_admin: false,
  };
}

export function appJson(state: FakeState): Record<string, unknown> {
  return {
    id: state.appId,
    slug: state.appSlug,
    node_id: nodeId("A", state.appId),
    client_id: `Iv1.fake${state.appId}`,
    owner: userJson(state, state.user("fake-app-owner")),
    name: state.appSlug.charAt(0).toUpperCase() + state.appSlug.slice(1),
    description: "Fake GitHub App",
    external_url: state.baseUrl,
    html_url: `${state.baseUrl}/apps/${state.appSlug}`,
    created_at: "2024-01-01T00:00:00Z",
    updated_at: "2024-01-01T00:00:00Z",
    permissions: appPermissions(),
    events: ["issues", "issue_comment", "check_run", "pull_request", "pull_request_review", "pull_request_review_comment", "push"],
    installations_count: new Set(state.repos().map((repo) => repo.installationId)).size,
  };
}

/** What the app asks for, as in app.yml; an installation has these unless a test says otherwise. */
export function appPermissions(): Record<string, string> {
  return { checks: "write", contents: "write", issues: "write", metadata: "read", pull_requests: "write", workflows: "write" };
}

export function repoJson(state: FakeState, repo: RepoRecord): Record<string, unknown> {
  const fullName = `${repo.owner.login}/${repo.name}`;
  const api = `${state.apiUrl}/repos/${fullName}`;
  return {
    id: repo.id,
    node_id: nodeId("R", repo.id),
    name: repo.name,
    full_name: fullName,
    owner: userJson(state, repo.owner),
    private: false,
    visibility: "public",
    fork: false,
    archived: false,
    disabled: false,
    description: null,
    default_branch: repo.defaultBranch,
    html_url: `${state.baseUrl}/${fullName}`,
    url: api,
    clone_url: `${state.baseUrl}/${fullName}.git`,
    git_url: `${state.baseUrl}/${fullName}.git`,
    ssh_url: `git@127.0.0.1:${fullName}.git`,
    issues_url: `${api}/issues{/number}`,
    pulls_url: `${api}/pulls{/number}`,
    created_at: repo.createdAt,
    updated_at: repo.createdAt,
    pushed_at: repo.createdAt,
    has_issues: true,
    open_issues_count: [...repo.issues.values()].filter((issue) => issue.state === "open").length,
    topics: [],
  };
}

export function labelJson(state: FakeState, repo: RepoRecord, label: LabelRecord): LabelJson {
  return {
    id: label.id,
    node_id: nodeId("LA", label.id),
    url: `${state.apiUrl}/repos/${repo.owner.login}/${repo.name}/labels/${encodeURIComponent(label.name)}`,
    name: label.name,
    color: label.color,
    default: false,
    description: null,
  };
}

export function authorAssociation(state: FakeState, repo: RepoRecord, user: UserRecord): string {
  if (user.type === "Bot") return "NONE";
  const permission = state.permission(repo, user.login);
  if (permission === "admin" && user.login.toLowerCase() === repo.owner.login.toLowerCase()) return "OWNER";
  return permission === "none" ? "NONE" : "COLLABORATOR";
}

export function reactionSummary(url: string, reactions: ReactionRecord[]): ReactionSummary {
  const summary: ReactionSummary = { url, total_count: reactions.length };
  for (const content of REACTIONS) summary[content] = reactions.filter((r) => r.content === content).length;
  return summary;
}

export function reactionJson(state: FakeState, reaction: ReactionRecord): Record<string, unknown> {
  return {
    id: reaction.id,
    node_id: nodeId("REA", reaction.id),
    user: userJson(state, reaction.user),
    content: reaction.content,
    created_at: reaction.createdAt,
  };
}

export function issueJson(state: FakeState, repo: RepoRecord, issue: IssueRecord): Issue {
  const api = `${state.apiUrl}/repos/${repo.owner.login}/${repo.name}`;
  const url = `${api}/issues/${issue.number}`;
  const html = `${state.baseUrl}/${repo.owner.login}/${repo.name}/${issue.pull ? "pull" : "issues"}/${issue.number}`;
  const json: Issue = {
    id: issue.id,
    node_id: nodeId(issue.pull ? "PR" : "I", issue.id),
    url,
    repository_url: api,
    labels_url: `${url}/labels{/name}`,
    comments_url: `${url}/comments`,
    events_url: `${url}/events`,
    html_url: html,
    number: issue.number,
    state: issue.state,
    state_reason: issue.state === "closed" ? "completed" : null,
    title: issue.title,
    body: issue.body,
    user: userJson(state, issue.user),
    labels: issue.labels.map((label) => labelJson(state, repo, label)),
    assignee: null,
    assignees: [],
    milestone: null,
    locked: false,
    comments: [...repo.comments.values()].filter((c) => c.issueNumber === issue.number).length,
    created_at: issue.createdAt,
    updated_at: issue.updatedAt,
    closed_at: issue.closedAt,
    author_association: authorAssociation(state, repo, issue.user),
    reactions: reactionSummary(`${url}/reactions`, issue.reactions),
    performed_via_github_app: null,
  };
  if (issue.pull) {
    json.draft = issue.pull.draft;
    json.pull_request = {
      url: `${api}/pulls/${issue.number}`,
      html_url: html,
      diff_url: `${html}.diff`,
      patch_url: `${html}.patch`,
      merged_at: issue.pull.mergedAt ?? null,
    };
  }
  return json;
}

export function commentJson(state: FakeState, repo: RepoRecord, comment: CommentRecord): Record<string, unknown> {
  const api = `${state.apiUrl}/repos/${repo.owner.login}/${repo.name}`;
  const issue = repo.issues.get(comment.issueNumber);
  const kind = issue?.pull ? "pull" : "issues";
  return {
    id: comment.id,
    node_id: nodeId("IC", comment.id),
    url: `${api}/issues/comments/${comment.id}`,
    html_url: `${state.baseUrl}/${repo.owner.login}/${repo.name}/${kind}/${comment.issueNumber}#issuecomment-${comment.id}`,
    issue_url: `${api}/issues/${comment.issueNumber}`,
    body: comment.body,
    user: userJson(state, comment.user),
    created_at: comment.createdAt,
    updated_at: comment.updatedAt,
    author_association: authorAssociation(state, repo, comment.user),
    reactions: reactionSummary(`${api}/issues/comments/${comment.id}/reactions`, comment.reactions),
    performed_via_github_app: comment.viaApp ? appJson(state) : null,
  };
}

export interface PullShas {
  head: string | null;
  base: string | null;
}

export function pullJson(state: FakeState, repo: RepoRecord, issue: IssueRecord, shas: PullShas): Record<string, unknown> {
  const pull = issue.pull;
  if (!pull) throw new Error(`#${issue.number} is not a pull request`);
  const base = issueJson(state, repo, issue);
  const api = `${state.apiUrl}/repos/${repo.owner.login}/${repo.name}`;
  const side = (ref: string, sha: string | null): Record<string, unknown> => ({
    label: `${repo.owner.login}:${ref}`,
    ref,
    sha,
    user: userJson(state, repo.owner),
    repo: repoJson(state, repo),
  });
  return {
    id: pull.id,
    node_id: nodeId("PR", issue.id),
    number: issue.number,
    url: `${api}/pulls/${issue.number}`,
    html_url: base.html_url,
    diff_url: `${base.html_url}.diff`,
    patch_url: `${base.html_url}.patch`,
    issue_url: base.url,
    comments_url: base.comments_url,
    state: issue.state,
    locked: false,
    title: issue.title,
    body: issue.body,
    user: base.user,
    labels: base.labels,
    draft: pull.draft,
    head: side(pull.headRef, shas.head),
    base: side(pull.baseRef, shas.base),
    created_at: issue.createdAt,
    updated_at: issue.updatedAt,
    closed_at: issue.closedAt,
    merged_at: pull.mergedAt ?? null,
    merged: pull.mergedAt !== undefined,
    mergeable: null,
    merge_commit_sha: null,
    assignees: [],
    requested_reviewers: [],
    author_association: base.author_association,
  };
}

export function checkRunJson(state: FakeState, repo: RepoRecord, run: CheckRunRecord): Record<string, unknown> {
  const api = `${state.apiUrl}/repos/${repo.owner.login}/${repo.name}`;
  return {
    id: run.id,
    node_id: nodeId("CR", run.id),
    name: run.name,
    head_sha: run.headSha,
    external_id: run.externalId,
    url: `${api}/check-runs/${run.id}`,
    html_url: `${state.baseUrl}/${repo.owner.login}/${repo.name}/runs/${run.id}`,
    details_url: run.detailsUrl,
    status: run.status,
    conclusion: run.conclusion,
    started_at: run.startedAt,
    completed_at: run.completedAt,
    output: {
      title: run.title,
      summary: run.summary,
      text: run.text,
      annotations_count: run.annotations.length,
      annotations_url: `${api}/check-runs/${run.id}/annotations`,
    },
    check_suite: { id: run.checkSuiteId },
    app: appJson(state),
    pull_requests: [],
  };
}

export function reviewJson(state: FakeState, repo: RepoRecord, review: ReviewRecord): Record<string, unknown> {
  const api = `${state.apiUrl}/repos/${repo.owner.login}/${repo.name}`;
  const html = `${state.baseUrl}/${repo.owner.login}/${repo.name}/pull/${review.pullNumber}`;
  return {
    id: review.id,
    node_id: nodeId("PRR", review.id),
    user: userJson(state, review.user),
    body: review.body,
    state: review.state,
    html_url: `${html}#pullrequestreview-${review.id}`,
    pull_request_url: `${api}/pulls/${review.pullNumber}`,
    commit_id: review.commitId,
    submitted_at: review.submittedAt,
    author_association: authorAssociation(state, repo, review.user),
  };
}

export function reviewCommentJson(state: FakeState, repo: RepoRecord, comment: ReviewCommentRecord): Record<string, unknown> {
  const api = `${state.apiUrl}/repos/${repo.owner.login}/${repo.name}`;
  return {
    id: comment.id,
    node_id: nodeId("PRRC", comment.id),
    url: `${api}/pulls/comments/${comment.id}`,
    pull_request_review_id: comment.reviewId,
    diff_hunk: `@@ -${comment.line},1 +${comment.line},1 @@`,
    path: comment.path,
    commit_id: comment.commitId,
    original_commit_id: comment.commitId,
    user: userJson(state, comment.user),
    body: comment.body,
    created_at: comment.createdAt,
    updated_at: comment.createdAt,
    html_url: `${state.baseUrl}/${repo.owner.login}/${repo.name}/pull/${comment.pullNumber}#discussion_r${comment.id}`,
    pull_request_url: `${api}/pulls/${comment.pullNumber}`,
    author_association: authorAssociation(state, repo, comment.user),
    line: comment.line,
    original_line: comment.line,
    side: "RIGHT",
    subject_type: "line",
    reactions: reactionSummary(`${api}/pulls/comments/${comment.id}/reactions`, comment.reactions),
  };
}

import type { FakeState } from "./fake-state.ts";
import { commentJson, issueJson, labelJson, repoJson, userJson } from "./github-json.ts";
import type { CommentRecord, IssueRecord, LabelRecord, RepoRecord, UserRecord } from "./records.ts";
import { nodeId } from "./node-id.ts";

// Webhook payloads in GitHub's shape: the changed object, the full repository, the sender and
// the installation (Probot authenticates `context.octokit` from `installation.id`).

function common(state: FakeState, repo: RepoRecord, sender: UserRecord): Record<string, unknown> {
  return {
    repository: repoJson(state, repo),
    sender: userJson(state, sender),
    installation: { id: repo.installationId, node_id: nodeId("IN", repo.installationId) },
  };
}

export function issuesLabelPayload(
  state: FakeState,
  repo: RepoRecord,
  input: { action: "labeled" | "unlabeled"; issue: IssueRecord; label: LabelRecord; sender: UserRecord },
): object {
  return {
    action: input.action,
    issue: issueJson(state, repo, input.issue),
    label: labelJson(state, repo, input.label),
    ...common(state, repo, input.sender),
  };
}

/** `issues` `edited`: the issue as it is now, and what its body was. */
export function issuesEditedPayload(state: FakeState, repo: RepoRecord, input: { issue: IssueRecord; previousBody: string; sender: UserRecord }): object {
  return { action: "edited", issue: issueJson(state, repo, input.issue), changes: { body: { from: input.previousBody } }, ...common(state, repo, input.sender) };
}

export function issueCommentPayload(
  state: FakeState,
  repo: RepoRecord,
  input: {
    action: "created" | "edited" | "deleted";
    issue: IssueRecord;
    comment: CommentRecord;
    sender: UserRecord;
    previousBody?: string;
  },
): object {
  return {
    action: input.action,
    issue: issueJson(state, repo, input.issue),
    comment: commentJson(state, repo, input.comment),
    ...(input.previousBody !== undefined ? { changes: { body: { from: input.previousBody } } } : {}),
    ...common(state, repo, input.sender),
  };
}

export function checkRunRequestedActionPayload(state: FakeState, repo: RepoRecord, input: { checkRun: Record<string, unknown>; identifier: string; sender: UserRecord }): object {
  return { action: "requested_action", check_run: input.checkRun, requested_action: { identifier: input.identifier }, ...common(state, repo, input.sender) };
}

export function checkSuiteRerequestedPayload(state: FakeState, repo: RepoRecord, input: { suiteId: number; headSha: string; pulls: number[]; sender: UserRecord }): object {
  return {
    action: "rerequested",
    check_suite: { id: input.suiteId, head_sha: input.headSha, status: "completed", pull_requests: input.pulls.map((number) => ({ number })) },
    ...common(state, repo, input.sender),
  };
}

export function pullRequestPayload(
  state: FakeState,
  repo: RepoRecord,
  input: { action: "closed" | "reopened"; number: number; pull: Record<string, unknown>; sender: UserRecord },
): object {
  return { action: input.action, number: input.number, pull_request: input.pull, ...common(state, repo, input.sender) };
}

export function pullRequestReviewPayload(
  state: FakeState,
  repo: RepoRecord,
  input: { action: "submitted"; review: Record<string, unknown>; pull: Record<string, unknown>; sender: UserRecord },
): object {
  return { action: input.action, review: input.review, pull_request: input.pull, ...common(state, repo, input.sender) };
}

export function pullRequestReviewCommentPayload(
  state: FakeState,
  repo: RepoRecord,
  input: { action: "created"; comment: Record<string, unknown>; pull: Record<string, unknown>; sender: UserRecord },
): object {
  return { action: input.action, comment: input.comment, pull_request: input.pull, ...common(state, repo, input.sender) };
}

import { HttpError, notFound } from "./http-error.ts";
import type { CommentRecord, IssueRecord, RepoRecord } from "./records.ts";

// Resolving path parameters to records; anything that does not exist is GitHub's plain 404.

export function issueParam(repo: RepoRecord, raw: string | undefined): IssueRecord {
  const issue = /^\d+$/.test(raw ?? "") ? repo.issues.get(Number(raw)) : undefined;
  if (!issue) throw notFound();
  return issue;
}

export function pullParam(repo: RepoRecord, raw: string | undefined): IssueRecord {
  const issue = issueParam(repo, raw);
  if (!issue.pull) throw notFound();
  return issue;
}

export function commentParam(repo: RepoRecord, raw: string | undefined): CommentRecord {
  const comment = /^\d+$/.test(raw ?? "") ? repo.comments.get(Number(raw)) : undefined;
  if (!comment) throw notFound();
  return comment;
}

export function issueOfComment(repo: RepoRecord, comment: CommentRecord): IssueRecord {
  const issue = repo.issues.get(comment.issueNumber);
  if (!issue) throw new HttpError(500, `comment ${comment.id} has no issue`);
  return issue;
}

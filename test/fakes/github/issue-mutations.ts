import { createHash } from "node:crypto";
import type { FakeState } from "./fake-state.ts";
import type { CommentRecord, IssueRecord, LabelRecord, PullRecord, ReactionRecord, RepoRecord, UserRecord } from "./records.ts";
import { timestamp } from "./timestamp.ts";

// State changes to issues and comments, shared by the REST routes (the app acting) and the test
// helpers (people acting), so both paths leave identical traces.

export function openIssue(
  state: FakeState,
  repo: RepoRecord,
  input: { title: string; body: string | null; user: UserRecord; pull?: Omit<PullRecord, "id"> },
): IssueRecord {
  const now = timestamp();
  const issue: IssueRecord = {
    id: state.nextId(),
    number: repo.nextNumber++,
    title: input.title,
    body: input.body,
    user: input.user,
    state: "open",
    labels: [],
    createdAt: now,
    updatedAt: now,
    closedAt: null,
    reactions: [],
    pull: input.pull ? { id: state.nextId(), ...input.pull } : null,
  };
  repo.issues.set(issue.number, issue);
  return issue;
}

export function postComment(
  state: FakeState,
  repo: RepoRecord,
  issue: IssueRecord,
  input: { user: UserRecord; body: string; viaApp: boolean },
): CommentRecord {
  const now = timestamp();
  const comment: CommentRecord = {
    id: state.nextId(),
    issueNumber: issue.number,
    body: input.body,
    user: input.user,
    viaApp: input.viaApp,
    createdAt: now,
    updatedAt: now,
    edits: 0,
    reactions: [],
  };
  repo.comments.set(comment.id, comment);
  issue.updatedAt = now;
  return comment;
}

export function reviseComment(comment: CommentRecord, body: string): string {
  const previous = comment.body;
  comment.body = body;
  comment.edits += 1;
  comment.updatedAt = timestamp();
  return previous;
}

// Adding a label that the issue already has is a no-op (no webhook either), as on GitHub.
export function applyLabels(state: FakeState, repo: RepoRecord, issue: IssueRecord, names: string[]): LabelRecord[] {
  const added: LabelRecord[] = [];
  for (const name of names) {
    if (issue.labels.some((label) => label.name.toLowerCase() === name.toLowerCase())) continue;
    const label = repoLabel(state, repo, name);
    issue.labels.push(label);
    added.push(label);
  }
  if (added.length > 0) issue.updatedAt = timestamp();
  return added;
}

export function dropLabel(issue: IssueRecord, name: string): LabelRecord | undefined {
  const index = issue.labels.findIndex((label) => label.name.toLowerCase() === name.toLowerCase());
  if (index < 0) return undefined;
  const [removed] = issue.labels.splice(index, 1);
  issue.updatedAt = timestamp();
  return removed;
}

// Labels are repository objects created on first use, as the REST API does when adding by name.
function repoLabel(state: FakeState, repo: RepoRecord, name: string): LabelRecord {
  const key = name.toLowerCase();
  let label = repo.labels.get(key);
  if (!label) {
    const color = createHash("sha1").update(name).digest("hex").slice(0, 6);
    label = { id: state.nextId(), name, color };
    repo.labels.set(key, label);
  }
  return label;
}

export const REACTION_CONTENTS = ["+1", "-1", "laugh", "confused", "heart", "hooray", "rocket", "eyes"];

// A user reacting twice with the same content gets the existing reaction back (200, not 201).
export function react(
  state: FakeState,
  reactions: ReactionRecord[],
  user: UserRecord,
  content: string,
): { reaction: ReactionRecord; created: boolean } {
  const existing = reactions.find((r) => r.user.id === user.id && r.content === content);
  if (existing) return { reaction: existing, created: false };
  const reaction: ReactionRecord = { id: state.nextId(), content, user, createdAt: timestamp() };
  reactions.push(reaction);
  return { reaction, created: true };
}

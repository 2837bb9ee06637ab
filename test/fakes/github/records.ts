// The fake's internal world model. These records are what the REST renderers, the webhook payload
// builders and the inspection views all read, so there is exactly one truth per object.

export type Permission = "admin" | "maintain" | "write" | "triage" | "read" | "none";

export interface UserRecord {
  login: string;
  id: number;
  type: "User" | "Bot";
}

export interface LabelRecord {
  id: number;
  name: string;
  color: string;
}

export interface ReactionRecord {
  id: number;
  content: string;
  user: UserRecord;
  createdAt: string;
}

export interface CommentRecord {
  id: number;
  issueNumber: number;
  body: string;
  user: UserRecord;
  viaApp: boolean;
  createdAt: string;
  updatedAt: string;
  edits: number;
  reactions: ReactionRecord[];
}

export interface PullRecord {
  id: number;
  headRef: string;
  baseRef: string;
  draft: boolean;
  /** When a person merged it (then the issue is closed too). */
  mergedAt?: string;
}

// Issues and pull requests share one number sequence on GitHub; a PR is an issue with `pull` set.
export interface IssueRecord {
  id: number;
  number: number;
  title: string;
  body: string | null;
  user: UserRecord;
  state: "open" | "closed";
  labels: LabelRecord[];
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  reactions: ReactionRecord[];
  pull: PullRecord | null;
}

/** A submitted pull-request review; its inline comments are `ReviewCommentRecord`s with its id. */
export interface ReviewRecord {
  id: number;
  pullNumber: number;
  user: UserRecord;
  state: "CHANGES_REQUESTED" | "APPROVED" | "COMMENTED";
  body: string;
  commitId: string | null;
  submittedAt: string;
}

/** A comment on a line of a pull request's diff (GitHub's "review comment"); always part of a review. */
export interface ReviewCommentRecord {
  id: number;
  reviewId: number;
  pullNumber: number;
  path: string;
  line: number;
  body: string;
  user: UserRecord;
  commitId: string | null;
  createdAt: string;
  reactions: ReactionRecord[];
}

export interface Annotation {
  path: string;
  start_line: number;
  end_line: number;
  start_column?: number;
  end_column?: number;
  annotation_level: "notice" | "warning" | "failure";
  message: string;
  title?: string;
  raw_details?: string;
}

export interface CheckRunAction {
  label: string;
  description: string;
  identifier: string;
}

export interface CheckRunRecord {
  id: number;
  checkSuiteId: number;
  name: string;
  headSha: string;
  status: string;
  conclusion: string | null;
  title: string | null;
  summary: string | null;
  text: string | null;
  annotations: Annotation[];
  actions: CheckRunAction[];
  detailsUrl: string | null;
  externalId: string | null;
  startedAt: string | null;
  completedAt: string | null;
  updates: number;
}

export interface RepoRecord {
  id: number;
  owner: UserRecord;
  name: string;
  gitDir: string;
  defaultBranch: string;
  installationId: number;
  createdAt: string;
  permissions: Map<string, Permission>;
  issues: Map<number, IssueRecord>;
  comments: Map<number, CommentRecord>;
  labels: Map<string, LabelRecord>;
  checkRuns: Map<number, CheckRunRecord>;
  reviews: Map<number, ReviewRecord>;
  reviewComments: Map<number, ReviewCommentRecord>;
  nextNumber: number;
  /** Commits the app made through the Git Data API without a committer of its own: GitHub signs those. */
  verifiedCommits: Set<string>;
  /** Branch-protection rules "require signed commits", as branch-name globs (`mission/*`). */
  signedCommitBranches: string[];
}

export interface TokenRecord {
  token: string;
  installationId: number;
  expiresAt: number;
  /** What the installation was granted when the token was made. */
  permissions: Record<string, string>;
}

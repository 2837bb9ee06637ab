/** Everything the engine and the intake need from GitHub, behind one small interface. */
export interface RepoRef {
  owner: string;
  name: string;
  installationId: number;
}

export type Permission = "admin" | "maintain" | "write" | "triage" | "read" | "none";

export interface AppIdentity {
  appId: number;
  slug: string;
  botLogin: string;
  botEmail: string;
}

export interface CheckRunInput {
  name: string;
  headSha: string;
  status: "queued" | "in_progress" | "completed";
  conclusion?: "success" | "failure" | "neutral" | "cancelled" | "action_required";
  title: string;
  summary: string;
  text?: string;
  annotations?: Annotation[];
  externalId?: string;
  detailsUrl?: string;
  /**
   * Buttons on the check run's page (GitHub shows at most three: label ≤ 20 characters, description
   * ≤ 40, identifier ≤ 20). Pressing one sends `check_run` `requested_action` with its identifier. An
   * empty list takes the buttons away.
   */
  actions?: CheckRunAction[];
}

export interface CheckRunAction {
  label: string;
  description: string;
  identifier: string;
}

export interface Annotation {
  path: string;
  startLine: number;
  endLine: number;
  level: "notice" | "warning" | "failure";
  message: string;
  title?: string;
}

export interface PullRequest {
  number: number;
  nodeId: string;
  draft: boolean;
  htmlUrl: string;
}

/** An inline comment of a pull-request review: on a line of a file (or on a whole file, without `line`). */
export interface ReviewComment {
  id: number;
  path: string;
  line?: number;
  body: string;
}

/** One path of a commit made through the Git Data API: a file's bytes (or a blob GitHub has), a submodule, or a deletion. */
export type GitTreeChange =
  | { path: string; mode: "100644" | "100755" | "120000"; content: Buffer; sha: string; known: boolean }
  | { path: string; mode: "160000"; sha: string }
  | { path: string; mode: string; deleted: true };

export interface GitHubPort {
  /** Who the app is on GitHub; the bot user is read with an installation's token. */
  identity(repo: RepoRef): Promise<AppIdentity>;
  permission(repo: RepoRef, login: string): Promise<Permission>;
  repository(repo: RepoRef): Promise<{ defaultBranch: string; cloneUrl: string; htmlUrl: string }>;
  branchExists(repo: RepoRef, branch: string): Promise<boolean>;
  /** A file's text at a ref (default branch when omitted); undefined when it does not exist. */
  readFile(repo: RepoRef, path: string, ref?: string): Promise<string | undefined>;
  issueBody(repo: RepoRef, issue: number): Promise<{ title: string; body: string }>;
  postComment(repo: RepoRef, issue: number, body: string): Promise<number>;
  updateComment(repo: RepoRef, commentId: number, body: string): Promise<void>;
  /** The app's own comment holding `marker`: comments by anyone else are never considered. */
  findOwnComment(repo: RepoRef, issue: number, marker: string): Promise<{ id: number; body: string } | undefined>;
  /** Reacts to an issue (or pull request conversation) comment, or with `on: "review"` to an inline review comment. */
  react(repo: RepoRef, commentId: number, content: "+1" | "eyes" | "rocket" | "confused", on?: "issue" | "review"): Promise<void>;
  /** The inline comments of one review of a pull request, oldest first (every page). */
  reviewComments(repo: RepoRef, pull: number, reviewId: number): Promise<ReviewComment[]>;
  /** A token for git; `fresh` mints a new one (a token keeps the permissions it was made with). */
  installationToken(repo: RepoRef, options?: { fresh?: boolean }): Promise<string>;
  /** The installation's settings page on GitHub, where an owner accepts the permissions the app asks for. */
  installationSettingsUrl(repo: RepoRef): Promise<string>;
  /**
   * Makes a commit through the Git Data API — blobs, a tree on `baseTree`, the commit with no author or
   * committer, so GitHub makes the app's bot both and signs it — without moving any branch.
   */
  createCommit(repo: RepoRef, input: { parent: string; baseTree: string; message: string; changes: GitTreeChange[] }): Promise<{ sha: string; tree: string }>;
  /**
   * Moves a branch to `sha`, never by force (GitHub answers 422 when it is not a fast-forward), or
   * creates it. GitHub's refusals are thrown as they come (`status`, `message`).
   */
  updateBranch(repo: RepoRef, branch: string, sha: string): Promise<void>;
  findOpenPull(repo: RepoRef, branch: string): Promise<PullRequest | undefined>;
  createPull(repo: RepoRef, input: { title: string; head: string; base: string; body: string; draft: boolean }): Promise<PullRequest>;
  updatePull(repo: RepoRef, number: number, input: { body?: string; title?: string }): Promise<void>;
  markReadyForReview(repo: RepoRef, pull: PullRequest): Promise<void>;
  /** The app's own check run of that name on that commit, if one exists. */
  findCheckRun(repo: RepoRef, headSha: string, name: string): Promise<number | undefined>;
  createCheckRun(repo: RepoRef, input: CheckRunInput): Promise<number>;
  updateCheckRun(repo: RepoRef, id: number, input: CheckRunInput): Promise<void>;
  /** Takes a check run's buttons away, leaving the rest of it as it is. */
  clearCheckRunActions(repo: RepoRef, id: number): Promise<void>;
}

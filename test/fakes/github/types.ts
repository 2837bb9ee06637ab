// The fake's public types: what tests see through FakeGitHub.
import type { Annotation, CheckRunAction, Permission } from "./records.ts";

export type { Annotation, CheckRunAction, Permission };

export type DeliveryResult = { status: number; body: string; deliveryId: string };

export interface StartOptions {
  appId?: number;
  appSlug?: string;
  webhookSecret?: string;
}

export interface UserJson {
  login: string;
  id: number;
  node_id: string;
  avatar_url: string;
  gravatar_id: string;
  url: string;
  html_url: string;
  type: "User" | "Bot";
  site_admin: boolean;
}

export interface LabelJson {
  id: number;
  node_id: string;
  url: string;
  name: string;
  color: string;
  default: boolean;
  description: string | null;
}

export interface ReactionSummary {
  url: string;
  total_count: number;
  [content: string]: number | string;
}

// An issue (or a pull request seen as an issue) exactly as the REST API renders it.
export interface Issue {
  id: number;
  node_id: string;
  url: string;
  repository_url: string;
  labels_url: string;
  comments_url: string;
  events_url: string;
  html_url: string;
  number: number;
  state: "open" | "closed";
  state_reason: string | null;
  title: string;
  body: string | null;
  user: UserJson;
  labels: LabelJson[];
  assignee: null;
  assignees: UserJson[];
  milestone: null;
  locked: boolean;
  comments: number;
  created_at: string;
  updated_at: string;
  closed_at: string | null;
  author_association: string;
  reactions: ReactionSummary;
  performed_via_github_app: null;
  pull_request?: { url: string; html_url: string; diff_url: string; patch_url: string; merged_at: string | null };
  draft?: boolean;
}

export interface AppRef {
  id: number;
  slug: string;
}

// Inspection views: what a person would see on GitHub, plus counters a test wants to assert on.
export interface Comment {
  id: number;
  body: string;
  user: { login: string; type: "User" | "Bot" };
  created_at: string;
  updated_at: string;
  edits: number; // how many times it was PATCHed
  performed_via_github_app: AppRef | null;
  html_url: string;
  reactions: Array<{ content: string; user: string }>;
}

export interface CheckRun {
  id: number;
  name: string;
  head_sha: string;
  status: string;
  conclusion: string | null;
  output: { title: string | null; summary: string | null; text: string | null; annotations: Annotation[] };
  actions: CheckRunAction[];
  details_url: string | null;
  external_id: string | null;
  started_at: string | null;
  completed_at: string | null;
  app: AppRef;
  updates: number; // how many times it was PATCHed
}

export interface Pull {
  number: number;
  title: string;
  body: string | null;
  head: { ref: string; sha: string | null };
  base: { ref: string };
  draft: boolean;
  state: "open" | "closed";
  merged: boolean;
  node_id: string;
  html_url: string;
  user: { login: string; type: "User" | "Bot" };
}

export interface RecordedRequest {
  method: string;
  path: string; // API path without "/api/v3" and without the query; GraphQL is "/graphql"
  query: string;
  status: number;
  auth: "app" | "installation" | "user" | "none";
}

export interface FaultRule {
  method?: string;
  path: RegExp;
  /** The canned answer; with `delayMs` alone (no status) the request is only slowed down. */
  status?: number;
  times?: number;
  headers?: Record<string, string>;
  body?: object;
  /** Wait this long before answering (a slow GitHub). */
  delayMs?: number;
  /**
   * The request takes effect, then the canned answer replaces the real one: a response lost on the
   * way back (GitHub's 502 after it created the comment), the case that tempts a client to post twice.
   */
  afterEffect?: boolean;
}

/** A request as a hook sees it: API paths as in `requests`, git paths as `/<owner>/<repo>.git/...`. */
export interface HookedRequest {
  method: string;
  path: string;
  kind: "api" | "git";
}

/**
 * Called before a request is handled and after its answer is sent (`status` set). A hook may wait:
 * the request waits with it (tests use this to land a crash of the app at a chosen moment).
 */
export type RequestHook = (request: HookedRequest, when: "before" | "after", status?: number) => void | Promise<void>;

export interface Delivery {
  event: string;
  payload: object;
  deliveryId: string;
}

export interface FakeGitHub {
  url: string;
  host: string;
  apiUrl: string;
  appId: number;
  appSlug: string;
  botLogin: string;
  webhookSecret: string;
  privateKey: string;
  setWebhookTarget(url: string): void;
  /** Manifests posted to GitHub's register form (/settings/apps/new), oldest first. */
  registrations(): Array<{ manifest: Record<string, unknown>; organization?: string; converted: boolean }>;
  /** The app's OAuth client (as the manifest flow would register it), for "Sign in with GitHub". */
  oauthClient: { clientId: string; clientSecret: string };
  /** Who clicks "Authorize" on GitHub's consent page from now on; undefined: whoever comes declines. */
  authorizeAs(login: string | undefined): void;
  createRepo(input: {
    owner: string;
    name: string;
    files: Record<string, string>;
    defaultBranch?: string;
    installationId?: number;
  }): Promise<{ owner: string; name: string; gitDir: string; cloneUrl: string }>;
  setPermission(owner: string, repo: string, login: string, permission: Permission): void;
  /**
   * A branch-protection rule "require signed commits" on branches matching `pattern` (`mission/*`): a git
   * push of new commits to such a branch is refused (GH006), as are ref updates through the API whose new
   * commits are not verified. Commits the app creates through the Git Data API are verified (GitHub signs them).
   */
  requireSignedCommits(owner: string, repo: string, pattern: string): void;
  /** What GitHub would say of a commit's signature: verified only for commits the app made through the API. */
  verification(owner: string, repo: string, sha: string): { verified: boolean; reason: string };
  /** What an installation has accepted (default: all the app asks for, `workflows: write` included). */
  installationPermissions(installationId: number): Record<string, string>;
  /**
   * Sets what an installation has accepted — e.g. without `workflows`, as an installation made before the
   * app asked for it: its pushes that touch `.github/workflows/` are then refused as GitHub refuses them.
   */
  setInstallationPermissions(installationId: number, permissions: Record<string, string>): void;
  createIssue(input: { owner: string; repo: string; title: string; body?: string; user: string }): { number: number };
  addLabel(input: {
    owner: string;
    repo: string;
    issue: number;
    label: string;
    sender: string;
    deliveryId?: string;
  }): Promise<DeliveryResult>;
  comment(input: {
    owner: string;
    repo: string;
    issue: number;
    body: string;
    user: string;
    deliveryId?: string;
  }): Promise<DeliveryResult & { commentId: number }>;
  editComment(input: { owner: string; repo: string; commentId: number; body: string; user: string }): Promise<DeliveryResult>;
  /** A person edits an issue's body; `issues` `edited` is delivered. */
  editIssue(input: { owner: string; repo: string; issue: number; body: string; user: string }): Promise<DeliveryResult>;
  /** A person closes a pull request, merging it (a merge commit on its base; never a draft) or not; `pull_request` `closed` is delivered. */
  closePull(input: { owner: string; repo: string; number: number; user: string; merge: boolean; deliveryId?: string }): Promise<DeliveryResult>;
  /** A person presses one of a check run's buttons (only one the app put there); `check_run` `requested_action` is delivered. */
  pressCheckRunButton(input: { owner: string; repo: string; checkRunId: number; identifier: string; user: string }): Promise<DeliveryResult>;
  /** A person presses "Re-run all" on the app's checks of a commit; `check_suite` `rerequested` is delivered. */
  rerunAllChecks(input: { owner: string; repo: string; headSha: string; user: string }): Promise<DeliveryResult>;
  /**
   * A person submits a review of a pull request, with inline comments on lines of files; each comment is
   * delivered as `pull_request_review_comment` `created`, then the review as `pull_request_review` `submitted`.
   */
  submitReview(input: {
    owner: string;
    repo: string;
    number: number;
    user: string;
    state: "changes_requested" | "approved" | "commented";
    body?: string;
    comments?: Array<{ path: string; line: number; body: string }>;
  }): Promise<{ reviewId: number; commentIds: number[]; results: DeliveryResult[] }>;
  /** "Add single comment" on a line of a pull request: a review of its own (state commented), delivered as `submitReview` does. */
  reviewComment(input: { owner: string; repo: string; number: number; user: string; path: string; line: number; body: string }): Promise<{ reviewId: number; commentId: number; results: DeliveryResult[] }>;
  deliver(event: string, payload: object, options?: { deliveryId?: string }): Promise<DeliveryResult>;
  lastDelivery(): Delivery | undefined;
  deliveries(): Array<Delivery & { result?: DeliveryResult; error?: string }>;
  settled(): Promise<void>;
  issue(owner: string, repo: string, number: number): Issue;
  comments(owner: string, repo: string, issue: number): Comment[];
  checkRuns(owner: string, repo: string): CheckRun[];
  pulls(owner: string, repo: string): Pull[];
  requests: RecordedRequest[];
  failNext(rule: FaultRule): void;
  /** Forgets the injected faults not used up yet. */
  clearFaults(): void;
  /** Sets (or with undefined removes) the hook every API and git request passes through. */
  onRequest(hook: RequestHook | undefined): void;
  close(): Promise<void>;
}

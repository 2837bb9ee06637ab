import type { FakeState } from "./fake-state.ts";
import { applyLabels, openIssue, postComment, reviseComment } from "./issue-mutations.ts";
import { checkRunJson, reviewCommentJson, reviewJson } from "./github-json.ts";
import type { RepoRecord, ReviewCommentRecord, ReviewRecord } from "./records.ts";
import type { DeliveryResult } from "./types.ts";
import { branchSha } from "./git-reads.ts";
import { render as renderPull } from "./routes/pull-routes.ts";
import { runGit } from "./run-git.ts";
import { timestamp } from "./timestamp.ts";
import { checkRunRequestedActionPayload, checkSuiteRerequestedPayload, issueCommentPayload, issuesEditedPayload, issuesLabelPayload, pullRequestPayload, pullRequestReviewCommentPayload, pullRequestReviewPayload } from "./webhook-payloads.ts";
import type { WebhookSender } from "./webhook-sender.ts";

// What people do on GitHub's website, each followed by the webhook GitHub would send. Unlike the
// app's own writes, these deliveries are awaited: the test wants the app's answer.
export class PeopleActions {
  readonly #state: FakeState;
  readonly #webhooks: WebhookSender;

  constructor(state: FakeState, webhooks: WebhookSender) {
    this.#state = state;
    this.#webhooks = webhooks;
  }

  createIssue(input: { owner: string; repo: string; title: string; body?: string; user: string }): { number: number } {
    const repo = this.#state.repo(input.owner, input.repo);
    const issue = openIssue(this.#state, repo, { title: input.title, body: input.body ?? null, user: this.#state.user(input.user) });
    return { number: issue.number };
  }

  async addLabel(input: { owner: string; repo: string; issue: number; label: string; sender: string; deliveryId?: string }): Promise<DeliveryResult> {
    const repo = this.#state.repo(input.owner, input.repo);
    const issue = this.#issue(repo, input.issue);
    const sender = this.#state.user(input.sender);
    applyLabels(this.#state, repo, issue, [input.label]);
    // GitHub sends nothing when the label was already there; tests still want a delivery, so the
    // event is sent regardless, with the issue's current label object.
    const label = issue.labels.find((l) => l.name.toLowerCase() === input.label.toLowerCase());
    if (!label) throw new Error(`fake GitHub: label ${input.label} missing after adding it`);
    const payload = issuesLabelPayload(this.#state, repo, { action: "labeled", issue, label, sender });
    return this.#webhooks.deliver("issues", payload, input.deliveryId);
  }

  async comment(input: {
    owner: string;
    repo: string;
    issue: number;
    body: string;
    user: string;
    deliveryId?: string;
  }): Promise<DeliveryResult & { commentId: number }> {
    const repo = this.#state.repo(input.owner, input.repo);
    const issue = this.#issue(repo, input.issue);
    const user = this.#state.user(input.user);
    const comment = postComment(this.#state, repo, issue, { user, body: input.body, viaApp: user.type === "Bot" });
    const payload = issueCommentPayload(this.#state, repo, { action: "created", issue, comment, sender: user });
    const result = await this.#webhooks.deliver("issue_comment", payload, input.deliveryId);
    return { ...result, commentId: comment.id };
  }

  async editComment(input: { owner: string; repo: string; commentId: number; body: string; user: string }): Promise<DeliveryResult> {
    const repo = this.#state.repo(input.owner, input.repo);
    const comment = repo.comments.get(input.commentId);
    if (!comment) throw new Error(`fake GitHub: no comment ${input.commentId} in ${input.owner}/${input.repo}`);
    const issue = this.#issue(repo, comment.issueNumber);
    const previousBody = reviseComment(comment, input.body);
    const sender = this.#state.user(input.user);
    const payload = issueCommentPayload(this.#state, repo, { action: "edited", issue, comment, sender, previousBody });
    return this.#webhooks.deliver("issue_comment", payload);
  }

  /** A person edits an issue's body on its page: `issues` `edited` is delivered. */
  async editIssue(input: { owner: string; repo: string; issue: number; body: string; user: string }): Promise<DeliveryResult> {
    const repo = this.#state.repo(input.owner, input.repo);
    const issue = this.#issue(repo, input.issue);
    const previousBody = issue.body ?? "";
    issue.body = input.body;
    issue.updatedAt = timestamp();
    return this.#webhooks.deliver("issues", issuesEditedPayload(this.#state, repo, { issue, previousBody, sender: this.#state.user(input.user) }));
  }

  /** Closes a pull request as a person does on its page, merged (a merge commit on its base) or not. */
  async closePull(input: { owner: string; repo: string; number: number; user: string; merge: boolean; deliveryId?: string }): Promise<DeliveryResult> {
    const repo = this.#state.repo(input.owner, input.repo);
    const issue = this.#issue(repo, input.number);
    const pull = issue.pull;
    if (!pull || issue.state !== "open") throw new Error(`fake GitHub: #${input.number} is not an open pull request`);
    const sender = this.#state.user(input.user);
    const now = timestamp();
    if (input.merge) {
      if (pull.draft) throw new Error(`fake GitHub: #${input.number} is a draft; GitHub merges only pull requests ready for review`);
      await mergeInto(repo.gitDir, pull.baseRef, pull.headRef, `Merge pull request #${issue.number} from ${repo.owner.login}/${pull.headRef}`);
      pull.mergedAt = now;
    }
    issue.state = "closed";
    issue.closedAt = now;
    issue.updatedAt = now;
    const payload = pullRequestPayload(this.#state, repo, { action: "closed", number: issue.number, pull: await renderPull(this.#state, repo, issue), sender });
    return this.#webhooks.deliver("pull_request", payload, input.deliveryId);
  }

  /**
   * A person submits a review of a pull request, with inline comments on lines of its files. As on
   * GitHub, each inline comment is announced as `pull_request_review_comment` `created` (carrying the
   * review's id), then the review as `pull_request_review` `submitted`.
   */
  async submitReview(input: {
    owner: string;
    repo: string;
    number: number;
    user: string;
    state: "changes_requested" | "approved" | "commented";
    body?: string;
    comments?: Array<{ path: string; line: number; body: string }>;
  }): Promise<{ reviewId: number; commentIds: number[]; results: DeliveryResult[] }> {
    const repo = this.#state.repo(input.owner, input.repo);
    const issue = this.#issue(repo, input.number);
    if (!issue.pull || issue.state !== "open") throw new Error(`fake GitHub: #${input.number} is not an open pull request`);
    const user = this.#state.user(input.user);
    if (input.state !== "commented" && user.id === issue.user.id) throw new Error("fake GitHub: nobody reviews their own pull request but to comment");
    if (input.state === "changes_requested" && !input.body?.trim() && !input.comments?.length) {
      throw new Error("fake GitHub: a review requesting changes needs a body or a comment");
    }
    const commitId = (await branchSha(repo.gitDir, issue.pull.headRef)) ?? null;
    const now = timestamp();
    const review: ReviewRecord = {
      id: this.#state.nextId(),
      pullNumber: issue.number,
      user,
      state: input.state.toUpperCase() as ReviewRecord["state"],
      body: input.body ?? "",
      commitId,
      submittedAt: now,
    };
    repo.reviews.set(review.id, review);
    const comments = (input.comments ?? []).map((comment) => {
      if (!comment.path || !Number.isInteger(comment.line) || comment.line < 1) throw new Error("fake GitHub: a review comment needs a path and a line");
      const record: ReviewCommentRecord = { id: this.#state.nextId(), reviewId: review.id, pullNumber: issue.number, path: comment.path, line: comment.line, body: comment.body, user, commitId, createdAt: now, reactions: [] };
      repo.reviewComments.set(record.id, record);
      return record;
    });
    const pull = await renderPull(this.#state, repo, issue);
    const results: DeliveryResult[] = [];
    for (const comment of comments) {
      const payload = pullRequestReviewCommentPayload(this.#state, repo, { action: "created", comment: reviewCommentJson(this.#state, repo, comment), pull, sender: user });
      results.push(await this.#webhooks.deliver("pull_request_review_comment", payload));
    }
    const payload = pullRequestReviewPayload(this.#state, repo, { action: "submitted", review: reviewJson(this.#state, repo, review), pull, sender: user });
    results.push(await this.#webhooks.deliver("pull_request_review", payload));
    return { reviewId: review.id, commentIds: comments.map((comment) => comment.id), results };
  }

  /** "Add single comment" on a line of a pull request's diff: GitHub makes it a review of its own, state commented. */
  async reviewComment(input: { owner: string; repo: string; number: number; user: string; path: string; line: number; body: string }): Promise<{ reviewId: number; commentId: number; results: DeliveryResult[] }> {
    const { reviewId, commentIds, results } = await this.submitReview({
      owner: input.owner,
      repo: input.repo,
      number: input.number,
      user: input.user,
      state: "commented",
      comments: [{ path: input.path, line: input.line, body: input.body }],
    });
    return { reviewId, commentId: commentIds[0]!, results };
  }

  /**
   * A person presses one of a check run's buttons on its page: only a button the app put there can be
   * pressed. `check_run` `requested_action` is delivered, whoever the person is — GitHub shows the
   * buttons to anyone who can see the check, and the app decides whom it obeys.
   */
  async pressCheckRunButton(input: { owner: string; repo: string; checkRunId: number; identifier: string; user: string }): Promise<DeliveryResult> {
    const repo = this.#state.repo(input.owner, input.repo);
    const run = repo.checkRuns.get(input.checkRunId);
    if (!run) throw new Error(`fake GitHub: no check run ${input.checkRunId} in ${input.owner}/${input.repo}`);
    if (!run.actions.some((action) => action.identifier === input.identifier)) {
      throw new Error(`fake GitHub: check run ${run.id} shows no button "${input.identifier}" (it shows: ${run.actions.map((action) => action.identifier).join(", ") || "none"})`);
    }
    const payload = checkRunRequestedActionPayload(this.#state, repo, { checkRun: checkRunJson(this.#state, repo, run), identifier: input.identifier, sender: this.#state.user(input.user) });
    return this.#webhooks.deliver("check_run", payload);
  }

  /** A person presses "Re-run all" on the app's checks of a commit: `check_suite` `rerequested`, naming the open pull requests on it. */
  async rerunAllChecks(input: { owner: string; repo: string; headSha: string; user: string }): Promise<DeliveryResult> {
    const repo = this.#state.repo(input.owner, input.repo);
    const run = [...repo.checkRuns.values()].find((candidate) => candidate.headSha === input.headSha);
    if (!run) throw new Error(`fake GitHub: the app has no checks on ${input.headSha}`);
    const pulls: number[] = [];
    for (const issue of repo.issues.values()) {
      if (issue.pull && issue.state === "open" && (await branchSha(repo.gitDir, issue.pull.headRef)) === input.headSha) pulls.push(issue.number);
    }
    const payload = checkSuiteRerequestedPayload(this.#state, repo, { suiteId: run.checkSuiteId, headSha: input.headSha, pulls, sender: this.#state.user(input.user) });
    return this.#webhooks.deliver("check_suite", payload);
  }

  #issue(repo: RepoRecord, number: number) {
    const issue = repo.issues.get(number);
    if (!issue) throw new Error(`fake GitHub: no issue #${number} in ${repo.owner.login}/${repo.name}`);
    return issue;
  }
}

/** A merge commit of `head` into `base`, made in the bare repository as GitHub's merge button makes it. */
async function mergeInto(gitDir: string, base: string, head: string, message: string): Promise<void> {
  const baseSha = await branchSha(gitDir, base);
  const headSha = await branchSha(gitDir, head);
  if (!baseSha || !headSha) throw new Error(`fake GitHub: cannot merge ${head} into ${base}`);
  const merged = await runGit(["merge-tree", "--write-tree", baseSha, headSha], { gitDir, allowFailure: true });
  if (merged.code !== 0) throw new Error(`fake GitHub: ${head} does not merge cleanly into ${base}`);
  const tree = merged.stdout.toString().split("\n")[0]!.trim();
  const env = { GIT_AUTHOR_NAME: "GitHub", GIT_AUTHOR_EMAIL: "noreply@github.com", GIT_COMMITTER_NAME: "GitHub", GIT_COMMITTER_EMAIL: "noreply@github.com" };
  const commit = (await runGit(["commit-tree", tree, "-p", baseSha, "-p", headSha, "-m", message], { gitDir, env })).stdout.toString().trim();
  await runGit(["update-ref", `refs/heads/${base}`, commit, baseSha], { gitDir });
}

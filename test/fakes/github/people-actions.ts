import type { FakeState } from "./fake-state.ts";
import { applyLabels, openIssue, postComment, reviseComment } from "./issue-mutations.ts";
import type { RepoRecord } from "./records.ts";
import type { DeliveryResult } from "./types.ts";
import { issueCommentPayload, issuesLabelPayload } from "./webhook-payloads.ts";
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

  #issue(repo: RepoRecord, number: number) {
    const issue = repo.issues.get(number);
    if (!issue) throw new Error(`fake GitHub: no issue #${number} in ${repo.owner.login}/${repo.name}`);
    return issue;
  }
}

import { randomBytes } from "node:crypto";
import type { Logger } from "pino";
import { parseRepositoryConfig, REPOSITORY_CONFIG_PATH } from "../config/index.ts";
import { hasWriteAccess, type GitHubPort, type RepoRef } from "../github/index.ts";
import { approvedPlan, commandRefusal, configProblemsReply, helpReply, labelRefusal, newMission, noMissionReply, parseCommands, parseRequestedAction, type Command, type Mission, type MissionLimits } from "../mission/index.ts";
import { RATE_WINDOW_MS, type Delivery, type MissionStore } from "../store/index.ts";
import { isRetryable } from "./is-retryable.ts";
import { delayBeforeRetry, deliveryRetryPolicy } from "./retry-policy.ts";
import { commentLocation, reviewFeedback } from "./review-feedback.ts";
import { WebhookPayloadSchemas } from "./webhook-payloads.ts";

export interface IntakeDeps {
  store: MissionStore;
  github: GitHubPort;
  /**
   * What drives missions: the engine's in-process loop, or the shared queue (several instances on
   * PostgreSQL). `kick` resolves once the mission is sure to get a turn (its job is in the queue), not
   * when the turn ends; a rejection fails the delivery, which is tried again.
   */
  engine: { kick(missionId: string): Promise<void> };
  log: Logger;
  /**
   * Deliveries are drained by a job of the shared queue (one drain at a time across instances): the
   * store enqueues it with each recorded delivery; this asks for one after `delayMs` (a retry).
   */
  scheduleDrain?: (delayMs: number) => void;
  settings: { label: string; providers: () => string[]; isPriced?: (model: string) => boolean; maxBudgetUsd: number; defaultBudgetUsd: number; maxLimits?: MissionLimits; mcpServers?: readonly string[] };
  now?: () => Date;
  /** Delay before a delivery that failed for a passing reason is tried again (doubles each time). */
  retryDelayMs?: number;
  maxAttempts?: number;
}

/** Help and refusal replies one person can get on one issue within an hour. */
const REPLIES_PER_HOUR = 2;

const EVENTS = new Set(["issues", "issue_comment", "pull_request", "pull_request_review", "pull_request_review_comment", "check_run", "check_suite"]);

/**
 * Webhooks in: each delivery is stored (GitHub redelivers; the id makes that harmless) and
 * acknowledged at once. Deliveries are then processed in order: permission checks, new missions,
 * commands recorded as intents for the engine.
 */
export class Intake {
  readonly #deps: IntakeDeps;
  #draining: Promise<void> | undefined;
  #again = false;
  readonly #attempts = new Map<string, number>();
  readonly #timers = new Set<NodeJS.Timeout>();

  constructor(deps: IntakeDeps) {
    this.#deps = deps;
  }

  /** Called by the webhook handler: must return in milliseconds. */
  async receive(event: string, deliveryId: string, payload: unknown): Promise<void> {
    if (!EVENTS.has(event)) return;
    const fresh = await this.#deps.store.enqueueDelivery({ id: deliveryId, event, payload, receivedAt: new Date().toISOString() });
    if (!fresh) {
      this.#deps.log.info({ delivery: deliveryId }, "delivery seen before; ignored");
      return;
    }
    // The store enqueued the drain's job with the delivery.
    if (this.#deps.scheduleDrain) return;
    // After the acknowledgement is on its way: the drain's first reads are synchronous SQLite work.
    setImmediate(() => void this.drain());
  }

  /** Processes stored deliveries one at a time; resolves when none is left. */
  drain(): Promise<void> {
    if (this.#draining) {
      this.#again = true;
      return this.#draining;
    }
    this.#draining = (async () => {
      try {
        do {
          this.#again = false;
          for (const delivery of await this.#deps.store.pendingDeliveries()) {
            // A delivery waiting for a retry holds back the ones after it: commands keep their order.
            if (!(await this.#process(delivery))) break;
          }
        } while (this.#again);
      } finally {
        this.#draining = undefined;
      }
    })();
    return this.#draining;
  }

  /** Stops retry timers (shutdown). */
  stop(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
  }

  /** Processes one delivery; false when it failed for a passing reason and will be tried again. */
  async #process(delivery: Delivery): Promise<boolean> {
    const log = this.#deps.log.child({ delivery: delivery.id, event: delivery.event });
    try {
      const schema = WebhookPayloadSchemas[delivery.event as keyof typeof WebhookPayloadSchemas];
      const parsed = schema?.safeParse(delivery.payload);
      if (!parsed?.success) {
        log.info("payload not one we act on");
      } else if (parsed.data.sender.type === "Bot" && !isMerge(delivery.event, parsed.data)) {
        // Our own comments come back as webhooks; no bot steers a mission. A merge is a fact, not a
        // command: the merge queue or an auto-merge bot merges with write access GitHub checked.
      } else if (delivery.event === "issues") {
        await this.#labeled(parsed.data as never, log);
      } else if (delivery.event === "issue_comment") {
        await this.#commented(parsed.data as never, log);
      } else if (delivery.event === "pull_request") {
        await this.#pullClosed(parsed.data as never, log);
      } else if (delivery.event === "pull_request_review") {
        await this.#reviewed(parsed.data as never, log);
      } else if (delivery.event === "pull_request_review_comment") {
        await this.#reviewCommented(parsed.data as never, log);
      } else if (delivery.event === "check_run") {
        await this.#rerequested(parsed.data as never, delivery.id, log);
        await this.#actionRequested(parsed.data as never, delivery.id, log);
      } else if (delivery.event === "check_suite") {
        await this.#suiteRerequested(parsed.data as never, delivery.id, log);
      }
      await this.#deps.store.completeDelivery(delivery.id);
      this.#attempts.delete(delivery.id);
      return true;
    } catch (error) {
      const attempts = (this.#attempts.get(delivery.id) ?? 0) + 1;
      const delay = isRetryable(error) ? delayBeforeRetry(deliveryRetryPolicy(this.#deps), attempts) : undefined;
      if (delay !== undefined) {
        this.#attempts.set(delivery.id, attempts);
        log.warn({ err: error, attempts, delay }, "delivery failed for a passing reason; will retry");
        if (this.#deps.scheduleDrain) {
          this.#deps.scheduleDrain(delay);
          return false;
        }
        const timer = setTimeout(() => {
          this.#timers.delete(timer);
          void this.drain();
        }, delay);
        this.#timers.add(timer);
        return false;
      }
      log.error({ err: error }, "could not process delivery");
      this.#attempts.delete(delivery.id);
      await this.#deps.store.completeDelivery(delivery.id, (error as Error).message ?? String(error));
      return true;
    }
  }

  async #labeled(payload: LabeledPayload, log: Logger): Promise<void> {
    if (payload.action !== "labeled" || payload.label?.name !== this.#deps.settings.label) return;
    if (payload.issue.pull_request) return;
    const repo = toRepo(payload);
    const sender = payload.sender.login;
    if (!hasWriteAccess(await this.#deps.github.permission(repo, sender))) {
      log.info({ sender }, "label from someone without write access; refused");
      if (!(await this.#mayReply(repo, payload.issue.number, sender, `label:${payload.issue.number}:${payload.label?.name}`, log))) return;
      await this.#deps.github.postComment(repo, payload.issue.number, labelRefusal(sender, this.#deps.settings.label));
      return;
    }
    const active = await this.#deps.store.findActiveMission(repo.owner, repo.name, payload.issue.number);
    if (active) {
      // The label again, or this delivery retried after its mission was created but could not be
      // scheduled: the mission is made sure of a turn (one more turn of a mission is harmless).
      await this.#kick(active.id);
      return;
    }
    const config = parseRepositoryConfig(await this.#deps.github.readFile(repo, REPOSITORY_CONFIG_PATH), {
      providers: this.#deps.settings.providers(),
      maxBudgetUsd: this.#deps.settings.maxBudgetUsd,
      isPriced: this.#deps.settings.isPriced,
      maxLimits: this.#deps.settings.maxLimits,
      mcpServers: this.#deps.settings.mcpServers,
    });
    if (!config.ok) {
      await this.#deps.github.postComment(repo, payload.issue.number, configProblemsReply(REPOSITORY_CONFIG_PATH, config.problems, this.#deps.settings.label));
      return;
    }
    const now = (this.#deps.now?.() ?? new Date()).toISOString();
    const mission = newMission({
      id: randomBytes(6).toString("hex"),
      repo: { ...repo, defaultBranch: payload.repository.default_branch ?? "main" },
      issue: { number: payload.issue.number, title: payload.issue.title, body: payload.issue.body ?? "" },
      createdBy: sender,
      settings: { ...config.settings, budgetUsd: config.settings.budgetUsd ?? this.#deps.settings.defaultBudgetUsd },
      now,
    });
    if (await this.#deps.store.createMission(mission)) {
      log.info({ mission: mission.id }, "mission created");
      await this.#kick(mission.id);
    }
  }

  /**
   * `inline`: the comment is on a line of the pull request's diff (a review comment), not in its
   * conversation — a `/mission fix` there says where, and replies and reactions go where it is.
   */
  async #commented(payload: CommentPayload, log: Logger, inline?: { location: string }): Promise<void> {
    if (payload.action !== "created") return; // an edited comment is never obeyed again
    const repo = toRepo(payload);
    const author = payload.comment.user.login;
    const commands = parseCommands(payload.comment.body);
    const mission = payload.issue.pull_request
      ? await this.#missionForPull(repo, payload.issue.number)
      : await this.#deps.store.findLatestMission(repo.owner, repo.name, payload.issue.number);
    // Asked of GitHub at most once per comment, and only when something would be obeyed.
    let writer: Promise<boolean> | undefined;
    const mayWrite = () => (writer ??= this.#deps.github.permission(repo, author).then(hasWriteAccess));
    if (commands.length === 0) {
      // A plain reply answers open questions, when its author may steer the mission — on the issue,
      // written after the questions were posted: a passing remark on the pull request is no answer.
      if (mission?.status !== "questions" || !payload.comment.body.trim()) return;
      if (payload.issue.pull_request || inline) return;
      if (mission.questions?.commentId !== undefined && payload.comment.id < mission.questions.commentId) return;
      if (!(await mayWrite())) return;
      commands.push({ verb: "answer", text: payload.comment.body.trim() });
    }
    const source = `${inline ? "review-comment" : "comment"}:${payload.comment.id}`;
    const replyOnce = () => this.#mayReply(repo, payload.issue.number, author, source, log);
    if (commands.some((command) => command.verb === "help" || command.verb === "unknown") && (await replyOnce())) {
      const unknown = commands.find((command): command is Extract<Command, { verb: "unknown" }> => command.verb === "unknown");
      await this.#deps.github.postComment(repo, payload.issue.number, helpReply(unknown?.given));
    }
    const actionable = commands.filter((command) => command.verb !== "help" && command.verb !== "unknown");
    if (actionable.length === 0) return;
    if (!(await mayWrite())) {
      log.info({ author }, "command from someone without write access; refused");
      if (!(await replyOnce())) return;
      await this.#deps.github.postComment(repo, payload.issue.number, commandRefusal(author, actionable[0]!.verb));
      return;
    }
    if (!mission) {
      if (!(await replyOnce())) return;
      await this.#deps.github.postComment(repo, payload.issue.number, noMissionReply(author, payload.issue.pull_request ? "pull request" : "issue", this.#deps.settings.label));
      return;
    }
    for (const [index, command] of actionable.entries()) {
      await this.#deps.store.addIntent(mission.id, {
        verb: command.verb as never,
        text: inline && command.verb === "fix" && command.text ? `${inline.location}: ${command.text}` : command.text,
        author,
        at: payload.comment.created_at,
        // Review comments are numbered apart from issue comments: their id says nothing of which contract was seen.
        ...(inline ? {} : { commentId: payload.comment.id }),
        source: `${source}:${index}`,
      });
    }
    await this.#deps.github.react(repo, payload.comment.id, "eyes", inline ? "review" : "issue").catch((error) => log.warn({ err: error }, "could not react"));
    await this.#kick(mission.id);
  }

  /**
   * Whether to answer a person's command with help or a refusal: once per comment (a retried delivery
   * must not answer twice, even when GitHub lost the answer to the first post) and at most
   * REPLIES_PER_HOUR times per person and issue, so nobody can make the app talk on and on.
   */
  async #mayReply(repo: RepoRef, issue: number, login: string, source: string, log: Logger): Promise<boolean> {
    const key = `${repo.owner}/${repo.name}#${issue}@${login}`.toLowerCase();
    const now = (this.#deps.now?.() ?? new Date()).getTime();
    // Counted in the store: every instance on it answers from the same count.
    const recorded = await this.#deps.store.markRate(`reply:${key}`, source, now, RATE_WINDOW_MS, REPLIES_PER_HOUR);
    if (!recorded) log.info({ login, issue }, "not replying: this comment was answered, or this person had enough replies on this issue for now");
    return recorded;
  }

  async #reviewed(payload: ReviewPayload, log: Logger): Promise<void> {
    if (payload.action !== "submitted" || payload.review.state.toLowerCase() !== "changes_requested") return;
    const repo = toRepo(payload);
    const mission = await this.#missionForPull(repo, payload.pull_request.number);
    if (!mission) return;
    if (!hasWriteAccess(await this.#deps.github.permission(repo, payload.review.user.login))) return;
    // Inline comments with commands were obeyed on their own delivery (`#reviewCommented`); the rest are this review's.
    // A review deleted since (404) still said what its payload says.
    const all = await this.#deps.github.reviewComments(repo, payload.pull_request.number, payload.review.id).catch((error: unknown) => {
      if ((error as { status?: number }).status === 404) return [];
      throw error;
    });
    const comments = all.filter((comment) => parseCommands(comment.body).length === 0);
    const feedback = reviewFeedback(payload.review.body ?? "", comments);
    // Nothing but commands, each already recorded with its own location: nothing more to fix.
    if (!feedback && all.length > 0) return;
    await this.#deps.store.addIntent(mission.id, {
      verb: "fix",
      text: feedback || "Address the review comments on the pull request.",
      author: payload.review.user.login,
      at: payload.review.submitted_at ?? new Date().toISOString(),
      source: `review:${payload.review.id}`,
    });
    log.info({ mission: mission.id }, "review requesting changes recorded");
    await this.#kick(mission.id);
  }

  /**
   * A comment on a line of the pull request's diff. With `/mission` commands it is obeyed as a comment
   * in the conversation is; without, it belongs to its review, which reads it when submitted.
   */
  async #reviewCommented(payload: ReviewCommentPayload, log: Logger): Promise<void> {
    if (payload.action !== "created" || parseCommands(payload.comment.body).length === 0) return;
    const { comment, pull_request: pull } = payload;
    await this.#commented(
      {
        action: payload.action,
        issue: { number: pull.number, title: pull.title ?? "", pull_request: {} },
        comment: { id: comment.id, body: comment.body, user: comment.user, created_at: comment.created_at },
        repository: payload.repository,
        sender: payload.sender,
        installation: payload.installation,
      },
      log,
      { location: commentLocation({ path: comment.path, line: comment.line ?? comment.original_line }) },
    );
  }

  /** Someone merged or closed the mission's pull request: the mission learns it (see `applyIntent`). */
  async #pullClosed(payload: PullPayload, log: Logger): Promise<void> {
    if (payload.action !== "closed") return;
    const repo = toRepo(payload);
    const mission = await this.#missionForPull(repo, payload.pull_request.number);
    if (!mission || mission.pr?.closedAs) return;
    const merged = payload.pull_request.merged === true;
    // Closing takes only triage on GitHub; ending a mission takes write, as every command does. A
    // merge needed write access already.
    if (!merged && !hasWriteAccess(await this.#deps.github.permission(repo, payload.sender.login))) {
      log.info({ sender: payload.sender.login }, "pull request closed by someone without write access; the mission goes on");
      return;
    }
    await this.#deps.store.addIntent(mission.id, {
      verb: "pull-closed",
      text: merged ? "merged" : "closed",
      author: payload.sender.login,
      at: payload.pull_request.closed_at ?? new Date().toISOString(),
      source: `pull:${payload.pull_request.number}:closed`,
    });
    log.info({ mission: mission.id, merged }, "the mission's pull request was closed");
    await this.#kick(mission.id);
  }

  /**
   * Re-run on one of the app's check runs: validate that milestone again, as a new check run. A check
   * run a stopped validation cancelled is not recorded on its milestone: its mission is the one its
   * `external_id` names, and the milestone the one validated (or to be validated) on its commit.
   */
  async #rerequested(payload: RerequestPayload, deliveryId: string, log: Logger): Promise<void> {
    if (payload.action !== "rerequested") return;
    const repo = toRepo(payload);
    const recorded = await this.#deps.store.findMissionByCheckRun(repo.owner, repo.name, payload.check_run.id);
    const named = recorded ? undefined : await this.#missionOfCheckRun(repo, payload.check_run);
    const milestoneId = named ? milestoneOnCommit(named, payload.check_run.head_sha) : undefined;
    const found = recorded ?? (named && milestoneId ? { mission: named, milestoneId } : undefined);
    if (!found) return;
    if (!hasWriteAccess(await this.#deps.github.permission(repo, payload.sender.login))) {
      log.info({ sender: payload.sender.login }, "re-run from someone without write access; ignored");
      return;
    }
    await this.#deps.store.addIntent(found.mission.id, {
      verb: "revalidate",
      text: found.milestoneId,
      author: payload.sender.login,
      at: new Date().toISOString(),
      // Keyed on the delivery: the same delivery processed again (after a crash) queues no second validation.
      source: `check-run:${payload.check_run.id}:${deliveryId}`,
    });
    await this.#kick(found.mission.id);
  }

  /**
   * A button pressed on one of the app's check runs (Resume, Re-run validation): obeyed as the comment
   * command it stands for, from people with write access; anyone else's press changes nothing.
   */
  async #actionRequested(payload: RerequestPayload, deliveryId: string, log: Logger): Promise<void> {
    if (payload.action !== "requested_action" || !payload.requested_action) return;
    const requested = parseRequestedAction(payload.requested_action.identifier);
    if (!requested) return;
    const repo = toRepo(payload);
    const mission = await this.#missionOfCheckRun(repo, payload.check_run);
    if (!mission) return;
    if (!hasWriteAccess(await this.#deps.github.permission(repo, payload.sender.login))) {
      log.info({ sender: payload.sender.login, action: requested.verb }, "check run button from someone without write access; ignored");
      return;
    }
    await this.#deps.store.addIntent(mission.id, {
      verb: requested.verb,
      text: requested.verb === "revalidate" ? requested.milestoneId : "",
      author: payload.sender.login,
      at: new Date().toISOString(),
      source: `check-run-action:${payload.check_run.id}:${deliveryId}`,
    });
    log.info({ mission: mission.id, action: requested.verb }, "check run button obeyed");
    await this.#kick(mission.id);
  }

  /** "Re-run all" on the app's checks of a commit: the milestone validated on that commit is validated again, as Re-run does. */
  async #suiteRerequested(payload: SuitePayload, deliveryId: string, log: Logger): Promise<void> {
    if (payload.action !== "rerequested") return;
    const repo = toRepo(payload);
    const numbers = payload.check_suite.pull_requests?.map((pull) => pull.number) ?? [];
    let mission: Mission | undefined;
    for (const number of numbers) mission ??= await this.#missionForPull(repo, number);
    if (!mission) return;
    const milestoneId = milestoneOnCommit(mission, payload.check_suite.head_sha);
    if (!milestoneId) return;
    if (!hasWriteAccess(await this.#deps.github.permission(repo, payload.sender.login))) {
      log.info({ sender: payload.sender.login }, "re-run of all checks from someone without write access; ignored");
      return;
    }
    await this.#deps.store.addIntent(mission.id, {
      verb: "revalidate",
      text: milestoneId,
      author: payload.sender.login,
      at: new Date().toISOString(),
      source: `check-suite:${payload.check_suite.id}:${deliveryId}`,
    });
    await this.#kick(mission.id);
  }

  /** The mission a check run belongs to: the app names it in the check run's `external_id`; else the recorded check runs. */
  async #missionOfCheckRun(repo: RepoRef, checkRun: { id: number; external_id?: string | null }): Promise<Mission | undefined> {
    const named = checkRun.external_id ? await this.#deps.store.getMission(checkRun.external_id) : undefined;
    if (named && named.repo.owner.toLowerCase() === repo.owner.toLowerCase() && named.repo.name.toLowerCase() === repo.name.toLowerCase()) return named;
    return (await this.#deps.store.findMissionByCheckRun(repo.owner, repo.name, checkRun.id))?.mission;
  }

  /**
   * Makes sure the mission gets a turn, before the delivery is marked done. On the shared queue this
   * sends a job, which can fail (the database away for a moment): the delivery then fails for a
   * passing reason and is tried again, and what it recorded (intents, keyed on their source) is not
   * recorded twice.
   */
  async #kick(missionId: string): Promise<void> {
    try {
      await this.#deps.engine.kick(missionId);
    } catch (error) {
      throw Object.assign(new Error(`could not schedule mission ${missionId}'s turn: ${(error as Error).message ?? String(error)}`, { cause: error }), { isRetryable: true });
    }
  }

  #missionForPull(repo: RepoRef, number: number): Promise<Mission | undefined> {
    return this.#deps.store.findMissionByPull(repo.owner, repo.name, number);
  }

}

type Payloads = { [K in keyof typeof WebhookPayloadSchemas]: import("zod").infer<(typeof WebhookPayloadSchemas)[K]> };
type LabeledPayload = Payloads["issues"];
type CommentPayload = Payloads["issue_comment"];
type ReviewPayload = Payloads["pull_request_review"];
type ReviewCommentPayload = Payloads["pull_request_review_comment"];
type PullPayload = Payloads["pull_request"];
type RerequestPayload = Payloads["check_run"];
type SuitePayload = Payloads["check_suite"];

function toRepo(payload: { repository: { owner: { login: string }; name: string }; installation: { id: number } }): RepoRef {
  return { owner: payload.repository.owner.login, name: payload.repository.name, installationId: payload.installation.id };
}

/** The milestone whose validation ran on that commit (its check runs are on it); else the one validation would run on next. */
function milestoneOnCommit(mission: Mission, headSha: string): string | undefined {
  const open = Object.entries(mission.milestones).find(([, state]) => state.headSha === headSha || state.kept?.headSha === headSha || state.openChecks?.some((check) => check.headSha === headSha));
  return open?.[0] ?? approvedPlan(mission)?.milestones.find((milestone) => mission.milestones[milestone.id]?.status !== "passed")?.id;
}

/** A pull request merged (by anyone GitHub let merge it). */
function isMerge(event: string, payload: unknown): boolean {
  const pull = (payload as { action?: unknown; pull_request?: { merged?: unknown } }).pull_request;
  return event === "pull_request" && (payload as { action?: unknown }).action === "closed" && pull?.merged === true;
}

import { allFeatures, approvedPlan, latestContract, nextStep, validatorOf, type Mission, type MissionStatus } from "../../mission/index.ts";
import type { MissionEvent } from "../../store/index.ts";
import { html, type Html } from "./html.ts";

/** What the mission is doing now, or what it waits for and who can give it: the page's first answer. */
export interface NowState {
  /** active: the app works; people: a person must act; operator: the app's operator must act; finished. */
  tone: "active" | "people" | "operator" | "finished";
  headline: string;
  /** Since when (ISO): the step's start, or when the mission began to wait. */
  since?: string;
  /**
   * The exact action that moves the mission on, and who may take it; `brief`: both in one line for
   * the list's Now column ("a maintainer with write access: comment /mission approve").
   */
  action?: { what: Html; who: string; brief: Html };
  /** The feature whose worker runs now (shown "in progress" in the features table). */
  featureId?: string;
  /** The milestone being validated now. */
  validatingMilestone?: string;
  /** The next step waits in the shared queue for a free instance. */
  queued?: boolean;
}

/** Who the app obeys on GitHub: commands, answers and check-run buttons from anyone else are refused. */
const WRITERS = "a maintainer with write access to the repository";
const MAINTAINER = "a maintainer with write access";

/** The statuses that wait on people, most urgent first: the list shows these missions before the others. */
export const NEEDS_PEOPLE: readonly MissionStatus[] = ["awaiting-approval", "questions", "blocked", "paused"];

/** 0 for a mission that needs people, 1 for one that works, 2 for a finished one: the list's order. */
export function attentionRank(status: MissionStatus): number {
  if (NEEDS_PEOPLE.includes(status)) return 0;
  return status === "done" || status === "aborted" || status === "failed" ? 2 : 1;
}

/**
 * `queued`: the mission's next turn waits in the shared queue for a free instance (PostgreSQL with
 * several instances): a working mission says so, and what it will do once an instance takes it.
 */
export function describeNow(mission: Mission, events: MissionEvent[], issueUrl: string, options: { queued?: boolean } = {}): NowState {
  const state = describeState(mission, events, issueUrl);
  if (!options.queued || (mission.status !== "planning" && mission.status !== "running")) return state;
  // Nothing runs while it waits: no feature is "in progress", no milestone "validating".
  return { tone: "active", queued: true, headline: `Queued — waits for a free instance; next: ${state.headline}`, ...(state.since ? { since: state.since } : {}) };
}

function describeState(mission: Mission, events: MissionEvent[], issueUrl: string): NowState {
  const command = (text: string) => html`comment <code>${text}</code> on <a href="${issueUrl}" rel="noreferrer">the issue</a>`;
  const brief = (who: string, text: string, extra: Html | string = "") => html`${who}: <code>${text}</code>${extra}`;
  const waitingSince = lastStatusChange(mission, events);
  switch (mission.status) {
    case "planning":
      return { tone: "active", headline: "The orchestrator is planning the contract", since: stepSince(events, "plan") ?? mission.createdAt };
    case "questions": {
      const link = mission.questions?.commentId !== undefined ? html` (<a href="${`${issueUrl}#issuecomment-${mission.questions.commentId}`}" rel="noreferrer">the questions</a>)` : "";
      return {
        tone: "people",
        headline: `The orchestrator asked ${mission.questions?.items.length ?? 0} question(s) before it plans`,
        since: waitingSince,
        action: {
          what: html`Answer: ${command("/mission answer <text>")} or reply to the questions${link}`,
          // A reply is taken as an answer only from a person the app obeys.
          who: `${WRITERS} (replies from others are not taken as answers)`,
          brief: brief(MAINTAINER, "/mission answer <text>"),
        },
      };
    }
    case "awaiting-approval": {
      const contract = latestContract(mission);
      const href = contract?.commentId !== undefined ? `${issueUrl}#issuecomment-${contract.commentId}` : undefined;
      const link = href ? html`<a href="${href}" rel="noreferrer" data-contract-link>Read contract v${contract!.version}</a>, then ` : "";
      return {
        tone: "people",
        headline: `Contract v${contract?.version ?? "?"} waits for approval`,
        since: contract?.createdAt ?? waitingSince,
        action: {
          what: html`${link}${command("/mission approve")} to start the work, or <code>/mission revise &lt;feedback&gt;</code> to change it`,
          who: WRITERS,
          brief: brief(MAINTAINER, "/mission approve", href ? html` after reading <a href="${href}" rel="noreferrer" data-contract-link>contract v${contract!.version}</a>` : ""),
        },
      };
    }
    case "paused":
      return { ...describePause(mission, command, brief), since: waitingSince };
    case "blocked":
      return {
        tone: "people",
        headline: `Blocked${mission.reason ? `: ${mission.reason}` : ""}`,
        since: waitingSince,
        action: {
          what: html`Read the notice on the issue, then ${command("/mission retry")} to run the step again, <code>/mission resume &lt;guidance&gt;</code> to go on with guidance, or <code>/mission skip &lt;id&gt; &lt;reason&gt;</code>`,
          who: WRITERS,
          brief: brief(MAINTAINER, "/mission retry", " (or resume with guidance)"),
        },
      };
    case "running":
      return describeRunning(mission, events);
    case "done":
      return { tone: "finished", headline: mission.pr ? `Done: pull request #${mission.pr.number} is ready for review` : "Done", ...(mission.finishedAt ? { since: mission.finishedAt } : {}) };
    default:
      return { tone: "finished", headline: `${mission.status === "aborted" ? "Aborted" : "Failed"}${mission.reason ? `: ${mission.reason}` : ""}`, ...(mission.finishedAt ? { since: mission.finishedAt } : {}) };
  }
}

function describePause(mission: Mission, command: (text: string) => Html, brief: (who: string, text: string, extra?: Html | string) => Html): Omit<NowState, "since"> {
  const reason = mission.reason ? `: ${mission.reason}` : "";
  switch (mission.pauseCause) {
    case "budget":
      return {
        tone: "people",
        headline: `Paused: the budget of $${(mission.settings.budgetUsd ?? 0).toFixed(2)} is spent`,
        action: {
          what: html`${command("/mission budget <usd>")} with a higher budget (up to the operator's maximum, <code>MISSIONS_BUDGET_MAX_USD</code>); the work goes on from where it stopped`,
          who: `${WRITERS}, up to the operator's maximum; beyond it, the operator, who raises MISSIONS_BUDGET_MAX_USD`,
          brief: brief(MAINTAINER, "/mission budget <usd>", html` (the operator's <code>MISSIONS_BUDGET_MAX_USD</code> caps it)`),
        },
      };
    case "outage":
      return {
        tone: "operator",
        headline: `Paused: a service stayed down past the retries${reason}`,
        action: {
          what: html`Once the service is back, ${command("/mission resume")}`,
          who: `the operator (the app's log names the service and its answer), or ${WRITERS} once it is back`,
          brief: brief(`the operator (the app's log), then ${MAINTAINER}`, "/mission resume"),
        },
      };
    case "host":
      return {
        tone: "operator",
        headline: `Paused: the app's host lacks what the mission needs${reason}`,
        action: {
          what: html`Install or fix it on the app's host as the notice on the issue says (the app's log has the detail), then ${command("/mission resume")}`,
          who: `the operator, then ${WRITERS}`,
          brief: brief(`the operator fixes the app's host, then ${MAINTAINER}`, "/mission resume"),
        },
      };
    case "permission":
      return {
        tone: "operator",
        headline: `Paused: the app lacks a permission on GitHub${reason}`,
        action: {
          what: html`Accept the new permission in the installation's settings on GitHub, then ${command("/mission resume")}`,
          who: `the owner of the app's installation on GitHub, then ${WRITERS}`,
          brief: brief(`the installation's owner accepts the permission, then ${MAINTAINER}`, "/mission resume"),
        },
      };
    default:
      return {
        tone: "people",
        headline: `Paused${reason}`,
        action: { what: html`${command("/mission resume")} to continue (nothing is lost)`, who: WRITERS, brief: brief(MAINTAINER, "/mission resume") },
      };
  }
}

function describeRunning(mission: Mission, events: MissionEvent[]): NowState {
  const step = nextStep(mission);
  switch (step.kind) {
    case "implement": {
      const feature = allFeatures(mission).find((candidate) => candidate.id === step.featureId);
      const checkpoint = mission.features[step.featureId]?.checkpoint;
      return {
        tone: "active",
        headline: `Worker on ${step.featureId}${feature ? ` ${feature.title}` : ""} (milestone ${feature?.milestoneId ?? "?"})${checkpoint ? `, continuing from checkpoint ${checkpoint.count}` : ""}`,
        since: stepSince(events, "implement", step.featureId) ?? mission.updatedAt,
        featureId: step.featureId,
      };
    }
    case "validate": {
      const plan = approvedPlan(mission);
      const validators = new Set((plan?.assertions ?? []).filter((assertion) => assertion.milestoneId === step.milestoneId && mission.assertions[assertion.id]?.verdict !== "skipped").map(validatorOf));
      // The code reviewers run beside them, one per feature of the milestone not reviewed yet.
      const reviews = allFeatures(mission).filter((feature) => feature.milestoneId === step.milestoneId && mission.features[feature.id]?.commitSha && !mission.features[feature.id]?.reviewed).length;
      const parts = [validators.has("scrutiny") || validators.size === 0 ? "scrutiny" : "", validators.has("user-testing") ? "user testing" : "", reviews > 0 ? `code review of ${reviews} feature${reviews === 1 ? "" : "s"}` : ""].filter(Boolean);
      const who = parts.length > 1 ? `${parts.slice(0, -1).join(", ")} and ${parts.at(-1)}` : parts.join("");
      const round = mission.milestones[step.milestoneId]?.round ?? 0;
      return {
        tone: "active",
        headline: `Validating milestone ${step.milestoneId}: ${who} running${round > 0 ? ` (after repair round ${round})` : ""}`,
        since: stepSince(events, "validate", step.milestoneId) ?? mission.updatedAt,
        validatingMilestone: step.milestoneId,
      };
    }
    case "plan-repair":
      return { tone: "active", headline: `The repair planner is planning the repair of milestone ${step.milestoneId}`, since: stepSince(events, "plan-repair", step.milestoneId) ?? mission.updatedAt };
    case "review-milestone":
      return { tone: "active", headline: `The orchestrator is reviewing milestone ${step.milestoneId} before the next one`, since: stepSince(events, "review-milestone", step.milestoneId) ?? mission.updatedAt };
    case "curate-bulletin":
      return { tone: "active", headline: "The orchestrator is curating the bulletin", since: stepSince(events, step.kind) ?? mission.updatedAt };
    case "finish":
      return { tone: "active", headline: "Opening the pull request for review", since: stepSince(events, step.kind) ?? mission.updatedAt };
    case "choose-branch":
      return { tone: "active", headline: "Creating the mission's branch", since: stepSince(events, step.kind) ?? mission.updatedAt };
    default:
      return { tone: "active", headline: "Running", since: mission.updatedAt };
  }
}

/** When the step now in flight started: its latest start with no end after it. */
function stepSince(events: MissionEvent[], kind: string, id?: string): string | undefined {
  for (let index = events.length - 1; index >= 0; index--) {
    const event = events[index]!;
    if (event.kind !== "step-start" || event.data.kind !== kind) continue;
    if (id !== undefined && (event.data.featureId ?? event.data.milestoneId) !== id) continue;
    // A step that failed and is retried keeps its first start: the time it has been at it.
    let first = event.at;
    for (let earlier = index - 1; earlier >= 0; earlier--) {
      const previous = events[earlier]!;
      if (previous.kind === "step-end") break;
      if (previous.kind === "step-start" && previous.data.kind === kind && (id === undefined || (previous.data.featureId ?? previous.data.milestoneId) === id)) first = previous.at;
    }
    return first;
  }
  return undefined;
}

/** When the mission began to wait: the last event (a command, a failed step), else its last update. */
function lastStatusChange(mission: Mission, events: MissionEvent[]): string {
  const last = events.findLast((event) => event.kind === "intent-apply" || event.kind === "step-fail" || event.kind === "step-end");
  return last?.at ?? mission.updatedAt;
}

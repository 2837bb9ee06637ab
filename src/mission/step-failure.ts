import type { Mission } from "./mission.ts";
import { describeStep } from "./describe-step.ts";
import type { Step } from "./next-step.ts";

export interface BudgetReached {
  spentUsd: number;
  capUsd: number;
  /** What the next model call could cost at most. */
  nextCallUsd: number;
  /** The operator's ceiling for `/mission budget`. */
  maxUsd: number;
  /** Where a worker's interrupted work was kept (its checkpoint), in a sentence for people. */
  kept?: string;
}

/** The next model call could overrun the mission's budget: it waits for a person to raise it. */
export function pauseForBudget(mission: Mission, budget: BudgetReached): Mission {
  const money = (usd: number) => `$${usd.toFixed(2)}`;
  return {
    ...mission,
    status: "paused",
    pausedFrom: mission.status,
    pauseCause: "budget",
    reason: `budget reached (${money(budget.spentUsd)} of ${money(budget.capUsd)})`,
    notices: [
      ...mission.notices,
      {
        key: `budget-${mission.notices.length}`,
        body: [
          "### 💸 Mission paused: budget reached",
          "",
          `${money(budget.spentUsd)} of the ${money(budget.capUsd)} budget is spent, and the next model call could cost up to ${money(budget.nextCallUsd)}.`,
          ...(budget.kept ? ["", budget.kept] : []),
          "",
          `Comment \`/mission budget <usd>\` (at most ${money(budget.maxUsd)}) to continue where it stopped.`,
        ].join("\n"),
      },
    ],
  };
}

export interface HostFault {
  /** What the app's host cannot provide. */
  host: "sandbox" | "browser";
  /** Why, and what the operator should do — it is posted on the issue as it is. */
  message: string;
}

/**
 * The app's host cannot run the step (no sandbox, no browser): no retry and no repair of the code
 * can help, so the mission waits for the operator to fix the host and a person to resume it.
 */
export function pauseForHost(mission: Mission, fault: HostFault): Mission {
  const browser = fault.host === "browser";
  return {
    ...mission,
    status: "paused",
    pausedFrom: mission.status,
    // Not an outage: nothing comes back by itself, the operator must install or fix something.
    pauseCause: "host",
    reason: browser ? "the app's host cannot run the user-testing browser" : "the sandbox cannot start on the app's host",
    notices: [...mission.notices, { key: `sandbox-${mission.notices.length}`, body: `### ⏸️ Mission paused: ${browser ? "no browser" : "no sandbox"}\n\n${fault.message}` }],
  };
}

export interface StepFailure {
  step: Step;
  /** The error's message, shown to people in a code block. */
  message: string;
}

/** A step kept failing for a passing reason after every retry: the mission waits for the outage to end. */
export function pauseForOutage(mission: Mission, failure: StepFailure & { retries: number }): Mission {
  return {
    ...mission,
    status: "paused",
    pausedFrom: mission.status,
    pauseCause: "outage",
    reason: `${describeStep(failure.step)} failed`,
    stepFailures: 0,
    notices: [
      ...mission.notices,
      stepNotice(
        mission,
        failure,
        "⏸️ Mission paused",
        `This looks like an outage that outlasted ${failure.retries} retries. Comment \`/mission resume\` when it is over; nothing is lost.`,
      ),
    ],
  };
}

/** A step failed for a reason that trying again would not change: people decide (`/mission retry` or `/mission abort`). */
export function blockOnStep(mission: Mission, failure: StepFailure): Mission {
  return {
    ...mission,
    status: "blocked",
    pausedFrom: mission.status,
    reason: `${describeStep(failure.step)} failed`,
    stepFailures: 0,
    notices: [...mission.notices, stepNotice(mission, failure, "⛔ Mission blocked", "Comment `/mission retry` to run the step again, or `/mission abort`.")],
  };
}

function stepNotice(mission: Mission, failure: StepFailure, title: string, advice: string): Mission["notices"][number] {
  return {
    key: `step-${failure.step.kind}-${mission.notices.length}`,
    body: [
      `### ${title}: ${describeStep(failure.step)} failed`,
      "",
      "```",
      failure.message.slice(0, 2000).replace(/```/g, "ʼʼʼ"),
      "```",
      "",
      advice,
    ].join("\n"),
  };
}

/**
 * A step failed after part of its work was done, and paid for: `mission` is the mission with that part
 * recorded (a pure transition of the mission the step began with), saved whatever the failure (`cause`)
 * leads to — a budget pause, a retry, a block — so the step's next run does not pay for it again.
 */
export class StepProgressError extends Error {
  override name = "StepProgressError";
  readonly mission: Mission;
  /** What was kept, in a sentence for people (the budget notice quotes it). */
  readonly kept: string;

  constructor(cause: unknown, mission: Mission, kept: string) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
    this.mission = mission;
    this.kept = kept;
  }
}

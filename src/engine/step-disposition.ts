import { BrowserUnavailableError } from "../browser/index.ts";
import { StepProgressError } from "../mission/index.ts";
import { BudgetExceededError } from "../models/index.ts";
import { isRetryable } from "./is-retryable.ts";
import { delayBeforeRetry, type RetryPolicy } from "./retry-policy.ts";

/** What a step's failure means for the mission. */
export type StepDisposition =
  /** A passing failure within the retry policy: run the step again after `delayMs`. */
  | { kind: "retry"; failures: number; delayMs: number; message: string }
  /** The operator must act: the host cannot run the step (`host`), or an outage outlasted the retries (`outage`). */
  | { kind: "pause-operator"; cause: "host"; host: "sandbox" | "browser"; message: string; detail?: string }
  | { kind: "pause-operator"; cause: "outage"; retries: number; message: string }
  /** The next model call could overrun the budget: a person must raise it. */
  | { kind: "pause-budget"; spentUsd: number; capUsd: number; nextCallUsd: number }
  /** Trying again would not change anything: people decide. */
  | { kind: "block"; message: string };

/**
 * Classifies a step's error; `failures` counts the step's failures in a row, this one included.
 * Host faults and the budget are never retried; other errors are when they say they may be
 * (`isRetryable`) and the policy has retries left.
 */
export function stepDisposition(error: unknown, failures: number, policy: RetryPolicy): StepDisposition {
  // Part of the step was kept: what comes next is decided by why the rest failed.
  if (error instanceof StepProgressError) return stepDisposition(error.cause, failures, policy);
  if (error instanceof BudgetExceededError) return { kind: "pause-budget", spentUsd: error.spentUsd, capUsd: error.capUsd, nextCallUsd: error.nextCallUsd };
  const candidate = error as { message?: unknown; hostFault?: unknown; detail?: unknown } | null | undefined;
  const message = typeof candidate?.message === "string" ? candidate.message : String(error);
  if (candidate?.hostFault === true) {
    return {
      kind: "pause-operator",
      cause: "host",
      host: error instanceof BrowserUnavailableError ? "browser" : "sandbox",
      message,
      ...(typeof candidate.detail === "string" ? { detail: candidate.detail } : {}),
    };
  }
  if (!isRetryable(error)) return { kind: "block", message };
  const delayMs = delayBeforeRetry(policy, failures);
  if (delayMs !== undefined) return { kind: "retry", failures, delayMs, message };
  return { kind: "pause-operator", cause: "outage", retries: policy.maxRetries, message };
}

/**
 * How something that failed for a passing reason is tried again: after `initialDelayMs`, each wait
 * `backoff` times the one before, at most `maxRetries` times in a row — then the failure stands.
 */
export interface RetryPolicy {
  maxRetries: number;
  initialDelayMs: number;
  backoff: number;
}

/** The wait before trying again after `failures` failures in a row; undefined when the policy gives up. */
export function delayBeforeRetry(policy: RetryPolicy, failures: number): number | undefined {
  if (failures > policy.maxRetries) return undefined;
  return policy.initialDelayMs * policy.backoff ** (failures - 1);
}

/** A mission's step: retried `maxStepRetries` times, waiting `retryDelayMs`, then twice as long each time. */
export function stepRetryPolicy(settings: { maxStepRetries: number; retryDelayMs: number }): RetryPolicy {
  return { maxRetries: settings.maxStepRetries, initialDelayMs: settings.retryDelayMs, backoff: 2 };
}

/** A webhook delivery: tried `maxAttempts` times in all (default 8), waiting 2 s, then twice as long each time. */
export function deliveryRetryPolicy(settings: { maxAttempts?: number; retryDelayMs?: number }): RetryPolicy {
  return { maxRetries: (settings.maxAttempts ?? 8) - 1, initialDelayMs: settings.retryDelayMs ?? 2_000, backoff: 2 };
}

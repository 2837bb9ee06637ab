/**
 * Whether trying the same step again later can help: errors that say so (`isRetryable`), GitHub's
 * 5xx and rate limits, and network failures.
 */
export function isRetryable(error: unknown): boolean {
  const candidate = error as { isRetryable?: unknown; status?: unknown; code?: unknown; cause?: unknown };
  if (typeof candidate?.isRetryable === "boolean") return candidate.isRetryable;
  if (typeof candidate?.status === "number") {
    return candidate.status >= 500 || candidate.status === 429 || candidate.status === 408 || candidate.status === 403 && /rate limit/i.test(String((error as Error).message));
  }
  if (typeof candidate?.code === "string" && /^(ECONN|ETIMEDOUT|EPIPE|EAI_AGAIN|UND_ERR)/.test(candidate.code)) return true;
  if (candidate?.cause) return isRetryable(candidate.cause);
  return false;
}

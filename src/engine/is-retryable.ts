/**
 * Whether trying the same step again later can help: errors that say so (`isRetryable`), GitHub's
 * 5xx and rate limits, and network failures.
 */
export function isRetryable(error: unknown): boolean {
  const candidate = error as { isRetryable?: unknown; status?: unknown; code?: unknown; cause?: unknown };
  if (typeof candidate?.isRetryable === "boolean") return candidate.isRetryable;
  if (typeof candidate?.status === "number") {
    return candidate.status >= 500 || candidate.status === 429 || candidate.status === 408 || (candidate.status === 403 && isGitHubLimit(error));
  }
  if (typeof candidate?.code === "string" && /^(ECONN|ETIMEDOUT|EPIPE|EAI_AGAIN|UND_ERR)/.test(candidate.code)) return true;
  if (candidate?.cause) return isRetryable(candidate.cause);
  return false;
}

/**
 * A 403 that only asks to slow down: primary and secondary rate limits, and the older abuse-detection
 * wording GitHub still sends (Octokit's throttling retries only the "secondary rate" wording).
 */
function isGitHubLimit(error: unknown): boolean {
  const headers = (error as { response?: { headers?: Record<string, unknown> } }).response?.headers ?? {};
  return /rate limit|abuse detection/i.test(String((error as Error).message)) || headers["retry-after"] !== undefined || headers["x-ratelimit-remaining"] === "0";
}

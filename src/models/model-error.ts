import type { Usage } from "./language-model.ts";

/** A failed model call; `isRetryable` says whether trying again later can help. */
export class ModelError extends Error {
  readonly isRetryable: boolean;
  readonly status?: number;
  /**
   * What the provider reported of a call it had begun to answer before the call failed (cut mid-stream,
   * or an answer that did not parse): billed all the same. Absent when the provider reported nothing.
   */
  billed?: Usage;

  constructor(message: string, options: { cause?: unknown; isRetryable: boolean; status?: number; billed?: Usage }) {
    super(message, { cause: options.cause });
    this.name = "ModelError";
    this.isRetryable = options.isRetryable;
    this.status = options.status;
    if (options.billed) this.billed = options.billed;
  }
}

const RETRYABLE_STATUSES = new Set([408, 409, 429, 500, 502, 503, 504, 529]);
/** Error types a provider sends inside an open stream, where there is no HTTP status to go by. */
const RETRYABLE_TYPES = new Set(["overloaded_error", "rate_limit_error", "api_error", "timeout_error", "server_error"]);
/** Failures that waiting does not fix, whatever their status: the account, not the service. */
const PERMANENT_CODES = new Set(["insufficient_quota", "billing_hard_limit_reached", "invalid_api_key"]);

/** Maps an SDK error (both SDKs expose `status`, `type`, `code`) to a ModelError. */
export function toModelError(error: unknown, modelId: string): ModelError {
  if (error instanceof ModelError) return error;
  const details = error as { status?: unknown; type?: unknown; code?: unknown; error?: { type?: unknown; error?: { type?: unknown } }; name?: string; message?: string };
  const status = typeof details?.status === "number" ? details.status : undefined;
  const type = [details?.type, details?.error?.type, details?.error?.error?.type].find((candidate): candidate is string => typeof candidate === "string");
  const code = typeof details?.code === "string" ? details.code : undefined;
  const text = `${details?.name ?? ""} ${details?.message ?? ""}`;
  const network = /timeout|connection/i.test(details?.name ?? "") || /timed? ?out|ECONNRE|socket hang up|terminated|premature close|overloaded/i.test(text);
  // A 200 answer that is not the JSON the protocol promises (a proxy's error page, a garbled stream): passing.
  const cause = (error as { cause?: unknown })?.cause;
  const garbled = [error, cause].some((candidate) => candidate instanceof SyntaxError || (candidate as { name?: string })?.name === "SyntaxError") || /in JSON at position|Unexpected (token|end of JSON)|ended without sending any chunks/.test(details?.message ?? "");
  let retryable: boolean;
  if (code && PERMANENT_CODES.has(code)) retryable = false;
  else if (status !== undefined) retryable = RETRYABLE_STATUSES.has(status);
  else retryable = (type !== undefined && RETRYABLE_TYPES.has(type)) || network || garbled;
  const message = status !== undefined
    ? `HTTP ${status}${code ? ` (${code})` : ""}`
    : type
      ? `${type}: ${details?.message ?? ""}`
      : garbled
        ? `the provider's answer was not valid JSON (${details?.message ?? ""})`
        : details?.message;
  return new ModelError(`${modelId}: ${message ?? String(error)}`, { cause: error, isRetryable: retryable, status });
}

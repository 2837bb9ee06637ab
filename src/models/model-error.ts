/** A failed model call; `isRetryable` says whether trying again later can help. */
export class ModelError extends Error {
  readonly isRetryable: boolean;
  readonly status?: number;

  constructor(message: string, options: { cause?: unknown; isRetryable: boolean; status?: number }) {
    super(message, { cause: options.cause });
    this.name = "ModelError";
    this.isRetryable = options.isRetryable;
    this.status = options.status;
  }
}

const RETRYABLE_STATUSES = new Set([408, 409, 429, 500, 502, 503, 504, 529]);

/** Maps an SDK error (both SDKs expose `status`) to a ModelError. */
export function toModelError(error: unknown, modelId: string): ModelError {
  if (error instanceof ModelError) return error;
  const status = typeof (error as { status?: unknown })?.status === "number" ? (error as { status: number }).status : undefined;
  const name = (error as Error)?.name ?? "";
  const timeout = /timeout|connection/i.test(name) || /timed? ?out|ECONNRE|socket hang up|terminated/i.test(String((error as Error)?.message));
  const retryable = status === undefined ? timeout : RETRYABLE_STATUSES.has(status);
  const message = status === undefined ? (error as Error)?.message : `HTTP ${status}`;
  return new ModelError(`${modelId}: ${message ?? String(error)}`, { cause: error, isRetryable: retryable, status });
}

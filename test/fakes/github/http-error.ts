export const DOCS_URL = "https://docs.github.com/rest";

// Thrown by route handlers for any 4xx answer; the server turns it into GitHub's error JSON.
export class HttpError extends Error {
  readonly status: number;
  readonly extra: Record<string, unknown>;

  constructor(status: number, message: string, extra: Record<string, unknown> = {}) {
    super(message);
    this.status = status;
    this.extra = extra;
  }

  toJSON(): Record<string, unknown> {
    return { message: this.message, documentation_url: DOCS_URL, status: String(this.status), ...this.extra };
  }
}

export function notFound(): HttpError {
  return new HttpError(404, "Not Found");
}

// GitHub's 422 shape: a generic message plus a list saying which field was wrong.
export function validationFailed(message: string, field?: string, code = "invalid"): HttpError {
  return new HttpError(422, message, field ? { errors: [{ resource: "Request", field, code, message }] } : {});
}

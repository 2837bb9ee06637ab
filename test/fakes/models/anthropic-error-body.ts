const typeByStatus: Record<number, string> = {
  400: "invalid_request_error",
  401: "authentication_error",
  402: "billing_error",
  403: "permission_error",
  404: "not_found_error",
  413: "request_too_large",
  429: "rate_limit_error",
  500: "api_error",
  504: "timeout_error",
  529: "overloaded_error",
};

/** The Messages API's error body; the type defaults to the one the API uses for the status. */
export function anthropicErrorBody(status: number, type: string | undefined, message: string, requestId: string) {
  const defaultType = typeByStatus[status] ?? (status >= 500 ? "api_error" : "invalid_request_error");
  return { type: "error", error: { type: type ?? defaultType, message }, request_id: requestId };
}

const typeByStatus: Record<number, { type: string; code: string | null }> = {
  400: { type: "invalid_request_error", code: null },
  401: { type: "invalid_request_error", code: "invalid_api_key" },
  403: { type: "invalid_request_error", code: "unsupported_country_region_territory" },
  404: { type: "invalid_request_error", code: "model_not_found" },
  429: { type: "requests", code: "rate_limit_exceeded" },
};

/** The OpenAI API's error body; type and code default to what the API sends for the status. */
export function openaiErrorBody(status: number, type: string | undefined, message: string) {
  const defaults = typeByStatus[status] ?? { type: status >= 500 ? "server_error" : "invalid_request_error", code: null };
  return { error: { message, type: type ?? defaults.type, param: null, code: defaults.code } };
}

import type { CheckRunInput } from "./github-port.ts";

/** GitHub's limits on check runs. */
export const CHECK_OUTPUT_LIMIT = 65_535;
export const ANNOTATIONS_PER_REQUEST = 50;
export const MAX_ACTIONS = 3;

/**
 * Splits a check run into requests GitHub accepts: text within 65,535 characters, annotations
 * 50 per request (later requests append them).
 */
export function toCheckRunRequests(input: CheckRunInput) {
  const annotations = (input.annotations ?? []).map((annotation) => ({
    path: annotation.path,
    start_line: annotation.startLine,
    end_line: annotation.endLine,
    annotation_level: annotation.level,
    message: clip(annotation.message, 64_000),
    ...(annotation.title ? { title: clip(annotation.title, 255) } : {}),
  }));
  const output = (batch: typeof annotations) => ({
    title: clip(input.title, 255),
    summary: clip(input.summary, CHECK_OUTPUT_LIMIT),
    ...(input.text ? { text: clip(input.text, CHECK_OUTPUT_LIMIT) } : {}),
    ...(batch.length > 0 ? { annotations: batch } : {}),
  });
  const common = {
    name: input.name,
    status: input.status,
    // GitHub completes any check run that is given a conclusion: only send one with "completed".
    ...(input.status === "completed" && input.conclusion ? { conclusion: input.conclusion } : {}),
    ...(input.externalId ? { external_id: input.externalId } : {}),
    ...(input.detailsUrl ? { details_url: input.detailsUrl } : {}),
    ...(input.actions ? { actions: input.actions.slice(0, MAX_ACTIONS).map((action) => ({ label: action.label.slice(0, 20), description: action.description.slice(0, 40), identifier: action.identifier.slice(0, 20) })) } : {}),
    ...(input.status === "completed" ? { completed_at: new Date().toISOString() } : {}),
  };
  const requests = [{ ...common, output: output(annotations.slice(0, ANNOTATIONS_PER_REQUEST)) }];
  for (let start = ANNOTATIONS_PER_REQUEST; start < annotations.length; start += ANNOTATIONS_PER_REQUEST) {
    requests.push({ ...common, output: output(annotations.slice(start, start + ANNOTATIONS_PER_REQUEST)) });
  }
  return requests;
}

/** Cuts text to a limit, saying so at the end. */
export function clip(text: string, limit: number): string {
  if (text.length <= limit) return text;
  const note = "\n\n… (truncated)";
  return text.slice(0, limit - note.length) + note;
}

import { optionalArray, optionalObject, optionalString, type JsonObject } from "./body-fields.ts";
import { HttpError } from "./http-error.ts";
import type { Annotation, CheckRunAction } from "./records.ts";

// GitHub's documented limits for check runs, enforced with 422s so the app meets them here
// rather than in production.
const MAX_OUTPUT_CHARS = 65_535;
const MAX_ANNOTATIONS = 50;
const MAX_ACTIONS = 3;
const STATUSES = ["queued", "in_progress", "completed", "waiting", "requested", "pending"];
const CONCLUSIONS = ["action_required", "cancelled", "failure", "neutral", "success", "skipped", "stale", "timed_out"];
const LEVELS = ["notice", "warning", "failure"];

export interface CheckRunInput {
  name?: string;
  status?: string;
  conclusion?: string;
  detailsUrl?: string;
  externalId?: string;
  startedAt?: string;
  completedAt?: string;
  output?: { title?: string; summary?: string; text?: string; annotations: Annotation[] };
  actions?: CheckRunAction[];
}

export function parseCheckRun(body: JsonObject, mode: "create" | "update"): CheckRunInput {
  const status = optionalString(body, "status");
  const conclusion = optionalString(body, "conclusion");
  if (status !== undefined && !STATUSES.includes(status)) fail(`status must be one of ${STATUSES.join(", ")}; got "${status}"`);
  if (conclusion !== undefined && !CONCLUSIONS.includes(conclusion)) {
    fail(`conclusion must be one of ${CONCLUSIONS.join(", ")}; got "${conclusion}"`);
  }
  if (status === "completed" && conclusion === undefined) fail("conclusion is required when status is completed");
  const input: CheckRunInput = {
    name: optionalString(body, "name"),
    status,
    conclusion,
    detailsUrl: optionalString(body, "details_url"),
    externalId: optionalString(body, "external_id"),
    startedAt: optionalString(body, "started_at"),
    completedAt: optionalString(body, "completed_at"),
  };
  const output = optionalObject(body, "output");
  if (output) input.output = parseOutput(output, mode);
  const actions = optionalArray(body, "actions");
  if (actions) input.actions = parseActions(actions);
  return input;
}

function parseOutput(output: JsonObject, mode: "create" | "update") {
  const title = optionalString(output, "title");
  const summary = optionalString(output, "summary");
  const text = optionalString(output, "text");
  if (mode === "create" && title === undefined) fail("output.title is required");
  if (summary === undefined) fail("output.summary is required");
  if (summary !== undefined && summary.length > MAX_OUTPUT_CHARS) {
    fail(`output.summary is too long (${summary.length} characters; maximum is ${MAX_OUTPUT_CHARS})`);
  }
  if (text !== undefined && text.length > MAX_OUTPUT_CHARS) {
    fail(`output.text is too long (${text.length} characters; maximum is ${MAX_OUTPUT_CHARS})`);
  }
  const raw = optionalArray(output, "annotations") ?? [];
  if (raw.length > MAX_ANNOTATIONS) fail(`Only ${MAX_ANNOTATIONS} annotations are allowed per request; got ${raw.length}`);
  return { title, summary, text, annotations: raw.map(parseAnnotation) };
}

function parseAnnotation(raw: unknown, index: number): Annotation {
  const a = asObject(raw, `output.annotations[${index}]`);
  const where = `output.annotations[${index}]`;
  const path = a.path;
  const start = a.start_line;
  const end = a.end_line;
  const level = a.annotation_level;
  const message = a.message;
  if (typeof path !== "string" || path === "") fail(`${where}.path is required`);
  if (!Number.isInteger(start) || !Number.isInteger(end)) fail(`${where}.start_line and end_line are required integers`);
  if (typeof level !== "string" || !LEVELS.includes(level)) fail(`${where}.annotation_level must be one of ${LEVELS.join(", ")}`);
  if (typeof message !== "string" || message === "") fail(`${where}.message is required`);
  if ((a.start_column !== undefined || a.end_column !== undefined) && start !== end) {
    fail(`${where}: start_column and end_column may only be used when start_line equals end_line`);
  }
  const annotation: Annotation = {
    path: path as string,
    start_line: start as number,
    end_line: end as number,
    annotation_level: level as Annotation["annotation_level"],
    message: message as string,
  };
  if (typeof a.start_column === "number") annotation.start_column = a.start_column;
  if (typeof a.end_column === "number") annotation.end_column = a.end_column;
  if (typeof a.title === "string") annotation.title = a.title;
  if (typeof a.raw_details === "string") annotation.raw_details = a.raw_details;
  return annotation;
}

function parseActions(actions: unknown[]): CheckRunAction[] {
  if (actions.length > MAX_ACTIONS) fail(`Only ${MAX_ACTIONS} actions are allowed; got ${actions.length}`);
  return actions.map((raw, index) => {
    const a = asObject(raw, `actions[${index}]`);
    const field = (key: string, max: number): string => {
      const value = a[key];
      if (typeof value !== "string" || value === "") fail(`actions[${index}].${key} is required`);
      if ((value as string).length > max) fail(`actions[${index}].${key} is too long (maximum is ${max} characters)`);
      return value as string;
    };
    return { label: field("label", 20), description: field("description", 40), identifier: field("identifier", 20) };
  });
}

function asObject(raw: unknown, where: string): JsonObject {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) fail(`${where} must be an object`);
  return raw as JsonObject;
}

function fail(message: string): never {
  throw new HttpError(422, `Invalid request.\n\n${message}`);
}

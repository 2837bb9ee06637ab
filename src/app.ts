import type { IncomingMessage, ServerResponse } from "node:http";
import type { ApplicationFunction } from "probot";
import type { Intake } from "./engine/index.ts";

/** Webhook events the app acts on; every handler only records the delivery and returns. */
export const WEBHOOK_EVENTS = [
  "issues.labeled",
  "issue_comment.created",
  "issue_comment.edited",
  "pull_request.closed",
  "pull_request_review.submitted",
  "pull_request_review_comment.created",
  "check_run.rerequested",
  "check_run.requested_action",
  "check_suite.rerequested",
] as const;

export interface AppParts {
  intake: () => Intake;
  /** Liveness for load balancers and container health checks: no mission details, no secrets. */
  health: () => Promise<{ activeMissions: number; store?: string; queue?: Record<string, number> }>;
  /** The dashboard and `/metrics`: true when the request was theirs. */
  dashboard?: (request: IncomingMessage, response: ServerResponse) => Promise<boolean>;
  /** `/` for people: the app runs, and what to do next. */
  home?: (request: IncomingMessage, response: ServerResponse) => Promise<boolean>;
}

export function missionsApp(parts: AppParts): ApplicationFunction {
  return (app, { addHandler }) => {
    app.on([...WEBHOOK_EVENTS], async (context) => {
      await parts.intake().receive(context.name, context.id, context.payload);
    });
    addHandler(async (request, response) => {
      if (request.method !== "GET" || request.url !== "/health") return false;
      try {
        const body = JSON.stringify({ status: "ok", ...(await parts.health()) });
        response.writeHead(200, { "content-type": "application/json" }).end(body);
      } catch {
        response.writeHead(503, { "content-type": "application/json" }).end('{"status":"unavailable"}');
      }
      return true;
    });
    if (parts.dashboard) addHandler(parts.dashboard);
    if (parts.home) addHandler(parts.home);
  };
}

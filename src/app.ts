import type { ApplicationFunction } from "probot";
import type { Intake } from "./engine/index.ts";

/** Webhook events the app acts on; every handler only records the delivery and returns. */
export const WEBHOOK_EVENTS = ["issues.labeled", "issue_comment.created", "issue_comment.edited", "pull_request_review.submitted"] as const;

export function missionsApp(intake: () => Intake): ApplicationFunction {
  return (app) => {
    app.on([...WEBHOOK_EVENTS], async (context) => {
      await intake().receive(context.name, context.id, context.payload);
    });
  };
}

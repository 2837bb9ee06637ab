import { z } from "zod";

/** The parts of webhook payloads the intake reads; anything else in a payload is ignored. */
const Actor = z.object({ login: z.string(), type: z.string().default("User") });
const Repository = z.object({ name: z.string(), owner: z.object({ login: z.string() }), default_branch: z.string().optional() });
const Installation = z.object({ id: z.number().int() });
const Issue = z.object({
  number: z.number().int(),
  title: z.string(),
  body: z.string().nullable().optional(),
  pull_request: z.unknown().optional(),
});

export const WebhookPayloadSchemas = {
  issues: z.object({
    action: z.string(),
    issue: Issue,
    label: z.object({ name: z.string() }).optional(),
    repository: Repository,
    sender: Actor,
    installation: Installation,
  }),
  issue_comment: z.object({
    action: z.string(),
    issue: Issue,
    comment: z.object({ id: z.number().int(), body: z.string().max(262_144), user: Actor, created_at: z.string() }),
    repository: Repository,
    sender: Actor,
    installation: Installation,
  }),
  check_run: z.object({
    action: z.string(),
    check_run: z.object({ id: z.number().int(), name: z.string(), head_sha: z.string(), rerequested_at: z.string().optional(), external_id: z.string().nullable().optional() }),
    /** The button pressed on the check run's page (`requested_action`). */
    requested_action: z.object({ identifier: z.string().max(20) }).nullable().optional(),
    repository: Repository,
    sender: Actor,
    installation: Installation,
  }),
  check_suite: z.object({
    action: z.string(),
    check_suite: z.object({
      id: z.number().int(),
      head_sha: z.string(),
      pull_requests: z.array(z.object({ number: z.number().int() })).max(100).nullable().optional(),
    }),
    repository: Repository,
    sender: Actor,
    installation: Installation,
  }),
  pull_request: z.object({
    action: z.string(),
    pull_request: z.object({ number: z.number().int(), merged: z.boolean().nullable().optional(), closed_at: z.string().nullable().optional() }),
    repository: Repository,
    sender: Actor,
    installation: Installation,
  }),
  pull_request_review_comment: z.object({
    action: z.string(),
    comment: z.object({
      id: z.number().int(),
      body: z.string().max(262_144),
      user: Actor,
      created_at: z.string(),
      path: z.string().max(4_096),
      /** The line in the pull request's head; null when the comment is on a whole file or outdated. */
      line: z.number().int().nullable().optional(),
      original_line: z.number().int().nullable().optional(),
      pull_request_review_id: z.number().int().nullable().optional(),
    }),
    pull_request: z.object({ number: z.number().int(), title: z.string().optional() }),
    repository: Repository,
    sender: Actor,
    installation: Installation,
  }),
  pull_request_review: z.object({
    action: z.string(),
    review: z.object({ id: z.number().int(), state: z.string(), body: z.string().nullable().optional(), user: Actor, submitted_at: z.string().nullable().optional() }),
    pull_request: z.object({ number: z.number().int() }),
    repository: Repository,
    sender: Actor,
    installation: Installation,
  }),
};

import { z } from "zod";
import { HandoffSchema, PlanSchema, VerdictSchema } from "./schemas.ts";

export const MISSION_SCHEMA_VERSION = 1;

export const ACTIVE_STATUSES = ["planning", "questions", "awaiting-approval", "running", "paused", "blocked"] as const;
export const TERMINAL_STATUSES = ["done", "aborted", "failed"] as const;
export const MissionStatusSchema = z.enum([...ACTIVE_STATUSES, ...TERMINAL_STATUSES]);
export type MissionStatus = z.infer<typeof MissionStatusSchema>;

const ConversationEntrySchema = z.object({
  kind: z.enum(["question", "answer", "feedback"]),
  author: z.string(),
  text: z.string(),
  at: z.string(),
});

const ContractSchema = z.object({
  version: z.number().int().positive(),
  plan: PlanSchema,
  commentId: z.number().int().optional(),
  createdAt: z.string(),
});

/** Who set something aside, and why: a person's `/mission skip`, or the orchestrator at a milestone boundary. */
const SkipSchema = z.object({
  /** A person's login; for the orchestrator or a revised contract, the words that name them. */
  author: z.string(),
  by: z.enum(["person", "orchestrator", "contract"]).default("person"),
  reason: z.string(),
  at: z.string(),
});
export type Skip = z.infer<typeof SkipSchema>;

/** Who set something aside, for people to read: a login is mentioned, the app's own roles are named. */
export function skippedBy(skip: Skip): string {
  return skip.by === "person" ? `@${skip.author}` : skip.author;
}

/** A code review's finding on a feature's diff (as `ReviewFinding`). */
const ReviewFindingSchema = z.object({
  featureId: z.string(),
  severity: z.enum(["blocker", "major", "minor", "nit"]),
  path: z.string(),
  line: z.number().int(),
  message: z.string(),
});

const FeatureStateSchema = z.object({
  status: z.enum(["pending", "done", "skipped"]),
  skipped: SkipSchema.optional(),
  /** What the orchestrator learned for this feature at a milestone boundary; the worker reads it. */
  notes: z.array(z.string()).optional(),
  /** Skills the orchestrator assigned at a milestone boundary (often one it wrote there), beside the plan's own: the worker loads both. */
  skills: z.array(z.string()).optional(),
  commitSha: z.string().optional(),
  handoff: HandoffSchema.optional(),
  /** Whether a code review has looked at this feature's commit. */
  reviewed: z.boolean().optional(),
  /**
   * The findings of a review that ended in a validation step that did not (the budget paused it, say):
   * the review is not paid again, and the next validation of the milestone reports these as its own.
   */
  findings: z.array(ReviewFindingSchema).optional(),
  /** The files the feature's commit changed, as git says — not as the worker says. */
  files: z.array(z.string()).optional(),
  attempts: z.number().int().default(0),
  /**
   * The commit the feature's work started on, when that is not its commit's parent (it went through
   * checkpoints): reviews and the milestone's diff start here so they see all of the feature's work.
   */
  from: z.string().optional(),
  /**
   * A worker ran out of turns or time, or the budget ran out under it: the app committed what it had (trailer `Handoff: checkpoint`)
   * and a fresh worker continues from it. `count` is the length of the current chain of checkpoints;
   * `from` is the commit before the feature's first checkpoint, so the feature's files span them all.
   */
  checkpoint: z
    .object({ sha: z.string(), from: z.string(), count: z.number().int(), limit: z.enum(["turns", "time", "budget"]), handoff: HandoffSchema })
    .optional(),
  /**
   * This feature finishes what an earlier one handed off as `partial`: `root` is the feature the chain
   * began with, `count` how many continuations in a row led here. Bounded like checkpoints.
   */
  chain: z.object({ root: z.string(), count: z.number().int() }).optional(),
});

const MilestoneStateSchema = z.object({
  status: z.enum(["pending", "passed", "failed"]),
  round: z.number().int().default(0),
  headSha: z.string().optional(),
  checkRunId: z.number().int().optional(),
  /** The user-testing check run, when the milestone has user-testing assertions. */
  userTestingCheckRunId: z.number().int().optional(),
  /** A person asked for this validation again: report it as a new check run. */
  rerun: z.boolean().optional(),
  /**
   * The check runs a validation in flight has open on GitHub, saved as each opens: a crash leaves
   * them recorded, so whatever comes next (a retried validation, a pause or abort) closes them.
   */
  openChecks: z.array(z.object({ id: z.number().int(), name: z.string(), headSha: z.string(), title: z.string() })).optional(),
  /** The orchestrator read the milestone's handoffs and results and adjusted the rest of the plan. */
  reviewed: z.boolean().optional(),
  /**
   * What the validators of an interrupted validation finished on the head `headSha` (the budget paused
   * it, say): its next run on the same head reuses them instead of paying for them again. Scrutiny's
   * verdicts; user testing's verdicts, with the check run that already reports them.
   */
  kept: z
    .object({
      headSha: z.string(),
      scrutiny: z.array(VerdictSchema).optional(),
      userTesting: z.object({ checkRunId: z.number().int(), verdicts: z.array(VerdictSchema), failures: z.array(z.string()) }).optional(),
    })
    .optional(),
  /** What must be repaired before the next validation: the repair planner turns it into features. */
  repair: z.object({ failedAssertions: z.array(z.string()), problems: z.array(z.string()) }).optional(),
});

const AssertionStateSchema = z.object({
  /** `skipped`: a person set it aside (`/mission skip`); it is not validated and the PR lists it as not verified. */
  verdict: z.enum(["pending", "pass", "fail", "skipped"]),
  skipped: SkipSchema.optional(),
  evidence: z.string().optional(),
  commitSha: z.string().optional(),
  /** The check run whose validator gave the verdict: the evidence's link. */
  checkRunId: z.number().int().optional(),
});

const NoticeSchema = z.object({
  key: z.string(),
  body: z.string(),
  commentId: z.number().int().optional(),
});

/**
 * How long one worker may run, how long one command may take, and how many fresh workers may continue
 * a feature from checkpoints in a row. The operator sets defaults and maxima; a repository may choose
 * within them (`limits:` in `.github/missions.yml`).
 */
export const MissionLimitsSchema = z.object({
  workerTurns: z.number().int().positive(),
  workerMinutes: z.number().positive(),
  commandTimeoutSeconds: z.number().positive(),
  continuations: z.number().int().min(0),
});
export type MissionLimits = z.infer<typeof MissionLimitsSchema>;

/** The limits in force: the repository's choice where it made one, the operator's default otherwise. */
export function missionLimits(settings: MissionSettings, defaults: MissionLimits): MissionLimits {
  return { ...defaults, ...Object.fromEntries(Object.entries(settings.limits ?? {}).filter(([, value]) => value !== undefined)) };
}

/** What the engine needs from the repository's `.github/missions.yml`, frozen when the mission starts. */
export const MissionSettingsSchema = z.object({
  commands: z
    .object({
      install: z.string().optional(),
      test: z.string().optional(),
      typecheck: z.string().optional(),
      lint: z.string().optional(),
    })
    .default({}),
  models: z.record(z.string(), z.string()).default({}),
  /** How hard each role's model thinks, as the repository chose (`effort:`); the operator's otherwise. */
  effort: z.record(z.string(), z.enum(["low", "medium", "high"])).optional(),
  budgetUsd: z.number().positive().optional(),
  maxRemediationRounds: z.number().int().min(0).default(3),
  /** The repository's own limits (`limits:`), already checked against the operator's maxima. */
  limits: MissionLimitsSchema.partial().optional(),
  /** The operator's MCP servers this repository enabled (`mcp:`), by name. */
  mcp: z.array(z.string()).optional(),
  /** How the user-testing validator starts the application, from `app:` in the repository config. */
  app: z
    .object({
      start: z.string(),
      url: z.string(),
      ready: z.string().optional(),
      timeoutSeconds: z.number().int().positive().default(60),
    })
    .optional(),
});
export type MissionSettings = z.infer<typeof MissionSettingsSchema>;

export const MissionSchema = z.object({
  schemaVersion: z.literal(MISSION_SCHEMA_VERSION),
  id: z.string(),
  repo: z.object({
    owner: z.string(),
    name: z.string(),
    installationId: z.number().int(),
    defaultBranch: z.string(),
  }),
  issue: z.object({
    number: z.number().int(),
    title: z.string(),
    /**
     * The issue's text when a maintainer added the label: what the mission is about is fixed then, so
     * an author without write access cannot change the spec afterwards (people with write access change
     * it with `/mission revise`). Missions stored before it existed read the issue as it is.
     */
    body: z.string().optional(),
  }),
  status: MissionStatusSchema,
  /** The status to return to on `/mission resume`. */
  pausedFrom: MissionStatusSchema.optional(),
  /**
   * Where the work stood when `/mission revise` interrupted it: `/mission approve v<old>` (keep the
   * contract the work ran on) returns there — a paused mission stays paused, a blocked one blocked.
   */
  revisingFrom: z
    .object({ status: MissionStatusSchema, pausedFrom: MissionStatusSchema.optional(), pauseCause: z.enum(["person", "budget", "outage", "host", "permission"]).optional(), reason: z.string().optional() })
    .optional(),
  /** What paused it: a person, the budget, an outage that outlasted the retries, a host without a sandbox or browser (`host`), or a permission the app lacks on GitHub. */
  pauseCause: z.enum(["person", "budget", "outage", "host", "permission"]).optional(),
  /** Why the mission is paused, blocked or failed, in words for humans. */
  reason: z.string().optional(),
  createdBy: z.string(),
  settings: MissionSettingsSchema,
  createdAt: z.string(),
  updatedAt: z.string(),
  controlCommentId: z.number().int().optional(),
  conversation: z.array(ConversationEntrySchema).default([]),
  /** Open clarifying questions; posted once, answered by `/mission answer` or a plain reply. */
  questions: z
    .object({
      items: z.array(z.string()),
      commentId: z.number().int().optional(),
      /** Asked while the work runs (at a milestone boundary): the answer goes to the workers, and the work goes on. */
      during: z.enum(["planning", "work"]).optional(),
      milestoneId: z.string().optional(),
    })
    .optional(),
  contracts: z.array(ContractSchema).default([]),
  approvedVersion: z.number().int().optional(),
  /** Features added after approval (remediation), appended to the approved plan's list. */
  extraFeatures: z.array(PlanSchema.shape.features.element).default([]),
  features: z.record(z.string(), FeatureStateSchema).default({}),
  milestones: z.record(z.string(), MilestoneStateSchema).default({}),
  assertions: z.record(z.string(), AssertionStateSchema).default({}),
  branch: z.string().optional(),
  pr: z
    .object({
      number: z.number().int(),
      nodeId: z.string(),
      ready: z.boolean(),
      /** A person merged it, or closed it without merging: the mission pushes nothing more to it. */
      closedAs: z.enum(["merged", "closed"]).optional(),
    })
    .optional(),
  /** Comments a human must read (blocked, failed, done): posted once each, keyed for idempotence. */
  notices: z.array(NoticeSchema).default([]),
  stepFailures: z.number().int().default(0),
  /** What workers discovered that every later worker and the orchestrator should know (never shown to validators). */
  bulletin: z.array(z.string()).default([]),
  /**
   * The latest `partial` handoffs in a row whose reasons are alike: the reason the first gave, and each
   * feature with its own reason and the follow-up that waits for it. A `done` handoff ends the run; at
   * its bound the mission is blocked and people are asked, instead of queuing follow-ups that would
   * stop for the same reason.
   */
  partialStreak: z
    .object({ reason: z.string(), features: z.array(z.object({ id: z.string(), reason: z.string(), followUp: z.string() })) })
    .optional(),
  /** What maintainers told the workers with `/mission resume <text>` or `/mission retry <text>`. */
  guidance: z.array(z.object({ author: z.string(), text: z.string(), at: z.string() })).default([]),
  /**
   * `/mission resume <guidance>` after GitHub refused a workflow change: the kept commit is dropped
   * and the feature done again with the guidance, instead of pushing the commit as it is.
   */
  redoRefusedFeature: z.boolean().optional(),
  finishedAt: z.string().optional(),
});

export type Mission = z.infer<typeof MissionSchema>;
export type Contract = z.infer<typeof ContractSchema>;

export function isTerminal(status: MissionStatus): boolean {
  return (TERMINAL_STATUSES as readonly string[]).includes(status);
}

/** Loads a persisted mission, upgrading older schema versions as they appear. */
export function loadMission(data: unknown): Mission {
  return MissionSchema.parse(data);
}

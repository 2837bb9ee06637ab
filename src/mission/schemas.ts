import { z } from "zod";

/** `VAL-<AREA>-NNN`, e.g. `VAL-API-001`. */
export const AssertionIdSchema = z
  .string()
  .regex(/^VAL-[A-Z][A-Z0-9]*-\d{3}$/, "assertion ids look like VAL-<AREA>-NNN, e.g. VAL-API-001");

export const MilestoneSchema = z.object({
  id: z.string().regex(/^M\d+$/, "milestone ids look like M1, M2, …").describe("Milestone id: M1, M2, …"),
  title: z.string().min(1).max(120).describe("Short milestone title"),
});

export const AssertionSchema = z.object({
  id: AssertionIdSchema.describe("Assertion id, VAL-<AREA>-NNN"),
  milestoneId: z.string().describe("The milestone whose validation checks this assertion"),
  statement: z.string().min(1).max(600).describe("What must be true, observable from outside"),
  verification: z.string().min(1).max(600).describe("How a validator will check it: the command, test or user action"),
  validator: z
    .enum(["scrutiny", "user-testing"])
    .optional()
    .describe("scrutiny (the default): checked from the code, tests and commands; user-testing: checked by using the running app (browser, HTTP, CLI) as a person would"),
});

export const FeatureSchema = z.object({
  id: z.string().regex(/^F\d+$/, "feature ids look like F1, F2, …").describe("Feature id: F1, F2, …"),
  milestoneId: z.string().describe("The milestone this feature belongs to"),
  title: z.string().min(1).max(100).describe("Imperative title; becomes the commit subject"),
  description: z.string().min(1).max(4000).describe("What to build, precisely enough for a worker with no other context"),
  assertionIds: z.array(AssertionIdSchema).min(1).describe("The assertions this feature makes true"),
  skills: z.array(z.string()).max(5).optional().describe("Names of the skills the worker should get for this feature, from the list offered"),
});

/**
 * A skill the orchestrator writes or improves, committed as `.github/missions/skills/<name>/SKILL.md`
 * in the Agent Skills format: `name` 1–64 lowercase letters, digits and single hyphens (the folder's
 * name), `description` up to 1,024 characters, then the Markdown body.
 */
export const SkillDraftSchema = z.object({
  name: z
    .string()
    .max(64)
    .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, "skill names are 1–64 lowercase letters, digits and single hyphens, e.g. http-handlers")
    .describe("The skill's name: lowercase letters, digits and single hyphens, at most 64 characters"),
  description: z.string().trim().min(1).max(1024).describe("When to use the skill and what it covers, at most 1,024 characters: workers are given it by this"),
  body: z.string().trim().min(1).max(12_000).describe("The skill's instructions, in Markdown: the procedure, the conventions, the pitfalls, the commands"),
});

/** How the app will start once the first feature makes it so, when the repository configures none: approved with the contract. */
export const PlannedAppSchema = z.object({
  start: z.string().min(1).max(300).describe("The command that starts the app from the repository root, e.g. `npm start` (a script the first feature writes)"),
  url: z
    .url({ protocol: /^https?$/, hostname: /^(localhost|127\.0\.0\.1)$/ })
    .refine((url) => new URL(url).port !== "", "give the port the app listens on, e.g. http://localhost:3000")
    .describe("Where the started app listens, e.g. http://localhost:3000"),
});

export const PlanSchema = z.object({
  summary: z.string().min(1).max(2000).describe("What the mission delivers, two or three sentences"),
  milestones: z.array(MilestoneSchema).min(1).max(12),
  features: z.array(FeatureSchema).min(1).max(60),
  assertions: z.array(AssertionSchema).min(1).max(200),
  newSkills: z
    .array(SkillDraftSchema)
    .max(5)
    .optional()
    .describe("Skills to write for this mission's kinds of work, committed on the mission branch before the first feature; assign them to features by name in `skills`"),
  app: PlannedAppSchema.optional().describe(
    "Only when the repository configures no app (`app:` in .github/missions.yml) and user testing needs the running app (a browser, HTTP): the script that will start it and where it listens. The first feature makes it start so, and serves a user-testing assertion that checks it; user testing starts the app with it",
  ),
});

export const HandoffSchema = z.object({
  status: z.enum(["done", "partial", "blocked"]).describe("done: the feature is complete; partial: some is left; blocked: cannot proceed"),
  summary: z.string().min(1).max(2000).describe("What you did, in two or three sentences"),
  completed: z.array(z.string()).default([]).describe("What was completed"),
  leftUndone: z.array(z.string()).default([]).describe("What was not done, honestly"),
  commandsRun: z
    .array(z.object({ command: z.string(), exitCode: z.number().int() }))
    .default([])
    .describe("Every command you ran, with its exit code"),
  issuesDiscovered: z.array(z.string()).default([]).describe("Problems found that others should know about"),
  testsWrittenFirst: z.boolean().default(false).describe("Whether tests were written before the implementation"),
  testsRun: z.boolean().default(false).describe("Whether you ran the tests after implementing, and they passed"),
  stoppedBy: z
    .string()
    .max(300)
    .optional()
    .describe("For partial: what stopped you from finishing, in one short line (e.g. \"the tests cannot run: no browser installed\")"),
  noChangeReason: z
    .string()
    .max(1000)
    .optional()
    .describe("For done with no change to any file: why the feature needs none (it already exists, say); it goes into the feature's commit"),
  skillFeedback: z
    .array(z.object({ skill: z.string().max(64).describe("The skill's name"), feedback: z.string().min(1).max(1000).describe("What it got wrong or lacked, and what would have been right") }))
    .max(5)
    .optional()
    .describe("What a skill you were given got wrong or lacked: the orchestrator improves the skill at the milestone's end"),
});

/** What the worker submits: the commands it ran are the shell's record, not its own account. */
export const SubmittedHandoffSchema = HandoffSchema.omit({ commandsRun: true }).extend({
  // Bounded where the worker submits it (stored handoffs keep what they had): one handoff cannot flood the bulletin.
  issuesDiscovered: z.array(z.string().max(1000)).max(10).default([]).describe("Problems found that others should know about: at most ten, the most important first"),
});

export const VerdictSchema = z.object({
  assertionId: AssertionIdSchema,
  verdict: z.enum(["pass", "fail"]),
  evidence: z.string().min(1).max(2000).describe("What you observed that decides the verdict"),
});

export type Milestone = z.infer<typeof MilestoneSchema>;
export type Assertion = z.infer<typeof AssertionSchema>;

/** Which validator judges an assertion: scrutiny unless the plan says user testing. */
export function validatorOf(assertion: Assertion): "scrutiny" | "user-testing" {
  return assertion.validator ?? "scrutiny";
}
export type Feature = z.infer<typeof FeatureSchema>;
export type Plan = z.infer<typeof PlanSchema>;
export type SkillDraft = z.infer<typeof SkillDraftSchema>;
export type Handoff = z.infer<typeof HandoffSchema>;
export type Verdict = z.infer<typeof VerdictSchema>;

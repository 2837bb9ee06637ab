import { z } from "zod";
import { READ_ONLY_TOOLS, runAgent, renderTurn } from "../agent/index.ts";
import type { LanguageModel } from "../models/index.ts";
import {
  allFeatures,
  approvedPlan,
  BULLETIN_ENTRY,
  checkMilestoneReview,
  CURATED_BULLETIN,
  featuresOf,
  SkillDraftSchema,
  type MilestoneReview,
  type Mission,
} from "../mission/index.ts";
import { finalToolDescription, loadPrompt } from "./load-prompt.ts";
import { loadSkills } from "./skills.ts";
import { assertionLines } from "./prompt-sections.ts";
import { untrusted } from "./untrusted.ts";

/** How much of one handoff the orchestrator reads at a boundary: enough to act on, bounded whatever the worker wrote. */
const HANDOFF_CHARS = 1_500;

const BulletinSchema = z.array(z.string().min(1).max(BULLETIN_ENTRY)).max(CURATED_BULLETIN).describe(`The curated bulletin: at most ${CURATED_BULLETIN} entries, each one line`);

const ReviewSchema = z.object({
  bulletin: BulletinSchema,
  notes: z.array(z.object({ featureId: z.string(), note: z.string().min(1).max(800) })).max(20).default([]).describe("What a later feature's worker must know"),
  add: z
    .array(
      z.object({
        milestoneId: z.string(),
        title: z.string().min(1).max(100),
        description: z.string().min(1).max(4000),
        assertionIds: z.array(z.string()).min(1),
        skills: z.array(z.string()).max(5).optional().describe("Skills its worker gets, by name: offered ones or ones written in `skills`"),
      }),
    )
    .max(4)
    .default([])
    .describe("New features the discoveries call for, in later milestones, serving approved assertions"),
  drop: z.array(z.object({ featureId: z.string(), reason: z.string().min(1).max(500) })).max(10).default([]).describe("Pending features no longer needed"),
  questions: z.array(z.string().min(1).max(500)).max(3).default([]).describe("What only people can decide; the work waits for their answer"),
  skills: z
    .array(SkillDraftSchema)
    .max(3)
    .default([])
    .describe("Skills to write for the work ahead, or to improve where workers reported them wrong or lacking: each whole, as its SKILL.md should read (an improved one keeps its name)"),
  assign: z
    .array(z.object({ featureId: z.string(), skills: z.array(z.string()).min(1).max(5) }))
    .max(20)
    .default([])
    .describe("Skills for features of later milestones still to do, by name — one written in `skills` or one offered — beside those they have: their workers load them"),
});

export interface MilestoneReviewInput {
  model: LanguageModel;
  mission: Mission;
  milestoneId: string;
  directory: string;
  signal?: AbortSignal;
}

/**
 * At a milestone boundary the orchestrator reads what the milestone's workers handed off (with what
 * they discovered), the bulletin and the validation results, and keeps the rest of the plan alive:
 * notes for later workers, features the discoveries call for, features that became moot, questions
 * for people, and a curated bulletin.
 */
export async function reviewMilestone(input: MilestoneReviewInput): Promise<MilestoneReview> {
  const { mission, milestoneId } = input;
  const plan = approvedPlan(mission)!;
  const index = plan.milestones.findIndex((milestone) => milestone.id === milestoneId);
  const milestone = plan.milestones[index]!;
  const later = plan.milestones.slice(index + 1);
  const handoffs = featuresOf(mission, milestoneId).flatMap((feature) => {
    const handoff = mission.features[feature.id]?.handoff;
    if (!handoff) return [];
    const text = [
      `${feature.id} ${feature.title} — ${handoff.status}: ${handoff.summary}`,
      ...handoff.leftUndone.map((item) => `  left undone: ${item}`),
      ...handoff.issuesDiscovered.map((item) => `  discovered: ${item}`),
    ].join("\n");
    return [text.length > HANDOFF_CHARS ? `${text.slice(0, HANDOFF_CHARS - 1)}…` : text];
  });
  const verdicts = plan.assertions
    .filter((assertion) => assertion.milestoneId === milestoneId)
    .map((assertion) => `- ${assertion.id}: ${mission.assertions[assertion.id]?.verdict ?? "pending"} — ${(mission.assertions[assertion.id]?.evidence ?? "").slice(0, 300)}`);
  const feedback = featuresOf(mission, milestoneId).flatMap((feature) =>
    (mission.features[feature.id]?.handoff?.skillFeedback ?? []).map((entry) => ({ feature: feature.id, skill: entry.skill, feedback: entry.feedback })),
  );
  const reported = new Set(feedback.map((entry) => entry.skill));
  // Every skill there is, to assign to the work ahead; the reported ones shown whole.
  const offered = await loadSkills(input.directory);
  const skills = offered.filter((skill) => reported.has(skill.name));
  const remaining = allFeatures(mission).filter((feature) => later.some((next) => next.id === feature.milestoneId) && mission.features[feature.id]?.status === "pending");
  const prompt = renderTurn("milestone-review", {
    id: milestone.id,
    title: milestone.title,
    handoffs: untrusted("handoffs", handoffs.join("\n\n") || "(none)"),
    verdicts: untrusted("validators' evidence", verdicts.join("\n")),
    bulletin: untrusted("bulletin", mission.bulletin.map((entry) => `- ${entry}`).join("\n") || "(empty)"),
    // What workers said a skill got wrong, and the skill as it reads now: both from models and the repository, so data.
    skillFeedback:
      feedback.length > 0
        ? untrusted("skill feedback", feedback.map((entry) => `- ${entry.skill} (from ${entry.feature}): ${entry.feedback.slice(0, 1000)}`).join("\n"))
        : "",
    skills: skills.map((skill) => ({ name: skill.name, text: untrusted(`skill ${skill.name}`, `description: ${skill.description}\n\n${skill.body}`) })),
    later: later.map((next) => ({
      id: next.id,
      title: next.title,
      assertions: assertionLines(plan.assertions.filter((assertion) => assertion.milestoneId === next.id)),
      features: remaining
        .filter((feature) => feature.milestoneId === next.id)
        .map((feature) => {
          const assigned = [...new Set([...(feature.skills ?? []), ...(mission.features[feature.id]?.skills ?? [])])];
          return { id: feature.id, title: feature.title, assertionIds: feature.assertionIds.join(", "), description: feature.description.slice(0, 400), skills: assigned.length > 0 ? assigned.join(", ") : undefined };
        }),
    })),
    offered: offered.map((skill) => ({ name: skill.name, description: skill.description })),
  });
  const offeredNames = new Set(offered.map((skill) => skill.name));
  const { value } = await runAgent({
    model: input.model,
    system: loadPrompt("orchestrator"),
    prompt,
    tools: READ_ONLY_TOOLS,
    final: {
      name: "submit_milestone_review",
      description: finalToolDescription("submit_milestone_review"),
      parameters: ReviewSchema,
      check: (review) => checkMilestoneReview(mission, milestoneId, review, offeredNames),
    },
    context: { root: input.directory, readFiles: new Set(), signal: input.signal },
    maxTurns: 12,
    cacheKey: `${mission.id}:orchestrator`,
  });
  return value;
}

export interface CurateInput {
  model: LanguageModel;
  mission: Mission;
  signal?: AbortSignal;
}

/** The bulletin outgrew its size: the orchestrator merges it back within it. */
export async function curateBulletin(input: CurateInput): Promise<string[]> {
  const prompt = renderTurn("bulletin-curation", {
    count: input.mission.bulletin.length,
    limit: CURATED_BULLETIN,
    bulletin: untrusted("bulletin", input.mission.bulletin.map((entry) => `- ${entry}`).join("\n")),
  });
  const { value } = await runAgent({
    model: input.model,
    system: loadPrompt("orchestrator"),
    prompt,
    // Only the bulletin is needed: no tools, so the run cannot wander off reading code.
    tools: [],
    final: {
      name: "submit_bulletin",
      description: finalToolDescription("submit_bulletin"),
      parameters: z.object({ bulletin: BulletinSchema }),
    },
    context: { root: ".", readFiles: new Set(), signal: input.signal },
    maxTurns: 4,
    cacheKey: `${input.mission.id}:orchestrator`,
  });
  return value.bulletin;
}

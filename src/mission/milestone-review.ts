import type { Mission } from "./mission.ts";
import type { SkillDraft } from "./schemas.ts";
import { allFeatures, approvedPlan, nextFeatureId } from "./plan-features.ts";
import { BULLETIN_LIMIT, boundedEntry } from "./record-handoff.ts";

/** The bulletin after curation leaves room for the next discoveries before it must be curated again. */
export const CURATED_BULLETIN = 12;

/**
 * What the orchestrator decides at a milestone boundary, having read the milestone's handoffs (with
 * their discoveries), the bulletin and the validation results. Within the approved assertions only:
 * new assertions go through `/mission revise` and people's approval.
 */
export interface MilestoneReview {
  /** The curated bulletin: merged, deduplicated, what still holds. */
  bulletin: string[];
  /** What a later feature's worker must know (a discovery, a changed assumption). */
  notes: Array<{ featureId: string; note: string }>;
  /** Work the discoveries call for, within the approved assertions (with the skills its worker gets). */
  add: Array<{ milestoneId: string; title: string; description: string; assertionIds: string[]; skills?: string[] }>;
  /** Pending features that are no longer needed (already done by others, made moot). */
  drop: Array<{ featureId: string; reason: string }>;
  /** What only people can decide; the work waits for the answer. */
  questions: string[];
  /** Skills written or improved (from the workers' `skillFeedback`), committed on the branch. */
  skills?: SkillDraft[];
  /** Skills for features still to do — one written here, or one offered — by name: their workers load them. */
  assign?: Array<{ featureId: string; skills: string[] }>;
}

/** The most skills one feature's worker is given (as the plan's `skills`). */
const SKILLS_PER_FEATURE = 5;

/**
 * What is wrong with a review, as sentences the orchestrator can act on. `offered`: the skills there
 * are to assign (built-in and the repository's); the ones the review writes count too.
 */
export function checkMilestoneReview(mission: Mission, milestoneId: string, review: MilestoneReview, offered?: ReadonlySet<string>): string[] {
  const plan = approvedPlan(mission);
  if (!plan) return [];
  const problems: string[] = [];
  const index = plan.milestones.findIndex((milestone) => milestone.id === milestoneId);
  const later = new Set(plan.milestones.slice(index + 1).map((milestone) => milestone.id));
  const features = allFeatures(mission);
  const pendingLater = new Set(features.filter((feature) => later.has(feature.milestoneId) && mission.features[feature.id]?.status === "pending").map((feature) => feature.id));
  if (review.bulletin.length > CURATED_BULLETIN) problems.push(`the bulletin may hold at most ${CURATED_BULLETIN} entries; merge or drop what no longer matters`);
  for (const note of review.notes) {
    if (!pendingLater.has(note.featureId)) problems.push(`note for ${note.featureId}: notes go to features of later milestones that are still to do (${[...pendingLater].join(", ") || "none"})`);
  }
  for (const feature of review.add) {
    if (!later.has(feature.milestoneId)) problems.push(`"${feature.title}": new features go to a later milestone (${[...later].join(", ")})`);
    for (const id of feature.assertionIds) {
      const assertion = plan.assertions.find((candidate) => candidate.id === id);
      if (!assertion || assertion.milestoneId !== feature.milestoneId) {
        problems.push(`"${feature.title}" names ${id}, which is not an approved assertion of ${feature.milestoneId}; new assertions need /mission revise and people's approval — ask a question instead`);
      }
    }
  }
  const dropped = new Set(review.drop.map((drop) => drop.featureId));
  for (const drop of review.drop) {
    if (!pendingLater.has(drop.featureId)) problems.push(`${drop.featureId} cannot be dropped: only features of later milestones that are still to do can`);
  }
  // Every approved assertion of a later milestone keeps a feature that serves it.
  for (const assertion of plan.assertions.filter((candidate) => later.has(candidate.milestoneId))) {
    if (mission.assertions[assertion.id]?.verdict === "skipped") continue;
    const served =
      features.some((feature) => feature.assertionIds.includes(assertion.id) && mission.features[feature.id]?.status !== "skipped" && !dropped.has(feature.id)) ||
      review.add.some((feature) => feature.assertionIds.includes(assertion.id));
    if (!served) problems.push(`after the drops no feature serves ${assertion.id}; keep or add one`);
  }
  // One SKILL.md per name: two drafts of one skill would have the second overwrite the first.
  const names = (review.skills ?? []).map((skill) => skill.name);
  for (const name of new Set(names.filter((name, at) => names.indexOf(name) !== at))) problems.push(`the skill \`${name}\` is written twice; write each skill once, whole`);
  // A skill is assigned to work still to do, by a name there is a skill for.
  const known = offered ? new Set([...offered, ...names]) : undefined;
  const unknown = (skills: readonly string[]) => (known ? skills.filter((name) => !known.has(name)) : []);
  for (const { featureId, skills } of review.assign ?? []) {
    if (!pendingLater.has(featureId) || dropped.has(featureId)) problems.push(`skills for ${featureId}: skills go to features of later milestones that are still to do (${[...pendingLater].filter((id) => !dropped.has(id)).join(", ") || "none"})`);
    const state = mission.features[featureId];
    const feature = features.find((candidate) => candidate.id === featureId);
    const all = new Set([...(feature?.skills ?? []), ...(state?.skills ?? []), ...skills]);
    if (all.size > SKILLS_PER_FEATURE) problems.push(`${featureId} would have ${all.size} skills; give a feature at most ${SKILLS_PER_FEATURE}`);
    for (const name of unknown(skills)) problems.push(`skills for ${featureId}: there is no skill \`${name}\`; write it in \`skills\`, or name one offered`);
  }
  for (const feature of review.add) {
    for (const name of unknown(feature.skills ?? [])) problems.push(`"${feature.title}" names skill \`${name}\`, which there is not; write it in \`skills\`, or name one offered`);
  }
  return problems;
}

/** The review takes effect: the milestone is reviewed, the bulletin curated, the plan's rest adjusted. */
export function applyMilestoneReview(mission: Mission, milestoneId: string, review: MilestoneReview, now: string): Mission {
  let next: Mission = { ...mission, bulletin: review.bulletin.map(boundedEntry), features: { ...mission.features } };
  for (const { featureId, note } of review.notes) {
    const state = next.features[featureId]!;
    next.features[featureId] = { ...state, notes: [...(state.notes ?? []), `After ${milestoneId}: ${note}`.slice(0, 1000)] };
  }
  for (const { featureId, skills } of review.assign ?? []) {
    const state = next.features[featureId]!;
    next.features[featureId] = { ...state, skills: [...new Set([...(state.skills ?? []), ...skills])] };
  }
  for (const { featureId, reason } of review.drop) {
    next.features[featureId] = { ...next.features[featureId]!, status: "skipped", skipped: { author: "the orchestrator", by: "orchestrator", reason: reason.slice(0, 500), at: now } };
  }
  for (const feature of review.add) {
    const id = nextFeatureId(next);
    next = { ...next, extraFeatures: [...next.extraFeatures, { ...feature, id }], features: { ...next.features, [id]: { status: "pending", attempts: 0 } } };
  }
  const state = next.milestones[milestoneId]!;
  next = { ...next, milestones: { ...next.milestones, [milestoneId]: { ...state, reviewed: true } } };
  if (review.questions.length === 0) return next;
  return {
    ...next,
    status: "questions",
    reason: `the orchestrator has questions after milestone ${milestoneId}`,
    questions: { items: review.questions, during: "work", milestoneId },
    conversation: [...next.conversation, ...review.questions.map((text) => ({ kind: "question" as const, author: "orchestrator", text, at: now }))],
  };
}

/** The orchestrator merged the bulletin back within its size: nothing dropped without a reader deciding. */
export function applyCuratedBulletin(mission: Mission, bulletin: string[]): Mission {
  return { ...mission, bulletin: bulletin.slice(0, BULLETIN_LIMIT).map(boundedEntry) };
}

/**
 * No curation to be had (the model gave no usable answer): the newest entries stay, and one line says
 * how many older ones were set aside and where they are — never a silent cut.
 */
export function setAsideBulletin(mission: Mission): Mission {
  if (mission.bulletin.length <= CURATED_BULLETIN) return mission;
  const kept = mission.bulletin.slice(-(CURATED_BULLETIN - 1));
  const older = mission.bulletin.length - kept.length;
  return applyCuratedBulletin(mission, [`(${older} older entries were set aside uncurated; every handoff's discoveries are in the mission's timeline on the dashboard)`, ...kept]);
}

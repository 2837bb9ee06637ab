import type { Contract, Mission } from "./mission.ts";
import type { Feature, Plan } from "./schemas.ts";

export function latestContract(mission: Mission): Contract | undefined {
  return mission.contracts.at(-1);
}

export function approvedPlan(mission: Mission): Plan | undefined {
  return mission.contracts.find((contract) => contract.version === mission.approvedVersion)?.plan;
}

/** Every feature to implement, in order: the approved plan's, then follow-ups. */
export function allFeatures(mission: Mission): Feature[] {
  return [...(approvedPlan(mission)?.features ?? []), ...mission.extraFeatures];
}

/** The next free feature id: one past the highest, so follow-ups never collide with a plan's ids. */
export function nextFeatureId(mission: Mission): string {
  const numbers = [...allFeatures(mission).map((feature) => feature.id), ...Object.keys(mission.features)].map((id) => Number(id.slice(1)) || 0);
  return `F${Math.max(0, ...numbers) + 1}`;
}

export function featuresOf(mission: Mission, milestoneId: string): Feature[] {
  return allFeatures(mission).filter((feature) => feature.milestoneId === milestoneId);
}

/**
 * A feature as a validator may read it: a `Finish:` follow-up's own description quotes what the
 * previous worker left undone, so it is given its chain's first feature's description instead — the
 * planned one, with no worker's words in it.
 */
export function plannedFeature(mission: Mission, feature: Feature): Feature {
  const root = mission.features[feature.id]?.chain?.root;
  const planned = allFeatures(mission).find((candidate) => candidate.id === (root ?? feature.id)) ?? feature;
  // Only the approved contract's words: a follow-up the orchestrator wrote after reading workers'
  // handoffs (a milestone review's addition, a repair) is judged by its title, assertions and diff.
  const approved = approvedPlan(mission)?.features.some((candidate) => candidate.id === planned.id) ?? false;
  return { ...feature, description: approved ? planned.description : "(a follow-up feature added during the mission: judge the diff against its title and the assertions it serves)" };
}

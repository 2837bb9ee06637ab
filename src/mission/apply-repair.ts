import type { Mission } from "./mission.ts";
import { nextFeatureId } from "./plan-features.ts";
import type { Feature } from "./schemas.ts";

export type RepairFeature = Pick<Feature, "title" | "description" | "assertionIds" | "skills">;

/** The repair planner's plan joins the milestone as follow-up features; the repair is done. */
export function applyRepair(mission: Mission, milestoneId: string, features: RepairFeature[]): Mission {
  let next: Mission = mission;
  for (const feature of features) {
    const id = nextFeatureId(next);
    next = {
      ...next,
      extraFeatures: [...next.extraFeatures, { ...feature, id, milestoneId }],
      features: { ...next.features, [id]: { status: "pending", attempts: 0 } },
    };
  }
  const state = next.milestones[milestoneId]!;
  return { ...next, milestones: { ...next.milestones, [milestoneId]: { ...state, repair: undefined } } };
}

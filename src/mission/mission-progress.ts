import type { Mission } from "./mission.ts";
import { allFeatures, approvedPlan, latestContract } from "./plan-features.ts";

export interface MissionProgress {
  featuresDone: number;
  featuresTotal: number;
  assertionsPassed: number;
  assertionsTotal: number;
}

/** Features done and assertions passed, against the approved plan (or the proposed one). */
export function missionProgress(mission: Mission): MissionProgress {
  const plan = approvedPlan(mission) ?? latestContract(mission)?.plan;
  const features = mission.approvedVersion !== undefined ? allFeatures(mission) : (plan?.features ?? []);
  const assertions = plan?.assertions ?? [];
  return {
    featuresDone: features.filter((feature) => mission.features[feature.id]?.status === "done").length,
    featuresTotal: features.length,
    assertionsPassed: assertions.filter((assertion) => mission.assertions[assertion.id]?.verdict === "pass").length,
    assertionsTotal: assertions.length,
  };
}

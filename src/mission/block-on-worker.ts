import { defuseMarkers, escapeCell } from "./markdown.ts";
import type { Mission } from "./mission.ts";
import { allFeatures } from "./plan-features.ts";
import type { Handoff } from "./schemas.ts";

/**
 * A worker handed off `blocked`: its changes are not committed, the feature stays pending and the
 * humans are asked. What the feature had (its checkpoint above all) is kept, so the next worker
 * continues from it.
 */
export function blockOnWorker(mission: Mission, blocked: { featureId: string; handoff: Handoff }): Mission {
  const { featureId, handoff } = blocked;
  const title = allFeatures(mission).find((feature) => feature.id === featureId)?.title;
  const state = mission.features[featureId] ?? { status: "pending" as const, attempts: 0 };
  const attempts = state.attempts + 1;
  return {
    ...mission,
    status: "blocked",
    pausedFrom: "running",
    reason: `the worker on ${featureId} is blocked`,
    features: { ...mission.features, [featureId]: { ...state, status: "pending", handoff, attempts } },
    notices: [
      ...mission.notices,
      {
        key: `worker-blocked-${featureId}-${attempts}`,
        body: [
          `### ⛔ The worker on ${featureId} (${escapeCell(title ?? featureId)}) is blocked`,
          "",
          // The worker's words: quoted as text, never as the app's markers or anyone's mention.
          defuseMarkers(handoff.summary),
          ...handoff.leftUndone.map((item) => `- ${escapeCell(item)}`),
          "",
          "Its changes were not committed. Comment `/mission resume <what the worker needs to know>` to run the feature again with your guidance, or `/mission abort`.",
        ].join("\n"),
      },
    ],
  };
}

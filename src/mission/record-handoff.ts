import type { Mission } from "./mission.ts";
import { allFeatures, nextFeatureId } from "./plan-features.ts";
import type { Handoff } from "./schemas.ts";

const BULLETIN_ENTRIES = 20;
const BULLETIN_ENTRY = 300;

export interface FeatureCommit {
  featureId: string;
  handoff: Handoff;
  commitSha: string;
  files: string[];
  /** Where the feature's work started, when it went through checkpoints (not its commit's parent). */
  from?: string;
}

/**
 * A feature's work is committed. Its discoveries go on the bulletin every later worker and validator
 * reads; what a `partial` handoff left undone becomes a follow-up feature in the same milestone.
 */
export function recordHandoff(mission: Mission, commit: FeatureCommit): Mission {
  const { featureId, handoff } = commit;
  const feature = allFeatures(mission).find((candidate) => candidate.id === featureId)!;
  const state = mission.features[featureId] ?? { status: "pending" as const, attempts: 0 };
  const discoveries = handoff.issuesDiscovered.map((issue) => {
    const text = `${featureId}: ${issue.replace(/\s+/g, " ").trim()}`;
    return text.length > BULLETIN_ENTRY ? `${text.slice(0, BULLETIN_ENTRY - 1)}…` : text;
  });
  let next: Mission = {
    ...mission,
    bulletin: [...mission.bulletin, ...discoveries].slice(-BULLETIN_ENTRIES),
    features: {
      ...mission.features,
      [featureId]: { ...state, status: "done", commitSha: commit.commitSha, handoff, files: commit.files, attempts: state.attempts + 1, ...(commit.from ? { from: commit.from } : {}) },
    },
  };
  if (handoff.status === "partial") {
    const id = nextFeatureId(next);
    next = {
      ...next,
      extraFeatures: [
        ...next.extraFeatures,
        {
          id,
          milestoneId: feature.milestoneId,
          title: `Finish: ${feature.title}`.slice(0, 100),
          description: [
            `${featureId} (${feature.title}) was handed off as partial. What it left undone:`,
            ...(handoff.leftUndone.length > 0 ? handoff.leftUndone.map((item) => `- ${item}`) : ["- (not listed; compare the feature's description with the code)"]),
            "",
            `The original description:\n${feature.description}`,
          ].join("\n"),
          assertionIds: feature.assertionIds,
          ...(feature.skills ? { skills: feature.skills } : {}),
        },
      ],
      features: { ...next.features, [id]: { status: "pending", attempts: 0 } },
    };
  }
  return next;
}

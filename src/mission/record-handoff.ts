import { escapeCell } from "./markdown.ts";
import type { Mission } from "./mission.ts";
import { allFeatures, nextFeatureId } from "./plan-features.ts";
import { continuationBound, continuationsInARow } from "./record-checkpoint.ts";
import { extendStreak, SAME_REASON_IN_A_ROW, sameReasonBound } from "./same-reason.ts";
import type { Handoff } from "./schemas.ts";

/**
 * The bulletin's fixed size: past this many entries the orchestrator curates it (merges, drops what
 * no longer holds) before anyone reads it again — it is never cut silently. One entry's length is
 * bounded too, with a visible ellipsis.
 */
export const BULLETIN_LIMIT = 20;
export const BULLETIN_ENTRY = 300;

export interface FeatureCommit {
  featureId: string;
  handoff: Handoff;
  commitSha: string;
  files: string[];
  /** Where the feature's work started, when it went through checkpoints (not its commit's parent). */
  from?: string;
  /** How many continuations in a row a feature may have before a person is asked (default: no bound). */
  continuations?: number;
  /** How many features in a row may hand off `partial` for the same reason before a person is asked (default 2). */
  sameReason?: number;
  branch?: string;
}

/**
 * A feature's work is committed. Its discoveries go on the bulletin every later worker and the orchestrator
 * reads; what a `partial` handoff left undone becomes a follow-up feature in the same milestone — a
 * continuation, bounded like checkpoints: at the bound the follow-up waits and people are asked. Features
 * in a row (of one chain or not) that stop for the same reason are bounded too: the follow-up waits,
 * and people are asked once, instead of follow-up after follow-up stopping for it again.
 */
export function recordHandoff(mission: Mission, commit: FeatureCommit): Mission {
  const { featureId, handoff } = commit;
  const feature = allFeatures(mission).find((candidate) => candidate.id === featureId)!;
  const state = mission.features[featureId] ?? { status: "pending" as const, attempts: 0 };
  const discoveries = handoff.issuesDiscovered.map((issue) => {
    const text = `${featureId}: ${issue.replace(/\s+/g, " ").trim()}`;
    return boundedEntry(text);
  });
  let next: Mission = {
    ...mission,
    bulletin: [...mission.bulletin, ...discoveries.filter((entry) => !mission.bulletin.includes(entry))],
    features: {
      ...mission.features,
      [featureId]: { ...state, status: "done", commitSha: commit.commitSha, handoff, files: commit.files, attempts: state.attempts + 1, ...(commit.from ? { from: commit.from } : {}) },
    },
  };
  // A feature that is done ends any run of partial handoffs.
  if (handoff.status !== "partial") return { ...next, partialStreak: undefined };
  const id = nextFeatureId(next);
  const chain = { root: state.chain?.root ?? featureId, count: continuationsInARow(state) + 1 };
  const root = allFeatures(mission).find((candidate) => candidate.id === chain.root) ?? feature;
  next = {
    ...next,
    extraFeatures: [
      ...next.extraFeatures,
      {
        id,
        milestoneId: feature.milestoneId,
        // Named after the chain's first feature: never "Finish: Finish: …".
        title: `Finish: ${root.title}`.slice(0, 100),
        description: [
          `${featureId} (${feature.title}) was handed off as partial. What it left undone:`,
          ...(handoff.leftUndone.length > 0 ? handoff.leftUndone.map((item) => `- ${item}`) : ["- (not listed; compare the feature's description with the code)"]),
          "",
          `The original description:\n${root.description}`,
        ].join("\n"),
        assertionIds: feature.assertionIds,
        ...(feature.skills ? { skills: feature.skills } : {}),
      },
    ],
    features: { ...next.features, [id]: { status: "pending", attempts: 0, chain } },
  };
  const streak = extendStreak(mission.partialStreak, featureId, handoff, id);
  next = { ...next, partialStreak: streak };
  if (commit.continuations === undefined || chain.count <= commit.continuations) {
    if (streak && streak.features.length >= (commit.sameReason ?? SAME_REASON_IN_A_ROW)) return sameReasonBound(next, streak, commit.branch);
    return next;
  }
  // One notice at a time: the chain's bound asks the people, and the run of reasons starts afresh.
  return continuationBound({ ...next, partialStreak: undefined }, {
    rootId: chain.root,
    count: chain.count,
    key: `checkpoint-bound-${id}`,
    reason: `the workers on ${chain.root} handed off partial work ${chain.count} times in a row`,
    what: `Each handed off part of the work. What they did is committed${commit.branch ? ` on \`${commit.branch}\`` : ""}; what is left waits as ${id} (${escapeCell(`Finish: ${root.title}`.slice(0, 100))}).`,
    continuations: commit.continuations,
  });
}

/** One bulletin entry on one line, at most BULLETIN_ENTRY characters (an ellipsis shows a cut). */
export function boundedEntry(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > BULLETIN_ENTRY ? `${flat.slice(0, BULLETIN_ENTRY - 1)}…` : flat;
}

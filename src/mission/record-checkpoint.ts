import { escapeCell } from "./markdown.ts";
import type { Mission } from "./mission.ts";
import { allFeatures } from "./plan-features.ts";
import type { Handoff } from "./schemas.ts";

export type CheckpointLimit = "turns" | "time" | "budget";

export interface FeatureCheckpoint {
  featureId: string;
  /** The checkpoint commit, pushed. */
  sha: string;
  /** The commit it was made on. */
  parent: string;
  /** What the worker ran out of: its turns, its time, or the mission's budget (which does not count towards the bound). */
  limit: CheckpointLimit;
  /** The files the checkpoint changed, as git says. */
  files: string[];
  /** What the worker's shell ran, with exit codes. */
  commandsRun: Handoff["commandsRun"];
  /** How many continuations in a row a feature may have before a person is asked. */
  continuations: number;
  branch: string;
}

/**
 * The handoff the app writes for a worker that ran out before it wrote its own: only what the app
 * knows — the files git saw change and the commands the shell ran.
 */
export function checkpointHandoff(limit: CheckpointLimit, files: string[], commandsRun: Handoff["commandsRun"]): Handoff {
  const listed = files.length > 0 ? `Files changed: ${files.slice(0, 30).join(", ")}${files.length > 30 ? ` and ${files.length - 30} more` : ""}.` : "No files were changed.";
  const why = limit === "budget" ? "The mission's budget ran out before the worker handed off" : `The worker ran out of ${limit} before it handed off`;
  return {
    status: "partial",
    summary: `${why}; the app committed the checkout as a checkpoint. ${listed}`,
    completed: [],
    leftUndone: ["the rest of the feature: the worker did not say what is left; compare the description and assertions with the code"],
    commandsRun,
    issuesDiscovered: [],
    testsWrittenFirst: false,
    testsRun: false,
  };
}

/** A checkpoint commit's body: the handoff's summary and the commands the shell ran. */
export function checkpointCommitBody(handoff: Handoff): string {
  const commands = handoff.commandsRun.slice(-20).map((command) => `- ${command.command.replace(/\s+/g, " ").slice(0, 160)} → exit ${command.exitCode}`);
  return [handoff.summary, ...(commands.length > 0 ? ["", "Commands run:", ...commands] : [])].join("\n");
}

/**
 * A worker ran out of turns or time (or the mission's budget ran out) and its work is committed as a checkpoint: the feature stays
 * pending and a fresh worker continues from it — until the chain of continuations reaches its
 * bound, where the mission is blocked and the people are asked, once per chain.
 */
export function recordCheckpoint(mission: Mission, checkpoint: FeatureCheckpoint): Mission {
  const { featureId } = checkpoint;
  const state = mission.features[featureId] ?? { status: "pending" as const, attempts: 0 };
  // The budget running out is not the worker's doing: its checkpoint does not count towards the bound.
  const count = (state.checkpoint?.count ?? 0) + (checkpoint.limit === "budget" ? 0 : 1);
  const handoff = checkpointHandoff(checkpoint.limit, checkpoint.files, checkpoint.commandsRun);
  const attempts = state.attempts + 1;
  const next: Mission = {
    ...mission,
    features: {
      ...mission.features,
      [featureId]: {
        ...state,
        status: "pending",
        attempts,
        checkpoint: { sha: checkpoint.sha, from: state.checkpoint?.from ?? checkpoint.parent, count, limit: checkpoint.limit, handoff },
      },
    },
  };
  // Checkpoints of a feature that itself finishes a partial one count on from that chain.
  const inARow = (state.chain?.count ?? 0) + count;
  if (inARow <= checkpoint.continuations || checkpoint.limit === "budget") return next;
  return continuationBound(next, {
    rootId: state.chain?.root ?? featureId,
    count: inARow,
    key: `checkpoint-bound-${featureId}-${attempts}`,
    reason: `the workers on ${featureId} ran out of ${checkpoint.limit} ${count} times in a row`,
    what: `Each ran out of ${checkpoint.limit} before it handed off. Their work is committed on \`${checkpoint.branch}\` as checkpoints (trailer \`Handoff: checkpoint\`), the latest ${checkpoint.sha.slice(0, 12)}; nothing is lost.`,
    continuations: checkpoint.continuations,
  });
}

/** How many fresh workers in a row a feature's state already stands for: partial handoffs before it, and its checkpoints. */
export function continuationsInARow(state: Mission["features"][string] | undefined): number {
  return (state?.chain?.count ?? 0) + (state?.checkpoint?.count ?? 0);
}

export interface ContinuationBound {
  /** The feature the chain began with, named in the notice. */
  rootId: string;
  count: number;
  key: string;
  reason: string;
  /** What the workers did and where their work is. */
  what: string;
  continuations: number;
}

/** A chain of continuations reached its bound: the mission is blocked and the people are asked, naming commands that work. */
export function continuationBound(mission: Mission, bound: ContinuationBound): Mission {
  const root = allFeatures(mission).find((candidate) => candidate.id === bound.rootId);
  return {
    ...mission,
    status: "blocked",
    pausedFrom: "running",
    reason: bound.reason,
    notices: [
      ...mission.notices,
      {
        key: bound.key,
        body: [
          `### ⛔ ${bound.rootId} (${escapeCell(root?.title ?? bound.rootId)}) is not finished after ${bound.count} workers in a row`,
          "",
          bound.what,
          "",
          `- \`/mission retry\` lets fresh workers continue from where the last one stopped (up to ${bound.continuations + 1} more in a row).`,
          "- `/mission resume <what the worker needs to know>` does the same with your guidance, e.g. how to split the work or what to leave out.",
          "- `/mission abort` stops the mission; the branch stays as it is.",
          "",
          "Limits can be raised in `.github/missions.yml` under `limits:` (up to the operator's maximum) for the next mission.",
        ].join("\n"),
      },
    ],
  };
}

/** A person let a blocked mission go on: every feature's chain of continuations starts afresh. */
export function freshContinuations(mission: Mission): Mission {
  const features = Object.fromEntries(
    Object.entries(mission.features).map(([id, state]) => [
      id,
      {
        ...state,
        ...(state.checkpoint ? { checkpoint: { ...state.checkpoint, count: 0 } } : {}),
        ...(state.chain ? { chain: { ...state.chain, count: 0 } } : {}),
      },
    ]),
  );
  return { ...mission, features };
}

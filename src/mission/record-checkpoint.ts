import type { Mission } from "./mission.ts";
import { allFeatures } from "./plan-features.ts";
import type { Handoff } from "./schemas.ts";

export interface FeatureCheckpoint {
  featureId: string;
  /** The checkpoint commit, pushed. */
  sha: string;
  /** The commit it was made on. */
  parent: string;
  limit: "turns" | "time";
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
export function checkpointHandoff(limit: "turns" | "time", files: string[], commandsRun: Handoff["commandsRun"]): Handoff {
  const listed = files.length > 0 ? `Files changed: ${files.slice(0, 30).join(", ")}${files.length > 30 ? ` and ${files.length - 30} more` : ""}.` : "No files were changed.";
  return {
    status: "partial",
    summary: `The worker ran out of ${limit} before it handed off; the app committed the checkout as a checkpoint. ${listed}`,
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
 * A worker ran out of turns or time and its work is committed as a checkpoint: the feature stays
 * pending and a fresh worker continues from it — until the chain of continuations reaches its
 * bound, where the mission is blocked and the people are asked, once per chain.
 */
export function recordCheckpoint(mission: Mission, checkpoint: FeatureCheckpoint): Mission {
  const { featureId } = checkpoint;
  const feature = allFeatures(mission).find((candidate) => candidate.id === featureId)!;
  const state = mission.features[featureId] ?? { status: "pending" as const, attempts: 0 };
  const count = (state.checkpoint?.count ?? 0) + 1;
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
  if (count <= checkpoint.continuations) return next;
  return {
    ...next,
    status: "blocked",
    pausedFrom: "running",
    reason: `the workers on ${featureId} ran out of ${checkpoint.limit} ${count} times in a row`,
    notices: [
      ...next.notices,
      {
        key: `checkpoint-bound-${featureId}-${attempts}`,
        body: [
          `### ⛔ ${featureId} (${feature.title}) is not finished after ${count} workers in a row`,
          "",
          `Each ran out of ${checkpoint.limit} before it handed off. Their work is committed on \`${checkpoint.branch}\` as checkpoints (trailer \`Handoff: checkpoint\`), the latest ${checkpoint.sha.slice(0, 12)}; nothing is lost.`,
          "",
          `- \`/mission retry\` lets fresh workers continue from the latest checkpoint (up to ${checkpoint.continuations + 1} more in a row).`,
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
    Object.entries(mission.features).map(([id, state]) => [id, state.checkpoint ? { ...state, checkpoint: { ...state.checkpoint, count: 0 } } : state]),
  );
  return { ...mission, features };
}

import {
  allFeatures,
  approvedPlan,
  blockOnWorker,
  checkpointCommitBody,
  checkpointHandoff,
  pauseForBudget,
  pauseForWorkflows,
  recordCheckpoint,
  recordHandoff,
  renderPullBody,
  type CheckpointLimit,
  type Handoff,
  type Mission,
} from "../../mission/index.ts";
import { implementFeature } from "../../roles/index.ts";
import { ADD_ALL, WorkflowPermissionError } from "../../workspace/index.ts";
import type { StepContext } from "../engine-deps.ts";
import { limitsFor } from "../limits-for.ts";
import { modelFor } from "../model-for.ts";
import { researchOptions } from "../research-for.ts";
import { commitSkills, skillsCommitted } from "./commit-skills.ts";
import { ensurePullRequest } from "./ensure-pull-request.ts";
import { withMcpTools } from "./mcp-tools-for.ts";
import { publishCommit } from "./publish-commit.ts";
import { remoteAccess, repoRef } from "./remote-access.ts";
import { dashboardUrl } from "./dashboard-url.ts";
import { safeEnvironment } from "./safe-environment.ts";

/**
 * One feature: a worker in a fresh context on a clean checkout of the branch head, then exactly one
 * commit with the mission's trailers, pushed. A feature whose commit already landed (the app died
 * between push and save) is recognised by its trailers and not done again. A worker that runs out of
 * turns or time leaves a checkpoint commit (`Handoff: checkpoint`) instead, and a fresh worker
 * continues from it.
 */
export async function implementStep(context: StepContext, mission: Mission, featureId: string): Promise<Mission> {
  const feature = allFeatures(mission).find((candidate) => candidate.id === featureId)!;
  const branch = mission.branch!;
  const base = mission.repo.defaultBranch;
  const prepared = await context.workspace.prepare(mission.id, await remoteAccess(context, mission), branch, base);
  const { directory } = prepared;
  const state = mission.features[featureId] ?? { status: "pending" as const, attempts: 0 };
  let sha = prepared.branchExists
    ? await context.workspace.findFeatureCommit(directory, `origin/${base}..HEAD`, mission.issue.number, featureId)
    : undefined;
  const limits = limitsFor(context, mission);
  if (sha && sha === state.checkpoint?.sha) sha = undefined; // the checkpoint this worker continues from
  if (sha && (await handoffTrailer(context, directory, sha)) === "checkpoint") {
    // A checkpoint pushed before the app could save it: recorded now, and the next step continues from it.
    context.log.info({ feature: featureId, sha }, "checkpoint commit already on the branch; recording it");
    const body = await commitBody(context, directory, sha);
    return recordCheckpoint(mission, {
      featureId,
      sha,
      parent: (await context.workspace.git(directory, ["rev-parse", `${sha}~1`])).stdout.trim(),
      limit: /ran out of time/.test(body) ? "time" : /budget ran out/.test(body) ? "budget" : "turns",
      files: await context.workspace.changedFiles(directory, `${sha}~1`, sha).catch(() => []),
      commandsRun: [],
      continuations: limits.continuations,
      branch,
    });
  }
  let handoff: Handoff;
  // A commit GitHub refused to take (workflow files, no `workflows` permission) is pushed as it is once the permission is granted.
  const kept = sha || mission.redoRefusedFeature ? undefined : await keptFeatureCommit(context, directory, mission, featureId, prepared.head);
  if (mission.redoRefusedFeature) mission = { ...mission, redoRefusedFeature: undefined };
  if (sha) {
    context.log.info({ feature: featureId, sha }, "feature commit already on the branch; not running it again");
    handoff = recoveredHandoff((await context.workspace.git(directory, ["log", "-1", "--format=%b", sha])).stdout, await handoffTrailer(context, directory, sha));
  } else if (kept) {
    context.log.info({ feature: featureId, sha: kept }, "pushing the feature's commit GitHub refused before; not running it again");
    await context.workspace.git(directory, ["reset", "--quiet", "--hard", kept]);
    handoff = recoveredHandoff((await context.workspace.git(directory, ["log", "-1", "--format=%b", kept])).stdout, await handoffTrailer(context, directory, kept));
    const published = await publishOrPause(context, mission, directory, featureId);
    if ("paused" in published) return published.paused;
    sha = published.sha;
  } else {
    // A host whose sandbox cannot start pauses the mission before a worker runs, not after it committed untested work.
    await context.runner.ready();
    // The skills the orchestrator wrote at planning land on the branch, in a commit of their own, before the first worker reads them.
    const newSkills = approvedPlan(mission)?.newSkills ?? [];
    const writtenAt = `contract v${mission.approvedVersion}`;
    if (newSkills.length > 0 && !(await skillsCommitted(context, directory, `origin/${base}..HEAD`, writtenAt))) {
      // A revised contract's (v2 on) never replaces a skill the branch has: it may have been improved since.
      await commitSkills(context, mission, directory, newSkills, writtenAt, { keepWritten: (mission.approvedVersion ?? 1) > 1 });
    }
    // Opened last, and ended however the run ends (the model may not be chosen: no price).
    const outcome = await withMcpTools(context, mission, "worker", directory, (mcpTools) => implementFeature({
      model: modelFor(context, mission, "worker", featureId),
      mission,
      feature,
      directory,
      signal: context.signal,
      onToolCall: async (call) => {
        await context.store.appendEvent({
          missionId: mission.id,
          kind: "tool-call",
          at: context.now().toISOString(),
          // The timeline is stored and shown (dashboard, `.missions/` in local mode): what a command printed is redacted first.
          data: { feature: featureId, tool: call.name, isError: call.isError, input: clean(context, preview(JSON.stringify(call.input))), output: clean(context, preview(call.output)) },
        });
      },
      shell: { runner: context.runner, env: safeEnvironment(context.settings.toolPath), maxTimeoutMs: limits.commandTimeoutSeconds * 1000 },
      limits: { turns: limits.workerTurns, minutes: limits.workerMinutes },
      unchanged: () => unchanged(context, directory, mission.features[featureId]?.checkpoint?.from),
      extraTools: mcpTools,
      research: researchOptions(context, mission, featureId),
    }));
    if (outcome.kind === "ran-out") {
      context.log.warn({ feature: featureId, limit: outcome.limit }, "the worker ran out before it handed off; committing a checkpoint");
      return checkpoint(context, mission, directory, featureId, outcome, limits.continuations);
    }
    if (outcome.kind === "budget") {
      // Paused for money, the worker's work is kept: `/mission budget <usd>` continues from the checkpoint.
      if (await unchanged(context, directory, undefined)) throw outcome.error;
      context.log.warn({ feature: featureId }, "the budget ran out under the worker; committing a checkpoint before pausing");
      const kept = await checkpoint(context, mission, directory, featureId, { limit: "budget", commandsRun: outcome.commandsRun }, limits.continuations);
      if (kept.status !== "running") return kept;
      const sha = kept.features[featureId]?.checkpoint?.sha ?? "";
      return pauseForBudget(kept, { spentUsd: outcome.error.spentUsd, capUsd: outcome.error.capUsd, nextCallUsd: outcome.error.nextCallUsd, maxUsd: context.settings.maxBudgetUsd, kept: `The worker on ${featureId} was stopped mid-way: its work is committed on \`${branch}\` as a checkpoint (${sha.slice(0, 12)}, trailer \`Handoff: checkpoint\`), and a fresh worker continues from it.` });
    }
    handoff = outcome.handoff;
    if (handoff.status === "blocked") return blockOnWorker(mission, { featureId, handoff });
    const trailers = { Mission: `#${mission.issue.number}`, Feature: feature.id, Assertions: feature.assertionIds.join(", "), Handoff: handoff.status };
    const identity = await context.github.identity(repoRef(mission));
    const body = handoffCommitBody(handoff);
    await context.workspace.commitAll(directory, { name: identity.botLogin, email: identity.botEmail }, clean(context, feature.title), clean(context, body), trailers);
    const published = await publishOrPause(context, mission, directory, featureId);
    if ("paused" in published) return published.paused;
    sha = published.sha;
  }
  // A feature continued from checkpoints changed the files of all its commits.
  const from = mission.features[featureId]?.checkpoint?.from;
  const files = await context.workspace.changedFiles(directory, from ?? `${sha}~1`, sha).catch(() => []);
  context.log.info({ feature: featureId, sha, files: files.length, status: handoff.status }, "feature committed");
  let next = recordHandoff(mission, { featureId, handoff, commitSha: sha, files, from, continuations: limits.continuations, branch });
  if (!next.pr) {
    const pull = await ensurePullRequest(context, next, renderPullBody(next, { githubWebUrl: context.settings.githubWebUrl, dashboardUrl: dashboardUrl(context, next) }));
    next = { ...next, pr: { number: pull.number, nodeId: pull.nodeId, ready: !pull.draft } };
  }
  return next;
}

/** The worker ran out: what the checkout holds becomes the feature's checkpoint commit, pushed, and the feature goes on. */
async function checkpoint(
  context: StepContext,
  mission: Mission,
  directory: string,
  featureId: string,
  outcome: { limit: CheckpointLimit; commandsRun: Handoff["commandsRun"] },
  continuations: number,
): Promise<Mission> {
  const feature = allFeatures(mission).find((candidate) => candidate.id === featureId)!;
  const parent = (await context.workspace.git(directory, ["rev-parse", "HEAD"])).stdout.trim();
  await context.workspace.git(directory, ADD_ALL);
  const files = (await context.workspace.git(directory, ["diff", "--cached", "--name-only", "--no-ext-diff", "--no-textconv"])).stdout.split("\n").filter(Boolean);
  const handoff = checkpointHandoff(outcome.limit, files, outcome.commandsRun);
  const trailers = { Mission: `#${mission.issue.number}`, Feature: featureId, Assertions: feature.assertionIds.join(", "), Handoff: "checkpoint" };
  const identity = await context.github.identity(repoRef(mission));
  await context.workspace.commitAll(directory, { name: identity.botLogin, email: identity.botEmail }, clean(context, `${feature.title} (checkpoint)`.slice(0, 100)), clean(context, checkpointCommitBody(handoff)), trailers);
  const published = await publishOrPause(context, mission, directory, featureId);
  if ("paused" in published) return published.paused;
  const { sha } = published;
  context.log.info({ feature: featureId, sha, files: files.length }, "checkpoint committed");
  return recordCheckpoint(mission, { featureId, sha, parent, limit: outcome.limit, files, commandsRun: outcome.commandsRun, continuations, branch: mission.branch! });
}

/** Whether the feature's work changed no file: nothing in the checkout, and nothing in its checkpoints. */
async function unchanged(context: StepContext, directory: string, checkpointFrom: string | undefined): Promise<boolean> {
  const status = (await context.workspace.git(directory, ["status", "--porcelain", "--untracked-files=all"])).stdout.trim();
  if (status !== "") return false;
  if (!checkpointFrom) return true;
  return (await context.workspace.git(directory, ["diff", "--name-only", "--no-ext-diff", "--no-textconv", checkpointFrom, "HEAD"])).stdout.trim() === "";
}

/** A commit message's text, through the sanitiser every text that leaves the app goes through. */
function clean(context: StepContext, text: string): string {
  return context.redact ? context.redact(text) : text;
}

async function commitBody(context: StepContext, directory: string, sha: string): Promise<string> {
  return `\n${(await context.workspace.git(directory, ["log", "-1", "--format=%B", sha])).stdout}`;
}

/** The commit's `Handoff:` trailer, as git reads trailers: a line in the worker's summary is not one. */
async function handoffTrailer(context: StepContext, directory: string, sha: string): Promise<string | undefined> {
  const { stdout } = await context.workspace.git(directory, ["log", "-1", "--format=%(trailers:key=Handoff,valueonly,unfold)", sha]);
  return stdout.split("\n").map((line) => line.trim()).filter(Boolean).at(-1);
}

/**
 * Puts the feature's commit on the branch (see `publishCommit`) and says which commit the branch now has;
 * one GitHub refuses for want of the `workflows` permission pauses the mission instead.
 */
async function publishOrPause(context: StepContext, mission: Mission, directory: string, featureId: string): Promise<{ sha: string } | { paused: Mission }> {
  try {
    // A worker can run for a long time: a token fetched now, not the one from before it.
    return { sha: await publishCommit(context, mission, directory) };
  } catch (error) {
    if (!(error instanceof WorkflowPermissionError)) throw error;
    // A cached token keeps the permissions it was made with: the owner may have accepted `workflows`
    // since (that is what `/mission resume` after the notice means). Once more with a new token.
    const retried = await publishCommit(context, mission, directory, { freshToken: true }).then(
      (sha) => sha,
      (again: unknown) => {
        if (again instanceof WorkflowPermissionError) return undefined;
        throw again;
      },
    );
    if (retried) return { sha: retried };
    context.log.warn({ feature: featureId, files: error.files }, "GitHub refused the push: the app lacks the workflows permission");
    const installationSettingsUrl = await context.github.installationSettingsUrl(repoRef(mission)).catch(() => undefined);
    return { paused: pauseForWorkflows(mission, { featureId, files: error.files, installationSettingsUrl }) };
  }
}

/** The kept commit of a refused push, when it is this feature's and still sits on the branch's head. */
async function keptFeatureCommit(context: StepContext, directory: string, mission: Mission, featureId: string, head: string): Promise<string | undefined> {
  const kept = await context.workspace.unpushedCommit(directory, mission.branch!, head);
  if (!kept) return undefined;
  return context.workspace.findFeatureCommit(directory, `${head}..${kept}`, mission.issue.number, featureId);
}

/** Enough of a tool call for a person following along; full outputs stay out of the store. */
function preview(text: string): string {
  return text.length > 300 ? `${text.slice(0, 299)}…` : text;
}

/**
 * The handoff of a feature whose commit landed before the app could save it, rebuilt from the
 * commit: its summary, what it left undone, and its status from the `Handoff:` trailer (read by git,
 * never from the model-written text).
 */
export function recoveredHandoff(body: string, handoffTrailer: string | undefined): Handoff {
  // A checkpoint kept from a refused push continues as a `partial` would: a follow-up feature.
  const trailer = ["done", "partial", "blocked", "checkpoint"].includes(handoffTrailer ?? "") ? handoffTrailer : undefined;
  const status = (trailer === "checkpoint" ? "partial" : trailer) as Handoff["status"] | undefined;
  const [summary = "", ...rest] = body.split("\n\n");
  const list = (heading: string) => {
    const part = rest.find((candidate) => candidate.startsWith(heading));
    return part ? part.split("\n").slice(1).filter((line) => line.startsWith("- ")).map((line) => line.slice(2)) : [];
  };
  const noChange = rest.find((part) => part.startsWith("No change needed: "));
  return {
    status: status ?? "done",
    summary: summary.trim() || "(recovered from the commit)",
    completed: [],
    leftUndone: list("Left undone:"),
    commandsRun: [],
    // What the worker discovered survives a crash between push and save: it is in the commit too.
    issuesDiscovered: list("Discovered:"),
    testsWrittenFirst: false,
    testsRun: false,
    ...(noChange ? { noChangeReason: noChange.slice("No change needed: ".length).trim() } : {}),
  };
}

/** The feature commit's body: the handoff's summary, what was left undone and what was discovered — enough to rebuild it after a crash. */
export function handoffCommitBody(handoff: Handoff): string {
  const flat = (item: string) => `- ${item.replace(/\s+/g, " ").trim()}`;
  return [
    handoff.summary,
    ...(handoff.leftUndone.length > 0 ? ["", "Left undone:", ...handoff.leftUndone.map(flat)] : []),
    ...(handoff.issuesDiscovered.length > 0 ? ["", "Discovered:", ...handoff.issuesDiscovered.map(flat)] : []),
    // A feature that needed no change is still its one commit — an empty one that says why.
    ...(handoff.noChangeReason?.trim() ? ["", `No change needed: ${handoff.noChangeReason.replace(/\s+/g, " ").trim()}`] : []),
  ].join("\n");
}

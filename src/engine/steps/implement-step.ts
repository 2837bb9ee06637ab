import { allFeatures, pauseForWorkflows, recordHandoff, renderPullBody, type Handoff, type Mission } from "../../mission/index.ts";
import { implementFeature } from "../../roles/index.ts";
import { WorkflowPermissionError } from "../../workspace/index.ts";
import type { StepContext } from "../engine-deps.ts";
import { modelFor } from "../model-for.ts";
import { ensurePullRequest } from "./ensure-pull-request.ts";
import { remoteAccess, repoRef } from "./remote-access.ts";
import { safeEnvironment } from "./safe-environment.ts";

/**
 * One feature: a worker in a fresh context on a clean checkout of the branch head, then exactly one
 * commit with the mission's trailers, pushed. A feature whose commit already landed (the app died
 * between push and save) is recognised by its trailers and not done again.
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
  let handoff: Handoff;
  // A commit GitHub refused to take (workflow files, no `workflows` permission) is pushed as it is once the permission is granted.
  const kept = sha || mission.redoRefusedFeature ? undefined : await keptFeatureCommit(context, directory, mission, featureId, prepared.head);
  if (mission.redoRefusedFeature) mission = { ...mission, redoRefusedFeature: undefined };
  if (sha) {
    context.log.info({ feature: featureId, sha }, "feature commit already on the branch; not running it again");
    handoff = recoveredHandoff((await context.workspace.git(directory, ["log", "-1", "--format=%b", sha])).stdout);
  } else if (kept) {
    context.log.info({ feature: featureId, sha: kept }, "pushing the feature's commit GitHub refused before; not running it again");
    await context.workspace.git(directory, ["reset", "--quiet", "--hard", kept]);
    handoff = recoveredHandoff((await context.workspace.git(directory, ["log", "-1", "--format=%b", kept])).stdout);
    sha = kept;
    const refused = await pushOrPause(context, mission, directory, featureId);
    if (refused) return refused;
  } else {
    // A host whose sandbox cannot start pauses the mission before a worker runs, not after it committed untested work.
    await context.runner.ready();
    handoff = await implementFeature({
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
          data: { feature: featureId, tool: call.name, isError: call.isError, input: preview(JSON.stringify(call.input)), output: preview(call.output) },
        });
      },
      shell: { runner: context.runner, env: safeEnvironment(context.settings.toolPath), maxTimeoutMs: context.settings.commandTimeoutMs },
    });
    if (handoff.status === "blocked") return blocked(mission, featureId, feature.title, handoff, state.attempts + 1);
    const trailers = { Mission: `#${mission.issue.number}`, Feature: feature.id, Assertions: feature.assertionIds.join(", "), Handoff: handoff.status };
    const identity = await context.github.identity(repoRef(mission));
    const body = [handoff.summary, ...(handoff.leftUndone.length > 0 ? ["", "Left undone:", ...handoff.leftUndone.map((item) => `- ${item}`)] : [])].join("\n");
    sha = await context.workspace.commitAll(directory, { name: identity.botLogin, email: identity.botEmail }, feature.title, body, trailers);
    const refused = await pushOrPause(context, mission, directory, featureId);
    if (refused) return refused;
  }
  const files = await context.workspace.changedFiles(directory, `${sha}~1`, sha).catch(() => []);
  context.log.info({ feature: featureId, sha, files: files.length, status: handoff.status }, "feature committed");
  let next = recordHandoff(mission, { featureId, handoff, commitSha: sha, files });
  if (!next.pr) {
    const pull = await ensurePullRequest(context, next, renderPullBody(next, { githubWebUrl: context.settings.githubWebUrl }));
    next = { ...next, pr: { number: pull.number, nodeId: pull.nodeId, ready: !pull.draft } };
  }
  return next;
}

/** Pushes the feature's commit; a push GitHub refuses for want of the `workflows` permission pauses the mission instead. */
async function pushOrPause(context: StepContext, mission: Mission, directory: string, featureId: string): Promise<Mission | undefined> {
  try {
    // A worker can run for a long time: push with a token fetched now, not the one from before it.
    await context.workspace.push(directory, await remoteAccess(context, mission), mission.branch!);
    return undefined;
  } catch (error) {
    if (!(error instanceof WorkflowPermissionError)) throw error;
    // A cached token keeps the permissions it was made with: the owner may have accepted `workflows`
    // since (that is what `/mission resume` after the notice means). Once more with a new token.
    const retried = await context.workspace.push(directory, await remoteAccess(context, mission, { freshToken: true }), mission.branch!).then(
      () => true,
      (again: unknown) => {
        if (again instanceof WorkflowPermissionError) return false;
        throw again;
      },
    );
    if (retried) return undefined;
    context.log.warn({ feature: featureId, files: error.files }, "GitHub refused the push: the app lacks the workflows permission");
    const installationSettingsUrl = await context.github.installationSettingsUrl(repoRef(mission)).catch(() => undefined);
    return pauseForWorkflows(mission, { featureId, files: error.files, installationSettingsUrl });
  }
}

/** The kept commit of a refused push, when it is this feature's and still sits on the branch's head. */
async function keptFeatureCommit(context: StepContext, directory: string, mission: Mission, featureId: string, head: string): Promise<string | undefined> {
  const kept = await context.workspace.unpushedCommit(directory, mission.branch!, head);
  if (!kept) return undefined;
  return context.workspace.findFeatureCommit(directory, `${head}..${kept}`, mission.issue.number, featureId);
}

/** A blocked worker's changes are not committed: the feature stays pending and the humans are asked. */
function blocked(mission: Mission, featureId: string, title: string, handoff: Handoff, attempts: number): Mission {
  return {
    ...mission,
    status: "blocked",
    pausedFrom: "running",
    reason: `the worker on ${featureId} is blocked`,
    features: { ...mission.features, [featureId]: { status: "pending", handoff, attempts } },
    notices: [
      ...mission.notices,
      {
        key: `worker-blocked-${featureId}-${attempts}`,
        body: [
          `### ⛔ The worker on ${featureId} (${title}) is blocked`,
          "",
          handoff.summary,
          ...handoff.leftUndone.map((item) => `- ${item}`),
          "",
          "Its changes were not committed. Comment `/mission resume <what the worker needs to know>` to run the feature again with your guidance, or `/mission abort`.",
        ].join("\n"),
      },
    ],
  };
}

/** Enough of a tool call for a person following along; full outputs stay out of the store. */
function preview(text: string): string {
  return text.length > 300 ? `${text.slice(0, 299)}…` : text;
}

/**
 * The handoff of a feature whose commit landed before the app could save it, rebuilt from the
 * commit: its summary, what it left undone, and its status from the `Handoff:` trailer.
 */
export function recoveredHandoff(body: string): Handoff {
  const status = /^Handoff: (done|partial|blocked)$/m.exec(body)?.[1] as Handoff["status"] | undefined;
  const [summary = "", ...rest] = body.split("\n\n");
  const undone = rest.find((part) => part.startsWith("Left undone:"));
  return {
    status: status ?? "done",
    summary: summary.trim() || "(recovered from the commit)",
    completed: [],
    leftUndone: undone ? undone.split("\n").slice(1).filter((line) => line.startsWith("- ")).map((line) => line.slice(2)) : [],
    commandsRun: [],
    issuesDiscovered: [],
    testsWrittenFirst: false,
    testsRun: false,
  };
}

import { markersOf, type ChaosResult } from "./kill-chaos.ts";
import { producedTexts, scanForSecrets } from "./secret-scan.ts";
import { ANTHROPIC_KEY, OWNER, REPO } from "./kill-chaos.ts";

/** How long after a call's answer the app may still be recording it (a loaded machine is slow). */
const KILL_WINDOW_MS = 5_000;

/**
 * What must hold after any number of kills, as a list of broken promises (empty when all hold):
 * every mission done; every feature exactly one commit; every handoff, verdict and check run once;
 * every hidden-marker comment once; the ledger neither doubled nor missing answered calls.
 */
export function chaosProblems(result: ChaosResult): string[] {
  const problems: string[] = [];
  const { plan } = result;
  if (result.missions.length !== result.issues.length) problems.push(`${result.missions.length} missions for ${result.issues.length} issues`);
  for (const mission of result.missions) {
    const issue = mission.issue.number;
    const where = `mission on #${issue}`;
    if (mission.status !== "done") problems.push(`${where} is ${mission.status}${mission.reason ? ` (${mission.reason})` : ""}`);

    const commits = result.commits[issue] ?? [];
    const featureIds = commits.map((commit) => commit.trailers.Feature);
    if (featureIds.join(",") !== plan.features.map((feature) => feature.id).join(",")) problems.push(`${where}: commits carry features [${featureIds.join(", ")}]`);
    for (const commit of commits) if (commit.trailers.Mission !== `#${issue}`) problems.push(`${where}: commit ${commit.sha} has Mission: ${commit.trailers.Mission}`);

    for (const feature of plan.features) {
      const state = mission.features[feature.id];
      const commit = commits.find((candidate) => candidate.trailers.Feature === feature.id);
      if (state?.status !== "done") problems.push(`${where}: ${feature.id} is ${state?.status ?? "missing"}`);
      if (!state?.handoff) problems.push(`${where}: ${feature.id} lost its handoff`);
      if (commit && state?.commitSha !== commit.sha) problems.push(`${where}: ${feature.id} recorded ${state?.commitSha}, the branch has ${commit.sha}`);
    }
    // The timeline: one handoff per feature and one passing validation per milestone, however often the app died.
    const events = result.events.filter((event) => event.missionId === mission.id);
    for (const feature of plan.features) {
      const handoffs = events.filter((event) => event.kind === "handoff-submit" && event.data.feature === feature.id).length;
      if (handoffs !== 1) problems.push(`${where}: ${handoffs} handoff events for ${feature.id}`);
    }
    for (const milestone of plan.milestones) {
      const passes = events.filter((event) => event.kind === "validation-end" && event.data.milestone === milestone.id && event.data.passed === true).length;
      if (passes !== 1) problems.push(`${where}: ${passes} passing validation events for ${milestone.id}`);
    }
    for (const assertion of plan.assertions) {
      if (mission.assertions[assertion.id]?.verdict !== "pass") problems.push(`${where}: ${assertion.id} is ${mission.assertions[assertion.id]?.verdict ?? "missing"}`);
    }
    for (const milestone of plan.milestones) {
      const state = mission.milestones[milestone.id];
      if (state?.status !== "passed") problems.push(`${where}: ${milestone.id} is ${state?.status ?? "missing"}`);
      const runs = result.checkRuns.filter((run) => run.name === `Mission scrutiny · ${milestone.title}` && run.external_id === mission.id);
      if (runs.length !== 1) problems.push(`${where}: ${runs.length} check runs for ${milestone.id}`);
      const [run] = runs;
      if (run && (run.id !== state?.checkRunId || run.head_sha !== state?.headSha)) problems.push(`${where}: the check run of ${milestone.id} is not the one recorded`);
      if (run && (run.status !== "completed" || run.conclusion !== "success")) problems.push(`${where}: the check run of ${milestone.id} is ${run.status}/${run.conclusion}`);
      for (const assertion of plan.assertions.filter((candidate) => candidate.milestoneId === milestone.id)) {
        const rows = (run?.output.summary ?? "").split("\n").filter((line) => line.startsWith(`| \`${assertion.id}\``));
        if (rows.length !== 1) problems.push(`${where}: ${assertion.id} has ${rows.length} verdict rows in its check run`);
      }
    }

    const pulls = result.pulls.filter((pull) => pull.head.ref === mission.branch);
    if (pulls.length !== 1 || pulls[0]!.draft) problems.push(`${where}: ${pulls.length} pull requests, draft: ${pulls.map((pull) => pull.draft).join(",")}`);

    const own = (result.comments[issue] ?? []).filter((comment) => comment.user.type === "Bot");
    const seen = new Map<string, number>();
    for (const comment of own) {
      const markers = markersOf(comment.body);
      if (markers.length === 0) problems.push(`${where}: a bot comment without a marker: ${comment.body.slice(0, 80)}`);
      for (const marker of new Set(markers)) seen.set(marker, (seen.get(marker) ?? 0) + 1);
    }
    for (const [marker, count] of seen) if (count > 1) problems.push(`${where}: ${count} comments carry ${marker}`);
    for (const needed of [`control m=${mission.id}`, `contract v=1 m=${mission.id}`]) if (!seen.has(needed)) problems.push(`${where}: no comment carries ${needed}`);
    if (![...seen.keys()].some((marker) => marker.startsWith(`notice m=${mission.id} done-`))) problems.push(`${where}: no completion notice`);
  }
  if (result.checkRuns.length !== result.missions.length * plan.milestones.length) problems.push(`${result.checkRuns.length} check runs in all`);

  problems.push(...ledgerProblems(result));
  for (const hit of scanForSecrets(
    producedTexts({ github: result.github, owner: OWNER, repo: REPO, issues: result.issues, gitDir: result.gitDir, logs: result.logs, dataDir: result.dataDir }),
    { privateKey: result.github.privateKey, webhookSecret: result.github.webhookSecret, providerKeys: [ANTHROPIC_KEY] },
  )) {
    problems.push(`secret leaked: ${hit.what} in ${hit.where}`);
  }
  return problems;
}

/**
 * Each ledger row must match a distinct answered call (nothing doubled or invented), and every
 * answered call that no kill could have cut off must have its row (nothing lost).
 */
function ledgerProblems(result: ChaosResult): string[] {
  const keyOf = (usage: { inputTokens: number; outputTokens: number; cacheReadTokens: number }) => `${usage.inputTokens}/${usage.outputTokens}/${usage.cacheReadTokens}`;
  const answered = result.calls.filter((call) => !("error" in call.reply) && !("hang" in call.reply) && !("truncateStream" in call.reply));
  // Lost with the app: answered while no app was up, or the start that asked was killed before it
  // could record the answer (or the start before it, killed just before the request was read).
  const exposed = (call: (typeof answered)[number]) => {
    const sender = result.callSenders.get(call.request);
    if (!sender || !sender.alive) return true;
    return result.kills.some((kill) => {
      // With several instances a kill of one cannot lose another's rows: generations are counted per instance.
      const known = kill.instance !== undefined && sender.instance !== undefined;
      if (known && kill.instance !== sender.instance) return false;
      const [killed, sent] = known ? [kill.instanceGeneration!, sender.instanceGeneration!] : [kill.generation, sender.generation];
      return (killed === sent && kill.at <= call.endedAt + KILL_WINDOW_MS) || (killed === sent - 1 && kill.at >= call.startedAt - KILL_WINDOW_MS);
    });
  };
  const calls = new Map<string, { all: number; safe: number }>();
  for (const call of answered) {
    const entry = calls.get(keyOf(call.usage)) ?? { all: 0, safe: 0 };
    entry.all++;
    if (!exposed(call)) entry.safe++;
    calls.set(keyOf(call.usage), entry);
  }
  const rows = new Map<string, number>();
  for (const row of result.ledger) rows.set(keyOf(row), (rows.get(keyOf(row)) ?? 0) + 1);
  const problems: string[] = [];
  for (const [key, count] of rows) {
    const available = calls.get(key)?.all ?? 0;
    if (count > available) problems.push(`ledger: ${count} rows for ${available} answered calls of usage ${key}`);
  }
  for (const [key, entry] of calls) {
    if ((rows.get(key) ?? 0) < entry.safe) problems.push(`ledger: ${rows.get(key) ?? 0} rows for ${entry.safe} answered calls of usage ${key} that no kill touched`);
  }
  return problems;
}

/**
 * Missions driven twice: a step that began while the mission's previous step had neither ended nor
 * failed, as the store's timeline records them (in order). Only meaningful without kills, since a
 * killed step leaves its start without an end.
 */
export function overlappingSteps(result: ChaosResult): string[] {
  const problems: string[] = [];
  for (const mission of result.missions) {
    let open: unknown;
    for (const event of result.events.filter((candidate) => candidate.missionId === mission.id)) {
      if (event.kind === "step-start") {
        if (open) problems.push(`mission on #${mission.issue.number}: ${String(event.data.kind)} began while ${String(open)} ran`);
        open = event.data.kind;
      } else if (event.kind === "step-end" || event.kind === "step-fail") open = undefined;
    }
  }
  return problems;
}

/** One line for the test output. */
export function chaosSummary(result: ChaosResult): string {
  const byPhase = new Map<string, number>();
  for (const kill of result.kills) byPhase.set(kill.phase, (byPhase.get(kill.phase) ?? 0) + 1);
  const features = result.missions.length * result.plan.features.length;
  return [
    `kill -9 chaos (seed ${result.seed}): ${result.kills.length} kills, ${result.starts} starts, ${result.missions.length} missions, ${features} features, ${result.checkRuns.length} check runs, ${result.ledger.length} ledger rows for ${result.calls.length} model calls, ${result.seconds.toFixed(0)} s`,
    `  kills by phase: ${[...byPhase].map(([phase, count]) => `${phase} ${count}`).join(", ")}`,
  ].join("\n");
}

import {
  allFeatures,
  approvedPlan,
  controlMarker,
  escapeCell,
  formatDuration,
  latestContract,
  nextStep,
  type Mission,
  type MissionStatus,
  validatorOf,
} from "../mission/index.ts";

const STATUS: Record<MissionStatus, string> = {
  planning: "🧭 Planning",
  questions: "❓ Waiting for answers",
  "awaiting-approval": "📋 Waiting for approval of the contract",
  running: "🛠️ Running",
  paused: "⏸️ Paused",
  blocked: "⛔ Blocked",
  done: "✅ Done",
  aborted: "🛑 Aborted",
  failed: "💥 Failed",
};

export interface ControlLinks {
  repositoryUrl: string;
  /** The mission's dashboard page, when the operator configured a public URL. */
  dashboardUrl?: string;
  /** False when the operator turned the sandbox off: people must know commands run unconfined. */
  sandboxed?: boolean;
  /** The mission's next turn waits in the shared queue for a free instance (several instances on PostgreSQL). */
  queued?: boolean;
}

/** What the mission has used so far, from the ledger. */
export interface ControlUsage {
  usd: number;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
}

function pullState(pr: NonNullable<Mission["pr"]>): string {
  if (pr.closedAs) return pr.closedAs === "merged" ? " (merged)" : " (closed)";
  return pr.ready ? " (ready for review)" : " (draft)";
}

/** The one mission control comment, edited in place: everything a supervisor needs at a glance. */
export function renderControl(mission: Mission, now: Date, links: ControlLinks, usage?: ControlUsage): string {
  const plan = approvedPlan(mission) ?? latestContract(mission)?.plan;
  const features = allFeatures(mission);
  const done = features.filter((feature) => mission.features[feature.id]?.status === "done").length;
  const assertionIds = plan?.assertions.map((assertion) => assertion.id) ?? [];
  const passed = assertionIds.filter((id) => mission.assertions[id]?.verdict === "pass").length;
  const queued = links.queued === true && (mission.status === "planning" || mission.status === "running");
  const status = queued ? `${STATUS[mission.status]} · ⏳ queued — waits for a free instance` : STATUS[mission.status];
  const rows: Array<[string, string]> = [["Status", status + (mission.reason ? ` — ${escapeCell(mission.reason)}` : "")]];
  const activity = describeActivity(mission);
  if (activity) rows.push(["Now", queued ? `next: ${activity} (queued)` : activity]);
  if (mission.approvedVersion !== undefined) {
    // Skipped work is out of the count, and said so: a person or the orchestrator set it aside.
    const skippedFeatures = features.filter((feature) => mission.features[feature.id]?.status === "skipped").length;
    const skippedAssertions = assertionIds.filter((id) => mission.assertions[id]?.verdict === "skipped").length;
    const toDo = features.length - skippedFeatures;
    const toPass = assertionIds.length - skippedAssertions;
    rows.push(["Features", `${bar(done, toDo)} ${done}/${toDo}${skippedFeatures > 0 ? ` · ${skippedFeatures} skipped` : ""}`]);
    rows.push(["Assertions", `${bar(passed, toPass)} ${passed}/${toPass} passed${skippedAssertions > 0 ? ` · ${skippedAssertions} skipped, not verified` : ""}`]);
  } else if (plan) {
    rows.push(["Contract", `v${latestContract(mission)!.version}: ${plan.features.length} features, ${plan.assertions.length} assertions`]);
  }
  const checkpoints = features.flatMap((feature) => {
    const state = mission.features[feature.id];
    if (state?.status !== "pending" || !state.checkpoint) return [];
    const { sha } = state.checkpoint;
    return [`**${feature.id}** ${describeCheckpoint(state.checkpoint)} at [\`${sha.slice(0, 7)}\`](${links.repositoryUrl}/commit/${sha})`];
  });
  if (checkpoints.length > 0) rows.push(["Checkpoint", checkpoints.join("<br>")]);
  if (mission.branch) rows.push(["Branch", `[\`${mission.branch}\`](${links.repositoryUrl}/tree/${mission.branch})`]);
  if (mission.pr) rows.push(["Pull request", `[#${mission.pr.number}](${links.repositoryUrl}/pull/${mission.pr.number})${pullState(mission.pr)}`]);
  if (usage && mission.settings.budgetUsd !== undefined) rows.push(["Budget", describeBudget(usage, mission.settings.budgetUsd)]);
  if (links.sandboxed === false) rows.push(["Sandbox", "⚠️ off — repository and agent commands run unconfined on the app's host (`MISSIONS_SANDBOX=off`)"]);
  const end = mission.finishedAt ? Date.parse(mission.finishedAt) : now.getTime();
  rows.push(["Elapsed", formatDuration(end - Date.parse(mission.createdAt))]);
  if (links.dashboardUrl) rows.push(["Dashboard", `[live view](${links.dashboardUrl})`]);
  const lines = [
    controlMarker(mission.id),
    `### 🛰️ Mission control · #${mission.issue.number}`,
    "",
    "| | |",
    "|---|---|",
    ...rows.map(([key, value]) => `| **${key}** | ${value} |`),
  ];
  if (plan && mission.approvedVersion !== undefined) {
    lines.push("", "| Milestone | Features | Validation |", "|---|---|---|");
    for (const milestone of plan.milestones) {
      const own = features.filter((feature) => feature.milestoneId === milestone.id);
      const ownDone = own.filter((feature) => mission.features[feature.id]?.status === "done").length;
      const ownToDo = own.filter((feature) => mission.features[feature.id]?.status !== "skipped").length;
      const state = mission.milestones[milestone.id];
      const validation = state?.status === "passed" ? "✅ passed" : state?.status === "failed" ? "❌ failed" : state?.round ? `🔁 repair round ${state.round}` : "⏳";
      // Both validators' check runs, when user testing had one: each says what it found.
      const run = (id: number) => `${links.repositoryUrl}/runs/${id}`;
      const check =
        state?.checkRunId === undefined
          ? ""
          : state.userTestingCheckRunId !== undefined
            ? ` · [scrutiny](${run(state.checkRunId)}) · [user testing](${run(state.userTestingCheckRunId)})`
            : ` · [check run](${run(state.checkRunId)})`;
      // A validation under way (or cut by a crash, not closed yet) links the check runs it has open.
      const open = (state?.openChecks ?? []).filter((candidate) => candidate.id !== state?.checkRunId && candidate.id !== state?.userTestingCheckRunId);
      const opened = open.map((candidate) => ` · [${/user testing/i.test(candidate.name) ? "user testing" : "scrutiny"} (running)](${run(candidate.id)})`).join("");
      lines.push(`| ${milestone.id} ${escapeCell(milestone.title)} | ${ownDone}/${ownToDo} | ${validation}${check}${opened} |`);
    }
  }
  const latest = [...features].reverse().find((feature) => mission.features[feature.id]?.handoff);
  if (latest) {
    const handoff = mission.features[latest.id]!.handoff!;
    // Two lines: what was done, then what is left or was found (what a supervisor acts on).
    const left = [...handoff.leftUndone.map((item) => `left undone: ${item}`), ...handoff.issuesDiscovered.map((item) => `found: ${item}`)];
    lines.push("", `**Latest handoff** (${latest.id}, ${handoff.status}): ${oneLine(handoff.summary, 240)}<br>`);
    lines.push(`${left.length > 0 ? oneLine(left.join("; "), 240) : `nothing left undone · tests ${handoff.testsRun ? "run" : "not run"}`}`);
  }
  const findings = describeFindings(mission, assertionIds);
  if (findings.length > 0) lines.push("", `**Validators found**: ${findings.join("; ")}`);
  lines.push("", "<sub>Comment `/mission help` for commands.</sub>");
  return lines.join("\n");
}

function oneLine(text: string, max: number): string {
  const flat = escapeCell(text.replace(/\s+/g, " ").trim());
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** Failed assertions with their evidence, then what a pending repair must fix (red commands, serious reviews). */
function describeFindings(mission: Mission, assertionIds: string[]): string[] {
  const failing = assertionIds.filter((id) => mission.assertions[id]?.verdict === "fail");
  const found = failing.map((id) => `\`${id}\` ${oneLine(mission.assertions[id]!.evidence ?? "", 160)}`);
  for (const state of Object.values(mission.milestones)) {
    for (const problem of state.repair?.problems ?? []) {
      if (!failing.some((id) => problem.startsWith(`${id}:`))) found.push(oneLine(problem, 160));
    }
  }
  return found.slice(0, 6);
}

function describeActivity(mission: Mission): string | undefined {
  const step = nextStep(mission);
  switch (step.kind) {
    case "plan":
      return "orchestrator is planning";
    case "implement": {
      const feature = allFeatures(mission).find((candidate) => candidate.id === step.featureId);
      return `worker on **${step.featureId}** ${feature ? escapeCell(feature.title) : ""}`;
    }
    case "validate":
      return `validators on milestone **${step.milestoneId}** (scrutiny, code reviews${hasUserTesting(mission, step.milestoneId) ? ", user testing" : ""})`;
    case "plan-repair":
      return `repair planner is planning the fix of milestone **${step.milestoneId}**`;
    case "review-milestone":
      return `orchestrator is reviewing milestone **${step.milestoneId}** before the next one`;
    case "curate-bulletin":
      return "orchestrator is curating the bulletin";
    case "finish":
      return "opening the pull request for review";
    default:
      return undefined;
  }
}

/**
 * A worker ran out of turns or time and the app committed its work: a fresh worker goes on from that
 * commit. Shown, so a supervisor sees the feature progressing in pieces rather than starting over.
 */
export function describeCheckpoint(checkpoint: { count: number; limit: "turns" | "time" | "budget" }): string {
  return `continuing from checkpoint ${checkpoint.count} (${{ turns: "turn limit", time: "time limit", budget: "budget reached" }[checkpoint.limit]})`;
}

function bar(value: number, total: number, width = 10): string {
  if (total === 0) return "";
  const filled = Math.round((value / total) * width);
  return "▰".repeat(filled) + "▱".repeat(width - filled);
}

function describeBudget(usage: ControlUsage, capUsd: number): string {
  const tokens = (count: number) => (count >= 1_000_000 ? `${(count / 1_000_000).toFixed(1)}M` : count >= 1_000 ? `${(count / 1_000).toFixed(1)}k` : String(count));
  const cached = usage.inputTokens > 0 ? ` · ${Math.round((usage.cacheReadTokens / usage.inputTokens) * 100)}% of input read from cache` : "";
  return `${bar(Math.min(usage.usd, capUsd), capUsd)} $${usage.usd.toFixed(2)} of $${capUsd.toFixed(2)} · ${tokens(usage.inputTokens)} tokens in, ${tokens(usage.outputTokens)} out${cached}`;
}

/** Whether the milestone has assertions the user-testing validator checks. */
function hasUserTesting(mission: Mission, milestoneId: string): boolean {
  return (approvedPlan(mission)?.assertions ?? []).some((assertion) => assertion.milestoneId === milestoneId && validatorOf(assertion) === "user-testing");
}

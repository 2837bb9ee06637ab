import { approvedPlan, escapeCell, featuresOf, recordValidation, type Mission, type Verdict } from "../../mission/index.ts";
import { scrutinize } from "../../roles/index.ts";
import { detectCommands, type CommandResult } from "../../workspace/index.ts";
import type { StepContext } from "../engine-deps.ts";
import { modelFor } from "../model-for.ts";
import { remoteAccess, repoRef } from "./remote-access.ts";
import { safeEnvironment } from "./safe-environment.ts";

const COMMAND_ORDER = ["install", "typecheck", "lint", "test"] as const;

/**
 * Scrutiny of one milestone on its head commit: the repository's commands, then a validator that
 * never sees the workers' reasoning, reported as a check run.
 */
export async function validateStep(context: StepContext, mission: Mission, milestoneId: string): Promise<Mission> {
  const plan = approvedPlan(mission)!;
  const milestone = plan.milestones.find((candidate) => candidate.id === milestoneId)!;
  const assertions = plan.assertions.filter((assertion) => assertion.milestoneId === milestoneId);
  const remote = await remoteAccess(context, mission);
  const { directory, head } = await context.workspace.prepare(mission.id, remote, mission.branch!, mission.repo.defaultBranch);
  const repo = repoRef(mission);
  const name = `Mission scrutiny · ${milestone.title}`.slice(0, 100);
  const title = `Milestone ${milestone.id}: ${milestone.title}`;
  const checkRunId =
    (await context.github.findCheckRun(repo, head, name)) ??
    (await context.github.createCheckRun(repo, { name, headSha: head, status: "in_progress", title, summary: "Running the repository's commands…", externalId: mission.id }));

  const configured = mission.settings.commands;
  const chosen = Object.values(configured).some(Boolean) ? configured : detectCommands(directory);
  const commands: CommandResult[] = [];
  for (const key of COMMAND_ORDER) {
    const command = chosen[key];
    if (!command) continue;
    const result = await context.runner.run(command, { cwd: directory, timeoutMs: context.settings.commandTimeoutMs, env: safeEnvironment(context.settings.toolPath), signal: context.signal });
    commands.push(result);
    context.log.info({ command: key, exitCode: result.exitCode, ms: result.durationMs }, "validation command finished");
    if (key === "install" && result.exitCode !== 0) break;
  }
  const firstFeature = featuresOf(mission, milestoneId).map((feature) => mission.features[feature.id]?.commitSha).find(Boolean);
  const base = firstFeature ? `${firstFeature}~1` : `origin/${mission.repo.defaultBranch}`;
  const diff = await context.workspace.diff(directory, base, head).catch(() => "");
  const verdicts = await scrutinize({
    model: modelFor(context, mission, "scrutiny"),
    missionId: mission.id,
    milestone,
    assertions,
    commands,
    diff,
    directory,
    bulletin: mission.bulletin,
    signal: context.signal,
  });
  const failures = commands.filter((result) => result.exitCode !== 0).map((result) => `\`${result.command}\` exited with ${result.exitCode}${result.timedOut ? " (timed out)" : ""}`);
  const passed = failures.length === 0 && verdicts.every((verdict) => verdict.verdict === "pass");
  // With no command to run, a pass rests on reading the code alone: say so with a neutral check.
  const conclusion = !passed ? "failure" : commands.length === 0 ? "neutral" : "success";
  await context.github.updateCheckRun(repo, checkRunId, {
    name,
    headSha: head,
    status: "completed",
    conclusion,
    title: `${title} — ${passed ? "passed" : "failed"}`,
    summary: renderCheckSummary(commands, verdicts, assertions.map((a) => ({ id: a.id, statement: a.statement })), failures),
    externalId: mission.id,
  });
  return recordValidation(mission, { milestoneId, headSha: head, checkRunId, verdicts, failures }, context.now().toISOString());
}

export function renderCheckSummary(
  commands: CommandResult[],
  verdicts: Verdict[],
  assertions: Array<{ id: string; statement: string }>,
  failures: string[],
): string {
  const lines = ["### Commands", ""];
  if (commands.length === 0) {
    lines.push("No command ran: `.github/missions.yml` names none (`commands:`) and none was detected, so the verdicts below rest on reading the code.");
  }
  else {
    lines.push("| Command | Result | Time |", "|---|---|---|");
    for (const result of commands) {
      lines.push(`| \`${escapeCell(result.command)}\` | ${result.exitCode === 0 ? "✅ exit 0" : `❌ exit ${result.exitCode}${result.timedOut ? " (timed out)" : ""}`} | ${(result.durationMs / 1000).toFixed(1)}s |`);
    }
  }
  lines.push("", "### Assertions", "", "| Assertion | Verdict | Evidence |", "|---|---|---|");
  for (const assertion of assertions) {
    const verdict = verdicts.find((candidate) => candidate.assertionId === assertion.id);
    lines.push(`| \`${assertion.id}\` ${escapeCell(assertion.statement)} | ${verdict?.verdict === "pass" ? "✅ pass" : "❌ fail"} | ${escapeCell(verdict?.evidence ?? "")} |`);
  }
  for (const result of commands.filter((candidate) => candidate.exitCode !== 0)) {
    lines.push("", `### Output of \`${escapeCell(result.command)}\``, "", "```", result.output.slice(-12_000).replace(/```/g, "ʼʼʼ"), "```");
  }
  if (failures.length > 0) lines.push("", `**Failed:** ${failures.join("; ")}`);
  return lines.join("\n");
}

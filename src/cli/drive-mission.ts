import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { approvedPlan, isTerminal, latestContract, type Mission } from "../mission/index.ts";
import { EXIT } from "./exit-codes.ts";
import type { LocalMissions } from "./local-missions.ts";
import { stripMarkers } from "./progress-reporter.ts";
import type { TerminalOutput } from "./terminal-output.ts";

export interface DriveOptions {
  /** Approve the contract without asking (CI). */
  yes: boolean;
  /** A file whose text answers the orchestrator's questions (used once). */
  answersFile?: string;
  /** A person is at the terminal: questions and approval are asked there. */
  interactive: boolean;
  /** Who decides: the person at the terminal. */
  author: string;
  repositoryPath: string;
  /** True once Ctrl-C asked the engine to stop at the step in flight. */
  interrupted: () => boolean;
  /** Resolves once everything the engine did so far is on the terminal: a prompt comes after it, never under it. */
  settled?: () => Promise<void>;
}

type Decision = { verb: "approve" | "revise" | "abort" | "answer"; text: string } | "cancelled";

/**
 * Drives one mission to where it needs nobody or ends: the engine runs its steps; questions and the
 * contract's approval are decided at the terminal (or by `--answers` and `--yes`) and recorded as the
 * same intents `/mission answer`, `/mission approve`, `/mission revise` and `/mission abort` are.
 * Returns the exit code.
 */
export async function driveMission(local: LocalMissions, missionId: string, options: DriveOptions, output: TerminalOutput): Promise<number> {
  let answersUsed = false;
  for (;;) {
    await local.engine.kick(missionId);
    if (options.interrupted()) return EXIT.interrupted;
    if ((await local.store.pendingIntents(missionId)).length > 0) continue;
    const mission = (await local.store.getMission(missionId))!;
    const directory = local.github.missionDirectory(missionId);
    if (mission.status === "questions") {
      const questions = mission.questions?.items ?? [];
      let decision: Decision | undefined;
      if (options.answersFile && !answersUsed) {
        answersUsed = true;
        decision = { verb: "answer", text: readFileSync(options.answersFile, "utf8").trim() };
      } else if (options.interactive) {
        await options.settled?.();
        output.pause();
        // The orchestrator wrote them: through the redactor, as everything else on the terminal.
        decision = await askQuestions(questions.map((question) => local.redact(question)));
      }
      if (decision === "cancelled") return EXIT.interrupted;
      if (!decision) {
        const path = join(directory, "questions.md");
        writeFileSync(path, local.redact(questionsFile(mission, questions)));
        output.emit({ event: "needs-answers", missionId, questions, path: relative(options.repositoryPath, path) }, `\nThe orchestrator has questions; they are in ${relative(options.repositoryPath, path)}.\nWrite your answers in a file and run: missions resume ${missionId} --answers <file>`);
        return EXIT.needsAnswers;
      }
      await local.intend(missionId, decision.verb, decision.text, options.author);
      continue;
    }
    if (mission.status === "awaiting-approval") {
      const contract = latestContract(mission)!;
      let decision: Decision | undefined;
      if (options.yes) decision = { verb: "approve", text: `v${contract.version}` };
      else if (options.interactive) {
        await options.settled?.();
        output.pause();
        decision = await askApproval(contract.version);
      }
      if (decision === "cancelled") return EXIT.interrupted;
      if (!decision) {
        output.emit({ event: "needs-approval", missionId, version: contract.version }, `\nContract v${contract.version} waits for approval: missions resume ${missionId} --yes (or run it in a terminal to approve, revise or abort).`);
        return EXIT.needsAnswers;
      }
      if (decision.verb === "approve") output.emit({ event: "approved", missionId, version: contract.version }, `Contract v${contract.version} approved: work starts.`);
      await local.intend(missionId, decision.verb, decision.text, options.author);
      continue;
    }
    // Everything the engine did is on the terminal first: `finished` is the last line.
    await options.settled?.();
    return finished(mission, directory, options, output);
  }
}

/** The end of a run: the summary that would have been the pull request, the branch to merge, the verdicts. */
function finished(mission: Mission, directory: string, options: DriveOptions, output: TerminalOutput): number {
  const plan = approvedPlan(mission) ?? latestContract(mission)?.plan;
  const verdicts = (plan?.assertions ?? []).map((assertion) => ({
    assertion: assertion.id,
    milestone: assertion.milestoneId,
    statement: assertion.statement,
    verdict: mission.assertions[assertion.id]?.verdict ?? "pending",
    evidence: mission.assertions[assertion.id]?.evidence,
  }));
  const allPassed = mission.status === "done" && verdicts.length > 0 && verdicts.every((verdict) => verdict.verdict === "pass");
  const exitCode = allPassed ? EXIT.passed : EXIT.failed;
  const summaryPath = join(directory, "summary.md");
  const summary = existsSync(summaryPath) ? relative(options.repositoryPath, summaryPath) : undefined;
  output.pause();
  if (summary) output.say(`\n${stripMarkers(readFileSync(summaryPath, "utf8"))}\n`);
  output.say(nextStep(mission));
  output.emit({ event: "finished", missionId: mission.id, status: mission.status, reason: mission.reason, exitCode, branch: mission.branch, summary, verdicts });
  return exitCode;
}

/** What the person reads last: the branch to merge, or the command that continues the mission in the state it is in. */
export function nextStep(mission: Pick<Mission, "id" | "status" | "reason" | "branch" | "pauseCause">): string {
  const state = `The mission is ${mission.status}${mission.reason ? `: ${mission.reason}` : ""}.`;
  if (mission.status === "done") return `Branch to merge: ${mission.branch}`;
  if (isTerminal(mission.status)) return state;
  const log = "The log is in .missions/missions.log.";
  if (mission.status === "paused" && mission.pauseCause === "budget") return `${state} Continue with: missions resume ${mission.id} --budget <usd>\n${log}`;
  if (mission.status === "blocked" || (mission.status === "paused" && mission.pauseCause === "permission")) {
    return `${state} Continue with: missions resume ${mission.id} --guidance "<what the workers need to know>" (or without --guidance to try again as it is), or end it with: missions abort ${mission.id}\n${log}`;
  }
  if (mission.status === "paused") return `${state} Continue with: missions resume ${mission.id}\n${log}`;
  // The engine stopped with the mission unfinished (an unexpected error in its loop): the log says why.
  return `Missions stopped before the mission finished (it is ${mission.status}${mission.reason ? `: ${mission.reason}` : ""}); the log in .missions/missions.log says why. Continue with: missions resume ${mission.id}`;
}

function questionsFile(mission: Mission, questions: string[]): string {
  return [
    `# Questions about "${mission.issue.title}"`,
    "",
    "The orchestrator needs these answered before it goes on:",
    "",
    ...questions.map((question, index) => `${index + 1}. ${question}`),
    "",
    "Write your answers in a file (plain text or Markdown) and continue with:",
    "",
    "```",
    `missions resume ${mission.id} --answers answers.md`,
    "```",
    "",
  ].join("\n");
}

async function askQuestions(questions: string[]): Promise<Decision> {
  const { isCancel, text } = await import("@clack/prompts");
  const answers: string[] = [];
  for (const [index, question] of questions.entries()) {
    const answer = await text({ message: question, validate: (value) => (value?.trim() ? undefined : "An answer, please (Ctrl-C stops; missions resume continues)") });
    if (isCancel(answer)) return "cancelled";
    answers.push(questions.length > 1 ? `${index + 1}. ${answer.trim()}` : answer.trim());
  }
  return { verb: "answer", text: answers.join("\n") };
}

async function askApproval(version: number): Promise<Decision> {
  const { isCancel, select, text } = await import("@clack/prompts");
  const choice = await select({
    message: `Contract v${version}: what now?`,
    options: [
      { value: "approve", label: "Approve", hint: "workers start" },
      { value: "revise", label: "Revise", hint: "tell the orchestrator what to change" },
      { value: "abort", label: "Abort", hint: "end the mission" },
    ],
  });
  if (isCancel(choice)) return "cancelled";
  if (choice === "approve") return { verb: "approve", text: `v${version}` };
  if (choice === "abort") return { verb: "abort", text: "" };
  const feedback = await text({ message: "What should change?", validate: (value) => (value?.trim() ? undefined : "Say what to change") });
  if (isCancel(feedback)) return "cancelled";
  return { verb: "revise", text: feedback.trim() };
}

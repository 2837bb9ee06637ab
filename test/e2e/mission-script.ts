import type { NormalizedRequest, Reply } from "../fakes/models/index.ts";

/** A plan the scripted orchestrator submits. */
export interface ScriptedPlan {
  summary: string;
  milestones: Array<{ id: string; title: string }>;
  features: Array<{ id: string; milestoneId: string; title: string; description: string; assertionIds: string[]; skills?: string[] }>;
  assertions: Array<{ id: string; milestoneId: string; statement: string; verification: string; validator?: "scrutiny" | "user-testing" }>;
  newSkills?: Array<{ name: string; description: string; body: string }>;
  /** How the app will start when the repository configures none (the first feature makes it so). */
  app?: { start: string; url: string };
}

export interface MissionScript {
  /** Questions to ask before the first plan, if any. */
  questions?: string[];
  /** The plan for each planning round (the last one repeats). */
  plans: ScriptedPlan[];
  /** Files each feature writes, by feature id. */
  files: Record<string, Record<string, string>>;
  /** Each feature's handoff summary, by feature id (default: the files it wrote). */
  summaries?: Record<string, string>;
  /** What each feature's worker reports as discovered, by feature id (default: nothing). */
  discoveries?: Record<string, string[]>;
  /** A shell command each worker runs before it writes its files (default: none). */
  shell?: string;
  /** Verdict for an assertion (default: pass). */
  verdict?: (assertionId: string, request: NormalizedRequest) => "pass" | "fail";
  /** A reviewer's findings for a feature (default: none). */
  review?: (featureId: string, request: NormalizedRequest) => Array<{ path: string; line: number; severity: "blocker" | "major" | "minor" | "nit"; message: string }>;
  /** The user-testing QA agent's turns (default: every assertion passes untested). */
  userTest?: (request: NormalizedRequest) => Reply;
  /** The orchestrator's review at a milestone boundary (default: the bulletin kept, nothing else changed). */
  milestoneReview?: (milestoneId: string, request: NormalizedRequest) => Record<string, unknown>;
}

/**
 * A scripted model that plays every role by looking at the tools it is offered, the way a real
 * model would read its prompt: `submit_plan` → orchestrator, `submit_handoff` → worker,
 * `submit_verdicts` → scrutiny. Workers really write files through the app's tools.
 */
export function missionResponder(script: MissionScript) {
  let planRound = 0;
  const rolesSeen: string[] = [];
  const responder = (request: NormalizedRequest): Reply => {
    const tools = request.tools.map((tool) => tool.name);
    const firstUser = request.messages[0]?.role === "user" ? request.messages[0].text : "";
    const last = request.messages.at(-1);
    const lastResults = last?.role === "user" ? last.toolResults : [];
    if (tools.includes("submit_plan")) {
      rolesSeen.push("orchestrator");
      if (lastResults.some((result) => result.isError)) throw new Error(`plan rejected: ${lastResults[0]!.content}`);
      const answered = firstUser.includes("Questions, answers and feedback so far");
      if (script.questions && !answered && planRound === 0) return { toolCalls: [{ name: "submit_plan", arguments: { questions: script.questions } }] };
      const plan = script.plans[Math.min(planRound++, script.plans.length - 1)]!;
      return { toolCalls: [{ name: "submit_plan", arguments: { plan } }] };
    }
    if (tools.includes("submit_handoff")) {
      rolesSeen.push("worker");
      const featureId = /^# Feature (F\d+):/m.exec(firstUser)?.[1] ?? "?";
      const files = script.files[featureId] ?? {};
      const writes = Object.entries(files);
      let done = request.messages.filter((message) => message.role === "assistant").length;
      if (script.shell) {
        if (done === 0) return { toolCalls: [{ name: "bash", arguments: { command: script.shell } }] };
        done--;
      }
      if (done < writes.length) {
        const [path, content] = writes[done]!;
        return { toolCalls: [{ name: "write_file", arguments: { path, content } }] };
      }
      // Asked to account for a `done` that changed nothing, it says why, as a real model would.
      const askedWhy = lastResults.some((result) => result.isError && result.content.includes("noChangeReason"));
      return {
        toolCalls: [
          {
            name: "submit_handoff",
            arguments: {
              status: "done",
              ...(askedWhy ? { noChangeReason: `${featureId} needs no change: what it asks for is already in the code.` } : {}),
              summary: script.summaries?.[featureId] ?? `Implemented ${featureId}: wrote ${writes.map(([path]) => path).join(", ") || "nothing"}.`,
              completed: [`${featureId} files`],
              leftUndone: [],
              commandsRun: [],
              issuesDiscovered: script.discoveries?.[featureId] ?? [],
              testsWrittenFirst: false,
            },
          },
        ],
      };
    }
    if (tools.includes("submit_repair")) {
      rolesSeen.push("repair");
      const milestone = /^# Repair of milestone (M\d+):/m.exec(firstUser)?.[1] ?? "M?";
      const failed = /^Failed assertions: (.+)$/m.exec(firstUser)?.[1]?.split(", ") ?? [];
      const section = firstUser.split("## The milestone's assertions")[1]?.split("## What failed")[0] ?? "";
      const all = [...section.matchAll(/`(VAL-[A-Z0-9]+-\d{3})`/g)].map((match) => match[1]!);
      const problems = firstUser.split("## What failed")[1]?.split("## Features already made")[0]?.trim() ?? "";
      return {
        toolCalls: [{
          name: "submit_repair",
          arguments: {
            features: [{
              title: failed.length > 0 ? `Fix ${failed.join(", ")}` : `Fix milestone ${milestone}`,
              description: `Repair what validation found:\n${problems}`,
              assertionIds: failed.length > 0 ? failed : all,
            }],
          },
        }],
      };
    }
    if (tools.includes("submit_milestone_review")) {
      rolesSeen.push("milestone-review");
      const milestone = /^# Milestone (M\d+) /m.exec(firstUser)?.[1] ?? "M?";
      const bulletin = [...(firstUser.split("## The bulletin")[1]?.split("## What is still to do")[0] ?? "").matchAll(/^- (.+)$/gm)].map((match) => match[1]!).slice(0, 12);
      return { toolCalls: [{ name: "submit_milestone_review", arguments: script.milestoneReview?.(milestone, request) ?? { bulletin, notes: [], add: [], drop: [], questions: [] } }] };
    }
    if (tools.includes("submit_bulletin")) {
      rolesSeen.push("curator");
      const entries = [...firstUser.matchAll(/^- (.+)$/gm)].map((match) => match[1]!);
      return { toolCalls: [{ name: "submit_bulletin", arguments: { bulletin: entries.slice(-12) } }] };
    }
    if (tools.includes("submit_review")) {
      rolesSeen.push("reviewer");
      const featureId = /^# Review of feature (F\d+):/m.exec(firstUser)?.[1] ?? "?";
      return { toolCalls: [{ name: "submit_review", arguments: { findings: script.review?.(featureId, request) ?? [] } }] };
    }
    if (tools.includes("submit_verdicts") && firstUser.includes("## Assertions to check by using the product")) {
      rolesSeen.push("user-testing");
      if (script.userTest) return script.userTest(request);
      const section = firstUser.split("## Assertions to check by using the product")[1]?.split("## The app")[0] ?? "";
      const ids = [...section.matchAll(/`(VAL-[A-Z0-9]+-\d{3})`/g)].map((match) => match[1]!);
      return { toolCalls: [{ name: "submit_verdicts", arguments: { verdicts: ids.map((id) => ({ assertionId: id, verdict: "pass", steps: ["looked"], observed: "fine" })) } }] };
    }
    if (tools.includes("submit_verdicts")) {
      rolesSeen.push("scrutiny");
      const section = firstUser.split("## Assertions to judge")[1]?.split("## Commands")[0] ?? "";
      const ids = [...section.matchAll(/`(VAL-[A-Z0-9]+-\d{3})`/g)].map((match) => match[1]!);
      const testsPassed = /→ exit 0/.test(firstUser) || !/→ exit/.test(firstUser);
      return {
        toolCalls: [
          {
            name: "submit_verdicts",
            arguments: {
              verdicts: ids.map((id) => {
                const verdict = script.verdict?.(id, request) ?? (testsPassed ? "pass" : "fail");
                return { assertionId: id, verdict, evidence: verdict === "pass" ? "the test command passed and the diff implements it" : "the test command failed" };
              }),
            },
          },
        ],
      };
    }
    throw new Error(`unscripted request with tools ${tools.join(", ")}`);
  };
  return Object.assign(responder, { rolesSeen });
}

export const GREETING_PLAN: ScriptedPlan = {
  summary: "Adds a greeting and a farewell file, checked by the repository's test script.",
  milestones: [{ id: "M1", title: "Greetings" }],
  features: [
    { id: "F1", milestoneId: "M1", title: "Add the greeting file", description: "Create greeting.txt containing hello.", assertionIds: ["VAL-GREET-001"] },
    { id: "F2", milestoneId: "M1", title: "Add the farewell file", description: "Create farewell.txt containing goodbye.", assertionIds: ["VAL-GREET-002"] },
  ],
  assertions: [
    { id: "VAL-GREET-001", milestoneId: "M1", statement: "greeting.txt says hello", verification: "sh test.sh passes" },
    { id: "VAL-GREET-002", milestoneId: "M1", statement: "farewell.txt says goodbye", verification: "sh test.sh passes" },
  ],
};

export const GREETING_FILES = {
  F1: { "greeting.txt": "hello\n" },
  F2: { "farewell.txt": "goodbye\n" },
};

export const FIXTURE_FILES: Record<string, string> = {
  "README.md": "# Greeter\n\nA tiny fixture repository.\n",
  "test.sh": "#!/bin/sh\nset -e\ngrep -q hello greeting.txt\ngrep -q goodbye farewell.txt\necho all good\n",
  ".github/missions.yml": "commands:\n  test: sh test.sh\n",
};

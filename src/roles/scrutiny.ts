import { z } from "zod";
import { type AgentRun, READ_ONLY_TOOLS, runAgent, truncateOutput } from "../agent/index.ts";
import type { LanguageModel } from "../models/index.ts";
import { VerdictSchema, type Assertion, type Verdict } from "../mission/index.ts";
import type { CommandResult } from "../workspace/index.ts";
import { loadPrompt } from "./load-prompt.ts";
import { assertionLines, diffBlock, verdictProblems } from "./prompt-sections.ts";

export interface ScrutinyInput {
  model: LanguageModel;
  missionId: string;
  milestone: { id: string; title: string };
  assertions: Assertion[];
  commands: CommandResult[];
  diff: string;
  /** A snapshot of the milestone's head without `.git`: the code, never the commit messages. */
  directory: string;
  signal?: AbortSignal;
  onModelCall?: AgentRun<z.ZodType>["onModelCall"];
}

/**
 * The scrutiny validator: the contract, command results and the diff in, one verdict per assertion
 * out. Nothing a worker wrote reaches it but the code: no bulletin, no handoff, no commit message.
 */
export async function scrutinize(input: ScrutinyInput): Promise<Verdict[]> {
  const wanted = new Set(input.assertions.map((assertion) => assertion.id));
  const prompt = [
    `# Milestone ${input.milestone.id}: ${input.milestone.title}`,
    "",
    "## Assertions to judge",
    ...assertionLines(input.assertions),
    "",
    "## Commands run by the app",
    ...(input.commands.length > 0
      ? input.commands.map((result) => `### \`${result.command}\` → exit ${result.exitCode}${result.timedOut ? " (timed out)" : ""}\n\`\`\`\n${truncateOutput(result.output, 8_000)}\n\`\`\``)
      : ["(the repository configures no commands)"]),
    "",
    "## The milestone's diff",
    ...diffBlock(input.diff),
  ].join("\n");
  const { value } = await runAgent({
    model: input.model,
    system: loadPrompt("scrutiny"),
    prompt,
    tools: READ_ONLY_TOOLS,
    final: {
      name: "submit_verdicts",
      description: "Submit one verdict per assertion, with evidence. Call once.",
      parameters: z.object({ verdicts: z.array(VerdictSchema).describe("One verdict per assertion") }),
      check: ({ verdicts }) => verdictProblems(verdicts.map((verdict) => verdict.assertionId), wanted),
    },
    context: { root: input.directory, readFiles: new Set(), signal: input.signal },
    maxTurns: 30,
    cacheKey: `${input.missionId}:scrutiny`,
    onModelCall: input.onModelCall,
  });
  return value.verdicts;
}

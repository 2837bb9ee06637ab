import { z } from "zod";
import { type AgentRun, type AgentTool, READ_ONLY_TOOLS, runAgent, truncateOutput, renderTurn } from "../agent/index.ts";
import type { LanguageModel } from "../models/index.ts";
import { VerdictSchema, type Assertion, type Verdict } from "../mission/index.ts";
import type { CommandResult } from "../workspace/index.ts";
import { finalToolDescription, loadPrompt } from "./load-prompt.ts";
import { assertionLines, diffText, verdictProblems } from "./prompt-sections.ts";

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
  /**
   * The mission's context (`missionContext`), the same for every agent of the mission: sent first and
   * marked for caching, so parallel and later runs read it from the provider's cache.
   */
  context?: string;
  onModelCall?: AgentRun<z.ZodType>["onModelCall"];
  /** The operator's MCP tools for the role, where it declared them for validators: beside the read-only tools. */
  extraTools?: AgentTool[];
  /** Each tool call, as it ends (the engine records the MCP ones on the timeline). */
  onToolCall?: AgentRun<z.ZodType>["onToolCall"];
}

/**
 * The scrutiny validator: the contract, command results and the diff in, one verdict per assertion
 * out. Nothing a worker wrote reaches it but the code: no bulletin, no handoff, no commit message.
 */
export async function scrutinize(input: ScrutinyInput): Promise<Verdict[]> {
  const wanted = new Set(input.assertions.map((assertion) => assertion.id));
  const prompt = renderTurn("scrutiny", {
    id: input.milestone.id,
    title: input.milestone.title,
    assertions: assertionLines(input.assertions).join("\n"),
    commands: input.commands.map((result) => ({ command: result.command, exitCode: result.exitCode, timedOut: result.timedOut, output: truncateOutput(result.output, 8_000) })),
    diff: diffText(input.diff),
  });
  const { value } = await runAgent({
    model: input.model,
    system: loadPrompt("scrutiny"),
    prompt: input.context ? { context: input.context, task: prompt } : prompt,
    tools: [...READ_ONLY_TOOLS, ...(input.extraTools ?? [])],
    final: {
      name: "submit_verdicts",
      description: finalToolDescription("submit_verdicts"),
      parameters: z.object({ verdicts: z.array(VerdictSchema).describe("One verdict per assertion") }),
      check: ({ verdicts }) => verdictProblems(verdicts.map((verdict) => verdict.assertionId), wanted),
    },
    context: { root: input.directory, readFiles: new Set(), signal: input.signal },
    maxTurns: 30,
    cacheKey: `${input.missionId}:scrutiny`,
    onModelCall: input.onModelCall,
    ...(input.onToolCall ? { onToolCall: input.onToolCall } : {}),
  });
  return value.verdicts;
}

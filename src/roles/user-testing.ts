import { z } from "zod";
import { type AgentRun, type AgentTool, type AppDriver, bashTool, BROWSER_TOOLS, READ_ONLY_TOOLS, runAgent, type ToolContext, renderTurn } from "../agent/index.ts";
import type { LanguageModel } from "../models/index.ts";
import { AssertionIdSchema, type Assertion, type Verdict } from "../mission/index.ts";
import { finalToolDescription, loadPrompt } from "./load-prompt.ts";
import { assertionLines, verdictProblems } from "./prompt-sections.ts";

const UserVerdictSchema = z.object({
  assertionId: AssertionIdSchema,
  verdict: z.enum(["pass", "fail"]),
  steps: z.array(z.string().min(1).max(300)).min(1).max(30).describe("What you did, in order: each action as a person would describe it"),
  observed: z.string().min(1).max(1200).describe("What you saw that decides the verdict: page text, status codes, output"),
});

export interface UserTestingInput {
  model: LanguageModel;
  missionId: string;
  milestone: { id: string; title: string };
  assertions: Assertion[];
  /** What the milestone's features were meant to deliver: titles only, never the workers' accounts. */
  features: Array<{ id: string; title: string }>;
  directory: string;
  /** The running app; absent when the repository configures none (command-line programs). */
  app?: AppDriver;
  /** Why there is no app, when one was configured and could not start. */
  appProblem?: string;
  shell?: Omit<NonNullable<ToolContext["shell"]>, "ran">;
  signal?: AbortSignal;
  /**
   * The mission's context (`missionContext`), the same for every agent of the mission: sent first and
   * marked for caching, so parallel and later runs read it from the provider's cache.
   */
  context?: string;
  /** The operator's MCP tools for the role, where it declared them for validators: beside the read-only tools. */
  extraTools?: AgentTool[];
  /** Each tool call, as it ends (the engine records the MCP ones on the timeline). */
  onToolCall?: AgentRun<z.ZodType>["onToolCall"];
}

/**
 * The user-testing validator: a QA agent that uses the app and gives one verdict per assertion. Like
 * scrutiny it never reads what a worker wrote but the code: no bulletin, no handoff, no commit message.
 */
export async function testAsUser(input: UserTestingInput): Promise<Verdict[]> {
  const wanted = new Set(input.assertions.map((assertion) => assertion.id));
  const prompt = renderTurn("user-testing", {
    id: input.milestone.id,
    title: input.milestone.title,
    features: input.features,
    assertions: assertionLines(input.assertions).join("\n"),
    app: input.app ? { url: input.app.url } : undefined,
    problem: input.appProblem,
  });
  const { value } = await runAgent({
    model: input.model,
    system: loadPrompt("user-testing"),
    prompt: input.context ? { context: input.context, task: prompt } : prompt,
    tools: [...READ_ONLY_TOOLS, ...(input.shell ? [bashTool] : []), ...(input.app ? BROWSER_TOOLS : []), ...(input.extraTools ?? [])],
    final: {
      name: "submit_verdicts",
      description: finalToolDescription("submit_verdicts.user-testing"),
      parameters: z.object({ verdicts: z.array(UserVerdictSchema).describe("One verdict per assertion") }),
      check: ({ verdicts }) => verdictProblems(verdicts.map((verdict) => verdict.assertionId), wanted, "a user-testing assertion"),
    },
    context: { root: input.directory, readFiles: new Set(), signal: input.signal, ...(input.shell ? { shell: { ...input.shell, ran: [] } } : {}), ...(input.app ? { app: input.app } : {}) },
    maxTurns: 60,
    cacheKey: `${input.missionId}:user-testing`,
    ...(input.onToolCall ? { onToolCall: input.onToolCall } : {}),
  });
  return value.verdicts.map((verdict) => ({
    assertionId: verdict.assertionId,
    verdict: verdict.verdict,
    evidence: `Steps: ${verdict.steps.map((step, index) => `${index + 1}. ${step}`).join(" ")} Observed: ${verdict.observed}`.slice(0, 2000),
  }));
}

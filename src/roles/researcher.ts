import { z } from "zod";
import { AgentError, READ_ONLY_TOOLS, renderTurn, researchTool, runAgent, ToolError, type AgentRun, type AgentTool, type ToolContext } from "../agent/index.ts";
import type { LanguageModel, ModelRequest, ModelResponse } from "../models/index.ts";
import { finalToolDescription, loadPrompt } from "./load-prompt.ts";

/** How a worker (or the orchestrator while planning) starts read-only research subagents. */
export interface ResearchOptions {
  /**
   * A model for one researcher, made afresh for each: the caller meters it under the `researcher`
   * role (its calls are in the ledger apart from the role that asked).
   */
  model: () => LanguageModel;
  /** Each researcher's budget: turns and tokens (input and output, every call), default 12 and 150,000. */
  limits?: { turns?: number; tokens?: number };
  cacheKey?: string;
  /** Every tool a researcher calls, for the timeline. */
  onToolCall?: AgentRun<z.ZodType>["onToolCall"];
}

const ReportSchema = z.object({
  report: z.string().min(1).max(4000).describe("The answer first, then the evidence (paths with line numbers, exact names); what you could not confirm"),
});

/** The `research` tool, wired to researchers that run with `options`. */
export function researchFor(options: ResearchOptions): AgentTool {
  return researchTool((question, context) => research(options, question, context));
}

/**
 * One research subagent: a fresh context holding only the question, the read-only tools, a bounded
 * budget of turns and tokens, and its report as the result. A researcher that ends without a report
 * is an error the asking model reads, not the end of its run.
 */
export async function research(options: ResearchOptions, question: string, context: ToolContext): Promise<string> {
  const turns = options.limits?.turns ?? 12;
  const model = new TokenBudget(options.model(), options.limits?.tokens ?? 150_000);
  try {
    const { value } = await runAgent({
      model,
      system: loadPrompt("researcher"),
      prompt: renderTurn("research", { question }),
      tools: READ_ONLY_TOOLS,
      final: { name: "submit_report", description: finalToolDescription("submit_report"), parameters: ReportSchema },
      // Its own record of files read: nothing of the asking run's state.
      context: { root: context.root, readFiles: new Set(), signal: context.signal },
      maxTurns: turns,
      wrapUp: { message: renderTurn("research-wrap-up"), turnsLeft: Math.min(2, turns - 1), msLeft: 0 },
      maxOutputTokens: 4_000,
      ...(options.cacheKey ? { cacheKey: options.cacheKey } : {}),
      ...(options.onToolCall ? { onToolCall: options.onToolCall } : {}),
    });
    return value.report;
  } catch (error) {
    if (error instanceof AgentError || error instanceof ResearchBudgetError) throw new ToolError(`The research ended without a report: ${error.message}`);
    throw error;
  }
}

/** A researcher spent its tokens before it reported. */
class ResearchBudgetError extends Error {
  override name = "ResearchBudgetError";
}

/** A model that refuses the next call once the calls so far used up `tokens` (input and output). */
class TokenBudget implements LanguageModel {
  readonly id: string;
  #used = 0;
  readonly #inner: LanguageModel;
  readonly #tokens: number;
  constructor(inner: LanguageModel, tokens: number) {
    this.#inner = inner;
    this.#tokens = tokens;
    this.id = inner.id;
  }
  async generate(request: ModelRequest): Promise<ModelResponse> {
    if (this.#used >= this.#tokens) throw new ResearchBudgetError(`it used its budget of ${this.#tokens.toLocaleString("en")} tokens`);
    const response = await this.#inner.generate(request);
    this.#used += response.usage.inputTokens + response.usage.outputTokens;
    return response;
  }
}

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
  /**
   * Each researcher's budget: turns, tokens (input and output, every call) and wall-clock time,
   * default 12, 150,000 and 10 minutes; never more time than the asking run has left.
   */
  limits?: { turns?: number; tokens?: number; wallMs?: number };
  /** The clock, in milliseconds (default `Date.now`); tests pass their own. */
  now?: () => number;
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
 * budget of turns, tokens and time, and its report as the result. A researcher that ends without a report
 * is an error the asking model reads, not the end of its run.
 */
export async function research(options: ResearchOptions, question: string, context: ToolContext): Promise<string> {
  const turns = options.limits?.turns ?? 12;
  // No longer than the asking run has left: its own limit would end it with the researcher still at work.
  const wallMs = Math.min(options.limits?.wallMs ?? 10 * 60_000, context.timeLeftMs?.() ?? Infinity);
  if (wallMs <= 0) throw new ToolError("No research starts now: your time is up. Hand off what you have.");
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
      maxWallMs: wallMs,
      ...(options.now ? { now: options.now } : {}),
      // Told to wrap up with two turns, a fifth of its time or 30% of its tokens left: what it found is then reported, not lost.
      wrapUp: { message: renderTurn("research-wrap-up"), turnsLeft: Math.min(2, turns - 1), msLeft: wallMs / 5, due: () => model.nearlySpent() },
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

/** The share of its tokens after which a researcher is told to wrap up. */
const WRAP_UP_SHARE = 0.7;

/**
 * A model that refuses the next call once the calls so far used up `tokens` (input and output) —
 * except the one call right after the researcher was told to wrap up, when a single call took it
 * from under 70% of its tokens to past them all: that call is its chance to report.
 */
class TokenBudget implements LanguageModel {
  readonly id: string;
  #used = 0;
  #calls = 0;
  /** The number of calls made when the wrap-up was found due. */
  #warnedAt: number | undefined;
  readonly #inner: LanguageModel;
  readonly #tokens: number;
  constructor(inner: LanguageModel, tokens: number) {
    this.#inner = inner;
    this.#tokens = tokens;
    this.id = inner.id;
  }
  /** 70% of the tokens used: the researcher is told to wrap up (asked by the loop until it is). */
  nearlySpent(): boolean {
    if (this.#used < this.#tokens * WRAP_UP_SHARE) return false;
    this.#warnedAt ??= this.#calls;
    return true;
  }
  async generate(request: ModelRequest): Promise<ModelResponse> {
    const lastChance = this.#warnedAt === this.#calls;
    if (this.#used >= this.#tokens && !lastChance) throw new ResearchBudgetError(`it used its budget of ${this.#tokens.toLocaleString("en")} tokens`);
    this.#calls++;
    const response = await this.#inner.generate(request);
    this.#used += response.usage.inputTokens + response.usage.outputTokens;
    return response;
  }
}

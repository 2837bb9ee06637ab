import type { z } from "zod";
import type { LanguageModel, ModelMessage, ToolCall, UserPart } from "../models/index.ts";
import { describeIssues, toToolSpec, ToolError, type AgentTool, type FinalTool, type ToolContext } from "./tool.ts";
import { truncateOutput } from "./truncate-output.ts";
import { renderTurn } from "./render-turn.ts";

export interface AgentRun<Schema extends z.ZodType> {
  model: LanguageModel;
  system: string;
  /**
   * The first user message: the whole context of this run (fresh context, never earlier transcripts).
   * Given as `{ context, task }`, the context — the same for every run of the mission — comes first
   * and is marked for caching, so runs after the first read it from the provider's cache.
   */
  prompt: string | { context: string; task: string };
  tools: AgentTool[];
  final: FinalTool<Schema>;
  context: ToolContext;
  maxTurns?: number;
  /** Wall-clock limit of the whole run. */
  maxWallMs?: number;
  /** The clock, in milliseconds (default `Date.now`); tests pass their own. */
  now?: () => number;
  /**
   * Told to the model once, with the tool results, when few turns or little time are left, or when
   * `due` says so (another budget nearly spent): hand off now, while it still can. Without it the
   * run just ends at its limit.
   */
  wrapUp?: { message: string; turnsLeft: number; msLeft: number; due?: () => boolean };
  /** Past this many characters of history, old tool outputs are pruned (default 400,000, ~100k tokens). */
  contextBudgetChars?: number;
  maxOutputTokens?: number;
  cacheKey?: string;
  /** Called after every model call, for the ledger and the dashboard. */
  onModelCall?: (call: { turn: number; usage: import("../models/index.ts").Usage; model: string }) => void | Promise<void>;
  onToolCall?: (call: { name: string; input: unknown; output: string; isError: boolean }) => void | Promise<void>;
}

export interface AgentResult<T> {
  value: T;
  turns: number;
}

/** Ends an agent run: the model never finished, refused, or was cancelled. */
export class AgentError extends Error {
  override name = "AgentError";
  readonly isRetryable: boolean;
  constructor(message: string, options: { isRetryable?: boolean; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.isRetryable = options.isRetryable ?? false;
  }
}

/** The run reached its turn or time limit without a final result: what it did may still be worth keeping. */
export class AgentLimitError extends AgentError {
  override name = "AgentLimitError";
  readonly limit: "turns" | "time";
  constructor(message: string, limit: "turns" | "time") {
    super(message);
    this.limit = limit;
  }
}

const MAX_NUDGES = 3;
/** How often a model may submit an invalid final result before the run fails with the reasons. */
const MAX_INVALID_FINAL = 3;

/** The generic tool loop every role runs: call the model, run its tools, until it calls the final tool. */
export async function runAgent<Schema extends z.ZodType>(run: AgentRun<Schema>): Promise<AgentResult<z.infer<Schema>>> {
  const tools = new Map(run.tools.map((tool) => [tool.name, tool]));
  const specs = [...run.tools.map(toToolSpec), toToolSpec(run.final)];
  const first: UserPart[] =
    typeof run.prompt === "string"
      ? [{ type: "text", text: run.prompt, cache: true }]
      : [{ type: "text", text: run.prompt.context, cache: true }, { type: "text", text: run.prompt.task }];
  const messages: ModelMessage[] = [{ role: "user", content: first }];
  const maxTurns = run.maxTurns ?? 50;
  let nudges = 0;
  let invalidFinal = 0;
  let wrappedUp = false;
  const now = run.now ?? Date.now;
  const started = now();
  // Tools see what is left of the wall clock, so no command runs past the end of the run.
  const context: ToolContext = run.maxWallMs === undefined ? run.context : { ...run.context, timeLeftMs: () => run.maxWallMs! - (now() - started) };
  for (let turn = 1; turn <= maxTurns; turn++) {
    if (run.context.signal?.aborted) throw new AgentError("the run was cancelled", { isRetryable: true });
    if (run.maxWallMs !== undefined && now() - started > run.maxWallMs) {
      throw new AgentLimitError(`${run.model.id} did not finish within ${Math.round(run.maxWallMs / 60_000)} minutes`, "time");
    }
    pruneToolOutputs(messages, run.contextBudgetChars ?? 400_000);
    const response = await run.model.generate({
      system: run.system,
      messages,
      tools: specs,
      maxOutputTokens: run.maxOutputTokens ?? 16_000,
      cacheKey: run.cacheKey,
      signal: run.context.signal,
    });
    await run.onModelCall?.({ turn, usage: response.usage, model: run.model.id });
    // Providers reject empty text blocks and empty turns in the history they are sent back.
    const content = response.content.filter((part) => part.type !== "text" || part.text.trim() !== "");
    const calls = content.filter((part): part is ToolCall => part.type === "tool-call");
    if (content.length > 0) messages.push({ role: "assistant", content });
    if (calls.length > 0 && response.stopReason === "max-tokens") {
      // The arguments were cut off mid-way: running them would act on a guess.
      const cut = renderTurn("cut-off-call");
      messages.push({ role: "user", content: calls.map((call) => ({ type: "tool-result" as const, toolCallId: call.id, toolName: call.name, output: cut, isError: true })) });
      continue;
    }
    if (calls.length === 0) {
      if (response.stopReason === "refusal") throw new AgentError(`${run.model.id} refused the task`);
      if (++nudges > MAX_NUDGES) {
        throw new AgentError(`${run.model.id} stopped ${MAX_NUDGES + 1} times without calling ${run.final.name}`);
      }
      const cutOff = response.stopReason === "max-tokens";
      const text = renderTurn("nudge", { final: run.final.name, cutOff, empty: !cutOff && content.length === 0, plainText: !cutOff && content.length > 0 });
      const last = messages.at(-1)!;
      // After an empty reply the last turn is still the user's: add to it rather than send two in a row.
      if (last.role === "user") last.content.push({ type: "text", text });
      else messages.push({ role: "user", content: [{ type: "text", text }] });
      continue;
    }
    const results: UserPart[] = [];
    // Calls of tools that may run at once (research subagents) start together; the rest run one by one, in order.
    const running = new Map<ToolCall, Promise<{ output: string; isError: boolean }>>();
    for (const call of calls) {
      const tool = call.name === run.final.name ? undefined : tools.get(call.name);
      if (!tool?.concurrent) continue;
      const result = runTool(tool, call, context);
      result.catch(() => {}); // awaited below, in order; a failure is not unhandled meanwhile
      running.set(call, result);
    }
    for (const call of calls) {
      if (call.name === run.final.name) {
        const outcome = await checkFinal(run.final, call.input);
        if (outcome.ok) {
          await Promise.allSettled(running.values());
          return { value: outcome.value, turns: turn };
        }
        if (++invalidFinal >= MAX_INVALID_FINAL) {
          throw new AgentError(`${run.model.id} gave an invalid ${run.final.name} ${MAX_INVALID_FINAL} times; the last problems:\n${outcome.error}`);
        }
        results.push({ type: "tool-result", toolCallId: call.id, toolName: call.name, output: outcome.error, isError: true });
        continue;
      }
      const result = await (running.get(call) ?? runTool(tools.get(call.name), call, context));
      await run.onToolCall?.({ name: call.name, input: call.input, output: result.output, isError: result.isError });
      results.push({ type: "tool-result", toolCallId: call.id, toolName: call.name, ...result });
    }
    if (run.wrapUp && !wrappedUp) {
      const timeLeft = run.maxWallMs === undefined ? Infinity : run.maxWallMs - (now() - started);
      // `due` is asked first, every turn until the wrap-up is sent: it may note that it was.
      const due = run.wrapUp.due?.() === true;
      if (due || maxTurns - turn <= run.wrapUp.turnsLeft || timeLeft <= run.wrapUp.msLeft) {
        wrappedUp = true;
        results.push({ type: "text", text: run.wrapUp.message });
      }
    }
    messages.push({ role: "user", content: results });
  }
  throw new AgentLimitError(`${run.model.id} did not call ${run.final.name} within ${maxTurns} turns`, "turns");
}

async function checkFinal<Schema extends z.ZodType>(final: FinalTool<Schema>, input: unknown): Promise<
  | { ok: true; value: z.infer<Schema> }
  | { ok: false; error: string }
> {
  if (typeof input === "string") {
    return { ok: false, error: renderTurn("invalid-json", { name: final.name }) };
  }
  const parsed = final.parameters.safeParse(input);
  if (!parsed.success) {
    return { ok: false, error: renderTurn("invalid-input", { issues: describeIssues(parsed.error) }) };
  }
  const problems = (await final.check?.(parsed.data)) ?? [];
  if (problems.length > 0) {
    return { ok: false, error: renderTurn("not-accepted", { name: final.name, problems: problems.map((problem) => `- ${problem}`).join("\n") }) };
  }
  return { ok: true, value: parsed.data };
}

async function runTool(tool: AgentTool | undefined, call: ToolCall, context: ToolContext): Promise<{ output: string; isError: boolean }> {
  if (!tool) return { output: renderTurn("no-such-tool", { name: call.name }), isError: true };
  if (typeof call.input === "string") {
    return { output: renderTurn("invalid-json", { name: call.name }), isError: true };
  }
  const parsed = tool.parameters.safeParse(call.input ?? {});
  if (!parsed.success) {
    return { output: renderTurn("invalid-input", { issues: describeIssues(parsed.error) }), isError: true };
  }
  try {
    return { output: truncateOutput(await tool.execute(parsed.data, context)), isError: false };
  } catch (error) {
    if (error instanceof ToolError) return { output: error.message, isError: true };
    // The host cannot run the tool at all (no sandbox, no browser): not the model's to work around —
    // the step ends, and nothing of it is committed.
    if ((error as { hostFault?: unknown }).hostFault === true) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    return { output: renderTurn("tool-failed", { name: call.name, ...(code ? { code } : {}), message: (error as Error).message ?? String(error) }), isError: true };
  }
}

const KEEP_RECENT_RESULTS = 8;
type ToolResultPart = Extract<UserPart, { type: "tool-result" }>;
/** What stands in for a pruned tool output or long argument (prompts/turns/pruned.md). */
const PRUNED = renderTurn("pruned");

/**
 * Keeps the history under a budget by replacing the outputs of older tool calls — the newest
 * few stay whole, and the first message (the run's whole context) is never touched. Each pruning
 * changes the history early on, and the provider must then write everything after the change to its
 * cache again, so it is done rarely and deeply: once over the budget, every older output goes at once
 * (down to `targetChars`, by default nothing but the newest few), not just enough to fit — pruning a
 * little every turn would rewrite ~the whole budget on every turn, pruning by half rewrites half of
 * it every few turns (measured in bench/README.md).
 *
 * The last pruned result is marked (`cache`) as the end of the pruned history: nothing before it
 * changes until the next pruning, which then reads it from the cache and rewrites only what it
 * prunes anew. On the turn of a pruning the previous mark stays too (that call reads up to it);
 * on the next turn only the newest remains.
 */
export function pruneToolOutputs(messages: ModelMessage[], budgetChars: number, targetChars = 0): void {
  const size = () => messages.reduce((sum, message) => sum + JSON.stringify(message.content).length, 0);
  const results = () =>
    messages
      .slice(1)
      .flatMap((message) => (message.role === "user" ? message.content.filter((part): part is ToolResultPart => part.type === "tool-result") : []));
  if (size() <= budgetChars) {
    const marked = results().filter((result) => result.cache);
    for (const result of marked.slice(0, -1)) delete result.cache;
    return;
  }
  const all = results();
  let boundary: (typeof all)[number] | undefined;
  for (const result of all.slice(0, Math.max(0, all.length - KEEP_RECENT_RESULTS))) {
    if (result.output !== PRUNED) {
      result.output = PRUNED;
      boundary = result;
    }
    if (targetChars > 0 && size() <= targetChars) break;
  }
  if (boundary) boundary.cache = true;
  if (targetChars > 0 && size() <= targetChars) return;
  // Still too big: the long arguments of older calls (whole files given to write_file, say).
  const calls = messages.slice(1).flatMap((message) => (message.role === "assistant" ? message.content.filter((part) => part.type === "tool-call") : []));
  for (const call of calls.slice(0, Math.max(0, calls.length - KEEP_RECENT_RESULTS))) {
    if (call.type !== "tool-call" || typeof call.input !== "object" || call.input === null) continue;
    call.input = Object.fromEntries(
      Object.entries(call.input as Record<string, unknown>).map(([key, value]) => [key, typeof value === "string" && value.length > 500 ? PRUNED : value]),
    );
    if (targetChars > 0 && size() <= targetChars) return;
  }
}

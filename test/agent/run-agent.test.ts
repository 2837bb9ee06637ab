import { mkdtemp, realpath, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { AgentError, AgentLimitError, bashTool, defineTool, readFileTool, runAgent, ToolError } from "../../src/agent/index.ts";
import type { AgentTool, FinalTool, ToolContext } from "../../src/agent/index.ts";
import type { AssistantPart, LanguageModel, ModelRequest, ModelResponse, StopReason, ToolCall, UserPart } from "../../src/models/index.ts";

const USAGE = { inputTokens: 10, outputTokens: 5, cacheReadTokens: 0, cacheWriteTokens: 0 };

/** A model that answers from a queue and records what it was asked (a deep copy: the loop mutates its transcript). */
class ScriptedModel implements LanguageModel {
  readonly id = "scripted/model-1";
  readonly requests: ModelRequest[] = [];
  readonly #replies: ModelResponse[];

  constructor(replies: ModelResponse[]) {
    this.#replies = [...replies];
  }

  async generate(request: ModelRequest): Promise<ModelResponse> {
    const { signal, ...rest } = request;
    this.requests.push({ ...structuredClone(rest), signal });
    const reply = this.#replies.shift();
    if (!reply) throw new Error("the script ran out of replies");
    return reply;
  }

  /** The tool results the loop sent back in the request after `call` (1-based). */
  toolResultsAfter(call: number): Extract<UserPart, { type: "tool-result" }>[] {
    const last = this.requests[call]?.messages.at(-1);
    if (!last || last.role !== "user") throw new Error(`request ${call + 1} does not end with a user message`);
    return last.content.filter((part): part is Extract<UserPart, { type: "tool-result" }> => part.type === "tool-result");
  }

  /** The text the loop sent back in the request after `call` (1-based). */
  textAfter(call: number): string {
    const last = this.requests[call]?.messages.at(-1);
    if (!last || last.role !== "user") throw new Error(`request ${call + 1} does not end with a user message`);
    return last.content.map((part) => (part.type === "text" ? part.text : "")).join("");
  }
}

let callCounter = 0;
function call(name: string, input: unknown): ToolCall {
  return { type: "tool-call", id: `call_${++callCounter}`, name, input };
}

function reply(content: AssistantPart[], stopReason: StopReason = content.some((part) => part.type === "tool-call") ? "tool-use" : "end"): ModelResponse {
  return { content, stopReason, usage: USAGE };
}

function text(value: string, stopReason: StopReason = "end"): ModelResponse {
  return reply([{ type: "text", text: value }], stopReason);
}

const finishSchema = z.object({ summary: z.string().min(1), files: z.array(z.string()) });
const finish: FinalTool<typeof finishSchema> = {
  name: "finish",
  description: "Report the work done.",
  parameters: finishSchema,
  check: (value) => (value.files.includes("forbidden.ts") ? ["forbidden.ts may not be changed"] : []),
};

const echoTool = defineTool({
  name: "echo",
  description: "Echo a message.",
  parameters: z.object({ message: z.string() }),
  async execute({ message }) {
    return `echo: ${message}`;
  },
});

let root: string;
let context: ToolContext;

beforeEach(async () => {
  root = await realpath(await mkdtemp(join(tmpdir(), "missions-agent-")));
  context = { root, readFiles: new Set() };
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

function start(model: LanguageModel, tools: AgentTool[] = [echoTool], extra: { maxTurns?: number; onModelCall?: () => void; onToolCall?: (call: { name: string; input: unknown; output: string; isError: boolean }) => void } = {}) {
  return runAgent({ model, system: "You are a test agent.", prompt: "Do the task.", tools, final: finish, context, ...extra });
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error("expected the run to fail");
    },
    (error: unknown) => error,
  );
}

describe("runAgent", () => {
  it("runs the calls of concurrent tools in one turn at the same time, and the others one by one, the results in the order of the calls", async () => {
    const log: string[] = [];
    let open = 0;
    let most = 0;
    /** A tool call that stays open until every concurrent call of the turn has started (or times out, failing the count). */
    const gate = { waiting: [] as Array<() => void> };
    const slow = (name: string, concurrent: boolean) =>
      defineTool({
        name,
        description: name,
        concurrent,
        parameters: z.object({ id: z.string() }),
        async execute({ id }) {
          log.push(`start ${id}`);
          most = Math.max(most, ++open);
          if (concurrent) {
            await new Promise<void>((resolve) => {
              gate.waiting.push(resolve);
              if (gate.waiting.length === 3) gate.waiting.splice(0).forEach((release) => release());
              setTimeout(resolve, 2_000);
            });
          }
          open--;
          log.push(`end ${id}`);
          return `${name} ${id}`;
        },
      });
    const model = new ScriptedModel([
      reply([call("research", { id: "r1" }), call("echo_slow", { id: "e1" }), call("research", { id: "r2" }), call("research", { id: "r3" })]),
      reply([call("finish", { summary: "done", files: [] })]),
    ]);
    await start(model, [slow("research", true), slow("echo_slow", false)]);
    // All three research calls were open at once; the plain tool ran while they were (it does not wait for them), alone of its kind.
    expect(most).toBeGreaterThanOrEqual(3);
    expect(log.slice(0, 3)).toEqual(["start r1", "start r2", "start r3"]);
    expect(model.toolResultsAfter(1).map((result) => result.output)).toEqual(["research r1", "echo_slow e1", "research r2", "research r3"]);
  });

  it("ends the run when the model calls the final tool, with the parsed value and the turn count", async () => {
    const model = new ScriptedModel([reply([call("finish", { summary: "done", files: ["a.ts"] })])]);
    const result = await start(model);
    expect(result).toEqual({ value: { summary: "done", files: ["a.ts"] }, turns: 1 });
    expect(model.requests).toHaveLength(1);
  });

  it("sends the system prompt, the prompt as the first user message, and every tool including the final one", async () => {
    const model = new ScriptedModel([reply([call("finish", { summary: "done", files: [] })])]);
    await runAgent({ model, system: "SYSTEM", prompt: "PROMPT", tools: [echoTool, readFileTool], final: finish, context, maxOutputTokens: 1234, cacheKey: "mission-1/worker" });
    const request = model.requests[0]!;
    expect(request.system).toBe("SYSTEM");
    expect(request.messages).toEqual([{ role: "user", content: [{ type: "text", text: "PROMPT", cache: true }] }]);
    expect(request.tools.map((tool) => tool.name)).toEqual(["echo", "read_file", "finish"]);
    expect(request.maxOutputTokens).toBe(1234);
    expect(request.cacheKey).toBe("mission-1/worker");
  });

  it("runs tools and sends their results back before the model finishes", async () => {
    const first = call("echo", { message: "hi" });
    const model = new ScriptedModel([reply([{ type: "text", text: "Let me echo." }, first]), reply([call("finish", { summary: "ok", files: [] })])]);
    const result = await start(model);
    expect(result.turns).toBe(2);
    expect(model.requests[1]!.messages[1]).toEqual({ role: "assistant", content: [{ type: "text", text: "Let me echo." }, first] });
    expect(model.toolResultsAfter(1)).toEqual([{ type: "tool-result", toolCallId: first.id, toolName: "echo", output: "echo: hi", isError: false }]);
  });

  it("gives tools the run's context (a real read_file call)", async () => {
    await writeFile(join(root, "hello.txt"), "hello\nworld");
    const model = new ScriptedModel([reply([call("read_file", { path: "hello.txt" })]), reply([call("finish", { summary: "ok", files: [] })])]);
    await start(model, [readFileTool]);
    expect(model.toolResultsAfter(1)[0]).toMatchObject({ output: "1\thello\n2\tworld", isError: false });
    expect(context.readFiles.has(join(root, "hello.txt"))).toBe(true);
  });

  it("returns invalid final arguments as a schema error, and the model can correct itself", async () => {
    const bad = call("finish", { summary: "", files: "a.ts" });
    const model = new ScriptedModel([reply([bad]), reply([call("finish", { summary: "fixed", files: ["a.ts"] })])]);
    const result = await start(model);
    expect(result).toEqual({ value: { summary: "fixed", files: ["a.ts"] }, turns: 2 });
    const [error] = model.toolResultsAfter(1);
    expect(error).toMatchObject({ toolCallId: bad.id, toolName: "finish", isError: true });
    expect(error!.output).toMatch(/^Rewrite the input so it satisfies the schema:\n/);
    expect(error!.output).toMatch(/- summary: /);
    expect(error!.output).toMatch(/- files: /);
  });

  it("returns the final tool's check problems so the model can fix them", async () => {
    const model = new ScriptedModel([reply([call("finish", { summary: "done", files: ["forbidden.ts"] })]), reply([call("finish", { summary: "done", files: ["ok.ts"] })])]);
    const result = await start(model);
    expect(result.value.files).toEqual(["ok.ts"]);
    expect(model.toolResultsAfter(1)[0]).toMatchObject({
      isError: true,
      output: "Not accepted. Fix these and call finish again:\n- forbidden.ts may not be changed",
    });
  });

  it("reports invalid JSON arguments (a raw string input) for the final tool and for other tools", async () => {
    const model = new ScriptedModel([
      reply([call("finish", '{"summary": "done", files: [')]),
      reply([call("echo", "{not json")]),
      reply([call("finish", { summary: "done", files: [] })]),
    ]);
    await start(model);
    expect(model.toolResultsAfter(1)[0]).toMatchObject({ isError: true, output: "The arguments were not valid JSON. Call finish again with a JSON object." });
    expect(model.toolResultsAfter(2)[0]).toMatchObject({ isError: true, output: "The arguments were not valid JSON. Call echo again with a JSON object." });
  });

  it("returns a tool's schema problems as an error result without running it", async () => {
    let ran = false;
    const strict = defineTool({
      name: "strict",
      description: "Needs a count.",
      parameters: z.object({ count: z.number() }),
      async execute() {
        ran = true;
        return "ran";
      },
    });
    const model = new ScriptedModel([reply([call("strict", { count: "three" })]), reply([call("finish", { summary: "done", files: [] })])]);
    await start(model, [strict]);
    expect(ran).toBe(false);
    const [result] = model.toolResultsAfter(1);
    expect(result!.isError).toBe(true);
    expect(result!.output).toMatch(/^Rewrite the input so it satisfies the schema:\n- count: /);
  });

  it("answers an unknown tool name with an error result", async () => {
    const model = new ScriptedModel([reply([call("delete_everything", {})]), reply([call("finish", { summary: "done", files: [] })])]);
    await start(model);
    expect(model.toolResultsAfter(1)[0]).toMatchObject({ toolName: "delete_everything", isError: true, output: 'There is no tool named "delete_everything".' });
  });

  it("turns a tool throwing a plain Error into an error result with its code, not a thrown exception", async () => {
    const broken = defineTool({
      name: "broken",
      description: "Always fails.",
      parameters: z.object({}),
      async execute() {
        throw Object.assign(new Error("permission denied, open 'x'"), { code: "EACCES" });
      },
    });
    const model = new ScriptedModel([reply([call("broken", {})]), reply([call("finish", { summary: "done", files: [] })])]);
    const result = await start(model, [broken]);
    expect(result.turns).toBe(2);
    expect(model.toolResultsAfter(1)[0]).toMatchObject({ isError: true, output: "broken failed (EACCES): permission denied, open 'x'" });
  });

  it("returns a ToolError's message as it is", async () => {
    const picky = defineTool({
      name: "picky",
      description: "Refuses.",
      parameters: z.object({}),
      async execute() {
        throw new ToolError("Use a smaller file.");
      },
    });
    const model = new ScriptedModel([reply([call("picky", {})]), reply([call("finish", { summary: "done", files: [] })])]);
    await start(model, [picky]);
    expect(model.toolResultsAfter(1)[0]).toMatchObject({ isError: true, output: "Use a smaller file." });
  });

  it("runs every tool call of one reply and answers them in order", async () => {
    const a = call("echo", { message: "one" });
    const b = call("nope", {});
    const c = call("echo", { message: "two" });
    const model = new ScriptedModel([reply([a, b, c]), reply([call("finish", { summary: "done", files: [] })])]);
    await start(model);
    expect(model.toolResultsAfter(1).map((result) => [result.toolCallId, result.isError])).toEqual([
      [a.id, false],
      [b.id, true],
      [c.id, false],
    ]);
  });

  it("nudges a plain-text reply towards the tools", async () => {
    const model = new ScriptedModel([text("I think I am done."), reply([call("finish", { summary: "done", files: [] })])]);
    const result = await start(model);
    expect(result.turns).toBe(2);
    expect(model.textAfter(1)).toBe("Plain text is not read. Use the tools, and finish by calling finish.");
  });

  it("tells a model cut off at the output limit to continue in smaller steps", async () => {
    const model = new ScriptedModel([text("Here is a very long", "max-tokens"), reply([call("finish", { summary: "done", files: [] })])]);
    await start(model);
    expect(model.textAfter(1)).toBe("Your reply was cut off at the output limit. Continue with smaller steps, and finish by calling finish.");
  });

  it("accepts 3 nudges but throws an AgentError at the 4th plain-text reply", async () => {
    const recovers = new ScriptedModel([text("a"), text("b"), text("c"), reply([call("finish", { summary: "done", files: [] })])]);
    expect((await start(recovers)).turns).toBe(4);

    const model = new ScriptedModel([text("a"), text("b"), text("c"), text("d"), reply([call("finish", { summary: "never", files: [] })])]);
    const error = await rejection(start(model));
    expect(error).toBeInstanceOf(AgentError);
    expect((error as AgentError).message).toBe("scripted/model-1 stopped 4 times without calling finish");
    expect((error as AgentError).isRetryable).toBe(false);
    expect(model.requests).toHaveLength(4);
  });

  it("throws a non-retryable AgentError when the model refuses", async () => {
    const model = new ScriptedModel([text("I can't help with that.", "refusal")]);
    const error = await rejection(start(model));
    expect(error).toBeInstanceOf(AgentError);
    expect((error as AgentError).message).toBe("scripted/model-1 refused the task");
    expect((error as AgentError).isRetryable).toBe(false);
  });

  it("throws an AgentError when the final tool is not called within maxTurns", async () => {
    const model = new ScriptedModel([reply([call("echo", { message: "1" })]), reply([call("echo", { message: "2" })]), reply([call("echo", { message: "3" })])]);
    const error = await rejection(start(model, [echoTool], { maxTurns: 2 }));
    expect(error).toBeInstanceOf(AgentError);
    expect((error as AgentError).message).toBe("scripted/model-1 did not call finish within 2 turns");
    expect(model.requests).toHaveLength(2);
  });

  it("tells the model once to wrap up when few turns are left, and ends at the limit with an error that says which limit", async () => {
    const model = new ScriptedModel([1, 2, 3, 4].map((index) => reply([call("echo", { message: String(index) })])));
    const error = await rejection(runAgent({ model, system: "S", prompt: "P", tools: [echoTool], final: finish, context, maxTurns: 4, wrapUp: { message: "WRAP UP", turnsLeft: 2, msLeft: 0 } }));
    expect(error).toBeInstanceOf(AgentLimitError);
    expect((error as AgentLimitError).limit).toBe("turns");
    // After turn 2 two turns are left: the nudge goes with that turn's tool results, and only then.
    expect([1, 2, 3].map((index) => model.textAfter(index))).toEqual(["", "WRAP UP", ""]);
    expect(model.toolResultsAfter(2)).toHaveLength(1);
  });

  it("tells the model to wrap up when little time is left, and ends at the time limit as a time limit", async () => {
    // A clock of the test's own: each tool call takes 30 ms of it, whatever the machine's load.
    let clock = 0;
    const slowEcho = defineTool({ name: "echo", description: "Echo slowly.", parameters: z.object({ message: z.string() }), execute: async () => ((clock += 30), "ok") });
    const model = new ScriptedModel([1, 2, 3].map((index) => reply([call("echo", { message: String(index) })])));
    const error = await rejection(runAgent({ model, system: "S", prompt: "P", tools: [slowEcho], final: finish, context, maxTurns: 10, maxWallMs: 40, now: () => clock, wrapUp: { message: "WRAP UP", turnsLeft: 1, msLeft: 20 } }));
    expect(error).toBeInstanceOf(AgentLimitError);
    expect((error as AgentLimitError).limit).toBe("time");
    expect(model.textAfter(1)).toBe("WRAP UP");
    // Turn 2 starts at 30 ms (within 40); turn 3 would start at 60 ms.
    expect(model.requests).toHaveLength(2);
  });

  it("never lets a command outlast the run: bash's timeout is cut to the time left", async () => {
    let clock = 0;
    const timeouts: number[] = [];
    const runner = { run: async (_command: string, options: { timeoutMs: number }) => (timeouts.push(options.timeoutMs), (clock += 50_000), { exitCode: 0, output: "", timedOut: false, durationMs: 1, command: "" }) };
    const shellContext = { ...context, shell: { runner: runner as never, env: {}, maxTimeoutMs: 600_000, ran: [] } };
    const model = new ScriptedModel([reply([call("bash", { command: "npm test", timeout_seconds: 600 })]), reply([call("bash", { command: "npm test", timeout_seconds: 600 })]), reply([call("finish", { summary: "done", files: [] })])]);
    await runAgent({ model, system: "S", prompt: "P", tools: [bashTool], final: finish, context: shellContext, maxWallMs: 120_000, now: () => clock });
    expect(timeouts).toEqual([120_000, 70_000]);
  });

  it("throws a retryable AgentError without calling the model when the signal is aborted", async () => {
    const controller = new AbortController();
    controller.abort();
    context.signal = controller.signal;
    const model = new ScriptedModel([reply([call("finish", { summary: "done", files: [] })])]);
    const error = await rejection(start(model));
    expect(error).toBeInstanceOf(AgentError);
    expect((error as AgentError).message).toBe("the run was cancelled");
    expect((error as AgentError).isRetryable).toBe(true);
    expect(model.requests).toHaveLength(0);
  });

  it("stops before the next model call when the signal is aborted during a tool", async () => {
    const controller = new AbortController();
    context.signal = controller.signal;
    const cancelling = defineTool({
      name: "cancel",
      description: "The operator cancels while this runs.",
      parameters: z.object({}),
      async execute(_args, toolContext) {
        expect(toolContext.signal).toBe(controller.signal);
        controller.abort();
        return "cancelled";
      },
    });
    const model = new ScriptedModel([reply([call("cancel", {})]), reply([call("finish", { summary: "done", files: [] })])]);
    const error = await rejection(start(model, [cancelling]));
    expect((error as AgentError).isRetryable).toBe(true);
    expect(model.requests).toHaveLength(1);
    expect(model.requests[0]!.signal).toBe(controller.signal);
  });

  it("truncates long tool output, keeping its head and tail", async () => {
    const loud = defineTool({
      name: "loud",
      description: "Prints a lot.",
      parameters: z.object({}),
      async execute() {
        return `BEGIN${"x".repeat(100_000)}END`;
      },
    });
    const model = new ScriptedModel([reply([call("loud", {})]), reply([call("finish", { summary: "done", files: [] })])]);
    await start(model, [loud]);
    const output = model.toolResultsAfter(1)[0]!.output;
    expect(output.length).toBeLessThan(31_000);
    expect(output.startsWith("BEGIN")).toBe(true);
    expect(output.endsWith("END")).toBe(true);
    expect(output).toMatch(/\[… \d+ characters cut; narrow the request/);
  });

  it("reports every model call and every tool call (not the final one)", async () => {
    const modelCalls: unknown[] = [];
    const toolCalls: unknown[] = [];
    const model = new ScriptedModel([reply([call("echo", { message: "hi" }), call("ghost", { a: 1 })]), reply([call("finish", { summary: "done", files: [] })])]);
    await runAgent({
      model,
      system: "s",
      prompt: "p",
      tools: [echoTool],
      final: finish,
      context,
      onModelCall: (entry) => {
        modelCalls.push(entry);
      },
      onToolCall: (entry) => {
        toolCalls.push(entry);
      },
    });
    expect(modelCalls).toEqual([
      { turn: 1, usage: USAGE, model: "scripted/model-1" },
      { turn: 2, usage: USAGE, model: "scripted/model-1" },
    ]);
    expect(toolCalls).toEqual([
      { name: "echo", input: { message: "hi" }, output: "echo: hi", isError: false },
      { name: "ghost", input: { a: 1 }, output: 'There is no tool named "ghost".', isError: true },
    ]);
  });

  it("lets a model error propagate unchanged", async () => {
    const model = new ScriptedModel([]);
    const error = await rejection(start(model));
    expect(error).not.toBeInstanceOf(AgentError);
    expect((error as Error).message).toBe("the script ran out of replies");
  });
});

describe("pruneToolOutputs", () => {
  it("replaces the oldest tool outputs until the history fits, keeping the first message and the newest results", async () => {
    const { pruneToolOutputs } = await import("../../src/agent/index.ts");
    const big = "x".repeat(10_000);
    const messages: import("../../src/models/index.ts").ModelMessage[] = [
      { role: "user", content: [{ type: "text", text: big }] },
      ...Array.from({ length: 12 }, (_, index) => [
        { role: "assistant" as const, content: [{ type: "tool-call" as const, id: `t${index}`, name: "read_file", input: {} }] },
        { role: "user" as const, content: [{ type: "tool-result" as const, toolCallId: `t${index}`, toolName: "read_file", output: big, isError: false }] },
      ]).flat(),
    ];
    pruneToolOutputs(messages, 100_000);
    const outputs = messages.flatMap((message) => (message.role === "user" ? message.content.filter((part) => part.type === "tool-result").map((part) => part.output) : []));
    expect(outputs.filter((output) => output === big)).toHaveLength(8);
    expect(outputs.slice(-8).every((output) => output === big)).toBe(true);
    expect(messages[0]!.content[0]).toEqual({ type: "text", text: big });
    const before = JSON.stringify(messages);
    pruneToolOutputs(messages, 10_000_000);
    expect(JSON.stringify(messages)).toBe(before);
    // Still over budget after the outputs: the long arguments of older calls go too.
    const writes: import("../../src/models/index.ts").ModelMessage[] = [
      { role: "user", content: [{ type: "text", text: "task" }] },
      ...Array.from({ length: 10 }, (_, index) => [
        { role: "assistant" as const, content: [{ type: "tool-call" as const, id: `w${index}`, name: "write_file", input: { path: `f${index}`, content: big } }] },
        { role: "user" as const, content: [{ type: "tool-result" as const, toolCallId: `w${index}`, toolName: "write_file", output: "Wrote.", isError: false }] },
      ]).flat(),
    ];
    pruneToolOutputs(writes, 90_000);
    const inputs = writes.flatMap((message) => (message.role === "assistant" ? message.content.map((part) => (part.type === "tool-call" ? (part.input as { content: string; path: string }) : undefined)) : []));
    expect(inputs[0]).toEqual({ path: "f0", content: expect.stringContaining("pruned") });
    expect(inputs.at(-1)).toEqual({ path: "f9", content: big });
  });

  it("prunes every older output at once when over the budget, so the early history changes once every many turns, and marks where the pruned history ends", async () => {
    const { pruneToolOutputs } = await import("../../src/agent/index.ts");
    type Result = Extract<import("../../src/models/index.ts").UserPart, { type: "tool-result" }>;
    const output = "y".repeat(2_000);
    const messages: import("../../src/models/index.ts").ModelMessage[] = [{ role: "user", content: [{ type: "text", text: "task" }] }];
    const results = () => messages.flatMap((message) => (message.role === "user" ? message.content.filter((part): part is Result => part.type === "tool-result") : []));
    // What the provider is sent, block by block, apart from cache marks.
    const sent = () => messages.flatMap((message) => message.content.map((part) => JSON.stringify(part, (key, value: unknown) => (key === "cache" ? undefined : value))));
    const prunings: number[] = [];
    for (let turn = 0; turn < 60; turn++) {
      const before = sent();
      const markedBefore = results().filter((result) => result.cache);
      pruneToolOutputs(messages, 100_000);
      const after = sent();
      const marked = results().filter((result) => result.cache);
      if (after.some((message, index) => message !== before[index])) {
        prunings.push(turn);
        // Nothing before the previous mark changed: the provider reads up to it.
        if (markedBefore.length > 0) {
          const previous = messages.flatMap((message): object[] => message.content).indexOf(markedBefore.at(-1)!);
          expect(previous).toBeGreaterThan(0);
          expect(after.slice(0, previous + 1)).toEqual(before.slice(0, previous + 1));
          expect(marked).toEqual([markedBefore.at(-1), expect.anything()]);
        } else {
          expect(marked).toHaveLength(1);
        }
        // The newest mark is the last pruned output, and only the newest 8 outputs stay whole.
        expect(marked.at(-1)!.output).toContain("pruned");
        expect(results().filter((result) => result.output === output)).toHaveLength(8);
      } else {
        expect(marked.length).toBeLessThanOrEqual(1);
      }
      // A turn of three parallel reads.
      const ids = [0, 1, 2].map((call) => `c${turn}-${call}`);
      messages.push({ role: "assistant", content: ids.map((id) => ({ type: "tool-call" as const, id, name: "read_file", input: { path: id } })) });
      messages.push({ role: "user", content: ids.map((id) => ({ type: "tool-result" as const, toolCallId: id, toolName: "read_file", output, isError: false })) });
    }
    // Pruning just below the budget would change the history on every turn once past it; by half, every few turns.
    expect(prunings[0]).toBeGreaterThan(0);
    expect(prunings[0]).toBeLessThan(20);
    expect(prunings.length).toBeGreaterThan(2);
    for (const [index, turn] of prunings.slice(1).entries()) expect(turn - prunings[index]!).toBeGreaterThanOrEqual(6);
    const size = messages.reduce((sum, message) => sum + JSON.stringify(message.content).length, 0);
    expect(size).toBeLessThan(130_000);
  });

});

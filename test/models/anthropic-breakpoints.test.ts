import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AnthropicLanguageModel } from "../../src/models/anthropic/anthropic-language-model.ts";
import { convertToAnthropicRequest } from "../../src/models/anthropic/convert-to-anthropic-messages.ts";
import { pruneToolOutputs } from "../../src/agent/index.ts";
import type { ModelMessage, ModelRequest } from "../../src/models/index.ts";
import { startFakeModels, type FakeModels } from "../fakes/models/index.ts";

const tools = [{ name: "read_file", description: "Reads a file.", parameters: { type: "object", properties: { path: { type: "string" } } } }];
const system = "You are a careful engineer. ".repeat(200);
const context = "The mission's context: summary, repository overview, AGENTS.md. ".repeat(60);

/** A conversation of `turns` turns, each with `calls` parallel tool calls and their results. */
function conversation(turns: number, calls: number): ModelMessage[] {
  const messages: ModelMessage[] = [{ role: "user", content: [{ type: "text", text: context, cache: true }, { type: "text", text: "The task." }] }];
  for (let turn = 0; turn < turns; turn++) {
    const ids = Array.from({ length: calls }, (_, call) => `t${turn}_${call}`);
    messages.push({ role: "assistant", content: [{ type: "text", text: `Turn ${turn}: reading.` }, ...ids.map((id) => ({ type: "tool-call" as const, id, name: "read_file", input: { path: `${id}.ts` } }))] });
    messages.push({ role: "user", content: ids.map((id) => ({ type: "tool-result" as const, toolCallId: id, toolName: "read_file", output: `contents of ${id} `.repeat(20), isError: false })) });
  }
  return messages;
}

function breakpoints(request: ModelRequest) {
  const converted = convertToAnthropicRequest(request);
  const marked = (block: object) => (block as { cache_control?: { ttl?: string } }).cache_control;
  const flat = converted.messages.flatMap((message) => message.content as object[]);
  return {
    tools: converted.tools.filter(marked).length,
    system: converted.system.map((block) => marked(block)?.ttl ?? (marked(block) ? "5m" : undefined)),
    messages: flat.flatMap((block, index) => (marked(block) ? [{ index, ttl: marked(block)!.ttl ?? "5m" }] : [])),
    blocks: flat.length,
  };
}

describe("Anthropic cache breakpoints", () => {
  it("spends none on the tools alone: system (1 h), the marked context (1 h), half-way through the newest turn and the newest block", () => {
    const marks = breakpoints({ system, tools, messages: conversation(3, 12), maxOutputTokens: 100 });
    expect(marks.tools).toBe(0);
    expect(marks.system).toEqual(["1h"]);
    // Blocks: 2 of the first message, then 13 + 12 per turn; the newest turn starts after block 2 + 2 × 25 − 1 = 51.
    expect(marks.messages).toEqual([
      { index: 0, ttl: "1h" },
      { index: 51 + Math.ceil((marks.blocks - 1 - 51) / 2), ttl: "5m" },
      { index: marks.blocks - 1, ttl: "5m" },
    ]);
    // Each breakpoint within the API's 20-block lookback of the one before it in the newest turn.
    const [, middle, last] = marks.messages;
    expect(middle!.index - 51).toBeLessThan(20);
    expect(last!.index - middle!.index).toBeLessThan(20);
  });

  it("keeps a breakpoint at the end of the pruned history, giving up the system prompt's, and on the turn of a pruning at the previous end too", () => {
    const messages = conversation(6, 3);
    const result = (turn: number, call: number) => {
      const message = messages[2 + 2 * turn]!;
      if (message.role !== "user") throw new Error("not a user message");
      return message.content[call] as Extract<(typeof message.content)[number], { type: "tool-result" }>;
    };
    // Blocks: 2 of the first message, then 4 + 3 per turn: turn t's results are blocks 2 + 7t + 4 … 6.
    result(2, 1).cache = true;
    const after = breakpoints({ system, tools, messages, maxOutputTokens: 100 });
    expect(after.system).toEqual([undefined]);
    expect(after.messages).toEqual([
      { index: 0, ttl: "1h" },
      { index: 2 + 14 + 5, ttl: "5m" },
      { index: 2 + 35 + Math.ceil((after.blocks - 1 - (2 + 35 - 1)) / 2) - 1, ttl: "5m" },
      { index: after.blocks - 1, ttl: "5m" },
    ]);
    // The turn of a pruning: the previous end (read) and the new one; nothing half-way.
    result(4, 0).cache = true;
    const pruning = breakpoints({ system, tools, messages, maxOutputTokens: 100 });
    expect(pruning.system).toEqual([undefined]);
    expect(pruning.messages).toEqual([
      { index: 0, ttl: "1h" },
      { index: 2 + 14 + 5, ttl: "5m" },
      { index: 2 + 28 + 4, ttl: "5m" },
      { index: pruning.blocks - 1, ttl: "5m" },
    ]);
  });

  it("marks the first call's context and its newest block only, and never a thinking block", () => {
    expect(breakpoints({ system, tools, messages: conversation(0, 0), maxOutputTokens: 100 }).messages).toEqual([
      { index: 0, ttl: "1h" },
      { index: 1, ttl: "5m" },
    ]);
    const single: ModelMessage[] = [{ role: "user", content: [{ type: "text", text: context, cache: true }] }];
    expect(breakpoints({ system, tools, messages: single, maxOutputTokens: 100 }).messages).toEqual([{ index: 0, ttl: "1h" }]);
    const thinking = conversation(1, 12);
    const assistant = thinking[1]!;
    if (assistant.role === "assistant") assistant.content.unshift(...Array.from({ length: 14 }, () => ({ type: "reasoning" as const, text: "hmm", signature: "sig" })));
    const converted = convertToAnthropicRequest({ system, tools, messages: thinking, maxOutputTokens: 100 });
    const marked = converted.messages.flatMap((message) => message.content as Array<{ type: string; cache_control?: unknown }>).filter((block) => block.cache_control);
    expect(marked.every((block) => block.type !== "thinking")).toBe(true);
    expect(marked).toHaveLength(3);
  });
});

describe("Anthropic caching of a tool loop with 12 parallel calls a turn, on the strict fake", () => {
  let fake: FakeModels;
  beforeEach(async () => {
    fake = await startFakeModels();
    fake.script(() => ({ text: "ok" }));
  });
  afterEach(() => fake.close());

  it("reads every earlier call's prompt from the cache: each turn's 25 new blocks stay within the 20-block lookback", async () => {
    const model = new AnthropicLanguageModel("claude-sonnet-4-5", { apiKey: "k", baseUrl: fake.anthropicBaseUrl, maxRetries: 0 });
    const usages = [];
    for (let turns = 0; turns <= 5; turns++) usages.push((await model.generate({ system, tools, messages: conversation(turns, 12), maxOutputTokens: 100 })).usage);
    for (let index = 1; index < usages.length; index++) {
      // Everything the previous call sent (its prompt) is read; only the newest turn is written.
      expect(usages[index]!.cacheReadTokens).toBe(usages[index - 1]!.inputTokens);
    }
  });

  it("reads the pruned history up to its previous end when it prunes again, instead of writing it all", async () => {
    const model = new AnthropicLanguageModel("claude-sonnet-4-5", { apiKey: "k", baseUrl: fake.anthropicBaseUrl, maxRetries: 0 });
    const messages = conversation(0, 0);
    const sent = () => JSON.stringify(messages, (key, value: unknown) => (key === "cache" ? undefined : value));
    const calls: Array<{ pruned: boolean; usage: import("../../src/models/index.ts").Usage }> = [];
    for (let turn = 0; turn < 60; turn++) {
      const before = sent();
      pruneToolOutputs(messages, 60_000);
      const usage = (await model.generate({ system, tools, messages, maxOutputTokens: 100 })).usage;
      calls.push({ pruned: sent() !== before, usage });
      const ids = [0, 1, 2].map((call) => `t${turn}_${call}`);
      messages.push({ role: "assistant", content: ids.map((id) => ({ type: "tool-call" as const, id, name: "read_file", input: { path: `${id}.ts` } })) });
      messages.push({ role: "user", content: ids.map((id) => ({ type: "tool-result" as const, toolCallId: id, toolName: "read_file", output: `contents of ${id} `.repeat(100), isError: false })) });
    }
    const prunings = calls.flatMap((call, index) => (call.pruned ? [index] : []));
    expect(prunings.length).toBeGreaterThan(2);
    for (const [index, call] of calls.entries()) {
      if (index === 0) continue;
      if (!call.pruned) expect(call.usage.cacheReadTokens).toBe(calls[index - 1]!.usage.inputTokens);
    }
    // The first pruning reads only what precedes the history (tools, system, context); each later one
    // reads the pruned history too, up to where the pruning before it ended.
    const prefix = calls[0]!.usage.inputTokens;
    expect(calls[prunings[0]!]!.usage.cacheReadTokens).toBeLessThanOrEqual(prefix);
    for (const at of prunings.slice(1)) expect(calls[at]!.usage.cacheReadTokens).toBeGreaterThan(prefix + 500);
  });
});

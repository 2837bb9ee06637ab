import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { defineTool, runAgent } from "../../src/agent/index.ts";
import { costOf, MeteredModel, ModelRegistry, OpenAILanguageModel, OpenAIResponsesModel, THINKING_TOKENS, type CallRecord, type ModelRequest } from "../../src/models/index.ts";
import { startFakeModels, type FakeModels } from "../fakes/models/index.ts";

const price = { input: 1.25, output: 10, cacheRead: 0.125, cacheWrite: 1.25, cacheWriteLong: 1.25 };

const lookUp = defineTool({
  name: "look_up",
  description: "Looks a word up.",
  parameters: z.object({ word: z.string() }),
  async execute({ word }) {
    return `${word}: a greeting`;
  },
});

const ask: ModelRequest = {
  system: "You are a test.",
  messages: [{ role: "user", content: [{ type: "text", text: "Look up hello." }] }],
  tools: [{ name: "look_up", description: "Looks a word up.", parameters: { type: "object", properties: { word: { type: "string" } } } }],
  maxOutputTokens: 4_000,
};

describe("OpenAI through the Responses API, with the real SDK against the fake server", () => {
  let fake: FakeModels;
  beforeAll(async () => {
    fake = await startFakeModels({ apiKeys: { openai: "sk-test" } });
  });
  afterAll(async () => {
    await fake.close();
  });

  it("runs a tool loop across turns: function calls and their outputs, reasoning carried back encrypted, nothing stored, the effort and cache key sent, usage metered", async () => {
    const registry = new ModelRegistry({ openai: { protocol: "openai", apiKey: "sk-test", baseUrl: fake.openaiBaseUrl, api: "responses" } }, {
      orchestrator: "openai/gpt-5.5",
      "repair-planner": "openai/gpt-5.5",
      researcher: "openai/gpt-5.5",
      worker: "openai/gpt-5.5",
      scrutiny: "openai/gpt-5.5",
      reviewer: "openai/gpt-5.5",
      "user-testing": "openai/gpt-5.5",
    });
    const inner = registry.forRole("worker");
    expect(inner).toBeInstanceOf(OpenAIResponsesModel);
    const records: CallRecord[] = [];
    const model = new MeteredModel(inner, { price, reserve: async () => ({ granted: true, release() {} }), record: async (call) => void records.push(call), maxOutputTokens: 4_000, effort: "high" });
    const first = fake.calls.length;
    fake.script((request, index) => {
      if (index === 0) return { thinking: "I should look the word up.", text: "Looking it up.", toolCalls: [{ name: "look_up", arguments: { word: "hello" } }] };
      if (index === 1) return { thinking: "Now the other one.", toolCalls: [{ name: "look_up", arguments: { word: "world" } }, { name: "look_up", arguments: { word: "again" } }] };
      const last = request.messages.at(-1)!;
      return { thinking: "Done.", toolCalls: [{ name: "finish", arguments: { meaning: last.role === "user" ? last.toolResults.map((result) => result.content).join("; ") : "" } }] };
    });
    const result = await runAgent({
      model,
      system: "You are a test agent.",
      prompt: "Find what hello means.",
      tools: [lookUp],
      final: { name: "finish", description: "Report.", parameters: z.object({ meaning: z.string() }) },
      context: { root: "/nonexistent", readFiles: new Set() },
      cacheKey: "mission-7/worker",
    });
    expect(result.value.meaning).toBe("world: a greeting; again: a greeting");
    const calls = fake.calls.slice(first);
    expect(calls.map((call) => call.request.path)).toEqual(Array(3).fill("/openai/v1/responses"));
    for (const call of calls) {
      // Streamed, nothing stored, no chaining; the effort and the cache key on every call.
      expect(call.request.body).toMatchObject({ stream: true, store: false, include: ["reasoning.encrypted_content"], reasoning: { effort: "high" }, prompt_cache_key: "mission-7/worker", instructions: "You are a test agent." });
      expect(call.request.body.previous_response_id).toBeUndefined();
      expect(call.request.body.max_output_tokens).toBe(4_000 + THINKING_TOKENS.high);
      expect(call.request.tools.map((tool) => tool.name)).toEqual(["look_up", "finish"]);
    }
    // The third call carries the whole conversation back, in order: both reasoning items with their
    // encrypted content (the fake refuses one changed or missing), the text, the calls and outputs.
    const input = calls[2]!.request.body.input as Array<Record<string, unknown>>;
    expect(input.map((item) => item.type ?? item.role)).toEqual(["user", "reasoning", "assistant", "function_call", "function_call_output", "reasoning", "function_call", "function_call", "function_call_output", "function_call_output"]);
    const reasoning = input.filter((item) => item.type === "reasoning");
    expect(reasoning.map((item) => (item.summary as Array<{ text: string }>)[0]!.text)).toEqual(["I should look the word up.", "Now the other one."]);
    for (const item of reasoning) expect(item.encrypted_content).toMatch(/^fake-enc-/);
    expect(calls[2]!.request.messages.at(-1)).toMatchObject({ role: "user", toolResults: [{ content: "world: a greeting" }, { content: "again: a greeting" }] });
    expect(calls[1]!.request.messages.at(-1)).toMatchObject({ role: "user", toolResults: [{ toolCallId: (calls[0]!.reply as { toolCalls: Array<{ id: string }> }).toolCalls[0]!.id, content: "hello: a greeting" }] });
    // Usage as the server counted it, and priced, in the ledger.
    expect(records.map((record) => record.usage)).toEqual(calls.map((call) => ({ inputTokens: call.usage.inputTokens, outputTokens: call.usage.outputTokens, cacheReadTokens: call.usage.cacheReadTokens, cacheWriteTokens: 0 })));
    for (const record of records) expect(record.usd).toBe(costOf(record.usage, price));
  });

  it("maps cached tokens like Chat Completions, and a cut-off answer to max-tokens", async () => {
    const model = new OpenAIResponsesModel("gpt-5.5", { provider: "openai", apiKey: "sk-test", baseUrl: fake.openaiBaseUrl, maxRetries: 0 });
    fake.script(() => ({ text: "ok", usage: { inputTokens: 3_000, cacheReadTokens: 2_048, outputTokens: 7 } }));
    const answer = await model.generate(ask);
    expect(answer).toEqual({ content: [{ type: "text", text: "ok" }], stopReason: "end", usage: { inputTokens: 3_000, outputTokens: 7, cacheReadTokens: 2_048, cacheWriteTokens: 0 } });
    // No effort chosen: no reasoning parameter; the provider's default.
    expect(fake.calls.at(-1)!.request.body.reasoning).toBeUndefined();
    fake.script(() => ({ text: "partial", stopReason: "max_tokens" }));
    expect((await model.generate(ask)).stopReason).toBe("max-tokens");
    fake.script(() => ({ text: "I cannot.", stopReason: "refusal" }));
    expect((await model.generate(ask)).stopReason).toBe("refusal");
  });

  it("the fake refuses reasoning sent back changed, and a wrong key, as the real API would", async () => {
    const model = new OpenAIResponsesModel("gpt-5.5", { provider: "openai", apiKey: "sk-test", baseUrl: fake.openaiBaseUrl, maxRetries: 0 });
    fake.script(() => ({ thinking: "secret plan", toolCalls: [{ name: "look_up", arguments: { word: "x" } }] }));
    const first = await model.generate(ask);
    const reasoning = first.content.find((part) => part.type === "reasoning")!;
    const call = first.content.find((part) => part.type === "tool-call")!;
    const result = { role: "user" as const, content: [{ type: "tool-result" as const, toolCallId: (call as { id: string }).id, toolName: "look_up", output: "x", isError: false }] };
    const tampered = { ...reasoning, encrypted: `${(reasoning as { encrypted: string }).encrypted}x` };
    await expect(model.generate({ ...ask, messages: [...ask.messages, { role: "assistant", content: [tampered, call] }, result] })).rejects.toThrow(/HTTP 400/);
    expect(fake.calls.at(-1)!.reply).toMatchObject({ error: { status: 400, message: expect.stringMatching(/encrypted content for item rs_\w+ could not be verified/) } });
    fake.script(() => ({ text: "fine" }));
    await expect(model.generate({ ...ask, messages: [...ask.messages, { role: "assistant", content: first.content }, result] })).resolves.toMatchObject({ stopReason: "end" });
    const wrongKey = new OpenAIResponsesModel("gpt-5.5", { provider: "openai", apiKey: "sk-wrong", baseUrl: fake.openaiBaseUrl, maxRetries: 0 });
    await expect(wrongKey.generate(ask)).rejects.toThrow(/401|Incorrect API key/);
  });

  it("asks for encrypted reasoning only when reasoning is in play: a model that does not reason is not refused", async () => {
    const gpt4o = new OpenAIResponsesModel("gpt-4o", { provider: "openai", apiKey: "sk-test", baseUrl: fake.openaiBaseUrl, maxRetries: 0 });
    fake.script(() => ({ text: "ok" }));
    await expect(gpt4o.generate(ask)).resolves.toMatchObject({ stopReason: "end" });
    expect(fake.calls.at(-1)!.request.body.include).toBeUndefined();
    // A reasoning family asks for it without an effort; any model with an effort asks for it.
    const o4 = new OpenAIResponsesModel("o4-mini", { provider: "openai", apiKey: "sk-test", baseUrl: fake.openaiBaseUrl, maxRetries: 0 });
    await o4.generate(ask);
    expect(fake.calls.at(-1)!.request.body.include).toEqual(["reasoning.encrypted_content"]);
    // An effort given to a model known not to reason: one call, asking neither (see effort.test.ts).
    const gpt41 = new OpenAIResponsesModel("gpt-4.1", { provider: "openai", apiKey: "sk-test", baseUrl: fake.openaiBaseUrl, maxRetries: 0 });
    const before = fake.calls.length;
    await expect(gpt41.generate({ ...ask, effort: "low" })).resolves.toMatchObject({ stopReason: "end" });
    expect(fake.calls.length - before).toBe(1);
    expect(fake.calls.at(-1)!.request.body).not.toHaveProperty("include");
    expect(fake.calls.at(-1)!.request.body).not.toHaveProperty("reasoning");
  });

  it("Chat Completions stays for OpenAI-compatible servers (api: chat) and ignores OpenAI reasoning items", async () => {
    const registry = new ModelRegistry({ local: { protocol: "openai", apiKey: "sk-test", baseUrl: fake.openaiBaseUrl, api: "chat" } }, {
      orchestrator: "local/m",
      "repair-planner": "local/m",
      researcher: "local/m",
      worker: "local/m",
      scrutiny: "local/m",
      reviewer: "local/m",
      "user-testing": "local/m",
    });
    const model = registry.forRole("worker");
    expect(model).toBeInstanceOf(OpenAILanguageModel);
    fake.script(() => ({ text: "ok" }));
    await model.generate({ ...ask, messages: [...ask.messages, { role: "assistant", content: [{ type: "reasoning", id: "rs_1", encrypted: "e", summary: "" }, { type: "text", text: "hm" }] }, { role: "user", content: [{ type: "text", text: "go on" }] }] });
    expect(fake.calls.at(-1)!.request.path).toBe("/openai/v1/chat/completions");
    expect(fake.calls.at(-1)!.request.body.messages[2]).toEqual({ role: "assistant", content: "hm" });
  });
});

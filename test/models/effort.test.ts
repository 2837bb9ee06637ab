import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readOperatorConfig } from "../../src/config/index.ts";
import { parseRepositoryConfig } from "../../src/config/repository-config.ts";
import { AnthropicLanguageModel, MeteredModel, modelLimits, OpenAILanguageModel, OpenAIResponsesModel, THINKING_TOKENS, type ModelRequest } from "../../src/models/index.ts";
import { startFakeModels, type FakeModels } from "../fakes/models/index.ts";

const ask: ModelRequest = {
  system: "You are a test.",
  messages: [{ role: "user", content: [{ type: "text", text: "Read a file." }] }],
  tools: [{ name: "read_file", description: "Read", parameters: { type: "object", properties: { path: { type: "string" } } } }],
  maxOutputTokens: 8_000,
};

describe("reasoning effort, through the real SDKs against the fake servers", () => {
  let fake: FakeModels;
  beforeAll(async () => {
    fake = await startFakeModels();
  });
  afterAll(async () => {
    await fake.close();
  });

  it("anthropic: extended thinking with the effort's budget, and the signed thinking carried back within the tool loop", async () => {
    const inner = new AnthropicLanguageModel("claude-test", { apiKey: "k", baseUrl: fake.anthropicBaseUrl, maxRetries: 0 });
    const price = { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75, cacheWriteLong: 6 };
    const model = new MeteredModel(inner, { price, reserve: async () => ({ granted: true, release() {} }), record: async () => {}, maxOutputTokens: 8_000, effort: "high" });
    fake.script((request, index) => (index === 0 ? { thinking: "The file is a.", toolCalls: [{ name: "read_file", arguments: { path: "a" } }] } : { thinking: "Done.", text: "It says hello." }));
    const first = await model.generate(ask);
    const sent = fake.calls.at(-1)!.request.body;
    // The role's 8,000 tokens of answer, plus the thinking budget on top.
    expect(sent.thinking).toEqual({ type: "enabled", budget_tokens: THINKING_TOKENS.high });
    expect(sent.max_tokens).toBe(8_000 + THINKING_TOKENS.high);
    expect(first.content[0]).toEqual({ type: "reasoning", text: "The file is a.", signature: expect.stringMatching(/^fake-sig-/) });
    const call = first.content.find((part) => part.type === "tool-call")!;
    // The fake refuses a tool loop whose last assistant turn lost its thinking, or whose signature changed.
    const second = await model.generate({
      ...ask,
      messages: [...ask.messages, { role: "assistant", content: first.content }, { role: "user", content: [{ type: "tool-result", toolCallId: (call as { id: string }).id, toolName: "read_file", output: "hello", isError: false }] }],
    });
    expect(second.content.at(-1)).toEqual({ type: "text", text: "It says hello." });
    expect(fake.calls.at(-1)!.request.body.messages[1].content[0]).toEqual({ type: "thinking", thinking: "The file is a.", signature: expect.any(String) });
    const dropped = model.generate({
      ...ask,
      messages: [...ask.messages, { role: "assistant", content: first.content.filter((part) => part.type !== "reasoning") }, { role: "user", content: [{ type: "tool-result", toolCallId: (call as { id: string }).id, toolName: "read_file", output: "hello", isError: false }] }],
    });
    await expect(dropped).rejects.toThrow(/HTTP 400/);
  });

  it("anthropic: no thinking without an effort, and a budget kept below a small output limit", async () => {
    const model = new AnthropicLanguageModel("claude-test", { apiKey: "k", baseUrl: fake.anthropicBaseUrl, maxRetries: 0 });
    fake.script(() => ({ text: "ok" }));
    await model.generate(ask);
    expect(fake.calls.at(-1)!.request.body.thinking).toBeUndefined();
    await model.generate({ ...ask, effort: "high", maxOutputTokens: 4_000 });
    expect(fake.calls.at(-1)!.request.body.thinking).toEqual({ type: "enabled", budget_tokens: 2_976 });
    await model.generate({ ...ask, effort: "low", maxOutputTokens: 1_500 });
    expect(fake.calls.at(-1)!.request.body.thinking).toBeUndefined();
  });

  it("anthropic: the effort's budget stays within the model's own output limit (Opus 4.1 takes 32,000)", async () => {
    const inner = new AnthropicLanguageModel("claude-opus-4-1", { apiKey: "k", baseUrl: fake.anthropicBaseUrl, maxRetries: 0 });
    const price = { input: 15, output: 75, cacheRead: 1.5, cacheWrite: 18.75, cacheWriteLong: 30 };
    // The orchestrator's 16,000 tokens of answer and a high effort: 40,576 asked, beyond the model's limit.
    const model = new MeteredModel(inner, { price, reserve: async () => ({ granted: true, release() {} }), record: async () => {}, maxOutputTokens: 16_000, effort: "high", limits: modelLimits(inner.id), maxRetries: 0 });
    fake.script(() => ({ thinking: "Plan.", text: "ok" }));
    await expect(model.generate({ ...ask, maxOutputTokens: 16_000 })).resolves.toMatchObject({ stopReason: "end" });
    const sent = fake.calls.at(-1)!.request.body;
    expect(sent.max_tokens).toBe(32_000);
    expect(sent.thinking).toEqual({ type: "enabled", budget_tokens: THINKING_TOKENS.high });
  });

  it("anthropic: a model without extended thinking (claude-3-5-haiku) is sent no effort, and no more output than its 8,192 tokens", async () => {
    const inner = new AnthropicLanguageModel("claude-3-5-haiku-20241022", { apiKey: "k", baseUrl: fake.anthropicBaseUrl, maxRetries: 0 });
    const price = { input: 0.8, output: 4, cacheRead: 0.08, cacheWrite: 1, cacheWriteLong: 1.6 };
    const model = new MeteredModel(inner, { price, reserve: async () => ({ granted: true, release() {} }), record: async () => {}, maxOutputTokens: 16_000, effort: "low", limits: modelLimits(inner.id), maxRetries: 0 });
    fake.script(() => ({ text: "ok" }));
    await expect(model.generate({ ...ask, maxOutputTokens: 16_000 })).resolves.toMatchObject({ stopReason: "end" });
    const sent = fake.calls.at(-1)!.request.body;
    expect(sent.max_tokens).toBe(8_192);
    expect(sent.thinking).toBeUndefined();
  });

  it("openai: an effort is not sent to a model that does not reason (gpt-4o, gpt-4.1), through either API", async () => {
    fake.script(() => ({ text: "ok" }));
    const chat = new OpenAILanguageModel("gpt-4o", { provider: "openai", apiKey: "k", baseUrl: fake.openaiBaseUrl, maxRetries: 0 });
    await expect(chat.generate({ ...ask, effort: "high" })).resolves.toMatchObject({ stopReason: "end" });
    expect(fake.calls.at(-1)!.request.body.reasoning_effort).toBeUndefined();
    const responses = new OpenAIResponsesModel("gpt-4.1", { provider: "openai", apiKey: "k", baseUrl: fake.openaiBaseUrl, maxRetries: 0 });
    const before = fake.calls.length;
    await expect(responses.generate({ ...ask, effort: "high" })).resolves.toMatchObject({ stopReason: "end" });
    // One call, asking neither reasoning nor its encrypted content.
    expect(fake.calls.length - before).toBe(1);
    expect(fake.calls.at(-1)!.request.body.reasoning).toBeUndefined();
    expect(fake.calls.at(-1)!.request.body.include).toBeUndefined();
    // A reasoning model still gets it.
    const o4 = new OpenAIResponsesModel("o4-mini", { provider: "openai", apiKey: "k", baseUrl: fake.openaiBaseUrl, maxRetries: 0 });
    await o4.generate({ ...ask, effort: "high" });
    expect(fake.calls.at(-1)!.request.body.reasoning).toEqual({ effort: "high" });
  });

  it("openai: reasoning_effort as chosen, absent otherwise", async () => {
    const model = new OpenAILanguageModel("gpt-test", { provider: "openai", apiKey: "k", baseUrl: fake.openaiBaseUrl, maxRetries: 0 });
    fake.script(() => ({ text: "ok" }));
    await model.generate({ ...ask, effort: "medium" });
    expect(fake.calls.at(-1)!.request.body.reasoning_effort).toBe("medium");
    await model.generate(ask);
    expect(fake.calls.at(-1)!.request.body.reasoning_effort).toBeUndefined();
  });
});

describe("reasoning effort in the configuration", () => {
  const base = { WEBHOOK_SECRET: "s", ANTHROPIC_API_KEY: "k" };

  it("is the operator's per role (MISSIONS_EFFORT_<ROLE>), else for all (MISSIONS_EFFORT), else the provider's default", () => {
    expect(readOperatorConfig({ ...base }).effort).toEqual({});
    expect(readOperatorConfig({ ...base, MISSIONS_EFFORT: "low", MISSIONS_EFFORT_WORKER: "High", MISSIONS_EFFORT_USER_TESTING: "medium" }).effort).toEqual({
      orchestrator: "low",
      // The repair planner follows the orchestrator's effort unless set apart.
      "repair-planner": "low",
      worker: "high",
      researcher: "low",
      scrutiny: "low",
      reviewer: "low",
      "user-testing": "medium",
    });
    expect(() => readOperatorConfig({ ...base, MISSIONS_EFFORT_REVIEWER: "max" })).toThrow('MISSIONS_EFFORT_REVIEWER: expected low, medium or high, got "max"');
  });

  it("is refused at start for a model that does not think, naming the variables to change", () => {
    const problems = (env: Record<string, string>) => readOperatorConfig({ ...base, ...env }).modelProblems;
    expect(problems({ MISSIONS_MODEL: "anthropic/claude-3-5-haiku", MISSIONS_EFFORT: "low" })).toEqual([
      {
        variables: ["MISSIONS_EFFORT", "MISSIONS_MODEL"],
        message: expect.stringMatching(/^MISSIONS_EFFORT=low sets how hard the orchestrator's model thinks, but anthropic\/claude-3-5-haiku does not think .*unset MISSIONS_EFFORT, or choose a model that does with MISSIONS_MODEL\.$/),
      },
    ]);
    expect(problems({ OPENAI_API_KEY: "o", MISSIONS_MODEL_WORKER: "openai/gpt-4.1", MISSIONS_EFFORT_WORKER: "high" })).toEqual([
      { variables: ["MISSIONS_EFFORT_WORKER", "MISSIONS_MODEL_WORKER"], message: expect.stringContaining("openai/gpt-4.1 does not think") },
    ]);
    // Models that think, and an effort set only for roles whose model thinks, are fine.
    expect(problems({ MISSIONS_MODEL: "anthropic/claude-opus-4-1", MISSIONS_EFFORT: "high" })).toEqual([]);
    expect(problems({ OPENAI_API_KEY: "o", MISSIONS_MODEL_WORKER: "openai/gpt-4.1", MISSIONS_EFFORT_ORCHESTRATOR: "high" })).toEqual([]);
    // An effort for all roles skips a role whose model does not think (a cheap researcher), when another's does.
    expect(problems({ MISSIONS_MODEL: "anthropic/claude-opus-4-1", MISSIONS_MODEL_RESEARCHER: "anthropic/claude-3-5-haiku", MISSIONS_EFFORT: "high" })).toEqual([]);
    // The repair planner inherits the orchestrator's effort: skipped there when the orchestrator's model thinks.
    expect(problems({ MISSIONS_MODEL: "anthropic/claude-opus-4-1", MISSIONS_MODEL_REPAIR_PLANNER: "anthropic/claude-3-5-haiku", MISSIONS_EFFORT_ORCHESTRATOR: "high" })).toEqual([]);
    // Its own effort for such a model is refused.
    expect(problems({ MISSIONS_MODEL: "anthropic/claude-opus-4-1", MISSIONS_MODEL_REPAIR_PLANNER: "anthropic/claude-3-5-haiku", MISSIONS_EFFORT_REPAIR_PLANNER: "high" })).toEqual([
      { variables: ["MISSIONS_EFFORT_REPAIR_PLANNER", "MISSIONS_MODEL_REPAIR_PLANNER"], message: expect.stringContaining("does not think") },
    ]);
  });

  it("can be chosen per role by a repository, and a wrong one is named", () => {
    const limits = { providers: ["anthropic"], maxBudgetUsd: 100 } as never;
    const chosen = parseRepositoryConfig("effort:\n  worker: high\n  reviewer: low\n", limits);
    expect(chosen).toMatchObject({ ok: true, settings: { effort: { worker: "high", reviewer: "low" } } });
    const wrong = parseRepositoryConfig("effort:\n  worker: extreme\n", limits);
    expect(JSON.stringify(wrong)).toContain("effort.worker");
  });
});

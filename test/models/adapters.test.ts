import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AnthropicLanguageModel, ModelError, ModelRegistry, OpenAILanguageModel, toModelError, type ModelRequest } from "../../src/models/index.ts";
import { startFakeModels, type FakeModels } from "../fakes/models/index.ts";

const request: ModelRequest = {
  system: "You are a test.",
  messages: [
    { role: "user", content: [{ type: "text", text: "Read a file.", cache: true }] },
    { role: "assistant", content: [{ type: "text", text: "Reading." }, { type: "tool-call", id: "t1", name: "read_file", input: { path: "a" } }] },
    { role: "user", content: [{ type: "tool-result", toolCallId: "t1", toolName: "read_file", output: "1\thello", isError: false }] },
  ],
  tools: [{ name: "read_file", description: "Read", parameters: { type: "object", properties: { path: { type: "string" } } } }],
  maxOutputTokens: 1000,
  cacheKey: "m1:worker",
};

describe("model adapters against the fake servers, through the real SDKs", () => {
  let fake: FakeModels;
  beforeAll(async () => {
    fake = await startFakeModels();
  });
  afterAll(async () => {
    await fake.close();
  });

  for (const protocol of ["anthropic", "openai"] as const) {
    const model = () =>
      protocol === "anthropic"
        ? new AnthropicLanguageModel("claude-test", { apiKey: "k", baseUrl: fake.anthropicBaseUrl, maxRetries: 0 })
        : new OpenAILanguageModel("gpt-test", { provider: "openai", apiKey: "k", baseUrl: fake.openaiBaseUrl, maxRetries: 0 });

    it(`${protocol}: sends history and tools, and reads tool calls, stop reason and usage`, async () => {
      fake.script(() => ({ text: "Next.", toolCalls: [{ name: "read_file", arguments: { path: "b" } }] }));
      const response = await model().generate(request);
      expect(response.stopReason).toBe("tool-use");
      expect(response.content).toEqual([
        { type: "text", text: "Next." },
        { type: "tool-call", id: expect.any(String), name: "read_file", input: { path: "b" } },
      ]);
      expect(response.usage.inputTokens).toBeGreaterThan(0);
      expect(response.usage.outputTokens).toBeGreaterThan(0);
      const seen = fake.calls.at(-1)!.request;
      expect(seen.system).toBe("You are a test.");
      expect(seen.tools.map((tool) => tool.name)).toEqual(["read_file"]);
      expect(seen.messages.at(-1)).toMatchObject({ role: "user", toolResults: [{ toolCallId: "t1", content: "1\thello", isError: false }] });
      if (protocol === "openai") expect(fake.calls.at(-1)!.request.body.prompt_cache_key).toBe("m1:worker");
      if (protocol === "anthropic") {
        const body = fake.calls.at(-1)!.request.body;
        expect(body.system[0].cache_control).toEqual({ type: "ephemeral", ttl: "1h" });
        // The system block's breakpoint covers the tools before it: none is spent on the tools alone.
        expect(body.tools.at(-1).cache_control).toBeUndefined();
        expect(body.messages.at(-1).content.at(-1).cache_control).toEqual({ type: "ephemeral" });
      }
    });

    it(`${protocol}: maps max tokens and refusals`, async () => {
      fake.script(() => ({ text: "cut", stopReason: "max_tokens" }));
      expect((await model().generate(request)).stopReason).toBe("max-tokens");
      fake.script(() => ({ text: "no", stopReason: "refusal" }));
      expect((await model().generate(request)).stopReason).toBe("refusal");
    });

    it(`${protocol}: keeps invalid tool arguments as text for the loop to report`, async () => {
      fake.script(() => ({ toolCalls: [{ name: "read_file", arguments: '{"path": ' }] }));
      const response = await model().generate(request);
      const call = response.content.find((part) => part.type === "tool-call");
      expect(call).toBeDefined();
      if (protocol === "openai") expect((call as { input: unknown }).input).toBe('{"path": ');
    });

    it(`${protocol}: says whether an error is worth retrying`, async () => {
      fake.script(() => ({ error: { status: 429, headers: { "retry-after": "0" } } }));
      const limited = await model().generate(request).catch((error) => error);
      expect(limited).toBeInstanceOf(ModelError);
      expect(limited).toMatchObject({ isRetryable: true, status: 429 });
      fake.script(() => ({ error: { status: 400, message: "bad request" } }));
      expect(await model().generate(request).catch((error) => error)).toMatchObject({ isRetryable: false, status: 400 });
    });
  }

  it("openai: reports cached prompt tokens as cache reads, inside the input total", async () => {
    const model = new OpenAILanguageModel("gpt-test", { provider: "openai", apiKey: "k", baseUrl: fake.openaiBaseUrl, maxRetries: 0 });
    const long: ModelRequest = { ...request, system: "Stable instructions. ".repeat(400), cacheKey: "m9:worker" };
    fake.script(() => ({ text: "done" }));
    await model.generate(long);
    const second = await model.generate(long);
    const reported = fake.calls.at(-1)!.usage;
    expect(reported.cacheReadTokens).toBeGreaterThan(1000);
    expect(second.usage).toEqual({ inputTokens: reported.inputTokens, outputTokens: reported.outputTokens, cacheReadTokens: reported.cacheReadTokens, cacheWriteTokens: 0 });
  });

  it("anthropic: reports the input total as uncached + read + written, with the one-hour part of the writes", async () => {
    const model = new AnthropicLanguageModel("claude-test", { apiKey: "k", baseUrl: fake.anthropicBaseUrl, maxRetries: 0 });
    const long: ModelRequest = { ...request, system: "Stable instructions. ".repeat(400) };
    fake.script(() => ({ text: "done" }));
    const first = await model.generate(long);
    const reported = fake.calls.at(-1)!.usage;
    expect(first.usage).toMatchObject({ inputTokens: reported.inputTokens, cacheWriteTokens: reported.cacheWriteTokens, cacheReadTokens: 0 });
    expect(first.usage.cacheWriteLongTokens).toBeGreaterThan(1000);
    const second = await model.generate(long);
    expect(second.usage.cacheReadTokens).toBeGreaterThanOrEqual(first.usage.cacheWriteLongTokens!);
  });

  it("classifies network failures as retryable and keeps ModelErrors as they are", () => {
    expect(toModelError(Object.assign(new Error("socket hang up"), { name: "APIConnectionError" }), "x/y").isRetryable).toBe(true);
    const original = new ModelError("m", { isRetryable: false });
    expect(toModelError(original, "x/y")).toBe(original);
  });

  it("resolves provider/model names among the operator's providers only", () => {
    const registry = new ModelRegistry(
      { anthropic: { protocol: "anthropic", apiKey: "k" }, ollama: { protocol: "openai", apiKey: "none", baseUrl: "http://127.0.0.1:11434/v1" } },
      { orchestrator: "anthropic/a", "repair-planner": "anthropic/a", worker: "ollama/qwen3-coder", researcher: "anthropic/a", scrutiny: "anthropic/a", reviewer: "anthropic/a", "user-testing": "anthropic/a" },
    );
    expect(registry.forRole("worker").id).toBe("ollama/qwen3-coder");
    expect(registry.forRole("worker", { worker: "anthropic/b" }).id).toBe("anthropic/b");
    expect(registry.get("anthropic/a")).toBe(registry.get("anthropic/a"));
    expect(() => registry.get("evil/model")).toThrow(/provider "evil", which the operator has not configured \(configured: anthropic, ollama\)/);
  });
});

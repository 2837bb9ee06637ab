import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { estimateTokens, startFakeModels, textReply, type FakeModels } from "./index.ts";

// Usage as each provider reports it, by its own caching rules, with the fake's injected clock.

const claude = "claude-sonnet-5-5";
const gpt = "gpt-5.5";
const minute = 60_000;

let fake: FakeModels;
let clock: number;

beforeEach(async () => {
  clock = Date.UTC(2026, 0, 1);
  fake = await startFakeModels({ now: () => clock });
  fake.script(() => textReply("ok"));
});
afterEach(() => fake.close());

function anthropicClient() {
  return new Anthropic({ apiKey: "sk-ant-test-key", baseURL: fake.anthropicBaseUrl, maxRetries: 0 });
}

function openaiClient() {
  return new OpenAI({ apiKey: "sk-openai-test-key", baseURL: fake.openaiBaseUrl, maxRetries: 0 });
}

describe("Anthropic prompt caching", () => {
  const longSystem = { type: "text" as const, text: "You are a careful engineer who reads before writing. ".repeat(100) };
  const systemTokens = estimateTokens(longSystem);
  const question = (text: string) => ({ type: "text" as const, text });
  const ask = (text: string, options: { model?: string; ttl?: "5m" | "1h" } = {}) =>
    anthropicClient().messages.create({
      model: options.model ?? claude,
      max_tokens: 100,
      system: [{ ...longSystem, cache_control: { type: "ephemeral", ...(options.ttl ? { ttl: options.ttl } : {}) } }],
      messages: [{ role: "user", content: text }],
    });


  it("writes the prefix up to the breakpoint, then reads it on the next request", async () => {
    expect(systemTokens).toBeGreaterThan(1024);
    const first = await ask("First question");
    expect(first.usage).toMatchObject({
      cache_creation_input_tokens: systemTokens,
      cache_read_input_tokens: 0,
      input_tokens: estimateTokens(question("First question")),
      cache_creation: { ephemeral_5m_input_tokens: systemTokens, ephemeral_1h_input_tokens: 0 },
    });
    const second = await ask("Second question");
    expect(second.usage).toMatchObject({
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: systemTokens,
      input_tokens: estimateTokens(question("Second question")),
    });
    expect(fake.calls[1]?.usage).toEqual({
      inputTokens: systemTokens + estimateTokens(question("Second question")),
      outputTokens: 1,
      cacheReadTokens: systemTokens,
      cacheWriteTokens: 0,
      cacheWriteLongTokens: 0,
    });
  });

  it("reads the earlier prefix and writes the new turns when the breakpoint moves along the conversation", async () => {
    await ask("First question");
    const turns = [
      { role: "user" as const, content: "First question" },
      { role: "assistant" as const, content: "ok" },
      { role: "user" as const, content: [{ ...question("Next"), cache_control: { type: "ephemeral" as const } }] },
    ];
    const stream = anthropicClient().messages.stream({
      model: claude,
      max_tokens: 100,
      system: [{ ...longSystem, cache_control: { type: "ephemeral" } }],
      messages: turns,
    });
    const { usage } = await stream.finalMessage();
    const turnTokens = estimateTokens(question("First question")) + estimateTokens(question("ok")) + estimateTokens(question("Next"));
    expect(usage).toMatchObject({ cache_read_input_tokens: systemTokens, cache_creation_input_tokens: turnTokens, input_tokens: 0 });
  });

  it("misses once the 5-minute lifetime has passed, and a hit refreshes it", async () => {
    await ask("one");
    clock += 4 * minute;
    expect((await ask("two")).usage.cache_read_input_tokens).toBe(systemTokens);
    clock += 4 * minute; // 8 minutes after the write, 4 after the refreshing read
    expect((await ask("three")).usage.cache_read_input_tokens).toBe(systemTokens);
    clock += 6 * minute;
    const expired = await ask("four");
    expect(expired.usage).toMatchObject({ cache_read_input_tokens: 0, cache_creation_input_tokens: systemTokens });
  });

  it("keeps a 1-hour breakpoint for an hour", async () => {
    const first = await ask("one", { ttl: "1h" });
    expect(first.usage.cache_creation).toEqual({ ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: systemTokens });
    clock += 50 * minute;
    expect((await ask("two", { ttl: "1h" })).usage.cache_read_input_tokens).toBe(systemTokens);
  });

  it("caches nothing below the model's minimum length", async () => {
    const short = await anthropicClient().messages.create({
      model: claude,
      max_tokens: 100,
      system: [{ type: "text", text: "Short system prompt.", cache_control: { type: "ephemeral" } }],
      messages: [{ role: "user", content: "Hi" }],
    });
    expect(short.usage).toMatchObject({ cache_creation_input_tokens: 0, cache_read_input_tokens: 0 });
    expect(systemTokens).toBeLessThan(2048);
    const haiku = await ask("Hi", { model: "claude-haiku-5-5" });
    expect(haiku.usage).toMatchObject({ cache_creation_input_tokens: 0, input_tokens: systemTokens + estimateTokens(question("Hi")) });
  });

  it("treats top-level cache_control as a breakpoint on the last block", async () => {
    const request = (text: string) =>
      anthropicClient().messages.create({ model: claude, max_tokens: 100, cache_control: { type: "ephemeral" }, messages: [{ role: "user", content: text }] });
    const long = longSystem.text;
    expect((await request(long)).usage.cache_creation_input_tokens).toBe(estimateTokens(question(long)));
    expect((await request(long)).usage.cache_read_input_tokens).toBe(estimateTokens(question(long)));
  });

  it("invalidates cached messages, but not tools and system, when tool_choice changes", async () => {
    const tools = [{ name: "ls", input_schema: { type: "object" as const } }];
    const longTurn = { type: "text" as const, text: "Please review this long diff. ".repeat(200) };
    const request = (toolChoice?: { type: "any" }) =>
      anthropicClient().messages.create({
        model: claude,
        max_tokens: 100,
        tools,
        ...(toolChoice ? { tool_choice: toolChoice } : {}),
        system: [{ ...longSystem, cache_control: { type: "ephemeral" } }],
        messages: [{ role: "user", content: [{ ...longTurn, cache_control: { type: "ephemeral" } }] }],
      });
    const prefixTokens = estimateTokens(tools[0]) + systemTokens;
    expect((await request()).usage.cache_creation_input_tokens).toBe(prefixTokens + estimateTokens(longTurn));
    expect((await request({ type: "any" })).usage).toMatchObject({
      cache_read_input_tokens: prefixTokens,
      cache_creation_input_tokens: estimateTokens(longTurn),
    });
  });

  describe("as strict as the API", () => {
    const small = (count: number, from = 0) => Array.from({ length: count }, (_, index) => question(`note ${from + index}`));
    const withBreakpoints = (blocks: Array<{ type: "text"; text: string }>, at: number[]) =>
      blocks.map((block, index) => (at.includes(index) ? { ...block, cache_control: { type: "ephemeral" as const } } : block));
    const send = (blocks: ReturnType<typeof withBreakpoints>, model = claude) =>
      anthropicClient().messages.create({ model, max_tokens: 100, messages: [{ role: "user", content: blocks }] });

    it("looks back at most 20 blocks from each breakpoint for a stored prefix", async () => {
      const first = [longSystem, ...small(4)];
      await send(withBreakpoints(first, [4]));
      const stored = estimateTokens(longSystem) + small(4).reduce((sum, block) => sum + estimateTokens(block), 0);
      // 25 more blocks, one breakpoint on the last: the stored prefix is 25 blocks back — missed.
      const longer = [...first, ...small(25, 4)];
      expect((await send(withBreakpoints(longer, [29]))).usage.cache_read_input_tokens).toBe(0);
      // Another request, with a breakpoint 19 blocks after the stored one as well: found again.
      const further = [...first, ...small(26, 4)];
      expect((await send(withBreakpoints(further, [23, 30]))).usage.cache_read_input_tokens).toBeGreaterThanOrEqual(stored);
    });

    it("lets a parallel request read nothing of a write whose response has not been sent", async () => {
      fake.script(() => ({ text: "ok", delayMs: 200 }));
      const [one, two] = await Promise.all([ask("one"), ask("two")]);
      expect(one.usage.cache_creation_input_tokens).toBe(systemTokens);
      expect(two.usage).toMatchObject({ cache_read_input_tokens: 0, cache_creation_input_tokens: systemTokens });
      expect((await ask("three")).usage.cache_read_input_tokens).toBe(systemTokens);
    });

    it("applies each model's minimum cacheable length", async () => {
      const blocks = withBreakpoints([{ type: "text", text: "x".repeat(4 * 3000) }], [0]);
      const tokens = estimateTokens({ type: "text", text: "x".repeat(4 * 3000) });
      expect(tokens).toBeGreaterThan(2048);
      expect(tokens).toBeLessThan(4096);
      expect((await send(blocks, "claude-sonnet-4-5")).usage.cache_creation_input_tokens).toBe(tokens);
      expect((await send(blocks, "claude-sonnet-4-6")).usage.cache_creation_input_tokens).toBe(tokens);
      expect((await send(blocks, "claude-haiku-4-5")).usage.cache_creation_input_tokens).toBe(0);
      expect((await send(blocks, "claude-opus-4-5")).usage.cache_creation_input_tokens).toBe(0);
      expect((await send(blocks, "claude-3-5-haiku-20241022")).usage.cache_creation_input_tokens).toBe(tokens);
    });

    it("takes the minimum a test sets", async () => {
      const strict = await startFakeModels({ now: () => clock, cacheMinimumTokens: () => 4096 });
      try {
        strict.script(() => textReply("ok"));
        const client = new Anthropic({ apiKey: "k", baseURL: strict.anthropicBaseUrl, maxRetries: 0 });
        const reply = await client.messages.create({ model: claude, max_tokens: 10, system: [{ ...longSystem, cache_control: { type: "ephemeral" } }], messages: [{ role: "user", content: "Hi" }] });
        expect(reply.usage).toMatchObject({ cache_creation_input_tokens: 0, cache_read_input_tokens: 0 });
      } finally {
        await strict.close();
      }
    });
  });

  it("keeps caches apart per model", async () => {
    await ask("one");
    const other = await ask("two", { model: "claude-sonnet-4-5" });
    expect(other.usage).toMatchObject({ cache_read_input_tokens: 0, cache_creation_input_tokens: systemTokens });
  });
});

describe("OpenAI prompt caching", () => {
  const longSystem = { role: "system" as const, content: "You are a careful engineer who reads before writing. ".repeat(100) };
  const systemTokens = estimateTokens(longSystem);
  const ask = (text: string, extra: { prompt_cache_key?: string } = {}) =>
    openaiClient().chat.completions.create({ model: gpt, messages: [longSystem, { role: "user", content: text }], ...extra });


  it("reports the repeated long prefix as cached_tokens, in 128-token steps past 1024", async () => {
    const first = await ask("First question");
    const promptTokens = systemTokens + estimateTokens({ role: "user", content: "First question" });
    expect(first.usage).toMatchObject({ prompt_tokens: promptTokens, prompt_tokens_details: { cached_tokens: 0 } });

    const second = await ask("Second question");
    const cached = 1024 + Math.floor((systemTokens - 1024) / 128) * 128;
    expect(second.usage?.prompt_tokens_details?.cached_tokens).toBe(cached);
    expect(second.usage?.prompt_tokens).toBe(systemTokens + estimateTokens({ role: "user", content: "Second question" }));
    expect(fake.calls[1]?.usage).toMatchObject({ cacheReadTokens: cached, inputTokens: second.usage!.prompt_tokens });
  });

  it("forgets a prefix left unused for 5 minutes, and a parallel request reads nothing of one not yet answered", async () => {
    await ask("one");
    clock += 4 * minute;
    expect((await ask("two")).usage?.prompt_tokens_details?.cached_tokens).toBeGreaterThan(0);
    clock += 6 * minute;
    expect((await ask("three")).usage?.prompt_tokens_details?.cached_tokens).toBe(0);
    fake.script(() => ({ text: "ok", delayMs: 200 }));
    clock += 6 * minute;
    const both = await Promise.all([ask("four"), ask("five")]);
    expect(both.map((reply) => reply.usage?.prompt_tokens_details?.cached_tokens)).toEqual([0, 0]);
  });

  it("keeps prompt_cache_key scopes apart and ignores short prompts", async () => {
    await ask("one", { prompt_cache_key: "mission-1" });
    expect((await ask("two", { prompt_cache_key: "mission-2" })).usage?.prompt_tokens_details?.cached_tokens).toBe(0);
    expect((await ask("three", { prompt_cache_key: "mission-1" })).usage?.prompt_tokens_details?.cached_tokens).toBeGreaterThan(0);

    const client = openaiClient();
    await client.chat.completions.create({ model: gpt, messages: [{ role: "user", content: "short" }] });
    const again = await client.chat.completions.create({ model: gpt, messages: [{ role: "user", content: "short" }] });
    expect(again.usage?.prompt_tokens_details?.cached_tokens).toBe(0);
  });
});

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AnthropicLanguageModel, warmFirst, type LanguageModel, type ModelRequest } from "../../src/models/index.ts";
import { startFakeModels, type FakeModels } from "../fakes/models/index.ts";

const system = "You review code carefully and report findings. ".repeat(120);
const context = "The mission's context, the same for every reviewer. ".repeat(100);
const tools = [{ name: "read_file", description: "Reads a file.", parameters: { type: "object" } }];
const review = (feature: number): ModelRequest => ({
  system,
  tools,
  messages: [{ role: "user", content: [{ type: "text", text: context, cache: true }, { type: "text", text: `Review feature F${feature}.` }] }],
  maxOutputTokens: 100,
});

describe("warming a shared prefix before a fan-out, on the strict fake", () => {
  let fake: FakeModels;
  let model: LanguageModel;
  beforeEach(async () => {
    fake = await startFakeModels();
    // Answers take a while, as real ones do: parallel calls overlap.
    fake.script(() => ({ text: "no findings", delayMs: 150 }));
    model = new AnthropicLanguageModel("claude-sonnet-4-5", { apiKey: "k", baseUrl: fake.anthropicBaseUrl, maxRetries: 0 });
  });
  afterEach(() => fake.close());

  it("without it, parallel runs each write the shared prefix: none can read a write not yet answered", async () => {
    const usages = await Promise.all([1, 2, 3, 4, 5].map(async (feature) => (await model.generate(review(feature))).usage));
    expect(usages.every((usage) => usage.cacheReadTokens === 0 && usage.cacheWriteTokens > 0)).toBe(true);
  });

  it("with it, the first run writes the prefix and the others, started after its answer, read it", async () => {
    const warm = warmFirst();
    const usages = await Promise.all([1, 2, 3, 4, 5].map(async (feature) => (await warm(model).generate(review(feature))).usage));
    // The first wrote tools, system, the context and its own task; the others read all but the task.
    const shared = usages[1]!.cacheReadTokens;
    expect(shared).toBeGreaterThan(2048);
    expect(usages[0]!.cacheWriteTokens - shared).toBeLessThan(20);
    expect(usages.slice(1).map((usage) => usage.cacheReadTokens)).toEqual([shared, shared, shared, shared]);
    // Only the first waited for nobody: the other four started together once it had answered.
    const starts = fake.calls.map((call) => call.startedAt).sort((a, b) => a - b);
    expect(starts[1]! - starts[0]!).toBeGreaterThanOrEqual(140);
    expect(starts[4]! - starts[1]!).toBeLessThan(140);
  });

  it("releases the others when the first call fails", async () => {
    fake.script(() => ({ error: { status: 400, message: "bad" } }));
    const warm = warmFirst();
    const outcomes = await Promise.allSettled([1, 2, 3].map((feature) => warm(model).generate(review(feature))));
    expect(outcomes.every((outcome) => outcome.status === "rejected")).toBe(true);
    expect(fake.calls).toHaveLength(3);
  });

  it("with a named leader, a follower that reaches its call first still waits for the leader's answer", async () => {
    const warm = warmFirst();
    const follower = warm(model, false).generate(review(2));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(fake.calls).toHaveLength(0);
    const leader = warm(model, true).generate(review(1));
    const [first, second] = await Promise.all([leader, follower]);
    expect(first.usage.cacheWriteTokens).toBeGreaterThan(2048);
    expect(second.usage.cacheReadTokens).toBeGreaterThan(2048);
  });

  it("lets the followers go when the leader ends without a call", async () => {
    const warm = warmFirst();
    const follower = warm(model, false).generate(review(2));
    warm.release();
    await follower;
    expect(fake.calls).toHaveLength(1);
  });
});

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ToolError } from "../../src/agent/index.ts";
import type { LanguageModel, ModelRequest, ModelResponse } from "../../src/models/index.ts";
import { research } from "../../src/roles/index.ts";

const root = mkdtempSync(join(tmpdir(), "researcher-budget-"));
writeFileSync(join(root, "notes.md"), "the answer is 42\n");
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A researcher's model that keeps searching and never reports, each call using `tokens`. */
class Searching implements LanguageModel {
  readonly id = "scripted/researcher";
  calls = 0;
  /** Each request as JSON, to find what the loop told the researcher. */
  readonly sent: string[] = [];
  readonly tokens: number;
  readonly #tick: () => void;
  constructor(tokens: number, tick: () => void = () => {}) {
    this.tokens = tokens;
    this.#tick = tick;
  }
  async generate(request: ModelRequest): Promise<ModelResponse> {
    this.calls++;
    this.#tick();
    this.sent.push(JSON.stringify(request.messages.at(-1)));
    // Only the read-only tools and the report are offered.
    expect(request.tools.map((tool) => tool.name)).toEqual(["list_files", "glob", "grep", "read_file", "submit_report"]);
    return {
      content: [{ type: "tool-call", id: `call_${this.calls}`, name: "grep", input: { pattern: "answer" } }],
      stopReason: "tool-use",
      usage: { inputTokens: this.tokens - 100, outputTokens: 100, cacheReadTokens: 0, cacheWriteTokens: 0 },
    };
  }
}

/** A researcher's model that searches until it is told to wrap up, then reports. */
class Reporting implements LanguageModel {
  readonly id = "scripted/researcher";
  calls = 0;
  readonly sent: string[] = [];
  /** The tokens of each call, the last repeated. */
  readonly tokens: number[];
  constructor(...tokens: number[]) {
    this.tokens = tokens;
  }
  async generate(request: ModelRequest): Promise<ModelResponse> {
    this.calls++;
    const last = JSON.stringify(request.messages.at(-1));
    this.sent.push(last);
    const tokens = this.tokens[Math.min(this.calls, this.tokens.length) - 1]!;
    const usage = { inputTokens: tokens - 100, outputTokens: 100, cacheReadTokens: 0, cacheWriteTokens: 0 };
    const call = last.includes("**Wrap up now.**")
      ? { type: "tool-call" as const, id: `call_${this.calls}`, name: "submit_report", input: { report: "The answer is 42 (notes.md:1)." } }
      : { type: "tool-call" as const, id: `call_${this.calls}`, name: "grep", input: { pattern: "answer" } };
    return { content: [call], stopReason: "tool-use", usage };
  }
}

const context = () => ({ root, readFiles: new Set<string>() });

describe("a research subagent's bounded budget", () => {
  it("ends at its token budget with a tool error the asking model reads, making no call past it", async () => {
    const model = new Searching(40_000);
    const outcome = research({ model: () => model }, "What is the answer?", context());
    await expect(outcome).rejects.toThrow(ToolError);
    await expect(outcome).rejects.toThrow("The research ended without a report: it used its budget of 150,000 tokens");
    // 4 calls of 40,000 tokens reach 150,000: no fifth.
    expect(model.calls).toBe(4);
  });

  it("ends at its turn limit (12 unless set), told to wrap up first, and the limits can be set per caller", async () => {
    const model = new Searching(1_000);
    await expect(research({ model: () => model }, "What is the answer?", context())).rejects.toThrow(/^The research ended without a report/);
    expect(model.calls).toBe(12);
    // Told once to wrap up, with two turns left.
    expect(model.sent.map((message) => message.includes("**Wrap up now.**"))).toEqual([...Array<boolean>(10).fill(false), true, false]);
    const small = new Searching(1_000);
    await expect(research({ model: () => small, limits: { turns: 3, tokens: 1_000_000 } }, "What is the answer?", context())).rejects.toThrow(ToolError);
    expect(small.calls).toBe(3);
    const cheap = new Searching(1_000);
    await expect(research({ model: () => cheap, limits: { tokens: 2_000 } }, "What is the answer?", context())).rejects.toThrow("it used its budget of 2,000 tokens");
    // The second call took it from 50% to all of its tokens: told to wrap up, it has one last call.
    expect(cheap.calls).toBe(3);
  });

  it("is told to wrap up at 70% of its tokens, so what it found is reported rather than lost", async () => {
    const model = new Reporting(40_000);
    await expect(research({ model: () => model }, "What is the answer?", context())).resolves.toBe("The answer is 42 (notes.md:1).");
    // 120,000 of 150,000 tokens after three calls: the wrap-up comes with the third call's results.
    expect(model.sent.map((message) => message.includes("**Wrap up now.**"))).toEqual([false, false, false, true]);
  });

  it("has one last call when a single call takes it past all its tokens", async () => {
    // 50% after the first call, then past all of them in one: the wrap-up and one last call, which reports.
    const model = new Reporting(1_000, 1_500);
    await expect(research({ model: () => model, limits: { tokens: 2_000 } }, "What is the answer?", context())).resolves.toBe("The answer is 42 (notes.md:1).");
    expect(model.calls).toBe(3);
  });

  it("stops at the asking run's time left when that is less than its own, told to wrap up first", async () => {
    // Each call takes a minute on this clock; the worker that asks has three minutes left.
    let clock = 0;
    const model = new Searching(1_000, () => (clock += 60_000));
    const outcome = research({ model: () => model, now: () => clock }, "What is the answer?", { ...context(), timeLeftMs: () => 180_000 });
    await expect(outcome).rejects.toThrow(/^The research ended without a report: .*did not finish within 3 minutes/);
    expect(model.calls).toBeLessThanOrEqual(4);
    expect(model.sent.some((message) => message.includes("**Wrap up now.**"))).toBe(true);
    // Its own limit applies when the caller has more time, or none.
    clock = 0;
    const own = new Searching(1_000, () => (clock += 60_000));
    await expect(research({ model: () => own, now: () => clock, limits: { wallMs: 120_000 } }, "What is the answer?", context())).rejects.toThrow(/did not finish within 2 minutes/);
    expect(own.calls).toBeLessThanOrEqual(3);
    // No time left at all: no researcher starts.
    const late = new Searching(1_000);
    await expect(research({ model: () => late }, "What is the answer?", { ...context(), timeLeftMs: () => 0 })).rejects.toThrow(/your time is up/);
    expect(late.calls).toBe(0);
  });
});

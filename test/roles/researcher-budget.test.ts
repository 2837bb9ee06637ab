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
  constructor(tokens: number) {
    this.tokens = tokens;
  }
  async generate(request: ModelRequest): Promise<ModelResponse> {
    this.calls++;
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
    expect(cheap.calls).toBe(2);
  });
});

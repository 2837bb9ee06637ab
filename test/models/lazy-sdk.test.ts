import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";

// A fresh Node process (the test runner has loaded everything already) that records every module it
// resolves: the app's modules and its models are made, the SDKs are not loaded until a model is called.
const SCRIPT = `
import { registerHooks } from "node:module";
const sdks = new Set();
registerHooks({
  resolve(specifier, context, next) {
    const resolved = next(specifier, context);
    const match = /node_modules\\/(openai|@anthropic-ai\\/sdk)\\//.exec(resolved.url);
    if (match) sdks.add(match[1]);
    return resolved;
  },
});
await import("./src/server.ts");
const { ModelRegistry } = await import("./src/models/index.ts");
const registry = new ModelRegistry(
  { anthropic: { protocol: "anthropic", apiKey: "k", baseUrl: "http://127.0.0.1:9" }, openai: { protocol: "openai", apiKey: "k", baseUrl: "http://127.0.0.1:9/v1" } },
  { orchestrator: "anthropic/a", worker: "openai/b", researcher: "anthropic/a", scrutiny: "anthropic/a", reviewer: "anthropic/a", "user-testing": "anthropic/a" },
);
const models = [registry.get("anthropic/a"), registry.get("openai/b")];
const before = [...sdks];
const request = { system: "s", tools: [], messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }], maxOutputTokens: 10 };
for (const model of models) await model.generate(request).catch(() => {});
console.log(JSON.stringify({ before, after: [...sdks].sort() }));
`;

describe("the model SDKs", () => {
  it("are loaded at a model's first call, not when the app starts: an idle app does not carry them", () => {
    const output = execFileSync(process.execPath, ["--input-type=module", "--no-warnings", "-e", SCRIPT], { cwd: process.cwd(), encoding: "utf8", timeout: 60_000 });
    const { before, after } = JSON.parse(output.trim().split("\n").at(-1)!) as { before: string[]; after: string[] };
    expect(before).toEqual([]);
    expect(after).toEqual(["@anthropic-ai/sdk", "openai"]);
  }, 90_000);
});

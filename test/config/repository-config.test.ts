import { describe, expect, it } from "vitest";
import { parseRepositoryConfig } from "../../src/config/index.ts";

const limits = { providers: ["anthropic", "openai"], maxBudgetUsd: 50 };

describe("parseRepositoryConfig", () => {
  it("gives defaults when the file is missing or empty", () => {
    for (const text of [undefined, "", "   \n", "# only a comment\n"]) {
      expect(parseRepositoryConfig(text, limits)).toEqual({ ok: true, settings: { commands: {}, models: {}, budgetUsd: undefined, maxRemediationRounds: 3 } });
    }
  });

  it("reads models per role, budget, commands and repair rounds", () => {
    const text = "models:\n  worker: openai/gpt-5.1\n  user-testing: anthropic/claude-haiku-4-5\nbudget: 12.5\ncommands:\n  install: npm ci\n  test: npm test\nremediation:\n  rounds: 2\n";
    expect(parseRepositoryConfig(text, limits)).toEqual({
      ok: true,
      settings: {
        commands: { install: "npm ci", test: "npm test" },
        models: { worker: "openai/gpt-5.1", "user-testing": "anthropic/claude-haiku-4-5" },
        budgetUsd: 12.5,
        maxRemediationRounds: 2,
      },
    });
  });

  it("reads how to start the app for user testing, and refuses an app anywhere but this machine's loopback", () => {
    const good = parseRepositoryConfig("app:\n  start: npm start\n  url: http://localhost:5173\n  ready: /health\n  timeout: 90\n", limits);
    expect(good).toMatchObject({ ok: true, settings: { app: { start: "npm start", url: "http://localhost:5173", ready: "/health", timeoutSeconds: 90 } } });
    expect(parseRepositoryConfig("app:\n  start: npm start\n  url: http://127.0.0.1:8000\n", limits)).toMatchObject({ ok: true, settings: { app: { timeoutSeconds: 60 } } });
    for (const url of ["https://example.com:443", "http://localhost", "file:///etc/passwd", "http://10.0.0.1:80"]) {
      const result = parseRepositoryConfig(`app:\n  start: npm start\n  url: ${url}\n`, limits);
      expect(result.ok, url).toBe(false);
      expect((result as { problems: string[] }).problems[0]).toMatch(/^line 3: `app.url`/);
    }
    expect(parseRepositoryConfig("app:\n  url: http://localhost:3000\n", limits)).toMatchObject({ ok: false, problems: [expect.stringMatching(/`app.start`/)] });
  });

  it("names each problem with its line", () => {
    const result = parseRepositoryConfig("budget: lots\ncommands:\n  test: 3\nmodels:\n  painter: anthropic/x\n", limits);
    expect(result.ok).toBe(false);
    const problems = (result as { problems: string[] }).problems;
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^line 1: `budget`: /),
        expect.stringMatching(/^line 3: `commands.test`: /),
        expect.stringMatching(/^line 5: `models.painter`: /),
      ]),
    );
  });

  it("refuses keys and URLs, and providers the operator did not declare", () => {
    const result = parseRepositoryConfig("apiKey: sk-123\nmodels:\n  worker: local/llama\n", limits);
    expect(result).toEqual({
      ok: false,
      problems: ['line 1: `apiKey`: "apiKey" cannot be set by a repository: provider addresses and keys belong to the operator'],
    });
    const undeclared = parseRepositoryConfig("models:\n  worker: local/llama\n", limits);
    expect(undeclared).toEqual({ ok: false, problems: [expect.stringContaining('line 2: `models.worker`: provider "local" is not configured')] });
  });

  it("refuses a budget above the operator's maximum", () => {
    expect(parseRepositoryConfig("budget: 500\n", limits)).toEqual({ ok: false, problems: ["line 1: `budget`: $500 is above the operator's maximum of $50"] });
  });

  it("survives YAML bombs, duplicate keys and non-mapping documents", () => {
    const bomb = ["a: &a [x, x, x, x, x, x, x, x, x]", ...Array.from({ length: 12 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}]`)].join("\n");
    expect(parseRepositoryConfig(bomb, limits).ok).toBe(false);
    expect(parseRepositoryConfig("budget: 1\nbudget: 2\n", limits)).toMatchObject({ ok: false, problems: [expect.stringMatching(/^line 2: /)] });
    expect(parseRepositoryConfig("- a\n- b\n", limits).ok).toBe(false);
  });
});

describe("parseRepositoryConfig and prices", () => {
  it("refuses a model the installation cannot price", () => {
    const result = parseRepositoryConfig("models:\n  worker: openai/secret-model\n", { ...limits, isPriced: (model) => model !== "openai/secret-model" });
    expect(result).toEqual({ ok: false, problems: [expect.stringContaining("line 2: `models.worker`: openai/secret-model has no price")] });
  });
});

describe("parseRepositoryConfig and limits", () => {
  const max = { workerTurns: 200, workerMinutes: 240, commandTimeoutSeconds: 3600, continuations: 10 };
  it("takes the repository's worker and command limits within the operator's maxima", () => {
    const result = parseRepositoryConfig("limits:\n  worker:\n    turns: 120\n    minutes: 90\n    continuations: 2\n  command:\n    timeout: 1800\n", { ...limits, maxLimits: max });
    expect(result).toMatchObject({ ok: true, settings: { limits: { workerTurns: 120, workerMinutes: 90, continuations: 2, commandTimeoutSeconds: 1800 } } });
    expect(parseRepositoryConfig("limits:\n  command:\n    timeout: 1800\n", { ...limits, maxLimits: max })).toMatchObject({ ok: true, settings: { limits: { commandTimeoutSeconds: 1800 } } });
  });

  it("names a limit above the operator's maximum, and a bad value, with its line", () => {
    expect(parseRepositoryConfig("budget: 5\nlimits:\n  command:\n    timeout: 7200\n", { ...limits, maxLimits: max })).toEqual({
      ok: false,
      problems: ["line 4: `limits.command.timeout`: 7200 is above this installation's maximum of 3600 seconds; ask the operator to raise MISSIONS_COMMAND_TIMEOUT_MAX_SECONDS"],
    });
    const bad = parseRepositoryConfig("limits:\n  worker:\n    turns: many\n    wall: 5\n", { ...limits, maxLimits: max });
    expect(bad).toMatchObject({ ok: false, problems: [expect.stringMatching(/^line 3: `limits.worker.turns`: /), expect.stringMatching(/^line 4: `limits.worker.wall`: unknown key "wall"/)] });
  });
});

import { describe, expect, it } from "vitest";
import { readOperatorConfig } from "../../src/config/index.ts";
import { operatorSecrets } from "../../src/server.ts";

describe("readOperatorConfig", () => {
  it("has sensible defaults for a first run", () => {
    const config = readOperatorConfig({ ANTHROPIC_API_KEY: "k" });
    expect(config).toMatchObject({
      webhookSecret: "development",
      githubApiUrl: "https://api.github.com",
      port: 3000,
      databasePath: ".data/missions.db",
      label: "mission",
      branchPrefix: "mission/",
      budget: { defaultUsd: 20, maxUsd: 100 },
    });
    expect(config.models.worker).toMatch(/^anthropic\//);
    expect(Object.keys(config.providers)).toEqual(["anthropic"]);
  });

  it("points at GitHub Enterprise Server, and reads models per role", () => {
    const config = readOperatorConfig({
      GHE_HOST: "github.example.com",
      OPENAI_API_KEY: "k",
      MISSIONS_MODEL_USER_TESTING: "openai/gpt-x",
      DATABASE_URL: "sqlite:///var/lib/missions.db",
    });
    expect(config.githubApiUrl).toBe("https://github.example.com/api/v3");
    expect(config.models["user-testing"]).toBe("openai/gpt-x");
    expect(config.models.orchestrator).toMatch(/^openai\//);
    expect(config.databasePath).toBe("/var/lib/missions.db");
  });

  it("lists every problem at once, and treats empty variables as unset", () => {
    expect(() => readOperatorConfig({ PORT: "-1", OPENAI_BASE_URL: "not a url" })).toThrow(/PORT: expected a positive number[\s\S]*OPENAI_BASE_URL/);
    expect(() => readOperatorConfig({ MISSIONS_BUDGET_USD: "50", MISSIONS_BUDGET_MAX_USD: "10" })).toThrow(/above MISSIONS_BUDGET_MAX_USD/);
    expect(() => readOperatorConfig({ DATABASE_URL: "mysql://x" })).toThrow(/SQLite \(sqlite:path\) and PostgreSQL \(postgres:\/\/…\) are supported, got mysql:/);
    expect(readOperatorConfig({ PORT: "" }).port).toBe(3000);
  });

  it("selects PostgreSQL with a postgres:// DATABASE_URL, and never repeats a URL it cannot read (it holds a password)", () => {
    const config = readOperatorConfig({ ANTHROPIC_API_KEY: "k", DATABASE_URL: "postgresql://missions:s3cret-pass@db.internal:5432/missions?sslmode=require" });
    expect(config.databaseUrl).toBe("postgresql://missions:s3cret-pass@db.internal:5432/missions?sslmode=require");
    // Local data (the sandbox's scratch key) stays where the SQLite store would be.
    expect(config.databasePath).toBe(".data/missions.db");
    expect(readOperatorConfig({ ANTHROPIC_API_KEY: "k" }).databaseUrl).toBeUndefined();
    expect(readOperatorConfig({ ANTHROPIC_API_KEY: "k", DATABASE_URL: "sqlite:x.db" }).databaseUrl).toBeUndefined();
    // The password is one of the operator's secrets: redacted from logs and everything posted.
    expect(operatorSecrets(config)).toContain("s3cret-pass");
    let said = "";
    try {
      readOperatorConfig({ ANTHROPIC_API_KEY: "k", DATABASE_URL: "postgres://missions:s3cret-pass@db.internal:port/missions" });
    } catch (error) {
      said = (error as Error).message;
    }
    expect(said).toMatch(/DATABASE_URL is not a valid PostgreSQL URL/);
    expect(said).not.toContain("s3cret");
  });

  it("takes a branch prefix that starts valid git branch names, and refuses one that does not", () => {
    expect(readOperatorConfig({ ANTHROPIC_API_KEY: "k", MISSIONS_BRANCH_PREFIX: "bots/missions-" }).branchPrefix).toBe("bots/missions-");
    for (const bad of ["../x/", "a..b/", "-x/", "a b/", "x.lock/", "a//b"]) {
      expect(() => readOperatorConfig({ ANTHROPIC_API_KEY: "k", MISSIONS_BRANCH_PREFIX: bad }), bad).toThrow(/MISSIONS_BRANCH_PREFIX/);
    }
  });
});

describe("readOperatorConfig refuses unsafe setups", () => {
  it("requires a webhook secret once the app has credentials", () => {
    expect(() => readOperatorConfig({ APP_ID: "1", PRIVATE_KEY: "k", ANTHROPIC_API_KEY: "k" })).toThrow(/WEBHOOK_SECRET is required/);
    expect(readOperatorConfig({ APP_ID: "1", PRIVATE_KEY: "k", WEBHOOK_SECRET: "s" }).webhookSecret).toBe("s");
  });

  it("logs pretty in development and JSON in production or when asked", () => {
    expect(readOperatorConfig({}).logFormat).toBe("pretty");
    expect(readOperatorConfig({ NODE_ENV: "production" }).logFormat).toBe("json");
    expect(readOperatorConfig({ LOG_FORMAT: "json" }).logFormat).toBe("json");
  });
});

describe("providers and models per role", () => {
  it("declares OpenAI-compatible providers by name, base URL, key and default model", () => {
    const config = readOperatorConfig({
      MISSIONS_PROVIDER_OLLAMA_BASE_URL: "http://127.0.0.1:11434/v1",
      MISSIONS_PROVIDER_OLLAMA_MODEL: "qwen3-coder",
      MISSIONS_PROVIDER_OPEN_ROUTER_BASE_URL: "https://openrouter.example/api/v1",
      MISSIONS_PROVIDER_OPEN_ROUTER_API_KEY: "or-key",
    });
    expect(config.providers).toEqual({
      ollama: { protocol: "openai", baseUrl: "http://127.0.0.1:11434/v1", apiKey: "none", defaultModel: "qwen3-coder", api: "chat" },
      "open-router": { protocol: "openai", baseUrl: "https://openrouter.example/api/v1", apiKey: "or-key", defaultModel: undefined, api: "chat" },
    });
    expect(config.models.worker).toBe("ollama/qwen3-coder");
    expect(() => readOperatorConfig({ MISSIONS_PROVIDER_X_BASE_URL: "nope" })).toThrow(/MISSIONS_PROVIDER_X_BASE_URL: expected a URL/);
    expect(() => readOperatorConfig({ MISSIONS_PROVIDER_OPENAI_BASE_URL: "http://x" })).toThrow(/built-in provider/);
  });

  it("speaks OpenAI's Responses API to OpenAI itself, Chat Completions to a custom base URL, unless the operator says otherwise", () => {
    expect(readOperatorConfig({ OPENAI_API_KEY: "o" }).providers.openai!.api).toBe("responses");
    expect(readOperatorConfig({ OPENAI_API_KEY: "o", OPENAI_BASE_URL: "http://127.0.0.1:9/v1" }).providers.openai!.api).toBe("chat");
    expect(readOperatorConfig({ OPENAI_API_KEY: "o", OPENAI_BASE_URL: "http://127.0.0.1:9/v1", MISSIONS_OPENAI_API: "Responses" }).providers.openai!.api).toBe("responses");
    expect(readOperatorConfig({ OPENAI_API_KEY: "o", MISSIONS_OPENAI_API: "chat" }).providers.openai!.api).toBe("chat");
    expect(readOperatorConfig({ MISSIONS_PROVIDER_GW_BASE_URL: "http://127.0.0.1:9/v1", MISSIONS_PROVIDER_GW_API: "responses" }).providers.gw!.api).toBe("responses");
    expect(() => readOperatorConfig({ OPENAI_API_KEY: "o", MISSIONS_OPENAI_API: "completions" })).toThrow(/MISSIONS_OPENAI_API: expected responses or chat/);
  });

  it("puts validators on a different provider from the worker's when there are two", () => {
    const two = readOperatorConfig({ ANTHROPIC_API_KEY: "a", OPENAI_API_KEY: "o" });
    expect(two.models.worker).toBe("anthropic/claude-sonnet-5-5");
    expect([two.models.scrutiny, two.models.reviewer, two.models["user-testing"]]).toEqual(["openai/gpt-5.1", "openai/gpt-5.1", "openai/gpt-5.1"]);
    expect(two.models.orchestrator).toBe("anthropic/claude-sonnet-5-5");
    const pinned = readOperatorConfig({ ANTHROPIC_API_KEY: "a", OPENAI_API_KEY: "o", MISSIONS_MODEL_SCRUTINY: "anthropic/claude-opus-4-5" });
    expect(pinned.models.scrutiny).toBe("anthropic/claude-opus-4-5");
    const one = readOperatorConfig({ ANTHROPIC_API_KEY: "a" });
    expect(one.models.scrutiny).toBe(one.models.worker);
  });

  it("runs the repair planner as its own role, on the orchestrator's model and effort unless set apart", async () => {
    const { ModelRegistry } = await import("../../src/models/index.ts");
    const follows = readOperatorConfig({ ANTHROPIC_API_KEY: "a", MISSIONS_MODEL_ORCHESTRATOR: "anthropic/claude-opus-4-5", MISSIONS_EFFORT_ORCHESTRATOR: "high" });
    expect(follows.models["repair-planner"]).toBe("anthropic/claude-opus-4-5");
    expect(follows.effort["repair-planner"]).toBe("high");
    const apart = readOperatorConfig({ ANTHROPIC_API_KEY: "a", MISSIONS_MODEL_ORCHESTRATOR: "anthropic/claude-opus-4-5", MISSIONS_MODEL_REPAIR_PLANNER: "anthropic/claude-haiku-4-5", MISSIONS_EFFORT_REPAIR_PLANNER: "low" });
    expect(apart.models["repair-planner"]).toBe("anthropic/claude-haiku-4-5");
    expect(apart.effort["repair-planner"]).toBe("low");
    // A mistake in the orchestrator's model is named once, by its own variable.
    expect(readOperatorConfig({ ANTHROPIC_API_KEY: "a", MISSIONS_MODEL_ORCHESTRATOR: "claude" }).modelProblems).toEqual([
      { variables: ["MISSIONS_MODEL_ORCHESTRATOR"], message: expect.stringContaining("MISSIONS_MODEL_ORCHESTRATOR=claude is not provider/model") },
    ]);
    // A repository that moves its orchestrator moves the repair planner with it, unless it pins that too.
    const registry = new ModelRegistry(follows.providers, follows.models, { pinned: new Set(follows.pinnedRoles) });
    expect(registry.modelName("repair-planner", { orchestrator: "anthropic/claude-sonnet-5-5" })).toBe("anthropic/claude-sonnet-5-5");
    expect(registry.modelName("repair-planner", { orchestrator: "anthropic/claude-sonnet-5-5", "repair-planner": "anthropic/x" })).toBe("anthropic/x");
  });
});

describe("readOperatorConfig and limits", () => {
  it("has default limits and maxima, each settable", () => {
    expect(readOperatorConfig({ ANTHROPIC_API_KEY: "k" }).limits).toEqual({
      defaults: { workerTurns: 80, workerMinutes: 60, commandTimeoutSeconds: 600, continuations: 3 },
      max: { workerTurns: 80, workerMinutes: 60, commandTimeoutSeconds: 600, continuations: 3 },
    });
    const config = readOperatorConfig({
      ANTHROPIC_API_KEY: "k",
      MISSIONS_WORKER_TURNS: "40",
      MISSIONS_WORKER_TURNS_MAX: "100",
      MISSIONS_WORKER_MINUTES: "30",
      MISSIONS_WORKER_MINUTES_MAX: "90",
      MISSIONS_COMMAND_TIMEOUT_SECONDS: "900",
      MISSIONS_COMMAND_TIMEOUT_MAX_SECONDS: "1800",
      MISSIONS_CONTINUATIONS: "0",
      MISSIONS_CONTINUATIONS_MAX: "5",
    });
    expect(config.limits).toEqual({
      defaults: { workerTurns: 40, workerMinutes: 30, commandTimeoutSeconds: 900, continuations: 0 },
      max: { workerTurns: 100, workerMinutes: 90, commandTimeoutSeconds: 1800, continuations: 5 },
    });
  });

  it("keeps an operator's limit a cap after an upgrade: an unset maximum is the default, so repositories cannot raise it", () => {
    const config = readOperatorConfig({ ANTHROPIC_API_KEY: "k", MISSIONS_COMMAND_TIMEOUT_SECONDS: "300" });
    expect(config.limits.max.commandTimeoutSeconds).toBe(300);
    // A long default set before maxima existed still starts, and is its own maximum.
    expect(readOperatorConfig({ ANTHROPIC_API_KEY: "k", MISSIONS_COMMAND_TIMEOUT_SECONDS: "7200" }).limits.max.commandTimeoutSeconds).toBe(7200);
    expect(readOperatorConfig({ ANTHROPIC_API_KEY: "k", MISSIONS_WORKER_TURNS: "300" }).limits.max.workerTurns).toBe(300);
  });

  it("refuses a default above an explicit maximum, and limits that are not whole numbers where they must be", () => {
    expect(() => readOperatorConfig({ ANTHROPIC_API_KEY: "k", MISSIONS_COMMAND_TIMEOUT_SECONDS: "4000", MISSIONS_COMMAND_TIMEOUT_MAX_SECONDS: "3600" })).toThrow(
      "MISSIONS_COMMAND_TIMEOUT_SECONDS (4000) is above MISSIONS_COMMAND_TIMEOUT_MAX_SECONDS (3600)",
    );
    expect(() => readOperatorConfig({ ANTHROPIC_API_KEY: "k", MISSIONS_WORKER_TURNS: "300", MISSIONS_WORKER_TURNS_MAX: "200" })).toThrow("MISSIONS_WORKER_TURNS (300) is above MISSIONS_WORKER_TURNS_MAX (200)");
    expect(() => readOperatorConfig({ ANTHROPIC_API_KEY: "k", MISSIONS_CONTINUATIONS: "1.5" })).toThrow('MISSIONS_CONTINUATIONS: expected a whole number, got "1.5"');
    expect(() => readOperatorConfig({ ANTHROPIC_API_KEY: "k", MISSIONS_WORKER_TURNS: "0.4" })).toThrow('MISSIONS_WORKER_TURNS: expected a positive whole number, got "0.4"');
    expect(() => readOperatorConfig({ ANTHROPIC_API_KEY: "k", MISSIONS_WORKER_TURNS_MAX: "12.5" })).toThrow('MISSIONS_WORKER_TURNS_MAX: expected a positive whole number, got "12.5"');
  });
});

describe("MISSIONS_COMMITS", () => {
  it("makes commits through the API unless the operator asks for git pushes", () => {
    expect(readOperatorConfig({ ANTHROPIC_API_KEY: "k" }).commits).toBe("api");
    expect(readOperatorConfig({ ANTHROPIC_API_KEY: "k", MISSIONS_COMMITS: "push" }).commits).toBe("push");
    expect(() => readOperatorConfig({ ANTHROPIC_API_KEY: "k", MISSIONS_COMMITS: "sign" })).toThrow(/MISSIONS_COMMITS/);
  });
});

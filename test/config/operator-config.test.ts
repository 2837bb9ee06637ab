import { describe, expect, it } from "vitest";
import { readOperatorConfig } from "../../src/config/index.ts";

describe("readOperatorConfig", () => {
  it("has sensible defaults for a first run", () => {
    const config = readOperatorConfig({ ANTHROPIC_API_KEY: "k" });
    expect(config).toMatchObject({
      webhookSecret: "development",
      githubApiUrl: "https://api.github.com",
      port: 3000,
      databasePath: ".data/missions.db",
      label: "mission",
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
    expect(() => readOperatorConfig({ DATABASE_URL: "postgres://x" })).toThrow(/only SQLite/);
    expect(readOperatorConfig({ PORT: "" }).port).toBe(3000);
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

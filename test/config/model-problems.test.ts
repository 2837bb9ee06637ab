import { describe, expect, it } from "vitest";
import { readOperatorConfig } from "../../src/config/index.ts";

// What the operator is told when the models cannot work: each problem names the variable to set.
const problems = (env: Record<string, string>) => readOperatorConfig(env).modelProblems;
const messages = (env: Record<string, string>) => problems(env).map((problem) => problem.message);

describe("the model configuration is checked at start", () => {
  it("finds nothing wrong with one provider, two, or a named provider with its model and price", () => {
    expect(problems({ ANTHROPIC_API_KEY: "a" })).toEqual([]);
    expect(problems({ OPENAI_API_KEY: "o" })).toEqual([]);
    expect(problems({ ANTHROPIC_API_KEY: "a", OPENAI_API_KEY: "o", MISSIONS_MODEL_WORKER: "openai/gpt-5.1" })).toEqual([]);
    expect(
      problems({
        MISSIONS_PROVIDER_OLLAMA_BASE_URL: "http://127.0.0.1:11434/v1",
        MISSIONS_PROVIDER_OLLAMA_MODEL: "qwen3-coder",
        MISSIONS_PRICES: '{"ollama/": {"input": 0, "output": 0}}',
      }),
    ).toEqual([]);
  });

  it("asks for a provider key when there is none", () => {
    expect(problems({})).toEqual([
      expect.objectContaining({ variables: ["ANTHROPIC_API_KEY", "OPENAI_API_KEY"], message: expect.stringMatching(/^No model provider is configured: set ANTHROPIC_API_KEY or OPENAI_API_KEY/) }),
    ]);
    // .env.example copied as it is: empty keys are no keys.
    expect(messages({ ANTHROPIC_API_KEY: "", OPENAI_API_KEY: "" })[0]).toMatch(/No model provider is configured/);
  });

  it("names the role's variable and the missing key when a role's model names an unconfigured provider", () => {
    expect(problems({ ANTHROPIC_API_KEY: "a", MISSIONS_MODEL_WORKER: "openai/gpt-5.1" })).toEqual([
      {
        variables: ["MISSIONS_MODEL_WORKER", "OPENAI_API_KEY"],
        message: 'MISSIONS_MODEL_WORKER=openai/gpt-5.1 names the provider "openai", which is not configured: set OPENAI_API_KEY, or choose a model of a configured provider (anthropic).',
      },
    ]);
    expect(messages({ OPENAI_API_KEY: "o", MISSIONS_MODEL: "anthropic/claude-sonnet-5-5" })).toEqual([
      expect.stringMatching(/^MISSIONS_MODEL=anthropic\/claude-sonnet-5-5 names the provider "anthropic", which is not configured: set ANTHROPIC_API_KEY/),
    ]);
  });

  it("names the base-URL variable of an unknown provider", () => {
    expect(problems({ ANTHROPIC_API_KEY: "a", MISSIONS_MODEL_USER_TESTING: "local-llm/qwen3" })).toEqual([
      {
        variables: ["MISSIONS_MODEL_USER_TESTING", "MISSIONS_PROVIDER_LOCAL_LLM_BASE_URL"],
        message: expect.stringContaining('names the provider "local-llm", which is not configured: set MISSIONS_PROVIDER_LOCAL_LLM_BASE_URL'),
      },
    ]);
  });

  it("says once what is wrong with MISSIONS_MODEL, whichever roles use it", () => {
    expect(messages({ ANTHROPIC_API_KEY: "a", MISSIONS_MODEL: "openai/gpt-5.1" })).toHaveLength(1);
  });

  it("refuses a model that is not provider/model, and suggests the form", () => {
    expect(problems({ ANTHROPIC_API_KEY: "a", MISSIONS_MODEL: "claude-sonnet-5-5" })).toEqual([
      { variables: ["MISSIONS_MODEL"], message: expect.stringMatching(/^MISSIONS_MODEL=claude-sonnet-5-5 is not provider\/model: write it as e\.g\. anthropic\/claude-sonnet-5-5/) },
    ]);
    expect(messages({ ANTHROPIC_API_KEY: "a", MISSIONS_MODEL_REVIEWER: "anthropic" })[0]).toMatch(/MISSIONS_MODEL_REVIEWER=anthropic is not provider\/model: write it as anthropic\/<model>/);
    expect(messages({ ANTHROPIC_API_KEY: "a", MISSIONS_MODEL_REVIEWER: "anthropic/" })[0]).toMatch(/MISSIONS_MODEL_REVIEWER=anthropic\/ is not provider\/model/);
  });

  it("asks for the default model of a named provider that roles would use without one", () => {
    expect(problems({ MISSIONS_PROVIDER_OLLAMA_BASE_URL: "http://127.0.0.1:11434/v1" })).toEqual([
      {
        variables: ["MISSIONS_PROVIDER_OLLAMA_MODEL", "MISSIONS_MODEL"],
        message: 'No model is chosen: set MISSIONS_PROVIDER_OLLAMA_MODEL (the model of the provider "ollama"), or MISSIONS_MODEL=ollama/<model>.',
      },
    ]);
    // Every role named its model: the provider's default is never needed.
    const pinned = { MISSIONS_PROVIDER_OLLAMA_BASE_URL: "http://127.0.0.1:11434/v1", MISSIONS_MODEL: "ollama/qwen3-coder", MISSIONS_PRICES: '{"ollama/": {"input": 0, "output": 0}}' };
    expect(problems(pinned)).toEqual([]);
  });

  it("asks for a price for a model nobody priced, instead of failing at the first mission", () => {
    expect(problems({ MISSIONS_PROVIDER_OLLAMA_BASE_URL: "http://127.0.0.1:11434/v1", MISSIONS_PROVIDER_OLLAMA_MODEL: "qwen3-coder" })).toEqual([
      { variables: ["MISSIONS_PRICES"], message: expect.stringMatching(/^No price is known for ollama\/qwen3-coder: set MISSIONS_PRICES, e\.g\. \{"ollama\/qwen3-coder": \{"input": 0, "output": 0\}\}/) },
    ]);
  });
});

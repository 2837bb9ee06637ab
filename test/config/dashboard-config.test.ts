import { describe, expect, it } from "vitest";
import { readOperatorConfig } from "../../src/config/index.ts";

describe("operator configuration of mission control, the dashboard and metrics", () => {
  it("is off and private by default", () => {
    const config = readOperatorConfig({ ANTHROPIC_API_KEY: "k" });
    expect(config).toMatchObject({
      githubWebUrl: "https://github.com",
      publicUrl: undefined,
      dashboard: { token: undefined, oauth: undefined },
      metrics: { token: undefined, public: false },
      controlEditIntervalMs: 5_000,
    });
  });

  it("reads the token, the OAuth client, the public URL and the edit interval", () => {
    const config = readOperatorConfig({
      ANTHROPIC_API_KEY: "k",
      GHE_HOST: "github.example.com",
      MISSIONS_PUBLIC_URL: "https://missions.example.com/",
      MISSIONS_DASHBOARD_TOKEN: "a".repeat(32),
      GITHUB_CLIENT_ID: "Iv1.abc",
      GITHUB_CLIENT_SECRET: "shh",
      MISSIONS_METRICS_TOKEN: "m".repeat(16),
      MISSIONS_METRICS_PUBLIC: "true",
      MISSIONS_CONTROL_EDIT_INTERVAL_SECONDS: "0.5",
    });
    expect(config).toMatchObject({
      githubWebUrl: "https://github.example.com",
      publicUrl: "https://missions.example.com",
      dashboard: { token: "a".repeat(32), oauth: { clientId: "Iv1.abc", clientSecret: "shh" } },
      metrics: { token: "m".repeat(16), public: true },
      controlEditIntervalMs: 500,
    });
  });

  it("refuses a short token, half an OAuth client and a negative interval, saying what to do", () => {
    expect(() => readOperatorConfig({ ANTHROPIC_API_KEY: "k", MISSIONS_DASHBOARD_TOKEN: "short" })).toThrow(/MISSIONS_DASHBOARD_TOKEN: use at least 16 characters/);
    expect(() => readOperatorConfig({ ANTHROPIC_API_KEY: "k", GITHUB_CLIENT_ID: "Iv1.abc" })).toThrow(/GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET go together/);
    expect(() => readOperatorConfig({ ANTHROPIC_API_KEY: "k", MISSIONS_CONTROL_EDIT_INTERVAL_SECONDS: "-1" })).toThrow(/expected a number of seconds/);
  });
});

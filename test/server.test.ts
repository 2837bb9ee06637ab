import { describe, expect, it } from "vitest";
import { readOperatorConfig } from "../src/config/index.ts";
import { startMissions } from "../src/server.ts";

describe("startMissions refuses to run half-configured", () => {
  it("needs the app's credentials", async () => {
    await expect(startMissions(readOperatorConfig({ ANTHROPIC_API_KEY: "k" }))).rejects.toThrow(/APP_ID and PRIVATE_KEY/);
  });

  it("needs at least one model provider", async () => {
    const config = readOperatorConfig({ APP_ID: "1", PRIVATE_KEY: "key", WEBHOOK_SECRET: "secret" });
    await expect(startMissions(config)).rejects.toThrow(/No model provider is configured: set ANTHROPIC_API_KEY or OPENAI_API_KEY/);
  });
});

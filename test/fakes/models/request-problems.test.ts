import Anthropic from "@anthropic-ai/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeModels, textReply, type FakeModels } from "./index.ts";

describe("the fake Anthropic server rejects what the real API rejects", () => {
  let fake: FakeModels;
  let client: Anthropic;
  beforeAll(async () => {
    fake = await startFakeModels();
    fake.script(() => textReply("ok"));
    client = new Anthropic({ apiKey: "k", baseURL: fake.anthropicBaseUrl, maxRetries: 0 });
  });
  afterAll(async () => {
    await fake.close();
  });
  const text = (value: string, ttl?: "5m" | "1h") => ({ type: "text" as const, text: value, ...(ttl ? { cache_control: { type: "ephemeral" as const, ttl } } : {}) });

  it("refuses empty text blocks and empty turns", async () => {
    await expect(client.messages.create({ model: "m", max_tokens: 10, messages: [{ role: "user", content: [text("")] }] })).rejects.toMatchObject({ status: 400 });
    await expect(
      client.messages.create({ model: "m", max_tokens: 10, messages: [{ role: "user", content: "hi" }, { role: "assistant", content: [] }, { role: "user", content: "again" }] }),
    ).rejects.toMatchObject({ status: 400 });
  });

  it("refuses a fifth cache breakpoint and a 1-hour breakpoint after a 5-minute one", async () => {
    const five = [text("a", "1h"), text("b", "1h"), text("c", "5m"), text("d", "5m"), text("e", "5m")];
    await expect(client.messages.create({ model: "m", max_tokens: 10, messages: [{ role: "user", content: five }] })).rejects.toThrow(/maximum of 4 blocks with cache_control/);
    await expect(
      client.messages.create({ model: "m", max_tokens: 10, system: [text("s", "5m")], messages: [{ role: "user", content: [text("x", "1h")] }] }),
    ).rejects.toThrow(/must not come after/);
    await expect(client.messages.create({ model: "m", max_tokens: 10, messages: [{ role: "user", content: five.slice(0, 4) }] })).resolves.toMatchObject({ type: "message" });
  });
});

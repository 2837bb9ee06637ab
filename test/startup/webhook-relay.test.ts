import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startWebhookRelay, type WebhookRelay } from "../../src/startup/index.ts";
import { startFakeSmee, type FakeSmee } from "./support/fake-smee.ts";

describe("the webhook relay", () => {
  let smee: FakeSmee;
  let target: Server;
  let relay: WebhookRelay | undefined;
  const received: Array<{ event: string | undefined; body: string }> = [];
  const lines: string[] = [];
  beforeEach(async () => {
    smee = await startFakeSmee();
    received.length = 0;
    lines.length = 0;
    target = createServer((req, res) => {
      let body = "";
      req.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
      req.on("end", () => {
        received.push({ event: req.headers["x-github-event"] as string | undefined, body });
        res.end("ok");
      });
    });
    await new Promise<void>((resolve) => target.listen(0, "127.0.0.1", () => resolve()));
  });
  afterEach(async () => {
    await relay?.stop();
    relay = undefined;
    await smee.close();
    await new Promise((resolve) => target.close(resolve));
  });
  const until = async (check: () => boolean) => {
    const deadline = Date.now() + 10_000;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`timed out; log:\n${lines.join("")}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };

  it("keeps trying when the channel refuses, warns once, and relays once it answers", async () => {
    const channel = `${smee.url}/dev`;
    smee.refuse(2);
    relay = startWebhookRelay({
      source: channel,
      target: `http://127.0.0.1:${(target.address() as AddressInfo).port}/api/github/webhooks`,
      log: pino({ level: "info" }, { write: (line: string) => void lines.push(line) }),
      retryMs: 50,
    });
    await until(() => smee.listeners(channel) === 1);
    expect(lines.filter((line) => line.includes("cannot reach the webhook relay"))).toHaveLength(1);
    expect(lines.join("")).toContain(`relaying GitHub's webhooks from ${channel}`);
    await fetch(channel, { method: "POST", headers: { "content-type": "application/json", "x-github-event": "ping" }, body: '{"zen":"Keep it logically awesome."}' });
    await until(() => received.length === 1);
    expect(received).toEqual([{ event: "ping", body: '{"zen":"Keep it logically awesome."}' }]);
  });
});

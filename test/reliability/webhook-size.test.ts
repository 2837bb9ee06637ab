import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FIXTURE_FILES } from "../e2e/mission-script.ts";
import { startHarness, type Harness } from "../e2e/harness.ts";

/** A raw POST to the webhook endpoint: the status, and whether the app read the body at all. */
function post(url: string, headers: Record<string, string>, body: string, path = "/api/github/webhooks"): Promise<number> {
  return new Promise((resolve, reject) => {
    const target = new URL(path, url);
    const sent = request(target, { method: "POST", headers }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    sent.on("error", (error) => ((error as NodeJS.ErrnoException).code === "ECONNRESET" ? resolve(-1) : reject(error)));
    sent.end(body);
  });
}

describe("the webhook endpoint reads no more than GitHub sends", () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ files: FIXTURE_FILES });
  });
  afterAll(async () => {
    await harness.close();
  });

  it("refuses a body longer than GitHub's 25 MB cap, unread and before any signature check", async () => {
    const status = await post(harness.app.url, { "content-type": "application/json", "content-length": String(30 * 1024 * 1024), "x-github-event": "issues", "x-github-delivery": "big-1" }, "{}");
    expect([413, -1]).toContain(status);
  });

  it("refuses a body that does not say its length, signed or not, at any spelling of the endpoint's path", async () => {
    const headers = { "content-type": "application/json", "transfer-encoding": "chunked", "x-github-event": "issues", "x-github-delivery": "chunked-1", "x-hub-signature-256": `sha256=${"0".repeat(64)}` };
    for (const path of ["/api/github/webhooks", "/api/github/webhooks/", "/api/github/webhooks?x=1"]) {
      expect(await post(harness.app.url, headers, "{}", path), path).toBe(411);
    }
  });

  it("still takes GitHub's own deliveries, and still refuses a wrong signature", async () => {
    const body = JSON.stringify({ action: "opened" });
    expect(await post(harness.app.url, { "content-type": "application/json", "content-length": String(Buffer.byteLength(body)), "x-github-event": "issues", "x-github-delivery": "unsigned-1", "x-hub-signature-256": "sha256=00" }, body)).toBe(400);
    const issue = await harness.startMission();
    expect(issue).toBeGreaterThan(0);
    expect(harness.github.deliveries().at(-1)?.result?.status).toBe(200);
  });
});

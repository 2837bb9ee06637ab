import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { NormalizedRequest, Reply } from "../fakes/models/index.ts";
import { gate } from "../e2e/gate.ts";
import { FIXTURE_FILES, GREETING_FILES, GREETING_PLAN, missionResponder } from "../e2e/mission-script.ts";
import { MAINTAINER, OWNER, REPO, startHarness, type Harness } from "../e2e/harness.ts";

const TOKEN = "operator-token-0123456789abcdef";
const ARTIFACTS = join(import.meta.dirname, "..", "..", "test-artifacts");

describe("the dashboard in a real browser", () => {
  let harness: Harness;
  let browser: Browser;
  const f2 = gate();
  beforeAll(async () => {
    harness = await startHarness({ files: FIXTURE_FILES, env: { MISSIONS_DASHBOARD_TOKEN: TOKEN } });
    browser = await chromium.launch({
      executablePath: "/usr/bin/chromium",
      headless: true,
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-dev-shm-usage"],
    });
  });
  afterAll(async () => {
    f2.open();
    await browser?.close();
    await harness?.close();
  });

  it("lists the mission, shows features, assertions and the burn chart, and updates live as a step finishes", async () => {
    const responder = missionResponder({ plans: [GREETING_PLAN], files: GREETING_FILES });
    harness.models.script(async (request: NormalizedRequest): Promise<Reply> => {
      const first = request.messages[0];
      if (first?.role === "user" && first.text.includes("# Feature F2:") && request.tools.some((tool) => tool.name === "submit_handoff") && request.messages.length === 1) {
        f2.reached();
        await f2.opened;
      }
      return responder(request);
    });
    const issue = await harness.startMission("Add greetings");
    // Approve, and let the mission run until the second feature's worker is in flight.
    await harness.github.comment({ owner: OWNER, repo: REPO, issue, user: MAINTAINER, body: "/mission approve" });
    await f2.arrived;
    const mission = (await harness.app.store.listMissions())[0]!;

    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();

    // Without credentials: 401, and nothing about the mission.
    for (const path of ["/missions", `/missions/${mission.id}`]) {
      const denied = await page.goto(`${harness.app.url}${path}`);
      expect(denied!.status()).toBe(401);
      const text = await page.locator("body").innerText();
      expect(text).toContain("Sign in");
      expect(text).not.toContain("greetings");
      expect(await page.content()).not.toContain(mission.id);
    }

    // A wrong token first: refused, and the form still knows the page asked for.
    await page.getByLabel("Operator token").fill("not-the-token");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(`${harness.app.url}/missions/login`);
    expect(await page.getByRole("alert").innerText()).toBe("That token is not right.");
    expect(await page.content()).not.toContain("greetings");
    // Then the operator token: back on the page asked for (not the list); the list shows the mission.
    await page.getByLabel("Operator token").fill(TOKEN);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(`${harness.app.url}/missions/${mission.id}`);
    expect(await page.locator("h1").first().innerText()).toContain("#1 Add greetings");
    await page.goto(`${harness.app.url}/missions`);
    const row = page.locator(`tr[data-mission="${mission.id}"]`);
    await expect.poll(() => row.innerText(), { timeout: 30_000 }).toContain(`${OWNER}/${REPO}`);
    expect(await row.innerText()).toContain("#1 Add greetings");
    expect(await row.innerText()).toContain("running");

    // The detail page: features with handoffs, assertions, the burn chart against the cap.
    await row.getByRole("link").click();
    await page.waitForURL(`${harness.app.url}/missions/${mission.id}`);
    const feature = (id: string) => page.locator(`tr[data-feature="${id}"]`);
    expect(await feature("F1").innerText()).toContain("Implemented F1: wrote greeting.txt.");
    expect(await feature("F1").locator(".status").innerText()).toBe("done");
    expect(await feature("F2").locator(".status").innerText()).toBe("in progress");
    expect(await page.locator('tr[data-assertion="VAL-GREET-001"] [data-verdict]').innerText()).toBe("pending");
    const burn = page.locator('svg[data-chart="budget-burn"]');
    expect(await burn.getAttribute("aria-label")).toMatch(/^Budget burn: \$\d+\.\d\d spent of \$20\.00$/);
    expect(await burn.locator("polyline.spend").count()).toBe(1);
    // The axis is scaled to the spend: the $20 cap, far above it, is a labelled marker.
    expect(await burn.locator(".cap-label").textContent()).toContain("budget cap $20.00");
    expect(await page.locator('svg[data-chart="tokens"] polyline').count()).toBe(3);
    expect(await page.locator("ol.timeline").innerText()).toContain("handoff of F1 (done)");

    // The second worker finishes: the page follows without a reload.
    // Page scripts are strings: the tests are typed for Node, not the DOM.
    await page.evaluate("window.notReloaded = true");
    f2.open();
    await expect.poll(() => feature("F2").locator(".status").innerText(), { timeout: 30_000 }).toBe("done");
    await expect.poll(() => page.locator("[data-status]").innerText(), { timeout: 30_000 }).toBe("done");
    expect(await page.locator('tr[data-assertion="VAL-GREET-002"] [data-verdict]').innerText()).toBe("pass");
    expect(await feature("F2").innerText()).toContain("Implemented F2: wrote farewell.txt.");
    expect(await page.evaluate("window.notReloaded")).toBe(true);
    await harness.settle();

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, "dashboard-mission.png"), fullPage: true });

    // On a phone: nothing wider than the screen (tables scroll inside their box).
    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload();
    expect(await page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")).toBe(true);
    await page.screenshot({ path: join(ARTIFACTS, "dashboard-mission-phone.png"), fullPage: true });
    await context.close();
  }, 180_000);
});

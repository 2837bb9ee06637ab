import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { NormalizedRequest, Reply } from "../fakes/models/index.ts";
import { gate } from "../e2e/gate.ts";
import { FIXTURE_FILES, GREETING_FILES, GREETING_PLAN, missionResponder } from "../e2e/mission-script.ts";
import { MAINTAINER, OWNER, REPO, startHarness, type Harness } from "../e2e/harness.ts";

const TOKEN = "operator-token-0123456789abcdef";
const ARTIFACTS = join(import.meta.dirname, "..", "..", "test-artifacts");
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };
const SOON = { timeout: 30_000, interval: 200 };

/** What a supervisor must read in seconds: what runs now, who must act and how, on a desktop and a phone. */
describe("the dashboard for a supervisor, in a real browser", () => {
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
    mkdirSync(ARTIFACTS, { recursive: true });
  });
  afterAll(async () => {
    f2.open();
    await browser?.close();
    await harness?.close();
  });

  const missionOn = async (issue: number) => (await harness.app.store.listMissions()).find((mission) => mission.issue.number === issue)!;
  const signIn = async (page: Page, path: string) => {
    await page.goto(`${harness.app.url}${path}`);
    await page.getByLabel("Operator token").fill(TOKEN);
    await page.getByRole("button", { name: "Sign in" }).click();
    // Back on the page asked for, not on the list.
    await page.waitForURL(`${harness.app.url}${path}`);
  };
  const rowOrder = (page: Page) => page.locator("tr[data-mission]").evaluateAll((rows) => rows.map((row) => row.getAttribute("data-mission")));

  it("shows who must act and how, what runs now, orders the list by need and keeps it live, and fits a phone", async () => {
    const responder = missionResponder({ plans: [GREETING_PLAN], files: GREETING_FILES });
    let gatedOnce = false;
    harness.models.script(async (request: NormalizedRequest): Promise<Reply> => {
      const first = request.messages[0];
      if (!gatedOnce && first?.role === "user" && first.text.includes("# Feature F2:") && request.tools.some((tool) => tool.name === "submit_handoff") && request.messages.length === 1) {
        gatedOnce = true;
        f2.reached();
        await f2.opened;
      }
      return responder(request);
    });
    const first = await harness.startMission("Add greetings");
    const second = await harness.startMission("Add more greetings");
    const a = await missionOn(first);
    const b = await missionOn(second);
    expect([a.status, b.status]).toEqual(["awaiting-approval", "awaiting-approval"]);

    const context = await browser.newContext({ viewport: DESKTOP });
    const page = await context.newPage();

    // Awaiting approval: the call-out says the exact command, who may give it, and links the contract.
    await signIn(page, `/missions/${b.id}`);
    const now = page.locator("[data-now]");
    expect(await now.getAttribute("data-now")).toBe("people");
    const callout = await now.innerText();
    expect(callout).toMatch(/^needs you\n/i);
    expect(callout).toMatch(/waiting (a moment|\d+ s|\d+ min) \(since \d\d:\d\d UTC\)/);
    expect(callout).toContain("Contract v1 waits for approval");
    expect(callout).toContain("/mission approve");
    expect(callout).toContain("Who can act: a maintainer with write access to the repository");
    const contract = b.contracts.at(-1)!;
    expect(contract.commentId).toBeDefined();
    expect(await now.locator("[data-contract-link]").getAttribute("href")).toMatch(new RegExp(`/${OWNER}/${REPO}/issues/${second}#issuecomment-${contract.commentId}$`));
    await page.screenshot({ path: join(ARTIFACTS, "dashboard-awaiting-approval.png"), fullPage: true });

    // The list, live: the first mission is approved and starts; the one that still needs people stays on top.
    await page.goto(`${harness.app.url}/missions`);
    await page.evaluate("window.notReloaded = true");
    await harness.github.comment({ owner: OWNER, repo: REPO, issue: first, user: MAINTAINER, body: "/mission approve" });
    await f2.arrived;
    const rowA = page.locator(`tr[data-mission="${a.id}"]`);
    const rowB = page.locator(`tr[data-mission="${b.id}"]`);
    await expect.poll(() => rowA.locator(".status").innerText(), SOON).toBe("running");
    await expect.poll(() => rowA.locator(".now-cell").innerText(), SOON).toContain("Worker on F2");
    expect(await page.evaluate("window.notReloaded")).toBe(true);
    // Updated later, but not waiting on anyone: after the mission that is.
    expect(await rowOrder(page)).toEqual([b.id, a.id]);
    expect(await rowB.locator(".now-cell").innerText()).toContain("Needs you");
    // Who can act, and how, read from the list.
    expect(await rowB.locator("[data-who]").innerText()).toBe("a maintainer with write access: /mission approve after reading contract v1");
    expect(await rowA.locator("[data-who]").count()).toBe(0);
    // Distinct pills: waiting for approval is not the colour of running.
    const colour = (selector: string) => page.evaluate(`getComputedStyle(document.querySelector(${JSON.stringify(selector)})).backgroundColor`);
    expect(await colour("tr .status-awaiting-approval")).not.toBe(await colour("tr .status-running"));
    await page.screenshot({ path: join(ARTIFACTS, "dashboard-list.png"), fullPage: true });

    // Mid-run: the worker's feature is in progress, and the Now banner says who works on what, since when.
    await page.goto(`${harness.app.url}/missions/${a.id}`);
    const feature = (id: string) => page.locator(`tr[data-feature="${id}"]`);
    expect(await feature("F1").locator(".status").innerText()).toBe("done");
    expect(await feature("F2").locator(".status").innerText()).toBe("in progress");
    expect(await page.locator("[data-now]").getAttribute("data-now")).toBe("active");
    const banner = await page.locator("[data-now]").innerText();
    expect(banner).toMatch(/^now\n/i);
    expect(banner).toContain("Worker on F2 Add the farewell file (milestone M1)");
    expect(banner).toMatch(/for (\d+ s|a moment|\d+ min) \(since \d\d:\d\d UTC\)/);
    // Times are UTC and say so; steps are named for people.
    expect(await page.locator("header").innerText()).toContain("UTC");
    const timeline = await page.locator("ol.timeline").innerText();
    expect(timeline).toContain("posting the control comment");
    expect(timeline).not.toMatch(/\bpost-control\b|\bchoose-branch\b/);
    // A run this short has no rate yet (the rate and projection are checked in render-pages.test.ts).
    expect(await page.locator("[data-burn-rate]").innerText()).toMatch(/^\$0\.\d\d spent in the first minute\.$|^Burn rate \$\d+\.\d\d\/h; at this rate the cap of \$20\.00 is reached in /);
    expect(await page.locator("[data-spend-by-role] tr[data-role]").count()).toBeGreaterThanOrEqual(2);
    await page.screenshot({ path: join(ARTIFACTS, "dashboard-mission-running.png"), fullPage: true });

    // On a phone: nothing wider than the screen; status, Now, progress and spend on the first screen.
    await page.setViewportSize(PHONE);
    await page.reload();
    expect(await page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")).toBe(true);
    for (const selector of ["[data-status]", "[data-now]", '[data-card="features"]', '[data-card="spent"]']) {
      const box = await page.locator(selector).boundingBox();
      expect(box, selector).not.toBeNull();
      expect(box!.y + box!.height, selector).toBeLessThanOrEqual(PHONE.height);
    }
    // Tables are stacked cards: no header row, each cell labelled.
    expect(await page.locator("table.stack thead").first().isVisible()).toBe(false);
    // Assertion ids do not wrap mid-id.
    const id = `document.querySelector('tr[data-assertion="VAL-GREET-001"] code.id')`;
    const { height, lineHeight } = (await page.evaluate(`({ height: ${id}.getBoundingClientRect().height, lineHeight: parseFloat(getComputedStyle(${id}).lineHeight) || 20 })`)) as { height: number; lineHeight: number };
    expect(height).toBeLessThan(lineHeight * 1.6);
    await page.screenshot({ path: join(ARTIFACTS, "dashboard-mission-phone.png"), fullPage: true });
    await page.goto(`${harness.app.url}/missions`);
    expect(await page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")).toBe(true);
    await page.screenshot({ path: join(ARTIFACTS, "dashboard-list-phone.png"), fullPage: true });

    // Paused by a person: the page shows the fix, not only the reason.
    await page.setViewportSize(DESKTOP);
    await page.goto(`${harness.app.url}/missions/${a.id}`);
    await page.evaluate("window.notReloaded = true");
    await harness.github.comment({ owner: OWNER, repo: REPO, issue: first, user: MAINTAINER, body: "/mission pause" });
    f2.open();
    await expect.poll(() => page.locator("[data-status]").innerText(), SOON).toBe("paused");
    const paused = await page.locator("[data-now]").innerText();
    expect(paused).toContain(`Paused: paused by @${MAINTAINER}`);
    expect(paused).toContain("/mission resume");
    expect(await page.evaluate("window.notReloaded")).toBe(true);
    await page.screenshot({ path: join(ARTIFACTS, "dashboard-mission-paused.png"), fullPage: true });
    await harness.settle();
    await context.close();
  }, 240_000);
});

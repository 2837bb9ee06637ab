import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { NormalizedRequest, Reply } from "../fakes/models/index.ts";
import { missionResponder } from "../e2e/mission-script.ts";
import { appConfig, BUGGY, FIXED, FORM_PLAN, qa } from "../e2e/user-testing-script.ts";
import { MAINTAINER, OWNER, REPO, startHarness, type Harness } from "../e2e/harness.ts";

const TOKEN = "operator-token-0123456789abcdef";
/** Where the operator says people reach the dashboard: the check runs' links start with it. */
const PUBLIC_URL = "http://dashboard.example.test";
const ARTIFACTS = join(import.meta.dirname, "..", "..", "test-artifacts");

/** A QA session as `qa` drives it, whose verdict names the screenshot it took, as a model reading the tool's answer does. */
function citingQa(request: NormalizedRequest): Reply {
  const reply = qa(request);
  const call = "toolCalls" in reply ? reply.toolCalls?.[0] : undefined;
  if (call?.name !== "submit_verdicts") return reply;
  const { verdicts } = call.arguments as { verdicts: Array<{ observed: string }> };
  return { toolCalls: [{ ...call, arguments: { verdicts: verdicts.map((verdict) => ({ ...verdict, observed: `${verdict.observed} (see \`screenshot-01.png\`)` })) } }] };
}

describe("user-testing screenshots on the dashboard", () => {
  let harness: Harness;
  let browser: Browser;
  beforeAll(async () => {
    harness = await startHarness({ files: { "README.md": "# Greeter\n", ".github/missions.yml": await appConfig() }, env: { MISSIONS_DASHBOARD_TOKEN: TOKEN, MISSIONS_PUBLIC_URL: PUBLIC_URL } });
    browser = await chromium.launch({
      executablePath: "/usr/bin/chromium",
      headless: true,
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-dev-shm-usage"],
    });
    mkdirSync(ARTIFACTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await harness?.close();
  });

  it("shows the screenshot a verdict cites beside it, to signed-in readers only", async () => {
    harness.models.script(missionResponder({ plans: [FORM_PLAN], files: { F1: { "server.js": BUGGY }, F2: { "server.js": FIXED } }, userTest: citingQa }));
    const issue = await harness.startMission();
    await harness.say(issue);
    const [mission] = await harness.app.store.listMissions();
    expect(mission!.status).toBe("done");
    expect(mission!.assertions["VAL-FORM-002"]!.evidence).toContain("screenshot-01.png");

    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${harness.app.url}/missions/${mission!.id}`);
    await page.getByLabel("Operator token").fill(TOKEN);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(`${harness.app.url}/missions/${mission!.id}`);

    const row = page.locator('tr[data-assertion="VAL-FORM-002"]');
    expect(await row.locator("[data-verdict]").innerText()).toBe("pass");
    const image = row.locator("figure[data-screenshot] img");
    expect(await image.count()).toBe(1);
    const src = (await image.getAttribute("src"))!;
    expect(src).toMatch(new RegExp(`^/missions/${mission!.id}/evidence/M1-[0-9a-f]{12}/screenshot-01\\.png$`));
    // The browser loaded it (through the session) once a person scrolls to it (it loads lazily): a real PNG with pixels.
    await image.scrollIntoViewIfNeeded();
    await expect.poll(() => page.evaluate(`document.querySelector('tr[data-assertion="VAL-FORM-002"] figure[data-screenshot] img').naturalWidth`), { timeout: 10_000 }).toBeGreaterThan(0);
    // Evidence keeps its formatting: the code span is code, not backticks.
    expect(await row.locator(".evidence code").first().innerText()).toBe("screenshot-01.png");
    expect(await row.locator(".evidence").innerText()).not.toContain("`");
    // The scrutiny assertion, whose evidence cites none, shows none.
    expect(await page.locator('tr[data-assertion="VAL-FORM-001"] figure[data-screenshot]').count()).toBe(0);
    await page.screenshot({ path: join(ARTIFACTS, "dashboard-mission-screenshots.png"), fullPage: true });

    // Without a session: no image, nothing about it; a path outside the evidence folder is not served.
    const anonymous = await fetch(`${harness.app.url}${src}`);
    expect(anonymous.status).toBe(401);
    const signedIn = await fetch(`${harness.app.url}${src}`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(signedIn.status).toBe(200);
    expect(signedIn.headers.get("content-type")).toBe("image/png");
    expect(Buffer.from(await signedIn.arrayBuffer()).subarray(1, 4).toString()).toBe("PNG");
    for (const bad of [src.replace("screenshot-01.png", "..%2F..%2Fmissions.db"), src.replace(/M1-[0-9a-f]{12}/, ".."), `${src}.txt`]) {
      expect((await fetch(`${harness.app.url}${bad}`, { headers: { authorization: `Bearer ${TOKEN}` } })).status, bad).toBe(404);
    }
    await context.close();

    // The pull request's user-testing check run links the screenshot and the verdict it sits beside, on the dashboard.
    const passed = harness.github.checkRuns(OWNER, REPO).find((check) => check.name === "Mission user testing · Greeting form" && check.conclusion === "success")!;
    const summary = passed.output.summary ?? "";
    const missionPage = `${PUBLIC_URL}/missions/${mission!.id}`;
    expect(summary).toContain(`### Screenshots\n\nOn [the mission's page](${missionPage}) of the dashboard, beside their verdicts (sign-in required):`);
    expect(summary).toContain(`- [\`VAL-FORM-002\`](${missionPage}#assertion-VAL-FORM-002): [screenshot-01.png](${PUBLIC_URL}${src})`);
    // A person following either link from GitHub signs in and lands where it points.
    const reader = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const tab = await reader.newPage();
    const shotPage = await tab.goto(`${harness.app.url}${src}`);
    expect(shotPage!.status()).toBe(401);
    await tab.getByLabel("Operator token").fill(TOKEN);
    await tab.getByRole("button", { name: "Sign in" }).click();
    await tab.waitForURL(`${harness.app.url}${src}`);
    expect(await tab.evaluate("document.images[0]?.naturalWidth")).toBeGreaterThan(0);
    await reader.clearCookies();
    await tab.goto(`${harness.app.url}/missions/${mission!.id}#assertion-VAL-FORM-002`);
    await tab.getByLabel("Operator token").fill(TOKEN);
    await tab.getByRole("button", { name: "Sign in" }).click();
    await tab.waitForURL(`${harness.app.url}/missions/${mission!.id}#assertion-VAL-FORM-002`);
    expect(await tab.locator("#assertion-VAL-FORM-002 [data-verdict]").innerText()).toBe("pass");
    await reader.close();
  }, 480_000);

  it("links in a re-run's check run only the screenshots that run took, as the store holds them, not an earlier run's on the same commit", async () => {
    await harness.close();
    harness = await startHarness({
      files: { "README.md": "# Greeter\n", ".github/missions.yml": `${await appConfig()}remediation:\n  rounds: 0\n` },
      env: { MISSIONS_DASHBOARD_TOKEN: TOKEN, MISSIONS_PUBLIC_URL: PUBLIC_URL },
    });
    // The first session takes two screenshots, the re-run one.
    let sessions = 0;
    const shooting = (request: NormalizedRequest): Reply => {
      const turn = request.messages.filter((message) => message.role === "assistant").length;
      if (turn === 0) sessions++;
      const shots = sessions === 1 ? 2 : 1;
      if (turn >= 3 && turn < 3 + shots) return { toolCalls: [{ name: "browser_screenshot", arguments: {} }] };
      return qa(request);
    };
    harness.models.script(missionResponder({ plans: [FORM_PLAN], files: { F1: { "server.js": BUGGY } }, userTest: shooting }));
    const issue = await harness.startMission();
    await harness.say(issue);
    const [blocked] = await harness.app.store.listMissions();
    expect(blocked!.status).toBe("blocked");
    const userTestingRuns = () => harness.github.checkRuns(OWNER, REPO).filter((check) => check.name === "Mission user testing · Greeting form");
    const [first] = userTestingRuns();
    const folder = /\/evidence\/(M1-[0-9a-f]{12})\//.exec(first!.output.summary ?? "")?.[1];
    expect(folder).toBeDefined();
    expect(first!.output.summary).toContain("screenshot-02.png");
    expect(await harness.app.store.listEvidence(blocked!.id, folder!)).toEqual(["screenshot-01.png", "screenshot-02.png"]);

    // Validated again on the same commit: the check run and the store hold only the new session's screenshot.
    await harness.github.pressCheckRunButton({ owner: OWNER, repo: REPO, checkRunId: first!.id, identifier: "revalidate:M1", user: MAINTAINER });
    await harness.settle();
    expect(sessions).toBe(2);
    const again = userTestingRuns().at(-1)!;
    expect(again.id).not.toBe(first!.id);
    expect(again.head_sha).toBe(first!.head_sha);
    const summary = again.output.summary ?? "";
    expect(summary).toContain(`[screenshot-01.png](${PUBLIC_URL}/missions/${blocked!.id}/evidence/${folder}/screenshot-01.png)`);
    expect(summary).not.toContain("screenshot-02.png");
    expect(await harness.app.store.listEvidence(blocked!.id, folder!)).toEqual(["screenshot-01.png"]);
    // And the dashboard no longer serves the earlier run's second screenshot.
    const gone = await fetch(`${harness.app.url}/missions/${blocked!.id}/evidence/${folder}/screenshot-02.png`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(gone.status).toBe(404);
  }, 480_000);
});

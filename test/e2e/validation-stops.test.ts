import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { NormalizedRequest, Reply } from "../fakes/models/index.ts";
import { missionResponder } from "./mission-script.ts";
import { appConfig, BUGGY, FORM_PLAN, isUserTesting, qa, text } from "./user-testing-script.ts";
import { OWNER, REPO, startHarness, type Harness } from "./harness.ts";

/** Output tokens are the only thing priced: $10 a million. */
const PRICES = { "anthropic/claude-sonnet-5-5": { input: 0, output: 10, cacheRead: 0, cacheWrite: 0, cacheWriteLong: 0 } };
const USD_PER_TOKEN = 10 / 1_000_000;
const isScrutiny = (request: NormalizedRequest) => request.tools.some((tool) => tool.name === "submit_verdicts") && text(request.messages[0]).includes("## Assertions to judge");

describe("a mission stopped during validation", () => {
  let harness: Harness;
  afterEach(async () => {
    await harness.close();
  });

  it("leaves no check run in progress when the budget pauses it, says why and how it goes on, and records the validators on the timeline", async () => {
    harness = await startHarness({
      files: { "README.md": "# Greeter\n", ".github/missions.yml": await appConfig() },
      env: { MISSIONS_BUDGET_USD: "1", MISSIONS_PRICES: JSON.stringify(PRICES), MISSIONS_PUBLIC_URL: "https://missions.example.test" },
    });
    const normal = missionResponder({ plans: [FORM_PLAN], files: { F1: { "server.js": BUGGY } }, userTest: qa });
    harness.models.script((request): Reply => {
      // The QA agent takes its time; scrutiny's first answer spends nearly all that is left, so its next call is refused.
      if (isUserTesting(request)) return { ...normal(request), delayMs: 1_500 };
      if (isScrutiny(request) && request.messages.length === 1) {
        const spent = harness.models.calls.reduce((sum, call) => sum + call.usage.outputTokens, 0) * USD_PER_TOKEN;
        return { toolCalls: [{ name: "read_file", arguments: { path: "server.js" } }], usage: { outputTokens: Math.round((0.97 - spent) / USD_PER_TOKEN) } };
      }
      return normal(request);
    });
    const issue = await harness.startMission();
    await harness.say(issue);

    const [paused] = await harness.app.store.listMissions();
    expect(paused).toMatchObject({ status: "paused", pauseCause: "budget" });
    const checks = harness.github.checkRuns(OWNER, REPO);
    expect(checks.filter((check) => check.status !== "completed")).toEqual([]);
    expect(checks.map((check) => check.name).sort()).toEqual(["Mission scrutiny · Greeting form", "Mission user testing · Greeting form"]);
    for (const check of checks) {
      expect(check.status).toBe("completed");
      expect(check.conclusion).toBe("cancelled");
      expect(check.output.summary).toContain("The mission is paused: budget reached");
      expect(check.output.summary).toContain("`/mission budget <usd>`");
      expect(check.output.summary).not.toMatch(/\.\./);
      expect(check.details_url).toBe(`https://missions.example.test/missions/${paused!.id}`);
    }

    const events = await harness.app.store.events(paused!.id);
    const validators = events.filter((event) => event.kind === "validator-start" || event.kind === "validator-end");
    expect(validators.filter((event) => event.kind === "validator-start").map((event) => event.data.validator).sort()).toEqual(["reviewer", "scrutiny", "user-testing"]);
    expect(validators.find((event) => event.kind === "validator-end" && event.data.validator === "scrutiny")?.data).toMatchObject({ milestone: "M1", outcome: "stopped" });
    const stop = events.find((event) => event.kind === "validation-stop");
    expect(stop?.data).toMatchObject({ milestone: "M1", status: "paused", reason: expect.stringContaining("budget reached"), checkRuns: expect.arrayContaining(checks.map((check) => check.id)) });
  }, 240_000);

  it("cancels the user-testing check run, too, when the browser fails to launch after the app started and the mission pauses for the operator", async () => {
    // A browser the host has (it is executable) but that cannot start.
    const bin = await mkdtemp(join(tmpdir(), "broken-chromium-"));
    const chromium = join(bin, "chromium");
    await writeFile(chromium, "#!/bin/sh\necho 'cannot open display' >&2\nexit 1\n");
    await chmod(chromium, 0o755);
    try {
      harness = await startHarness({
        files: { "README.md": "# Greeter\n", ".github/missions.yml": await appConfig() },
        env: { MISSIONS_CHROMIUM: chromium, MISSIONS_PUBLIC_URL: "https://missions.example.test" },
      });
      harness.models.script(missionResponder({ plans: [FORM_PLAN], files: { F1: { "server.js": BUGGY } }, userTest: qa }));
      const issue = await harness.startMission();
      await harness.say(issue);
      const [paused] = await harness.app.store.listMissions();
      expect(paused).toMatchObject({ status: "paused", pauseCause: "host" });
      const checks = harness.github.checkRuns(OWNER, REPO);
      // The issue's report: "Starting the app and a browser…", in progress for good.
      expect(checks.filter((check) => check.status !== "completed").map((check) => check.output.summary)).toEqual([]);
      expect(checks.map((check) => check.name).sort()).toEqual(["Mission scrutiny · Greeting form", "Mission user testing · Greeting form"]);
      for (const check of checks) {
        expect([check.name, check.status, check.conclusion]).toEqual([check.name, "completed", "cancelled"]);
        expect(check.output.summary).toContain("The mission is paused");
        expect(check.output.summary).toContain("`/mission resume`");
        // The button that does the same, for a person with write access.
        expect(check.actions).toEqual([expect.objectContaining({ label: "Resume", identifier: "resume" })]);
      }
      const events = await harness.app.store.events(paused!.id);
      expect(events.find((event) => event.kind === "validator-end" && event.data.validator === "user-testing")?.data).toMatchObject({ outcome: "stopped" });
      expect(events.find((event) => event.kind === "validation-stop")?.data).toMatchObject({ milestone: "M1", status: "paused" });
    } finally {
      await rm(bin, { recursive: true, force: true });
    }
  }, 240_000);
});

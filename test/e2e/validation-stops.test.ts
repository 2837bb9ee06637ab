import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { NormalizedRequest, Reply } from "../fakes/models/index.ts";
import { missionResponder } from "./mission-script.ts";
import { appConfig, BUGGY, FORM_PLAN, isUserTesting, qa, text } from "./user-testing-script.ts";
import { gate } from "./gate.ts";
import { MAINTAINER, OWNER, REPO, startHarness, type Harness } from "./harness.ts";

/** Output tokens are the only thing priced: $10 a million. */
const PRICES = { "anthropic/claude-sonnet-5-5": { input: 0, output: 10, cacheRead: 0, cacheWrite: 0, cacheWriteLong: 0 } };
const USD_PER_TOKEN = 10 / 1_000_000;
const isScrutiny = (request: NormalizedRequest) => request.tools.some((tool) => tool.name === "submit_verdicts") && text(request.messages[0]).includes("## Assertions to judge");

describe("a mission stopped during validation", () => {
  let harness: Harness;
  afterEach(async () => {
    await harness.close();
  });

  /**
   * An approved mission whose validation runs, with the QA agent held in its second call (it has opened
   * the page) at `midSession`: a person's command comes while both check runs are in progress.
   */
  async function validatingWithTheQaAgentHeld() {
    harness = await startHarness({
      files: { "README.md": "# Greeter\n", ".github/missions.yml": await appConfig() },
      env: { MISSIONS_PUBLIC_URL: "https://missions.example.test" },
    });
    const normal = missionResponder({ plans: [FORM_PLAN], files: { F1: { "server.js": BUGGY } }, userTest: qa });
    const midSession = gate();
    let gated = false;
    harness.models.script(async (request): Promise<Reply> => {
      if (!gated && isUserTesting(request) && request.messages.filter((message) => message.role === "assistant").length === 1) {
        gated = true;
        midSession.reached();
        await midSession.opened;
      }
      return normal(request);
    });
    const issue = await harness.startMission();
    await harness.github.comment({ owner: OWNER, repo: REPO, issue, user: MAINTAINER, body: "/mission approve" });
    await midSession.arrived;
    return { issue, midSession };
  }

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

  it("stops the validation in flight when a person pauses, cancels every open check run saying who and how it goes on, and validates again on resume", async () => {
    const { issue, midSession } = await validatingWithTheQaAgentHeld();
    const open = harness.github.checkRuns(OWNER, REPO);
    expect(open.map((check) => [check.name, check.status]).sort()).toEqual([
      ["Mission scrutiny · Greeting form", "in_progress"],
      ["Mission user testing · Greeting form", "in_progress"],
    ]);
    await harness.github.comment({ owner: OWNER, repo: REPO, issue, user: MAINTAINER, body: "/mission pause" });
    // The webhook is answered before its command is recorded (the intake drains deliveries after the
    // acknowledgement): the QA agent goes on only once the pause waits in the store, or its next call could come first.
    const [validating] = await harness.app.store.listMissions();
    await vi.waitFor(async () => expect((await harness.app.store.pendingIntents(validating!.id)).map((intent) => intent.verb)).toContain("pause"), { timeout: 30_000, interval: 50 });
    midSession.open();
    await harness.settle();

    const [paused] = await harness.app.store.listMissions();
    expect(paused).toMatchObject({ status: "paused", pauseCause: "person", reason: `paused by @${MAINTAINER}` });
    // The QA agent stopped at its next call: the session the pause cut was not played to its end (five calls).
    const qaCalls = harness.models.calls.filter((call) => isUserTesting(call.request));
    expect(qaCalls).toHaveLength(2);
    const checks = harness.github.checkRuns(OWNER, REPO);
    expect(checks.map((check) => check.id).sort()).toEqual(open.map((check) => check.id).sort());
    for (const check of checks) {
      expect([check.name, check.status, check.conclusion]).toEqual([check.name, "completed", "cancelled"]);
      // GitHub would notify the person a check run names: the port defuses the mention (a word joiner after the @).
      expect((check.output.summary ?? "").replaceAll("\u2060", "")).toContain(`Validation stopped before it finished: @${MAINTAINER} commented \`/mission pause\`.`);
      expect(check.output.summary).toContain("`/mission resume`");
      expect(check.actions).toEqual([expect.objectContaining({ label: "Resume", identifier: "resume" })]);
      expect(check.details_url).toBe(`https://missions.example.test/missions/${paused!.id}`);
    }
    expect(paused!.milestones.M1?.openChecks).toBeUndefined();

    // The timeline: the validator stopped, the command, the validation's stop with its check runs, the pause.
    const events = await harness.app.store.events(paused!.id);
    expect(events.find((event) => event.kind === "validator-end" && event.data.validator === "user-testing")?.data).toMatchObject({ outcome: "stopped", message: `@${MAINTAINER} commented \`/mission pause\`` });
    const stop = events.find((event) => event.kind === "validation-stop");
    expect(stop?.data).toMatchObject({ milestone: "M1", status: "paused", reason: `paused by @${MAINTAINER}`, checkRuns: expect.arrayContaining(checks.map((check) => check.id)) });
    expect(events.findIndex((event) => event.kind === "intent-apply" && event.data.verb === "pause")).toBeLessThan(events.indexOf(stop!));
    // Not a failure of the step: nothing to retry, no failure counted.
    expect(events.filter((event) => event.kind === "step-fail")).toEqual([]);
    expect(paused!.stepFailures).toBe(0);

    // Resumed: the validation runs again and ends; no check run is left in progress.
    await harness.github.comment({ owner: OWNER, repo: REPO, issue, user: MAINTAINER, body: "/mission resume" });
    await harness.settle();
    const [after] = await harness.app.store.listMissions();
    expect(after!.status).not.toBe("paused");
    expect(harness.github.checkRuns(OWNER, REPO).filter((check) => check.status !== "completed")).toEqual([]);
    const lastEnd = (await harness.app.store.events(after!.id)).findLast((event) => event.kind === "validator-end" && event.data.validator === "user-testing");
    expect(lastEnd?.data.outcome).toBe("ended");
  }, 240_000);

  it("cancels every open check run when a person aborts during validation, saying it does not run again and offering no button", async () => {
    const { issue, midSession } = await validatingWithTheQaAgentHeld();
    const open = harness.github.checkRuns(OWNER, REPO);
    expect(open.map((check) => check.status)).toEqual(["in_progress", "in_progress"]);
    await harness.github.comment({ owner: OWNER, repo: REPO, issue, user: MAINTAINER, body: "/mission abort" });
    const [validating] = await harness.app.store.listMissions();
    await vi.waitFor(async () => expect((await harness.app.store.pendingIntents(validating!.id)).map((intent) => intent.verb)).toContain("abort"), { timeout: 30_000, interval: 50 });
    midSession.open();
    await harness.settle();

    const [aborted] = await harness.app.store.listMissions();
    expect(aborted!.status).toBe("aborted");
    const checks = harness.github.checkRuns(OWNER, REPO);
    expect(checks.map((check) => check.id).sort()).toEqual(open.map((check) => check.id).sort());
    for (const check of checks) {
      expect([check.name, check.status, check.conclusion]).toEqual([check.name, "completed", "cancelled"]);
      const summary = (check.output.summary ?? "").replaceAll("\u2060", "");
      expect(summary).toContain(`Validation stopped before it finished: @${MAINTAINER} commented \`/mission abort\`.`);
      expect(summary).toContain("this validation does not run again");
      expect(check.actions ?? []).toEqual([]);
    }
    const stop = (await harness.app.store.events(aborted!.id)).find((event) => event.kind === "validation-stop");
    expect(stop?.data).toMatchObject({ milestone: "M1", status: "aborted", checkRuns: expect.arrayContaining(checks.map((check) => check.id)) });
  }, 240_000);
});

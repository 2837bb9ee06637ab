import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { FIXTURE_FILES, GREETING_FILES, GREETING_PLAN, missionResponder } from "./mission-script.ts";
import { appConfig, FIXED, FORM_PLAN, qa } from "./user-testing-script.ts";
import { MAINTAINER, OWNER, REPO, startHarness, type Harness } from "./harness.ts";

describe("buttons on the check runs", () => {
  let harness: Harness;
  let bin: string | undefined;
  afterEach(async () => {
    await harness.close();
    if (bin) await rm(bin, { recursive: true, force: true });
  });

  it("Resume on a paused mission's check run resumes it when a writer presses it, and does nothing for a reader", async () => {
    // The host has a browser that does not start: the mission pauses for the operator.
    bin = await mkdtemp(join(tmpdir(), "flaky-chromium-"));
    const chromium = join(bin, "chromium");
    await writeFile(chromium, "#!/bin/sh\necho 'cannot open display' >&2\nexit 1\n");
    await chmod(chromium, 0o755);
    harness = await startHarness({
      files: { "README.md": "# Greeter\n", ".github/missions.yml": await appConfig() },
      env: { MISSIONS_CHROMIUM: chromium, MISSIONS_PUBLIC_URL: "https://missions.example.test" },
    });
    harness.github.setPermission(OWNER, REPO, "mallory", "read");
    harness.models.script(missionResponder({ plans: [FORM_PLAN], files: { F1: { "server.js": FIXED } }, userTest: qa }));
    const issue = await harness.startMission();
    await harness.say(issue);
    const [paused] = await harness.app.store.listMissions();
    expect(paused).toMatchObject({ status: "paused", pauseCause: "host" });
    const userTesting = () => harness.github.checkRuns(OWNER, REPO).filter((check) => check.name === "Mission user testing · Greeting form");
    const [stopped] = userTesting();
    expect(stopped).toMatchObject({ status: "completed", conclusion: "cancelled", actions: [{ label: "Resume", description: "Resume the mission", identifier: "resume" }] });
    // The pull request links the mission's dashboard page.
    expect(harness.github.pulls(OWNER, REPO)[0]!.body).toContain(`[Mission dashboard](https://missions.example.test/missions/${paused!.id})`);
    const commentsBefore = harness.github.comments(OWNER, REPO, issue).length;

    // A reader's press: nothing happens, and nothing fails.
    const refused = await harness.github.pressCheckRunButton({ owner: OWNER, repo: REPO, checkRunId: stopped!.id, identifier: "resume", user: "mallory" });
    expect(refused.status).toBeLessThan(300);
    await harness.settle();
    expect((await harness.app.store.getMission(paused!.id))!.status).toBe("paused");
    expect(harness.github.comments(OWNER, REPO, issue)).toHaveLength(commentsBefore);
    expect((await harness.app.store.events(paused!.id)).filter((event) => event.kind === "intent-apply")).toHaveLength(1);

    // A writer's press: the mission resumes and validates again, on the same check run. The host's
    // browser is still broken, so it pauses again, and the check run offers Resume again.
    await harness.github.pressCheckRunButton({ owner: OWNER, repo: REPO, checkRunId: stopped!.id, identifier: "resume", user: MAINTAINER });
    await harness.settle();
    const events = await harness.app.store.events(paused!.id);
    const resumed = events.findIndex((event) => event.kind === "intent-apply" && event.data.verb === "resume");
    expect(events[resumed]?.data).toEqual({ verb: "resume", author: MAINTAINER });
    expect(events.slice(resumed).filter((event) => event.kind === "validator-start" && event.data.validator === "user-testing")).toHaveLength(1);
    expect(events.slice(resumed).filter((event) => event.kind === "validation-stop")).toHaveLength(1);
    expect(userTesting()).toEqual([expect.objectContaining({ id: stopped!.id, status: "completed", conclusion: "cancelled", actions: [expect.objectContaining({ identifier: "resume" })], details_url: `https://missions.example.test/missions/${paused!.id}` })]);
  }, 300_000);

  it("Re-run all on the mission's checks validates the milestone again for a writer, and does nothing for a reader", async () => {
    harness = await startHarness({ files: FIXTURE_FILES });
    harness.github.setPermission(OWNER, REPO, "mallory", "read");
    harness.models.script(missionResponder({ plans: [GREETING_PLAN], files: GREETING_FILES }));
    const issue = await harness.startMission();
    await harness.say(issue);
    const [first] = harness.github.checkRuns(OWNER, REPO);
    expect(first).toMatchObject({ conclusion: "success" });

    const refused = await harness.github.rerunAllChecks({ owner: OWNER, repo: REPO, headSha: first!.head_sha, user: "mallory" });
    expect(refused.status).toBeLessThan(300);
    await harness.settle();
    expect(harness.github.checkRuns(OWNER, REPO)).toHaveLength(1);

    await harness.github.rerunAllChecks({ owner: OWNER, repo: REPO, headSha: first!.head_sha, user: MAINTAINER });
    await harness.settle();
    const checks = harness.github.checkRuns(OWNER, REPO);
    expect(checks).toHaveLength(2);
    expect(checks[1]).toMatchObject({ name: first!.name, head_sha: first!.head_sha, conclusion: "success" });
    const [mission] = await harness.app.store.listMissions();
    expect(mission!.status).toBe("done");
    expect((await harness.app.store.events(mission!.id)).filter((event) => event.kind === "intent-apply").at(-1)?.data).toEqual({ verb: "revalidate", author: MAINTAINER });
  }, 300_000);

  it("Re-run validation on a blocked mission's failed check run validates again for a writer, and does nothing for a reader", async () => {
    harness = await startHarness({
      files: { ...FIXTURE_FILES, "test.sh": "#!/bin/sh\necho 'expected hello, got nothing' >&2\nexit 1\n", ".github/missions.yml": "commands:\n  test: sh test.sh\nremediation:\n  rounds: 0\n" },
    });
    harness.github.setPermission(OWNER, REPO, "mallory", "read");
    harness.models.script(missionResponder({ plans: [GREETING_PLAN], files: GREETING_FILES }));
    const issue = await harness.startMission();
    await harness.say(issue);
    const [blocked] = await harness.app.store.listMissions();
    expect(blocked!.status).toBe("blocked");
    const [failed] = harness.github.checkRuns(OWNER, REPO);
    // The issue's report: the button was never offered, as the check run completed while the mission still ran.
    expect(failed).toMatchObject({ status: "completed", conclusion: "failure", actions: [{ label: "Re-run validation", identifier: "revalidate:M1" }] });

    const refused = await harness.github.pressCheckRunButton({ owner: OWNER, repo: REPO, checkRunId: failed!.id, identifier: "revalidate:M1", user: "mallory" });
    expect(refused.status).toBeLessThan(300);
    await harness.settle();
    expect(harness.github.checkRuns(OWNER, REPO)).toHaveLength(1);
    expect((await harness.app.store.events(blocked!.id)).filter((event) => event.kind === "intent-apply")).toHaveLength(1);

    await harness.github.pressCheckRunButton({ owner: OWNER, repo: REPO, checkRunId: failed!.id, identifier: "revalidate:M1", user: MAINTAINER });
    await harness.settle();
    const events = await harness.app.store.events(blocked!.id);
    const pressed = events.findIndex((event) => event.kind === "intent-apply" && event.data.verb === "revalidate");
    expect(events[pressed]?.data).toEqual({ verb: "revalidate", author: MAINTAINER });
    expect(events.slice(pressed).filter((event) => event.kind === "validator-start" && event.data.validator === "scrutiny")).toHaveLength(1);
    const checks = harness.github.checkRuns(OWNER, REPO);
    expect(checks).toHaveLength(2);
    // Still failing: blocked again, and the new check run offers the button in its turn.
    expect(checks[1]).toMatchObject({ name: failed!.name, conclusion: "failure", actions: [{ identifier: "revalidate:M1" }] });
    expect((await harness.app.store.getMission(blocked!.id))!.status).toBe("blocked");
    // The first failed run's button went when the mission left `blocked`: pressing it would validate again, unasked.
    expect(checks[0]).toMatchObject({ id: failed!.id, conclusion: "failure", actions: [] });

    // The pull request closed: no button on any of the mission's check runs is left to press.
    const [pull] = harness.github.pulls(OWNER, REPO);
    await harness.github.closePull({ owner: OWNER, repo: REPO, number: pull!.number, user: MAINTAINER, merge: false });
    await harness.settle();
    expect(harness.github.checkRuns(OWNER, REPO).map((check) => check.actions)).toEqual([[], []]);
  }, 300_000);
});

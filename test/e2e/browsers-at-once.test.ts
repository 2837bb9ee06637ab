import { afterEach, describe, expect, it } from "vitest";
import type { NormalizedRequest, Reply } from "../fakes/models/index.ts";
import { gate } from "./gate.ts";
import { MAINTAINER, OWNER, REPO, startHarness, type Harness } from "./harness.ts";
import { missionResponder } from "./mission-script.ts";
import { appConfig, FIXED, FORM_PLAN, isUserTesting, qa } from "./user-testing-script.ts";
import { untilWithin } from "../helpers/until.ts";

const until = untilWithin(180_000, 100);

// MISSIONS_BROWSERS_AT_ONCE=1, two missions validating at once: the second's user testing waits for
// the browser the first holds, and runs once it is free.
describe("the per-instance browser limit", () => {
  let harness: Harness;
  afterEach(async () => {
    await harness.close();
  });

  /**
   * An app with one browser, two missions' worth of model answers, and the first user-testing session
   * held at its first model call (`held`) while it has the browser; `qaCalls` counts the sessions' calls.
   */
  async function oneBrowser() {
    harness = await startHarness({ files: { "README.md": "# Greeter\n", ".github/missions.yml": await appConfig() }, env: { MISSIONS_BROWSERS_AT_ONCE: "1" } });
    const responder = missionResponder({ plans: [FORM_PLAN], files: { F1: { "server.js": FIXED } }, userTest: qa });
    const held = gate();
    let gated = false;
    let calls = 0;
    harness.models.script(async (request: NormalizedRequest): Promise<Reply> => {
      if (isUserTesting(request)) calls++;
      if (isUserTesting(request) && !gated) {
        gated = true;
        held.reached();
        await held.opened;
      }
      return responder(request);
    });
    return { held, qaCalls: () => calls };
  }

  it("keeps a second user-testing session waiting while the only browser is in use, then runs it", async () => {
    const { held, qaCalls } = await oneBrowser();
    const first = await harness.startMission("Add a greeting form");
    const second = await harness.startMission("Add another greeting form");
    for (const issue of [first, second]) await harness.github.comment({ owner: OWNER, repo: REPO, issue, user: MAINTAINER, body: "/mission approve" });
    await held.arrived;
    await until("the second session to wait for the browser", () => harness.logs.some((line) => line.includes("user testing waits for a free browser")));
    // The browser is held by the first session (stopped at its first model call): the second has made none.
    expect(qaCalls()).toBe(1);
    held.open();
    await harness.settle();
    const missions = await harness.app.store.listMissions();
    expect(missions.map((mission) => mission.status)).toEqual(["done", "done"]);
    for (const mission of missions) expect(mission.assertions["VAL-FORM-002"]).toMatchObject({ verdict: "pass" });
  }, 400_000);

  it("ends the wait for a browser when a person pauses the waiting mission: its check runs are cancelled, none left in progress", async () => {
    const { held, qaCalls } = await oneBrowser();
    const issues = [await harness.startMission("Add a greeting form"), await harness.startMission("Add another greeting form")];
    for (const issue of issues) await harness.github.comment({ owner: OWNER, repo: REPO, issue, user: MAINTAINER, body: "/mission approve" });
    await held.arrived;
    const line = await until("the second session to wait for the browser", () => harness.logs.find((line) => line.includes("user testing waits for a free browser")));
    const waitingId = (JSON.parse(line) as { mission: string }).mission;
    const missions = await harness.app.store.listMissions();
    const waiting = missions.find((mission) => mission.id === waitingId)!;
    const holding = missions.find((mission) => mission.id !== waitingId)!;

    // The waiting mission is paused while the other still holds the only browser (its QA agent is mid-call).
    await harness.github.comment({ owner: OWNER, repo: REPO, issue: waiting.issue.number, user: MAINTAINER, body: "/mission pause" });
    const paused = await until("the waiting mission to pause", async () => {
      const mission = await harness.app.store.getMission(waitingId);
      return mission?.status === "paused" ? mission : undefined;
    });
    expect(paused).toMatchObject({ pauseCause: "person", reason: `paused by @${MAINTAINER}` });
    // Its check runs (scrutiny's ended; user testing's waited) are completed, the user-testing one cancelled with who stopped it.
    const stop = await until("the validation's stop on the timeline", async () => (await harness.app.store.events(waitingId)).find((event) => event.kind === "validation-stop"));
    const stopped = harness.github.checkRuns(OWNER, REPO).filter((check) => (stop.data.checkRuns as number[]).includes(check.id));
    const userTesting = stopped.find((check) => check.name === "Mission user testing · Greeting form");
    expect(userTesting).toMatchObject({ status: "completed", conclusion: "cancelled" });
    expect((userTesting!.output.summary ?? "").replaceAll("\u2060", "")).toContain(`Validation stopped before it finished: @${MAINTAINER} commented \`/mission pause\`.`);
    expect(harness.github.checkRuns(OWNER, REPO).filter((check) => check.head_sha === userTesting!.head_sha && check.status !== "completed")).toEqual([]);
    const end = (await harness.app.store.events(waitingId)).find((event) => event.kind === "validator-end" && event.data.validator === "user-testing");
    expect(end?.data).toMatchObject({ outcome: "stopped", message: `@${MAINTAINER} commented \`/mission pause\`` });
    // It never had the browser: only the holding session's first call was made.
    expect(qaCalls()).toBe(1);

    held.open();
    await harness.settle();
    expect((await harness.app.store.getMission(holding.id))!.status).toBe("done");
    expect((await harness.app.store.getMission(waitingId))!.status).toBe("paused");
    expect(harness.github.checkRuns(OWNER, REPO).filter((check) => check.status !== "completed")).toEqual([]);
  }, 400_000);
});

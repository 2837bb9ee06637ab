import { afterEach, describe, expect, it } from "vitest";
import type { NormalizedRequest, Reply } from "../fakes/models/index.ts";
import { SqliteMissionStore } from "../../src/store/index.ts";
import { gate } from "./gate.ts";
import { MAINTAINER, OWNER, REPO, startHarness, type Harness } from "./harness.ts";
import { missionResponder } from "./mission-script.ts";
import { appConfig, BUGGY, FORM_PLAN, isUserTesting, qa } from "./user-testing-script.ts";

describe("a validation cut by a crash", () => {
  let harness: Harness;
  afterEach(async () => {
    await harness.close();
  });

  it("leaves no check run in progress when a person aborts the mission between the crash and the retry", async () => {
    harness = await startHarness({ files: { "README.md": "# Greeter\n", ".github/missions.yml": await appConfig() } });
    const normal = missionResponder({ plans: [FORM_PLAN], files: { F1: { "server.js": BUGGY } }, userTest: qa });
    const testing = gate();
    let crashed = false;
    harness.models.script(async (request: NormalizedRequest): Promise<Reply> => {
      if (!crashed && isUserTesting(request)) {
        testing.reached();
        await testing.opened;
        return { error: { status: 500, message: "the app went away" } };
      }
      return normal(request);
    });
    const issue = await harness.startMission();
    void harness.github.comment({ owner: OWNER, repo: REPO, issue, user: MAINTAINER, body: "/mission approve" });
    await testing.arrived;

    // The app dies during user testing: nothing it does on the way out reaches GitHub's check runs.
    harness.github.failNext({ method: "PATCH", path: /\/check-runs\/\d+$/, status: 422, times: 1000 });
    crashed = true;
    const stopping = harness.app.stop();
    testing.open();
    await stopping;
    harness.github.clearFaults();
    const left = harness.github.checkRuns(OWNER, REPO).filter((check) => check.status !== "completed");
    expect(left.map((check) => check.name)).toContain("Mission user testing · Greeting form");

    // A maintainer aborts it before the app is back; the app applies it first thing.
    const store = new SqliteMissionStore(harness.env.DATABASE_URL!.slice("sqlite:".length));
    const [mission] = await store.listMissions();
    expect(Object.values((await store.getMission(mission!.id))!.milestones).flatMap((state) => state.openChecks ?? []).map((check) => check.id).sort()).toEqual(left.map((check) => check.id).sort());
    await store.addIntent(mission!.id, { verb: "abort", text: "", author: MAINTAINER, at: new Date().toISOString(), source: "test:abort" });
    await store.close();
    await harness.restart();
    await harness.settle();

    const aborted = await harness.app.store.getMission(mission!.id);
    expect(aborted?.status).toBe("aborted");
    const checks = harness.github.checkRuns(OWNER, REPO);
    expect(checks.filter((check) => check.status !== "completed")).toEqual([]);
    for (const check of checks.filter((check) => left.some((open) => open.id === check.id))) {
      expect(check.conclusion).toBe("cancelled");
      expect(check.output.summary).toContain("The mission was aborted");
    }
    expect(Object.values(aborted!.milestones).flatMap((state) => state.openChecks ?? [])).toEqual([]);
    const events = await harness.app.store.events(mission!.id);
    expect(events.find((event) => event.kind === "validation-stop")?.data).toMatchObject({ milestone: "M1", status: "aborted", checkRuns: expect.arrayContaining(left.map((check) => check.id)) });
  }, 240_000);
});

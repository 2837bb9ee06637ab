import { afterEach, describe, expect, it } from "vitest";
import type { NormalizedRequest, Reply } from "../fakes/models/index.ts";
import { gate } from "./gate.ts";
import { MAINTAINER, OWNER, REPO, startHarness, type Harness } from "./harness.ts";
import { missionResponder } from "./mission-script.ts";
import { appConfig, FIXED, FORM_PLAN, isUserTesting, qa } from "./user-testing-script.ts";

async function until<T>(what: string, look: () => T | undefined, timeoutMs = 180_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = look();
    if (found !== undefined && found !== false) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

// MISSIONS_BROWSERS_AT_ONCE=1, two missions validating at once: the second's user testing waits for
// the browser the first holds, and runs once it is free.
describe("the per-instance browser limit", () => {
  let harness: Harness;
  afterEach(async () => {
    await harness.close();
  });

  it("keeps a second user-testing session waiting while the only browser is in use, then runs it", async () => {
    harness = await startHarness({ files: { "README.md": "# Greeter\n", ".github/missions.yml": await appConfig() }, env: { MISSIONS_BROWSERS_AT_ONCE: "1" } });
    const responder = missionResponder({ plans: [FORM_PLAN], files: { F1: { "server.js": FIXED } }, userTest: qa });
    const held = gate();
    let gated = false;
    let qaCalls = 0;
    harness.models.script(async (request: NormalizedRequest): Promise<Reply> => {
      if (isUserTesting(request)) qaCalls++;
      if (isUserTesting(request) && !gated) {
        gated = true;
        held.reached();
        await held.opened;
      }
      return responder(request);
    });
    const first = await harness.startMission("Add a greeting form");
    const second = await harness.startMission("Add another greeting form");
    for (const issue of [first, second]) await harness.github.comment({ owner: OWNER, repo: REPO, issue, user: MAINTAINER, body: "/mission approve" });
    await held.arrived;
    await until("the second session to wait for the browser", () => harness.logs.some((line) => line.includes("user testing waits for a free browser")));
    // The browser is held by the first session (stopped at its first model call): the second has made none.
    expect(qaCalls).toBe(1);
    held.open();
    await harness.settle();
    const missions = await harness.app.store.listMissions();
    expect(missions.map((mission) => mission.status)).toEqual(["done", "done"]);
    for (const mission of missions) expect(mission.assertions["VAL-FORM-002"]).toMatchObject({ verdict: "pass" });
  }, 400_000);
});

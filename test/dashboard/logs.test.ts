import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FIXTURE_FILES, GREETING_FILES, GREETING_PLAN, missionResponder } from "../e2e/mission-script.ts";
import { startHarness, type Harness } from "../e2e/harness.ts";

interface LogLine {
  level: number;
  msg: string;
  mission?: string;
  delivery?: string;
  [key: string]: unknown;
}

describe("logs", () => {
  let harness: Harness;
  let lines: LogLine[];
  beforeAll(async () => {
    harness = await startHarness({ files: FIXTURE_FILES });
    harness.models.script(missionResponder({ plans: [GREETING_PLAN], files: GREETING_FILES }));
    const issue = await harness.startMission("Add greetings");
    await harness.say(issue, "/mission approve");
    lines = harness.logs.map((line) => JSON.parse(line) as LogLine);
  });
  afterAll(async () => {
    await harness.close();
  });

  it("are JSON lines with a child logger per mission and per delivery", async () => {
    const mission = (await harness.app.store.listMissions())[0]!;
    const steps = lines.filter((line) => line.msg === "step finished");
    expect(steps.map((line) => line.step)).toEqual(expect.arrayContaining(["plan", "implement", "validate", "finish"]));
    for (const line of [...steps, ...lines.filter((candidate) => candidate.msg === "feature committed")]) expect(line.mission).toBe(mission.id);
    const created = lines.find((line) => line.msg === "mission created")!;
    expect(created.delivery).toMatch(/\w/);
    expect(harness.github.deliveries().map((delivery) => delivery.deliveryId)).toContain(created.delivery);
  });

  it("keep prompts, model replies and tool output out of every level above debug", () => {
    const above = lines.filter((line) => line.level > 20).map((line) => JSON.stringify(line));
    expect(above.length).toBeGreaterThan(5);
    const feature = GREETING_PLAN.features[0]!;
    for (const text of [feature.description, GREETING_PLAN.summary, "Implemented F1", "the test command passed", "all good", "Please add"]) {
      expect(above.filter((line) => line.includes(text))).toEqual([]);
    }
  });
});

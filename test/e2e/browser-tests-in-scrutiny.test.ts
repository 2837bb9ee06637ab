import { afterEach, describe, expect, it } from "vitest";
import { CALCULATOR_FILES, FIXED_CALCULATOR, vendorPlaywright } from "../fixtures/calculator/index.ts";
import { commitsOn } from "../helpers/git.ts";
import { missionResponder, type ScriptedPlan } from "./mission-script.ts";
import { OWNER, REPO, startHarness, type Harness } from "./harness.ts";

const PLAN: ScriptedPlan = {
  summary: "Make the calculator add.",
  milestones: [{ id: "M1", title: "Adding works" }],
  features: [{ id: "F1", milestoneId: "M1", title: "Fix add", description: "calculator.js adds instead of subtracting.", assertionIds: ["VAL-CALC-001"] }],
  assertions: [{ id: "VAL-CALC-001", milestoneId: "M1", statement: "The Playwright specs pass: 2 + 3 shows 5, 10 + -4 shows 6", verification: "npm test (Playwright in Chromium)" }],
};

describe("a web project's browser tests in scrutiny's sandbox", () => {
  let harness: Harness;
  afterEach(async () => {
    await harness.close();
  });

  it("runs the repository's Playwright specs against the system's Chromium, and the check run shows them pass", async () => {
    harness = await startHarness({ files: { ...CALCULATOR_FILES, ".github/missions.yml": "commands:\n  test: npm test\n" }, env: { MISSIONS_COMMAND_TIMEOUT_SECONDS: "180" } });
    vendorPlaywright(harness.gitDir);
    harness.models.script(missionResponder({ plans: [PLAN], files: { F1: { "calculator.js": FIXED_CALCULATOR } } }));
    const issue = await harness.startMission("Fix the calculator");
    await harness.say(issue);

    const [check] = harness.github.checkRuns(OWNER, REPO);
    expect(check!.name).toBe("Mission scrutiny · Adding works");
    // The specs ran in a real browser inside the sandbox (the test runner's workers, Chromium's own
    // processes and the web server all use Unix sockets or loopback there).
    expect(check!.output.summary).toMatch(/\| `npm test` \| ✅ exit 0 \|/);
    expect(check!.conclusion).toBe("success");
    // What scrutiny read of the command's output: both specs ran in Chromium and passed.
    const scrutiny = harness.models.calls.find((call) => call.request.tools.some((tool) => tool.name === "submit_verdicts"))!;
    const prompt = scrutiny.request.messages[0]!.role === "user" ? scrutiny.request.messages[0]!.text : "";
    expect(prompt).toMatch(/✓ .*adds two numbers/);
    expect(prompt).toMatch(/2 passed/);
    expect(commitsOn(harness.gitDir, "mission/1-fix-the-calculator", "main").map((commit) => commit.subject)).toEqual(["Fix add"]);
    expect((await harness.app.store.listMissions())[0]!.status).toBe("done");
  }, 240_000);
});

import { afterEach, describe, expect, it } from "vitest";
import { commitsOn } from "../helpers/git.ts";
import { missionResponder } from "./mission-script.ts";
import { appConfig, BUGGY, FIXED, FORM_PLAN, isUserTesting, qa, text } from "./user-testing-script.ts";
import { startHarness, type Harness } from "./harness.ts";

const BRANCH = "mission/1-add-greetings";
describe("user testing in a real browser", () => {
  let harness: Harness;
  afterEach(async () => {
    await harness.close();
  });

  it("drives the app in headless Chromium, fails an assertion, and passes after the repair", async () => {
    harness = await startHarness({ files: { "README.md": "# Greeter\n", ".github/missions.yml": await appConfig() } });
    harness.models.script(missionResponder({ plans: [FORM_PLAN], files: { F1: { "server.js": BUGGY }, F2: { "server.js": FIXED } }, userTest: qa }));
    const issue = await harness.startMission();
    await harness.say(issue);

    const [mission] = await harness.app.store.listMissions();
    expect(mission!.status).toBe("done");
    const commits = commitsOn(harness.gitDir, BRANCH, "main");
    expect(commits.map((commit) => commit.subject)).toEqual(["Serve the greeting form", "Fix VAL-FORM-002"]);

    const checks = harness.github.checkRuns("acme", "greeter");
    const userTesting = checks.filter((check) => check.name === "Mission user testing · Greeting form");
    const scrutiny = checks.filter((check) => check.name === "Mission scrutiny · Greeting form");
    // The history: red on the first commit with what the browser showed, green on the repair.
    expect(userTesting.map((check) => [check.head_sha, check.conclusion])).toEqual([
      [commits[0]!.sha, "failure"],
      [commits[1]!.sha, "success"],
    ]);
    expect(userTesting[0]!.output.summary).toContain("The page shows: Hello Ada");
    expect(userTesting[0]!.output.summary).toContain("✅ started, driven in headless Chromium");
    expect(userTesting[1]!.output.summary).toContain("The page shows: Hello, Ada!");
    expect(scrutiny.map((check) => check.conclusion)).toEqual(["neutral", "neutral"]);

    // The QA agent saw the product, never the worker's account of it.
    const qaCalls = harness.models.calls.filter((call) => isUserTesting(call.request));
    expect(qaCalls.length).toBeGreaterThanOrEqual(10);
    for (const call of qaCalls) expect(JSON.stringify(call.request.messages)).not.toContain("Implemented F1");
    // Scrutiny judged only its own assertion.
    const scrutinyPrompt = text(harness.models.calls.find((call) => text(call.request.messages[0]).includes("## Assertions to judge"))!.request.messages[0]);
    expect(scrutinyPrompt).toContain("VAL-FORM-001");
    expect(scrutinyPrompt).not.toContain("VAL-FORM-002");

    expect(mission!.assertions["VAL-FORM-002"]).toMatchObject({ verdict: "pass", commitSha: commits[1]!.sha });
    // The QA agent's every tool call is on the mission's timeline, like a worker's.
    const events = await harness.app.store.events(mission!.id);
    const qaTools = events.filter((event) => event.kind === "tool-call" && (event.data as { role?: string }).role === "user-testing").map((event) => (event.data as { tool: string }).tool);
    expect(qaTools.slice(0, 4)).toEqual(["browser_navigate", "browser_fill", "browser_click", "browser_screenshot"]);
    // The PR links each verdict to the check run that gave it.
    expect(harness.github.pulls("acme", "greeter")[0]!.body).toMatch(new RegExp(`\\| \`VAL-FORM-002\`[^\\n]*The page shows: Hello, Ada![^\\n]*/acme/greeter/runs/${userTesting[1]!.id}\\)`));

    // Re-run on the user-testing check validates the milestone again, in new check runs.
    await harness.github.deliver("check_run", {
      action: "rerequested",
      check_run: { id: userTesting[1]!.id, name: userTesting[1]!.name, head_sha: userTesting[1]!.head_sha, app: { id: harness.github.appId } },
      repository: { id: 1, name: "greeter", full_name: "acme/greeter", owner: { login: "acme" }, default_branch: "main" },
      sender: { login: "alice", type: "User" },
      installation: { id: 100 },
    });
    await harness.settle();
    const again = harness.github.checkRuns("acme", "greeter").filter((check) => check.name === "Mission user testing · Greeting form");
    expect(again.map((check) => check.conclusion)).toEqual(["failure", "success", "success"]);
  });

  it("pauses the mission with what to install when the host has no browser", async () => {
    harness = await startHarness({ files: { "README.md": "# Greeter\n", ".github/missions.yml": await appConfig() }, env: { MISSIONS_CHROMIUM: "/nonexistent/chromium" } });
    harness.models.script(missionResponder({ plans: [FORM_PLAN], files: { F1: { "server.js": BUGGY } }, userTest: qa }));
    const issue = await harness.startMission();
    await harness.say(issue);
    const [mission] = await harness.app.store.listMissions();
    expect(mission).toMatchObject({ status: "paused", pauseCause: "host", reason: "the app's host cannot run the user-testing browser" });
    const notice = harness.github.comments("acme", "greeter", issue).find((comment) => comment.body.includes("Mission paused: no browser"));
    expect(notice?.body).toContain("apt-get install chromium");
    expect(harness.github.checkRuns("acme", "greeter")).toHaveLength(0);
    expect(harness.models.calls.filter((call) => isUserTesting(call.request))).toHaveLength(0);
  });

  it("fails the check with the app's own output when the app does not start, without asking a model", async () => {
    harness = await startHarness({ files: { "README.md": "# Greeter\n", ".github/missions.yml": (await appConfig()).replace("node server.js", "node missing.js") } });
    harness.models.script(missionResponder({ plans: [FORM_PLAN], files: { F1: { "server.js": BUGGY } }, userTest: qa }));
    const issue = await harness.startMission();
    await harness.say(issue);
    const check = harness.github.checkRuns("acme", "greeter").find((candidate) => candidate.name === "Mission user testing · Greeting form")!;
    expect(check.conclusion).toBe("failure");
    expect(check.output.summary).toContain("❌ did not start");
    expect(check.output.summary).toMatch(/exited before it was ready/);
    expect(check.output.summary).toContain("Cannot find module");
    expect(harness.models.calls.filter((call) => isUserTesting(call.request))).toHaveLength(0);
  });
});

import { afterEach, describe, expect, it } from "vitest";
import type { NormalizedRequest, Reply } from "../fakes/models/index.ts";
import { commitsOn } from "../helpers/git.ts";
import { freePort } from "../helpers/free-port.ts";
import { missionResponder, type ScriptedPlan } from "./mission-script.ts";
import { FIXED, FORM_PLAN, isUserTesting, qa, text } from "./user-testing-script.ts";
import { OWNER, REPO, startHarness, type Harness } from "./harness.ts";

const BRANCH = "mission/1-add-greetings";

describe("readiness for user testing", () => {
  let harness: Harness;
  afterEach(async () => {
    await harness.close();
  });

  it("with no app a script can start, the orchestrator is told the first feature makes it so; a plan whose first feature does not prove it is sent back; the first worker is told the script; user testing starts the app by it", async () => {
    // The repository configures no app (no .github/missions.yml at all).
    harness = await startHarness({ files: { "README.md": "# Greeter\n" } });
    const port = await freePort();
    const app = { start: `PORT=${port} node server.js`, url: `http://localhost:${port}` };
    // First a plan whose first feature leaves the start to a later one; then one whose first feature proves it.
    const unproven: ScriptedPlan = {
      ...FORM_PLAN,
      app,
      features: [
        { id: "F1", milestoneId: "M1", title: "Serve the greeting form", description: "server.js serves a form; submitting it greets by name.", assertionIds: ["VAL-FORM-001"] },
        { id: "F2", milestoneId: "M1", title: "Greet by name", description: "The form greets by name.", assertionIds: ["VAL-FORM-002"] },
      ],
    };
    const ready: ScriptedPlan = { ...FORM_PLAN, app };
    const normal = missionResponder({ plans: [ready], files: { F1: { "server.js": FIXED } }, userTest: qa });
    const refusals: string[] = [];
    harness.models.script((request: NormalizedRequest): Reply => {
      if (!request.tools.some((tool) => tool.name === "submit_plan")) return normal(request);
      const last = request.messages.at(-1);
      const errors = last?.role === "user" ? last.toolResults.filter((result) => result.isError) : [];
      refusals.push(...errors.map((result) => result.content));
      return { toolCalls: [{ name: "submit_plan", arguments: { plan: errors.length > 0 ? ready : unproven } }] };
    });
    const issue = await harness.startMission();
    await harness.say(issue);

    // What the orchestrator was told, on the request the model server received.
    const planning = harness.models.calls.filter((call) => call.request.tools.some((tool) => tool.name === "submit_plan"));
    expect(text(planning[0]!.request.messages[0])).toContain("If user testing needs the running app (a browser, HTTP), the first feature makes it startable by a script: give `app` in the plan");
    expect(planning[0]!.request.system).toContain("the app cannot be started by a script");
    // The plan check sent back the one whose first feature did not prove the start.
    expect(refusals).toHaveLength(1);
    expect(refusals[0]).toContain(`the first feature (F1) makes \`${app.start}\` start it at ${app.url}: give F1 a user-testing assertion of its milestone`);
    // People approve the start script with the contract.
    const contract = harness.github.comments(OWNER, REPO, issue).find((comment) => comment.body.includes("Validation contract v1"))!;
    expect(contract.body).toContain(`The app cannot be started by a script yet: **F1** makes \`${app.start}\` start it at ${app.url}, and user testing starts it so.`);
    // The first worker was told what to make work.
    const worker = harness.models.calls.find((call) => call.request.tools.some((tool) => tool.name === "submit_handoff"))!;
    expect(text(worker.request.messages[0])).toContain(`## Make the app start by a script\nThe repository cannot start its app by a script yet, and this feature makes it so: \`${app.start}\``);
    // User testing started the app by the plan's script and drove it in the browser.
    const [mission] = await harness.app.store.listMissions();
    expect(mission!.status).toBe("done");
    expect(commitsOn(harness.gitDir, BRANCH, "main").map((commit) => commit.subject)).toEqual(["Serve the greeting form"]);
    const check = harness.github.checkRuns(OWNER, REPO).find((candidate) => candidate.name === "Mission user testing · Greeting form")!;
    expect(check.conclusion).toBe("success");
    expect(check.output.summary).toContain("✅ started, driven in headless Chromium");
    expect(harness.models.calls.filter((call) => isUserTesting(call.request)).length).toBeGreaterThan(0);
  });
});

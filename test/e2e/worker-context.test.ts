import { afterEach, describe, expect, it } from "vitest";
import type { NormalizedRequest, Reply } from "../fakes/models/index.ts";
import { commitsOn } from "../helpers/git.ts";
import { FIXTURE_FILES, GREETING_FILES, GREETING_PLAN, missionResponder } from "./mission-script.ts";
import { OWNER, REPO, startHarness, type Harness } from "./harness.ts";

const BRANCH = "mission/1-add-greetings";
const firstText = (request: NormalizedRequest) => (request.messages[0]?.role === "user" ? request.messages[0].text : "");

describe("what each worker is given", () => {
  let harness: Harness;
  afterEach(async () => {
    await harness.close();
  });

  const run = async () => {
    const issue = await harness.startMission();
    await harness.say(issue);
    return issue;
  };

  it("gets the skills the orchestrator chose, the bulletin of earlier discoveries, and a follow-up for what a partial handoff left", async () => {
    harness = await startHarness({
      files: { ...FIXTURE_FILES, ".github/missions/skills/house-style/SKILL.md": "---\nname: house-style\ndescription: How this house writes text files.\n---\nEnd every file with a newline.\n" },
    });
    const plan = {
      ...GREETING_PLAN,
      features: [{ ...GREETING_PLAN.features[0]!, skills: ["writing-tests-first", "house-style"] }, GREETING_PLAN.features[1]!],
    };
    const normal = missionResponder({ plans: [plan], files: { ...GREETING_FILES, F3: { "greeting.txt": "hello, world\n" } } });
    harness.models.script((request): Reply => {
      const reply = normal(request);
      const call = "toolCalls" in reply ? reply.toolCalls?.[0] : undefined;
      if (call?.name === "submit_handoff" && firstText(request).includes("# Feature F1:")) {
        return { toolCalls: [{ name: "submit_handoff", arguments: { ...(call.arguments as object), status: "partial", leftUndone: ["a comma after hello"], issuesDiscovered: ["test.sh only greps; it does not check punctuation"] } }] };
      }
      return reply;
    });
    await run();

    const orchestrator = harness.models.calls.find((call) => call.request.tools.some((tool) => tool.name === "submit_plan"))!;
    expect(firstText(orchestrator.request)).toContain("- `house-style`: How this house writes text files.");
    expect(firstText(orchestrator.request)).toContain("- `typescript-node`:");
    const workerFirst = (feature: string) =>
      harness.models.calls.find((call) => call.request.tools.some((tool) => tool.name === "submit_handoff") && firstText(call.request).includes(`# Feature ${feature}:`))!;
    expect(firstText(workerFirst("F1").request)).toContain("## Skill: writing-tests-first");
    expect(firstText(workerFirst("F1").request)).toContain('<untrusted source="skill house-style from the repository">\nEnd every file with a newline.');
    expect(firstText(workerFirst("F2").request)).not.toContain("## Skill:");
    expect(firstText(workerFirst("F2").request)).toContain("- F1: test.sh only greps; it does not check punctuation");
    expect(firstText(workerFirst("F3").request)).toContain("- a comma after hello");
    const scrutiny = harness.models.calls.find((call) => call.request.tools.some((tool) => tool.name === "submit_verdicts"))!;
    expect(firstText(scrutiny.request)).toContain("- F1: test.sh only greps");
    expect(firstText(scrutiny.request)).not.toContain("Implemented F1");
    const commits = commitsOn(harness.gitDir, BRANCH, "main");
    expect(commits.map((commit) => commit.subject)).toEqual(["Add the greeting file", "Add the farewell file", "Finish: Add the greeting file"]);
  });

  it("the control comment says when the operator turned the sandbox off", async () => {
    harness = await startHarness({ files: FIXTURE_FILES, env: { MISSIONS_SANDBOX: "off" } });
    harness.models.script(missionResponder({ plans: [GREETING_PLAN], files: GREETING_FILES }));
    const issue = await run();
    const control = harness.github.comments(OWNER, REPO, issue).find((comment) => comment.body.includes("<!-- missions:control"))!;
    expect(control.body).toContain("⚠️ off — repository and agent commands run unconfined");
  });
});

describe("a host without the sandbox's tools", () => {
  it("pauses the mission with a comment saying what to install", async () => {
    const { SandboxUnavailableError } = await import("../../src/workspace/index.ts");
    const harness = await startHarness({
      files: FIXTURE_FILES,
      startOptions: {
        runner: {
          kind: "sandbox",
          run: async () => {
            throw new SandboxUnavailableError(["bubblewrap (bwrap) not installed"]);
          },
        },
      },
    });
    try {
      harness.models.script(missionResponder({ plans: [GREETING_PLAN], files: GREETING_FILES }));
      const number = await harness.startMission();
      await harness.say(number);
      const [mission] = await harness.app.store.listMissions();
      expect(mission).toMatchObject({ status: "paused", pauseCause: "outage" });
      const notice = harness.github.comments(OWNER, REPO, number).find((comment) => comment.body.includes("Mission paused: no sandbox"));
      expect(notice?.body).toContain("bubblewrap (bwrap) not installed");
      expect(notice?.body).toContain("apt-get install bubblewrap socat ripgrep");
      expect(notice?.body).toContain("/mission resume");
    } finally {
      await harness.close();
    }
  });
});

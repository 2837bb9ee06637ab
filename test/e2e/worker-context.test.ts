import { afterEach, describe, expect, it } from "vitest";
import type { NormalizedRequest, Reply } from "../fakes/models/index.ts";
import { commitsOn, git } from "../helpers/git.ts";
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

  it("gets the skills the orchestrator chose, the bulletin of earlier discoveries, and a follow-up for what a partial handoff left — none of which its validators see", async () => {
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
    // Validators never read what a worker wrote but the code: not the bulletin, not a handoff.
    expect(JSON.stringify(scrutiny.request)).not.toContain("test.sh only greps");
    expect(JSON.stringify(scrutiny.request)).not.toContain("Implemented F1");
    const finishReview = harness.models.calls.find((call) => call.request.tools.some((tool) => tool.name === "submit_review") && firstText(call.request).includes("# Review of feature F3:"))!;
    expect(firstText(finishReview.request)).toContain("Create greeting.txt containing hello.");
    expect(JSON.stringify(finishReview.request)).not.toContain("a comma after hello");
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

describe("a host whose sandbox cannot start", () => {
  /** A runner that fails as a host without bubblewrap does, until the operator installs it. */
  async function brokenRunner(failAt: "ready" | "run") {
    const { SandboxUnavailableError, UnconfinedRunner } = await import("../../src/workspace/index.ts");
    const { missingTools } = await import("../../src/workspace/sandbox-failure.ts");
    const working = new UnconfinedRunner();
    const state = { broken: true, calls: 0 };
    const fail = () => {
      throw new SandboxUnavailableError(missingTools(["bubblewrap (bwrap) not installed at /opt/host/secret-path"]));
    };
    return Object.assign(
      {
        kind: "sandbox" as const,
        scratchRoot: working.scratchRoot,
        ready: async () => (state.broken && failAt === "ready" ? fail() : undefined),
        run: async (command: string, options: import("../../src/workspace/index.ts").RunOptions) => {
          state.calls++;
          if (state.broken) fail();
          return working.run(command, options);
        },
      },
      { state },
    );
  }

  for (const failAt of ["ready", "run"] as const) {
    it(`pauses before anything is committed (${failAt === "ready" ? "found before the worker starts" : "found by the worker's first command"}), says what to install, and /mission resume goes on once it is installed`, async () => {
      const runner = await brokenRunner(failAt);
      const harness = await startHarness({ files: FIXTURE_FILES, startOptions: { runner } });
      try {
        harness.models.script(missionResponder({ plans: [GREETING_PLAN], files: GREETING_FILES, shell: "cat greeting.txt 2>/dev/null; true" }));
        const number = await harness.startMission();
        await harness.say(number);
        const [mission] = await harness.app.store.listMissions();
        expect(mission).toMatchObject({ status: "paused", pauseCause: "host" });
        // Nothing reached the branch: no untested work, no follow-up planned from it.
        expect(git(harness.gitDir, "branch", "--list", "mission/*")).toBe("");
        const notice = harness.github.comments(OWNER, REPO, number).find((comment) => comment.body.includes("Mission paused: no sandbox"))!;
        expect(notice.body).toContain("lacks bubblewrap");
        expect(notice.body).toContain("apt-get install bubblewrap");
        expect(notice.body).not.toContain("socat");
        expect(notice.body).not.toContain("/opt/host");
        expect(notice.body).toContain("/mission resume");
        // The operator installs it and follows the comment literally.
        runner.state.broken = false;
        await harness.say(number, "/mission resume");
        const commits = commitsOn(harness.gitDir, "mission/1-add-greetings", "main");
        expect(commits.map((commit) => commit.trailers.Feature)).toEqual(["F1", "F2"]);
        expect(git(harness.gitDir, "log", "--format=%B", "mission/1-add-greetings")).not.toMatch(/bubblewrap|sandbox/i);
        expect((await harness.app.store.listMissions())[0]!.status).toBe("done");
      } finally {
        await harness.close();
      }
    });
  }
});

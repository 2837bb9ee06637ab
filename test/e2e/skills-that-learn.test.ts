import { afterEach, describe, expect, it } from "vitest";
import { parseSkill } from "../../src/roles/index.ts";
import type { NormalizedRequest, Reply } from "../fakes/models/index.ts";
import { commitsOn, git } from "../helpers/git.ts";
import { gate } from "./gate.ts";
import { FIXTURE_FILES, GREETING_FILES, GREETING_PLAN, missionResponder, type ScriptedPlan } from "./mission-script.ts";
import { MAINTAINER, OWNER, REPO, startHarness, type Harness } from "./harness.ts";

const BRANCH = "mission/1-add-greetings";
const firstText = (request: NormalizedRequest) => (request.messages[0]?.role === "user" ? request.messages[0].text : "");
const HOUSE_STYLE = "---\nname: house-style\ndescription: How this house writes text files.\n---\nEnd every file with a newline.\n";

/** Two milestones, so there is a boundary to learn at; a skill written at planning, and the repository's own. */
const PLAN: ScriptedPlan = {
  ...GREETING_PLAN,
  milestones: [
    { id: "M1", title: "Greeting" },
    { id: "M2", title: "Farewell" },
  ],
  features: [
    { ...GREETING_PLAN.features[0]!, skills: ["greeting-files", "house-style"] },
    { ...GREETING_PLAN.features[1]!, milestoneId: "M2", skills: ["house-style"] },
  ],
  assertions: [GREETING_PLAN.assertions[0]!, { ...GREETING_PLAN.assertions[1]!, milestoneId: "M2" }],
  newSkills: [{ name: "greeting-files", description: "How greeting files are written in this repository: one greeting word per file.", body: "Write one lowercase greeting word per file, then a newline." }],
};

describe("skills that learn", () => {
  let harness: Harness;
  afterEach(async () => {
    await harness.close();
  });

  it("a skill written at planning is committed on the branch and loaded by a later worker; a skill a handoff reports wrong is improved at the milestone boundary, committed, and read by the next worker", async () => {
    // The repository's test passes at each milestone: the farewell is checked once it exists.
    const test = "#!/bin/sh\nset -e\ngrep -q hello greeting.txt\n[ ! -e farewell.txt ] || grep -q goodbye farewell.txt\necho all good\n";
    harness = await startHarness({ files: { ...FIXTURE_FILES, "test.sh": test, ".github/missions/skills/house-style/SKILL.md": HOUSE_STYLE } });
    const reviews: NormalizedRequest[] = [];
    const normal = missionResponder({
      plans: [PLAN],
      files: GREETING_FILES,
      milestoneReview: (_milestone, request) => {
        reviews.push(request);
        return {
          bulletin: [],
          skills: [{ name: "house-style", description: "How this house writes text files: lowercase, newline-terminated.", body: "End every file with a newline.\n\nWrite file contents in lowercase: test.sh greps for lowercase words." }],
        };
      },
    });
    harness.models.script((request): Reply => {
      const reply = normal(request);
      const call = "toolCalls" in reply ? reply.toolCalls?.[0] : undefined;
      if (call?.name === "submit_handoff" && firstText(request).includes("# Feature F1:")) {
        return { toolCalls: [{ name: "submit_handoff", arguments: { ...(call.arguments as object), skillFeedback: [{ skill: "house-style", feedback: "It does not say the contents must be lowercase, which test.sh needs." }] } }] };
      }
      return reply;
    });
    const issue = await harness.startMission();
    await harness.say(issue);
    const [mission] = await harness.app.store.listMissions();
    expect(mission!.status).toBe("done");

    // People approving the contract see the skills it will write.
    const contract = harness.github.comments(OWNER, REPO, issue).find((comment) => comment.body.includes("Validation contract v1"))!;
    expect(contract.body).toContain("- `greeting-files` — How greeting files are written in this repository: one greeting word per file.");
    const commits = commitsOn(harness.gitDir, BRANCH, "main");
    expect(commits.map((commit) => commit.subject)).toEqual(["Skills: greeting-files", "Add the greeting file", "Skills: house-style", "Add the farewell file"]);
    expect(commits[0]!.trailers).toMatchObject({ Mission: "#1", Skills: "greeting-files", "Skills-Written-At": "contract v1" });
    expect(commits[2]!.trailers).toMatchObject({ Mission: "#1", Skills: "house-style", "Skills-Written-At": "milestone M1" });
    // Each skills commit holds its SKILL.md only, in the Agent Skills format, and reads back as the skill written.
    expect(git(harness.gitDir, "show", "--name-only", "--format=", commits[0]!.sha).trim()).toBe(".github/missions/skills/greeting-files/SKILL.md");
    expect(git(harness.gitDir, "show", "--name-only", "--format=", commits[2]!.sha).trim()).toBe(".github/missions/skills/house-style/SKILL.md");
    const written = parseSkill(git(harness.gitDir, "show", `${BRANCH}:.github/missions/skills/greeting-files/SKILL.md`), "repository");
    expect(written).toMatchObject({ name: "greeting-files", description: PLAN.newSkills![0]!.description, body: PLAN.newSkills![0]!.body });
    const improved = parseSkill(git(harness.gitDir, "show", `${BRANCH}:.github/missions/skills/house-style/SKILL.md`), "repository");
    expect(improved).toMatchObject({ name: "house-style", description: "How this house writes text files: lowercase, newline-terminated." });
    expect(improved!.body).toContain("Write file contents in lowercase");

    // The orchestrator read the feedback and the skill as it was.
    expect(reviews).toHaveLength(1);
    expect(firstText(reviews[0]!)).toContain("- house-style (from F1): It does not say the contents must be lowercase, which test.sh needs.");
    expect(firstText(reviews[0]!)).toContain("### The skill `house-style` as it reads now");
    expect(firstText(reviews[0]!)).toContain("End every file with a newline.");
    // The worker on F1 was given the skill written at planning; the worker on F2 the improved one.
    const workerFirst = (feature: string) => harness.models.calls.find((call) => call.request.tools.some((tool) => tool.name === "submit_handoff") && firstText(call.request).includes(`# Feature ${feature}:`))!;
    expect(firstText(workerFirst("F1").request)).toContain("## Skill: greeting-files");
    expect(firstText(workerFirst("F1").request)).toContain("Write one lowercase greeting word per file, then a newline.");
    expect(firstText(workerFirst("F1").request)).not.toContain("Write file contents in lowercase");
    expect(firstText(workerFirst("F2").request)).toContain("Write file contents in lowercase: test.sh greps for lowercase words.");
    expect(mission!.features.F1!.handoff!.skillFeedback).toEqual([{ skill: "house-style", feedback: "It does not say the contents must be lowercase, which test.sh needs." }]);
  }, 180_000);

  it("a skill written at a milestone boundary is assigned to a feature still to do, committed, and loaded by that feature's worker; a skill there is not cannot be assigned", async () => {
    const test = "#!/bin/sh\nset -e\ngrep -q hello greeting.txt\n[ ! -e farewell.txt ] || grep -q goodbye farewell.txt\necho all good\n";
    harness = await startHarness({ files: { ...FIXTURE_FILES, "test.sh": test } });
    const plan: ScriptedPlan = { ...PLAN, features: PLAN.features.map(({ skills: _none, ...feature }) => feature), newSkills: [] };
    const farewell = { name: "farewell-files", description: "How farewell files are written here: one lowercase word.", body: "Write `goodbye` in lowercase, then a newline: test.sh greps for it." };
    const reviews: NormalizedRequest[] = [];
    const normal = missionResponder({
      plans: [plan],
      files: GREETING_FILES,
      milestoneReview: (_milestone, request) => {
        reviews.push(request);
        const last = request.messages.at(-1);
        const rejected = last?.role === "user" && last.toolResults.some((result) => result.isError);
        // First a name there is no skill for; then the skill it writes in the same review.
        return rejected ? { bulletin: [], skills: [farewell], assign: [{ featureId: "F2", skills: ["farewell-files"] }] } : { bulletin: [], assign: [{ featureId: "F2", skills: ["farewell-files"] }] };
      },
    });
    harness.models.script(normal);
    const issue = await harness.startMission();
    await harness.say(issue);
    const [mission] = await harness.app.store.listMissions();
    expect(mission!.status).toBe("done");

    // The orchestrator was offered the skills there are, and told why its first answer was refused.
    expect(firstText(reviews[0]!)).toContain("## Skills you can assign to the features still to do (by name, in `assign`)");
    expect(reviews).toHaveLength(2);
    const refusal = reviews[1]!.messages.at(-1)!;
    expect(refusal.role === "user" ? refusal.toolResults[0]!.content : "").toContain("skills for F2: there is no skill `farewell-files`");
    // Written at the boundary, on the branch before the feature it serves.
    const commits = commitsOn(harness.gitDir, BRANCH, "main");
    expect(commits.map((commit) => commit.subject)).toEqual(["Add the greeting file", "Skills: farewell-files", "Add the farewell file"]);
    expect(commits[1]!.trailers).toMatchObject({ Skills: "farewell-files", "Skills-Written-At": "milestone M1" });
    expect(mission!.features.F2!.skills).toEqual(["farewell-files"]);
    // The worker on F2 loaded it; the one on F1, before it existed, did not.
    const workerFirst = (feature: string) => harness.models.calls.find((call) => call.request.tools.some((tool) => tool.name === "submit_handoff") && firstText(call.request).includes(`# Feature ${feature}:`))!;
    expect(firstText(workerFirst("F2").request)).toContain("## Skill: farewell-files");
    expect(firstText(workerFirst("F2").request)).toContain("Write `goodbye` in lowercase, then a newline: test.sh greps for it.");
    expect(firstText(workerFirst("F1").request)).not.toContain("farewell-files");
  }, 180_000);

  it("skill feedback in the last milestone (here the only one) is acted on before the finish: the improved SKILL.md is on the branch, once", async () => {
    harness = await startHarness({ files: { ...FIXTURE_FILES, ".github/missions/skills/house-style/SKILL.md": HOUSE_STYLE } });
    const reviews: NormalizedRequest[] = [];
    const normal = missionResponder({
      plans: [GREETING_PLAN],
      files: GREETING_FILES,
      milestoneReview: (_milestone, request) => {
        reviews.push(request);
        return {
          bulletin: [],
          skills: [{ name: "house-style", description: "How this house writes text files: lowercase, newline-terminated.", body: "End every file with a newline.\n\nWrite file contents in lowercase." }],
        };
      },
    });
    harness.models.script((request): Reply => {
      const reply = normal(request);
      const call = "toolCalls" in reply ? reply.toolCalls?.[0] : undefined;
      if (call?.name === "submit_handoff" && firstText(request).includes("# Feature F2:")) {
        return { toolCalls: [{ name: "submit_handoff", arguments: { ...(call.arguments as object), skillFeedback: [{ skill: "house-style", feedback: "It does not say the contents must be lowercase." }] } }] };
      }
      return reply;
    });
    const issue = await harness.startMission();
    await harness.say(issue);
    const [mission] = await harness.app.store.listMissions();
    expect(mission!.status).toBe("done");
    expect(reviews).toHaveLength(1);
    expect(firstText(reviews[0]!)).toContain("- house-style (from F2): It does not say the contents must be lowercase.");
    const commits = commitsOn(harness.gitDir, BRANCH, "main");
    expect(commits.map((commit) => commit.subject)).toEqual(["Add the greeting file", "Add the farewell file", "Skills: house-style"]);
    expect(commits[2]!.trailers).toMatchObject({ Skills: "house-style", "Skills-Written-At": "milestone M1" });
    const improved = parseSkill(git(harness.gitDir, "show", `${BRANCH}:.github/missions/skills/house-style/SKILL.md`), "repository");
    expect(improved!.body).toContain("Write file contents in lowercase.");
    expect(mission!.milestones.M1!.reviewed).toBe(true);
  }, 180_000);

  it("a plan revised after a milestone boundary is offered the skills improved on the branch, and its new skills never overwrite them", async () => {
    const test = "#!/bin/sh\nset -e\ngrep -q hello greeting.txt\n[ ! -e farewell.txt ] || grep -q goodbye farewell.txt\n[ ! -e welcome.txt ] || grep -q welcome welcome.txt\necho all good\n";
    harness = await startHarness({ files: { ...FIXTURE_FILES, "test.sh": test } });
    const greetingFiles = PLAN.newSkills![0]!;
    const improvedSkill = { name: "greeting-files", description: "Greeting files, as improved at M1: one lowercase word, newline-terminated.", body: "Write one lowercase word per file, then a newline (improved at M1)." };
    const v1: ScriptedPlan = {
      ...PLAN,
      features: [
        { ...PLAN.features[0]!, skills: ["greeting-files"] },
        { ...PLAN.features[1]!, skills: [] },
        { id: "F3", milestoneId: "M2", title: "Add the welcome file", description: "Create welcome.txt containing welcome.", assertionIds: ["VAL-GREET-003"] },
      ],
      assertions: [...PLAN.assertions, { id: "VAL-GREET-003", milestoneId: "M2", statement: "welcome.txt says welcome", verification: "sh test.sh passes" }],
    };
    // The revision assigns the skill to the feature still to do, and lists it as new again, as written at planning.
    const v2: ScriptedPlan = { ...v1, features: v1.features.map((feature) => (feature.id === "F3" ? { ...feature, skills: ["greeting-files"] } : feature)), newSkills: [greetingFiles] };
    const normal = missionResponder({
      plans: [v1, v2],
      files: { ...GREETING_FILES, F3: { "welcome.txt": "welcome\n" } },
      milestoneReview: () => ({ bulletin: [], skills: [improvedSkill] }),
    });
    const atF2 = gate();
    let held = false;
    harness.models.script(async (request): Promise<Reply> => {
      const worker = request.tools.some((tool) => tool.name === "submit_handoff");
      if (worker && firstText(request).includes("# Feature F2:") && !held) {
        held = true;
        atF2.reached();
        await atF2.opened;
      }
      const reply = normal(request);
      const call = "toolCalls" in reply ? reply.toolCalls?.[0] : undefined;
      if (call?.name === "submit_handoff" && firstText(request).includes("# Feature F1:")) {
        return { toolCalls: [{ name: "submit_handoff", arguments: { ...(call.arguments as object), skillFeedback: [{ skill: "greeting-files", feedback: "It does not say the word must be lowercase." }] } }] };
      }
      return reply;
    });
    const issue = await harness.startMission();
    await harness.github.comment({ owner: OWNER, repo: REPO, issue, user: MAINTAINER, body: "/mission approve" });
    await atF2.arrived;
    // Past the boundary (the skill improved on the branch), while F2's worker runs: a revision.
    await harness.github.comment({ owner: OWNER, repo: REPO, issue, user: MAINTAINER, body: "/mission revise Use the greeting skill for the welcome file too." });
    atF2.open();
    await harness.settle();
    const v2Comment = harness.github.comments(OWNER, REPO, issue).find((comment) => comment.body.includes("Validation contract v2"))!;
    expect(v2Comment).toBeDefined();
    await harness.say(issue, /`(\/mission approve)`/.exec(v2Comment.body)![1]!);
    const [mission] = await harness.app.store.listMissions();
    expect(mission!.status).toBe("done");
    expect(mission!.approvedVersion).toBe(2);

    // The revision was offered the skill as improved on the branch.
    const plannings = harness.models.calls.map((call) => call.request).filter((request) => request.tools.some((tool) => tool.name === "submit_plan"));
    expect(firstText(plannings.at(-1)!)).toContain(`\`greeting-files\`: ${improvedSkill.description}`);
    // The improved skill stayed: the revision's new skills wrote nothing over it.
    const skill = parseSkill(git(harness.gitDir, "show", `${BRANCH}:.github/missions/skills/greeting-files/SKILL.md`), "repository");
    expect(skill).toMatchObject({ description: improvedSkill.description, body: improvedSkill.body });
    const subjects = commitsOn(harness.gitDir, BRANCH, "main").map((commit) => commit.subject);
    expect(subjects.filter((subject) => subject.startsWith("Skills:"))).toEqual(["Skills: greeting-files", "Skills: greeting-files"]);
    // F3's worker read the improved skill.
    const f3 = harness.models.calls.find((call) => call.request.tools.some((tool) => tool.name === "submit_handoff") && firstText(call.request).includes("# Feature F3:"))!;
    expect(firstText(f3.request)).toContain(improvedSkill.body);
  }, 240_000);
});

import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { NormalizedRequest, Reply } from "../fakes/models/index.ts";
import { commitsOn, git } from "../helpers/git.ts";
import { gate } from "./gate.ts";
import { missionResponder, type ScriptedPlan } from "./mission-script.ts";
import { MAINTAINER, OWNER, REPO, startHarness, type Harness } from "./harness.ts";

const BRANCH = "mission/1-assemble-the-parts";

const FILES: Record<string, string> = {
  "README.md": "# Parts\n\nA fixture repository assembled from parts.\n",
  // Every part that exists says ok: the repository's own test, run by scrutiny at each milestone.
  "test.sh": '#!/bin/sh\nset -e\nfor f in parts/*.txt; do [ -e "$f" ] || continue; grep -q ok "$f"; done\necho all good\n',
  ".github/missions.yml": "commands:\n  test: sh test.sh\nremediation:\n  rounds: 1\nlimits:\n  worker:\n    turns: 4\n",
};

const feature = (n: number, milestoneId: string, assertion: string) => ({
  id: `F${n}`,
  milestoneId,
  title: `Add part ${n}`,
  description: `Create parts/f${n}.txt saying ok.`,
  assertionIds: [assertion],
});
const assertion = (id: string, milestoneId: string, statement: string) => ({ id, milestoneId, statement, verification: "sh test.sh passes and the file is there" });

const V1: ScriptedPlan = {
  summary: "Assembles nine parts in three milestones.",
  milestones: [
    { id: "M1", title: "Basics" },
    { id: "M2", title: "Middle" },
    { id: "M3", title: "Finish" },
  ],
  features: [
    feature(1, "M1", "VAL-ONE-001"),
    feature(2, "M1", "VAL-ONE-002"),
    feature(3, "M1", "VAL-ONE-003"),
    feature(4, "M2", "VAL-TWO-001"),
    feature(5, "M2", "VAL-TWO-002"),
    feature(6, "M2", "VAL-TWO-003"),
    feature(7, "M3", "VAL-THREE-004"),
    feature(8, "M3", "VAL-THREE-001"),
    feature(9, "M3", "VAL-THREE-002"),
  ],
  assertions: [
    assertion("VAL-ONE-001", "M1", "part 1 is there"),
    assertion("VAL-ONE-002", "M1", "part 2 is there"),
    assertion("VAL-ONE-003", "M1", "part 3 is there"),
    assertion("VAL-TWO-001", "M2", "part 4 is there"),
    assertion("VAL-TWO-002", "M2", "part 5 is right"),
    assertion("VAL-TWO-003", "M2", "part 6 is there"),
    assertion("VAL-THREE-001", "M3", "part 8 is there"),
    assertion("VAL-THREE-002", "M3", "part 9 is there"),
    assertion("VAL-THREE-004", "M3", "part 7 is there"),
  ],
};

/** Contract v2, after `/mission revise` mid-mission: a changelog, with its own assertion. */
const V2: ScriptedPlan = {
  ...V1,
  features: [...V1.features, { id: "F10", milestoneId: "M3", title: "Add the changelog", description: "Create CHANGELOG.md listing the parts.", assertionIds: ["VAL-THREE-003"] }],
  assertions: [...V1.assertions, assertion("VAL-THREE-003", "M3", "CHANGELOG.md lists the parts")],
};

const PART_FILES: Record<string, Record<string, string>> = Object.fromEntries(
  Array.from({ length: 9 }, (_, index) => [`F${index + 1}`, { [`parts/f${index + 1}.txt`]: `ok f${index + 1}\n` }]),
);
PART_FILES.F10 = { "CHANGELOG.md": "# Changelog\n\n- parts 1 to 9\n" };

/** With MISSIONS_DUMP_CORPUS set to a directory, the states worth keeping in the corpus of stored missions are written there. */
async function dump(harness: Harness, name: string): Promise<void> {
  const directory = process.env.MISSIONS_DUMP_CORPUS;
  if (!directory) return;
  const [mission] = await harness.app.store.listMissions();
  writeFileSync(join(directory, `${name}.json`), `${JSON.stringify(mission, null, 2)}\n`);
}

const firstText = (request: NormalizedRequest) => (request.messages[0]?.role === "user" ? request.messages[0].text : "");
const workerOn = (request: NormalizedRequest) => (request.tools.some((tool) => tool.name === "submit_handoff") ? /^# Feature (F\d+):/m.exec(firstText(request))?.[1] : undefined);
const turn = (request: NormalizedRequest) => request.messages.filter((message) => message.role === "assistant").length;
const handoff = (summary: string): Reply => ({
  toolCalls: [{ name: "submit_handoff", arguments: { status: "done", summary, completed: [summary], leftUndone: [], issuesDiscovered: [], testsWrittenFirst: false } }],
});
const write = (path: string, content: string): Reply => ({ toolCalls: [{ name: "write_file", arguments: { path, content } }] });

// Whole missions of many steps: on a loaded 2-core machine they take longer than the default minute.
describe("a long mission: three milestones, ten features, steered from GitHub", { timeout: 240_000 }, () => {
  let harness: Harness;
  afterEach(async () => {
    await harness.close();
  });

  it("checkpoints, validates each milestone before the next, takes a revision mid-mission and a maintainer's way past a blocked milestone, with few human actions", async () => {
    harness = await startHarness({ files: FILES });
    const normal = missionResponder({
      plans: [V1, V2],
      files: PART_FILES,
      discoveries: { F1: ["parts files must contain the word ok, or test.sh fails"] },
      // Scrutiny: part 5 must say "ok fixed" — which no worker knows until a maintainer says so.
      verdict: (id, request) => (id !== "VAL-TWO-002" || firstText(request).includes("+ok fixed") ? "pass" : "fail"),
      milestoneReview: (milestoneId, request) => ({
        bulletin: [...firstText(request).matchAll(/^- (F\d+: .+)$/gm)].map((match) => match[1]!),
        notes: milestoneId === "M1" ? [{ featureId: "F5", note: "F1 found that parts files must contain ok" }] : [],
        add: [],
        drop: [],
        questions: [],
      }),
    });
    const atF4 = gate();
    let held = false;
    harness.models.script(async (request: NormalizedRequest): Promise<Reply> => {
      const featureId = workerOn(request);
      if (featureId === "F4" && !held) {
        held = true;
        atF4.reached();
        await atF4.opened;
      }
      // F2's first worker wanders until it runs out of turns; the fresh worker finishes from the checkpoint.
      if (featureId === "F2") {
        if (firstText(request).includes("## Continuing from a checkpoint")) {
          return turn(request) === 0 ? write("parts/f2.txt", "ok f2, finished from the checkpoint\n") : handoff("Finished part 2 from the checkpoint.");
        }
        return turn(request) === 0 ? write("parts/f2.txt", "ok f2\n") : { toolCalls: [{ name: "list_files", arguments: {} }] };
      }
      // Repair workers: without a maintainer's guidance they try something that does not fix part 5.
      if (featureId && !(featureId in PART_FILES)) {
        if (turn(request) > 0) return handoff(`Repair attempt ${featureId}.`);
        // The reviewer's inline comment, with its file and line, is all this worker knows of the review.
        if (firstText(request).includes("`parts/f9.txt` line 1")) return write("parts/f9.txt", "ok f9, said with feeling\n");
        return firstText(request).includes("write that into parts/f5.txt") ? write("parts/f5.txt", "ok fixed\n") : write(`parts/try-${featureId}.txt`, "ok tried\n");
      }
      return normal(request);
    });

    const issue = await harness.startMission("Assemble the parts");
    await harness.github.comment({ owner: OWNER, repo: REPO, issue, user: MAINTAINER, body: "/mission approve" });
    await atF4.arrived;

    // M1 is validated (and passed) before the first commit of M2.
    const [m1Check] = harness.github.checkRuns(OWNER, REPO);
    expect(m1Check).toMatchObject({ name: "Mission scrutiny · Basics", status: "completed", conclusion: "success" });
    const m1Commits = commitsOn(harness.gitDir, BRANCH, "main");
    expect(m1Commits.map((commit) => `${commit.trailers.Feature}:${commit.trailers.Handoff}`)).toEqual(["F1:done", "F2:checkpoint", "F2:done", "F3:done"]);
    expect(m1Check!.head_sha).toBe(m1Commits.at(-1)!.sha);

    // Mid-mission, while F4's worker runs: a change of scope.
    await harness.github.comment({ owner: OWNER, repo: REPO, issue, user: MAINTAINER, body: "/mission revise Also add a changelog that lists the parts." });
    atF4.open();
    await harness.settle();
    const botComments = () => harness.github.comments(OWNER, REPO, issue).filter((comment) => comment.user.type === "Bot");
    const v2 = botComments().find((comment) => comment.body.includes("Validation contract v2"))!;
    expect(v2.body).toContain("Changes from v1");
    expect(v2.body).toContain("added feature `F10`");
    expect(v2.body).toContain("added assertion `VAL-THREE-003`");
    expect(v2.body).toContain("✅ **F4 — Add part 4**");
    // The feature in flight finished; nothing more runs until v2 is decided.
    expect(commitsOn(harness.gitDir, BRANCH, "main").map((commit) => commit.trailers.Feature).at(-1)).toBe("F4");
    expect((await harness.app.store.listMissions())[0]!.status).toBe("awaiting-approval");
    await dump(harness, "revision-awaiting-approval");

    await harness.say(issue, /`(\/mission approve)`/.exec(v2.body)![1]!);
    // M2 fails past its repair round: blocked, once, with advice.
    const blockedNotice = botComments().find((comment) => comment.body.includes("Mission blocked on milestone M2"))!;
    expect(blockedNotice).toBeDefined();
    expect((await harness.app.store.listMissions())[0]!.status).toBe("blocked");
    await dump(harness, "blocked-milestone-after-revision");
    // As a person would: the notice's "retry with guidance", typed as written, with what they know.
    const retryWithGuidance = /`(\/mission retry) <[^>]+>`/.exec(blockedNotice.body)![1]!;
    await harness.say(issue, `${retryWithGuidance} Part 5 must say exactly "ok fixed": write that into parts/f5.txt.`);

    const mission = (await harness.app.store.listMissions())[0]!;
    expect(mission.status).toBe("done");
    expect(mission.approvedVersion).toBe(2);
    expect(Object.values(mission.assertions).every((state) => state.verdict === "pass")).toBe(true);
    const commits = commitsOn(harness.gitDir, BRANCH, "main");
    const features = commits.map((commit) => commit.trailers.Feature!);
    // Every planned feature and the revision's one landed, each M2 feature before M3's, the repairs in M2.
    for (const id of ["F1", "F2", "F3", "F4", "F5", "F6", "F7", "F8", "F9", "F10"]) expect(features).toContain(id);
    // Milestone by milestone: every commit of M1's features (the checkpoint too) before M2's, every one of M2's (its repairs F11, F12 too) before M3's.
    const milestoneOf = (id: string) => [...V2.features, ...mission.extraFeatures].find((feature) => feature.id === id)!.milestoneId;
    expect(mission.extraFeatures.map((feature) => `${feature.id}:${feature.milestoneId}`)).toEqual(["F11:M2", "F12:M2"]);
    const order = features.map(milestoneOf);
    expect(order).toEqual([...order].sort());
    expect(new Set(order)).toEqual(new Set(["M1", "M2", "M3"]));
    expect(git(harness.gitDir, "show", `${BRANCH}:parts/f5.txt`)).toBe("ok fixed\n");
    expect(git(harness.gitDir, "show", `${BRANCH}:CHANGELOG.md`)).toContain("parts 1 to 9");
    // Each milestone's check run: M1 once, M2 until it passed, M3 once.
    const checks = harness.github.checkRuns(OWNER, REPO).map((check) => `${check.name.replace("Mission scrutiny · ", "")}:${check.conclusion}`);
    expect(checks[0]).toBe("Basics:success");
    expect(checks.at(-2)).toBe("Middle:success");
    expect(checks.at(-1)).toBe("Finish:success");

    // What the milestone boundary carried: F1's discovery reached the orchestrator, its note F5's worker.
    const requests = harness.models.calls.map((call) => call.request);
    const review = requests.find((request) => request.tools.some((tool) => tool.name === "submit_milestone_review"))!;
    expect(firstText(review)).toContain("discovered: parts files must contain the word ok");
    const f5 = requests.find((request) => workerOn(request) === "F5")!;
    expect(firstText(f5)).toContain("After M1: F1 found that parts files must contain ok");
    expect(firstText(f5)).toContain("F1: parts files must contain the word ok");

    // The maintainer reviews the pull request: one inline comment, on line 1 of part 9.
    const pull = harness.github.pulls(OWNER, REPO)[0]!;
    expect(pull.draft).toBe(false);
    expect(pull.body).toContain("Validation contract v2");
    await harness.github.submitReview({ owner: OWNER, repo: REPO, number: pull.number, user: MAINTAINER, state: "changes_requested", comments: [{ path: "parts/f9.txt", line: 1, body: "Say it with feeling." }] });
    await harness.settle();
    const fix = commitsOn(harness.gitDir, BRANCH, "main").at(-1)!;
    expect(git(harness.gitDir, "show", "--format=", "--unified=0", fix.sha)).toMatch(/\+\+\+ b\/parts\/f9\.txt\n@@ -1 \+1 @@\n-ok f9\n\+ok f9, said with feeling/);
    expect((await harness.app.store.listMissions())[0]!.status).toBe("done");

    // Few human actions, and every notification one a person needed.
    const people = harness.github.comments(OWNER, REPO, issue).filter((comment) => comment.user.type !== "Bot");
    expect(people.map((comment) => comment.body.split(" ")[0] + (comment.body.startsWith("/mission") ? ` ${comment.body.split(" ")[1]}` : ""))).toEqual([
      "/mission approve",
      "/mission revise",
      "/mission approve",
      "/mission retry",
    ]);
    const headings = botComments().map((comment) => comment.body.split("\n").find((line) => line.startsWith("#"))?.replace(/ —.*$/, ""));
    expect(headings).toEqual([
      "### 🛰️ Mission control · #1",
      "## 📋 Validation contract v1",
      "## 📋 Validation contract v2",
      "### ⛔ Mission blocked on milestone M2",
      "### ✅ Mission complete",
      "### ✅ Mission complete",
    ]);
    // Human actions: the label, four comments and one review. Notifications: five comments on the issue, the second "complete" after the review's fix.
    expect(harness.github.comments(OWNER, REPO, pull.number).filter((comment) => comment.user.type === "Bot")).toEqual([]);
  });

  it("a question the orchestrator asks at a milestone boundary is answered as its comment says, and the answer reaches the next workers", async () => {
    harness = await startHarness({ files: FILES });
    const twoMilestones: ScriptedPlan = { ...V1, milestones: V1.milestones.slice(0, 2), features: V1.features.slice(0, 6), assertions: V1.assertions.slice(0, 6).map((a) => (a.id === "VAL-TWO-002" ? { ...a, statement: "part 5 is there" } : a)) };
    harness.models.script(
      missionResponder({
        plans: [twoMilestones],
        files: PART_FILES,
        milestoneReview: (milestoneId) => ({ bulletin: [], notes: [], add: [], drop: [], questions: milestoneId === "M1" ? ["Should part 4 be upper case?"] : [] }),
      }),
    );
    const issue = await harness.startMission("Assemble the parts");
    await harness.say(issue);
    const question = harness.github.comments(OWNER, REPO, issue).find((comment) => comment.body.startsWith("### ❓ Questions after milestone M1"))!;
    expect(question.body).toContain("Should part 4 be upper case?");
    expect(commitsOn(harness.gitDir, BRANCH, "main").map((commit) => commit.trailers.Feature)).toEqual(["F1", "F2", "F3"]);
    expect((await harness.app.store.listMissions())[0]!.status).toBe("questions");
    await dump(harness, "questions-during-work");

    // A passing remark on the pull request is no answer.
    const pull = harness.github.pulls(OWNER, REPO)[0]!;
    await harness.say(pull.number, "Looks good so far.");
    expect((await harness.app.store.listMissions())[0]!.status).toBe("questions");

    const answer = /`(\/mission answer) <text>`/.exec(question.body)![1]!;
    await harness.say(issue, `${answer} No, keep it lower case.`);
    expect((await harness.app.store.listMissions())[0]!.status).toBe("done");
    expect(commitsOn(harness.gitDir, BRANCH, "main").map((commit) => commit.trailers.Feature)).toEqual(["F1", "F2", "F3", "F4", "F5", "F6"]);
    const f4 = harness.models.calls.map((call) => call.request).find((request) => workerOn(request) === "F4")!;
    expect(firstText(f4)).toContain("No, keep it lower case.");
  });
});

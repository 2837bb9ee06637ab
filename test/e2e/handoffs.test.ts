import { afterEach, describe, expect, it } from "vitest";
import type { NormalizedRequest, Reply } from "../fakes/models/index.ts";
import { commitsOn, git } from "../helpers/git.ts";
import { FIXTURE_FILES, GREETING_FILES, GREETING_PLAN, missionResponder } from "./mission-script.ts";
import { OWNER, REPO, startHarness, type Harness } from "./harness.ts";

const BRANCH = "mission/1-add-greetings";
const firstText = (request: NormalizedRequest) => (request.messages[0]?.role === "user" ? request.messages[0].text : "");
const isWorker = (request: NormalizedRequest) => request.tools.some((tool) => tool.name === "submit_handoff");
const lastResults = (request: NormalizedRequest) => {
  const last = request.messages.at(-1);
  return last?.role === "user" ? last.toolResults : [];
};

describe("handoffs the app questions", () => {
  let harness: Harness;
  afterEach(async () => {
    await harness.close();
  });
  const botComments = (issue: number) => harness.github.comments(OWNER, REPO, issue).filter((comment) => comment.user.type === "Bot");

  it("a worker that hands off done with nothing changed is asked, in its run, to account for it; its reason goes into the feature's one (empty) commit", async () => {
    // The farewell is already there: F2 needs no change.
    harness = await startHarness({ files: { ...FIXTURE_FILES, "farewell.txt": "goodbye\n" } });
    const responder = missionResponder({ plans: [GREETING_PLAN], files: { F1: GREETING_FILES.F1 } });
    harness.models.script(responder);
    const issue = await harness.startMission();
    await harness.say(issue);

    const f2 = harness.models.calls.filter((call) => isWorker(call.request) && firstText(call.request).includes("# Feature F2:")).map((call) => call.request);
    // One run: the handoff, the question, the handoff with its reason.
    expect(f2).toHaveLength(2);
    expect(f2[0]!.messages).toHaveLength(1);
    const asked = lastResults(f2[1]!)[0]!;
    expect(asked.isError).toBe(true);
    expect(asked.content).toContain("The checkout has no change");
    expect(asked.content).toContain("noChangeReason");

    const commits = commitsOn(harness.gitDir, BRANCH, "main");
    expect(commits.map((commit) => `${commit.trailers.Feature}:${commit.trailers.Handoff}`)).toEqual(["F1:done", "F2:done"]);
    expect(git(harness.gitDir, "diff", "--name-only", `${commits[1]!.sha}~1`, commits[1]!.sha).trim()).toBe("");
    expect(git(harness.gitDir, "log", "-1", "--format=%B", commits[1]!.sha)).toContain("No change needed: F2 needs no change: what it asks for is already in the code.");
    expect((await harness.app.store.listMissions())[0]!.status).toBe("done");
    expect(botComments(issue).filter((comment) => comment.body.includes("Mission complete"))).toHaveLength(1);
  });

  it("features that hand off partial for the same reason block the mission once; the notice's /mission retry <guidance>, followed literally, finishes it", async () => {
    harness = await startHarness({ files: FIXTURE_FILES });
    const normal = missionResponder({ plans: [GREETING_PLAN], files: GREETING_FILES });
    const guidance = "The browser cannot be installed here: hand off done once the file is written.";
    harness.models.script((request: NormalizedRequest): Reply => {
      if (!isWorker(request) || firstText(request).includes(guidance)) return normal(request);
      // Writes its file, then cannot run the tests: the same obstacle for every feature.
      const reply = normal(request) as { toolCalls: Array<{ name: string; arguments: Record<string, unknown> }> };
      if (reply.toolCalls[0]!.name !== "submit_handoff") return reply;
      const featureId = /^# Feature (F\d+):/m.exec(firstText(request))![1]!;
      const stoppedBy = featureId === "F1" ? "could not run the tests: the browser is missing" : "the tests could not run because no browser is installed";
      return { toolCalls: [{ name: "submit_handoff", arguments: { status: "partial", summary: `Wrote ${featureId}'s file.`, completed: ["the file"], leftUndone: ["run the browser tests"], stoppedBy, issuesDiscovered: [], testsWrittenFirst: false } }] };
    });
    const issue = await harness.startMission();
    await harness.say(issue);

    const handoffs = () => commitsOn(harness.gitDir, BRANCH, "main").map((commit) => `${commit.trailers.Feature}:${commit.trailers.Handoff}`);
    const notices = () => botComments(issue).filter((comment) => comment.body.startsWith("### ⛔") && comment.body.includes("for the same reason"));
    expect(handoffs()).toEqual(["F1:partial", "F2:partial"]);
    const blocked = (await harness.app.store.listMissions())[0]!;
    expect(blocked.status).toBe("blocked");
    // The follow-ups wait; none ran, and no more were queued.
    expect(blocked.extraFeatures.map((feature) => `${feature.id} ${feature.title}`)).toEqual(["F3 Finish: Add the greeting file", "F4 Finish: Add the farewell file"]);
    expect(notices()).toHaveLength(1);
    const notice = notices()[0]!.body;
    expect(notice).toContain("### ⛔ 2 features in a row were handed off partial for the same reason");
    expect(notice).toContain("> could not run the tests: the browser is missing");
    expect(notice).toContain("- F1 (Add the greeting file): could not run the tests");
    expect(notice).toContain("- F2 (Add the farewell file): the tests could not run");
    expect(notice).toContain("what they left waits as F3, F4");

    // As a person would: the notice's command with guidance, typed as it is written.
    const retry = /`(\/mission retry) <[^>]+>`/.exec(notice)![1]!;
    await harness.say(issue, `${retry} ${guidance}`);
    expect(handoffs()).toEqual(["F1:partial", "F2:partial", "F3:done", "F4:done"]);
    expect((await harness.app.store.listMissions())[0]!.status).toBe("done");
    expect(notices()).toHaveLength(1);
    expect(botComments(issue).filter((comment) => comment.body.includes("Mission complete"))).toHaveLength(1);
  });

  it("review feedback whose fix changes nothing is not a second 'Mission complete': the people are told, once, that it needed no change", async () => {
    harness = await startHarness({ files: FIXTURE_FILES });
    // The fix's worker finds nothing to change (the script has no files for it) and says why when asked.
    harness.models.script(missionResponder({ plans: [GREETING_PLAN], files: GREETING_FILES }));
    const issue = await harness.startMission();
    await harness.say(issue);
    expect((await harness.app.store.listMissions())[0]!.status).toBe("done");
    const complete = () => botComments(issue).filter((comment) => comment.body.includes("Mission complete"));
    const unchanged = () => botComments(issue).filter((comment) => comment.body.includes("No change needed"));
    expect(complete()).toHaveLength(1);

    await harness.say(issue, "/mission fix The farewell should say goodbye.");
    const commits = commitsOn(harness.gitDir, BRANCH, "main");
    expect(commits.map((commit) => `${commit.trailers.Feature}:${commit.trailers.Handoff}`)).toEqual(["F1:done", "F2:done", "F3:done"]);
    expect(git(harness.gitDir, "log", "-1", "--format=%B", commits[2]!.sha)).toContain("No change needed: F3 needs no change");
    expect((await harness.app.store.listMissions())[0]!.status).toBe("done");
    expect(complete()).toHaveLength(1);
    expect(unchanged()).toHaveLength(1);
    expect(unchanged()[0]!.body).toContain("- F3 (Fix milestone M1): F3 needs no change: what it asks for is already in the code.");
    expect(unchanged()[0]!.body).toContain("`/mission fix <what to change>`");
    expect(harness.github.pulls(OWNER, REPO)[0]!.draft).toBe(false);

    // Another fix that changes nothing: answered once, for that one; still no second "complete".
    await harness.say(issue, "/mission fix Check the greeting once more.");
    expect(complete()).toHaveLength(1);
    expect(unchanged()).toHaveLength(2);
  });
});

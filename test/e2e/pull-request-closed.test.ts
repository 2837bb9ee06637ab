import { afterEach, describe, expect, it } from "vitest";
import type { NormalizedRequest, Reply } from "../fakes/models/index.ts";
import { git } from "../helpers/git.ts";
import { FIXTURE_FILES, GREETING_FILES, GREETING_PLAN, missionResponder } from "./mission-script.ts";
import { MAINTAINER, OWNER, REPO, startHarness, type Harness } from "./harness.ts";

const BRANCH = "mission/1-add-greetings";
const firstUser = (request: NormalizedRequest) => (request.messages[0]?.role === "user" ? request.messages[0].text : "");

// The mission's pull request is the people's: when they merge it or close it, the mission learns it.
describe("the mission's pull request, merged or closed by a person", () => {
  let harness: Harness;
  afterEach(async () => {
    await harness.close();
  });

  const botComments = (issue: number) => harness.github.comments(OWNER, REPO, issue).filter((comment) => comment.user.type === "Bot");
  const control = (issue: number) => botComments(issue).find((comment) => comment.body.includes("<!-- missions:control"))!.body;
  /** F2's worker is stuck: the mission waits for people, with F1 pushed and its draft PR open. */
  const missionWaitingOnF2 = async () => {
    harness = await startHarness({ files: FIXTURE_FILES });
    const normal = missionResponder({ plans: [GREETING_PLAN], files: GREETING_FILES });
    harness.models.script((request): Reply =>
      request.tools.some((tool) => tool.name === "submit_handoff") && /^# Feature F2:/m.test(firstUser(request))
        ? { toolCalls: [{ name: "submit_handoff", arguments: { status: "blocked", summary: "Needs a decision on the wording.", completed: [], leftUndone: ["farewell.txt"], commandsRun: [], issuesDiscovered: [], testsWrittenFirst: false } }] }
        : normal(request),
    );
    const issue = await harness.startMission();
    await harness.say(issue, "/mission approve");
    return issue;
  };

  it("closed without merging while the mission waits: the mission stops, says so, and pushes nothing more", async () => {
    const issue = await missionWaitingOnF2();
    expect((await harness.app.store.listMissions())[0]!.status).toBe("blocked");
    const [pull] = harness.github.pulls(OWNER, REPO);
    expect(pull).toMatchObject({ state: "open", draft: true });
    const head = git(harness.gitDir, "rev-parse", BRANCH).trim();

    await harness.github.closePull({ owner: OWNER, repo: REPO, number: pull!.number, user: MAINTAINER, merge: false });
    await harness.settle();
    const [stopped] = await harness.app.store.listMissions();
    expect(stopped).toMatchObject({ status: "aborted", reason: `pull request #${pull!.number} closed without merging by @${MAINTAINER}`, pr: { closedAs: "closed" } });
    const notice = botComments(issue).find((comment) => comment.body.includes("### 🛑 Mission stopped: pull request closed"));
    expect(notice?.body).toContain(`@${MAINTAINER} closed #${pull!.number} without merging it, so the mission stopped: nothing more is pushed to \`${BRANCH}\``);
    expect(control(issue)).toMatch(/🛑 Aborted — pull request #\d+ closed without merging/);
    expect(control(issue)).toContain("(closed)");

    // Nothing brings it back to work on the closed pull request.
    await harness.say(issue, "/mission resume");
    expect((await harness.app.store.listMissions())[0]!.status).toBe("aborted");
    expect(botComments(issue).at(-1)!.body).toContain("this mission is already **aborted**");
    expect(git(harness.gitDir, "rev-parse", BRANCH).trim()).toBe(head);
  });

  it("merged once done: the control comment says merged, and the pull request takes no more fixes", async () => {
    harness = await startHarness({ files: FIXTURE_FILES });
    harness.models.script(missionResponder({ plans: [GREETING_PLAN], files: GREETING_FILES }));
    const issue = await harness.startMission();
    await harness.say(issue, "/mission approve");
    const [pull] = harness.github.pulls(OWNER, REPO);
    expect(pull).toMatchObject({ state: "open", draft: false });
    const comments = botComments(issue).length;

    await harness.github.closePull({ owner: OWNER, repo: REPO, number: pull!.number, user: MAINTAINER, merge: true });
    await harness.settle();
    expect(harness.github.pulls(OWNER, REPO)[0]).toMatchObject({ state: "closed", merged: true });
    expect(git(harness.gitDir, "show", "main:greeting.txt")).toBe("hello\n");
    const [done] = await harness.app.store.listMissions();
    expect(done).toMatchObject({ status: "done", reason: `pull request #${pull!.number} merged by @${MAINTAINER}`, pr: { closedAs: "merged" } });
    expect(control(issue)).toMatch(/✅ Done — pull request #\d+ merged by @\u2060alice/);
    expect(control(issue)).toContain("(merged)");
    expect(botComments(issue)).toHaveLength(comments); // learnt, not announced: the person merged it

    const before = git(harness.gitDir, "rev-parse", BRANCH).trim();
    await harness.github.comment({ owner: OWNER, repo: REPO, issue: pull!.number, user: MAINTAINER, body: "/mission fix say hi too" });
    await harness.settle();
    expect(git(harness.gitDir, "rev-parse", BRANCH).trim()).toBe(before);
    expect((await harness.app.store.listMissions())[0]!.status).toBe("done");
  });

  it("closed by someone with only triage, or another pull request closed: the mission goes on; merged by the merge queue (a bot): learnt", async () => {
    await missionWaitingOnF2();
    const [pull] = harness.github.pulls(OWNER, REPO);
    harness.github.setPermission(OWNER, REPO, "trudy", "triage");

    await harness.github.closePull({ owner: OWNER, repo: REPO, number: pull!.number, user: "trudy", merge: false });
    await harness.settle();
    expect((await harness.app.store.listMissions())[0]).toMatchObject({ status: "blocked" });
    expect((await harness.app.store.listMissions())[0]!.pr?.closedAs).toBeUndefined();

    const closed = harness.github.lastDelivery()!.payload as { pull_request: Record<string, unknown>; sender: Record<string, unknown> };
    await harness.github.deliver("pull_request", { ...closed, pull_request: { ...closed.pull_request, number: pull!.number + 100 }, sender: { ...closed.sender, login: MAINTAINER } });
    await harness.settle();
    expect((await harness.app.store.listMissions())[0]).toMatchObject({ status: "blocked" });

    await harness.github.deliver("pull_request", { ...closed, pull_request: { ...closed.pull_request, merged: true }, sender: { login: "github-merge-queue[bot]", id: 9919, type: "Bot" } });
    await harness.settle();
    expect((await harness.app.store.listMissions())[0]).toMatchObject({ status: "done", pr: { closedAs: "merged" } });
  });
});

import { afterEach, describe, expect, it } from "vitest";
import { commitsOn, git } from "../helpers/git.ts";
import { FIXTURE_FILES, GREETING_FILES, GREETING_PLAN, missionResponder } from "./mission-script.ts";
import { OWNER, REPO, startHarness, type Harness } from "./harness.ts";

const BRANCH = "mission/1-add-greetings";

// A branch protected by "require signed commits" refuses every git push by an app (those commits are
// unsigned). The app makes its commits through the Git Data API instead: GitHub signs them as the app.
describe("a mission on a branch that requires signed commits", () => {
  let harness: Harness;
  afterEach(async () => {
    await harness.close();
  });

  it("completes, and every commit on its branch is verified, by the app's bot, with the trailers", async () => {
    harness = await startHarness({ files: FIXTURE_FILES });
    harness.github.requireSignedCommits(OWNER, REPO, "mission/*");
    harness.models.script(missionResponder({ plans: [GREETING_PLAN], files: GREETING_FILES }));

    const issue = await harness.startMission();
    await harness.say(issue, "/mission approve");

    const [done] = await harness.app.store.listMissions();
    expect(done!.status).toBe("done");
    const commits = commitsOn(harness.gitDir, BRANCH, "main");
    expect(commits.map((commit) => commit.trailers)).toEqual([
      { Mission: "#1", Feature: "F1", Assertions: "VAL-GREET-001", Handoff: "done" },
      { Mission: "#1", Feature: "F2", Assertions: "VAL-GREET-002", Handoff: "done" },
    ]);
    for (const commit of commits) {
      expect(harness.github.verification(OWNER, REPO, commit.sha)).toMatchObject({ verified: true, reason: "valid" });
      expect(commit.author).toBe(`${harness.github.botLogin} <9000+${harness.github.botLogin}@users.noreply.github.com>`);
    }
    expect(git(harness.gitDir, "show", `${BRANCH}:greeting.txt`)).toBe("hello\n");
    // Made through the API, never pushed with git.
    expect(harness.github.requests.filter((request) => request.method === "POST" && request.path.endsWith("/git/commits"))).toHaveLength(2);
    // The recorded commits are GitHub's, and the pull request's head is the branch's.
    expect(Object.values(done!.features).map((feature) => feature.commitSha)).toEqual(commits.map((commit) => commit.sha));
    expect(harness.github.pulls(OWNER, REPO)).toHaveLength(1);
  });

  it("with MISSIONS_COMMITS=push (no such protection) the commits are pushed with git, unsigned", async () => {
    harness = await startHarness({ files: FIXTURE_FILES, env: { MISSIONS_COMMITS: "push" } });
    harness.models.script(missionResponder({ plans: [GREETING_PLAN], files: GREETING_FILES }));
    const issue = await harness.startMission();
    await harness.say(issue, "/mission approve");
    const [done] = await harness.app.store.listMissions();
    expect(done!.status).toBe("done");
    const commits = commitsOn(harness.gitDir, BRANCH, "main");
    expect(commits).toHaveLength(2);
    for (const commit of commits) expect(harness.github.verification(OWNER, REPO, commit.sha)).toMatchObject({ verified: false });
    expect(harness.github.requests.filter((request) => request.path.endsWith("/git/commits"))).toHaveLength(0);
  });

});

// Where the app's commits may run in the repository's Actions: operators leave its branches out.
describe("a mission with an operator's branch prefix", () => {
  let harness: Harness;
  afterEach(async () => {
    await harness.close();
  });

  it("with MISSIONS_BRANCH_PREFIX the mission works on a branch under the operator's prefix, which the PR names", async () => {
    harness = await startHarness({ files: FIXTURE_FILES, env: { MISSIONS_BRANCH_PREFIX: "bots/missions/" } });
    harness.models.script(missionResponder({ plans: [GREETING_PLAN], files: GREETING_FILES }));
    const issue = await harness.startMission();
    await harness.say(issue, "/mission approve");
    const [done] = await harness.app.store.listMissions();
    expect(done!.status).toBe("done");
    expect(done!.branch).toBe("bots/missions/1-add-greetings");
    expect(commitsOn(harness.gitDir, "bots/missions/1-add-greetings", "main")).toHaveLength(2);
    expect(git(harness.gitDir, "branch", "--list", "mission/*")).toBe("");
    expect(harness.github.pulls(OWNER, REPO).map((pull) => pull.head.ref)).toEqual(["bots/missions/1-add-greetings"]);
  });
});

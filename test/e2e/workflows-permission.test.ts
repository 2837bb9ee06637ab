import { afterEach, describe, expect, it } from "vitest";
import { commitsOn, git } from "../helpers/git.ts";
import { FIXTURE_FILES, GREETING_FILES, GREETING_PLAN, missionResponder } from "./mission-script.ts";
import { MAINTAINER, OWNER, REPO, startHarness, type Harness } from "./harness.ts";

const BRANCH = "mission/1-add-greetings";
const INSTALLATION = 100;
const WORKFLOW = ".github/workflows/greet.yml";

// An installation made before the app asked for `workflows` has not accepted it: GitHub then refuses
// any push whose commits touch .github/workflows/. The mission must say so, and what to do.
describe("a feature that changes a workflow file, on an installation without the workflows permission", () => {
  let harness: Harness;
  afterEach(async () => {
    await harness.close();
  });

  it("pauses with a notice naming the file, the permission and where to accept it; /mission resume once granted pushes the kept commit", async () => {
    harness = await startHarness({ files: FIXTURE_FILES });
    const granted = harness.github.installationPermissions(INSTALLATION);
    const { workflows: _workflows, ...withoutWorkflows } = granted;
    harness.github.setInstallationPermissions(INSTALLATION, withoutWorkflows);
    const files = { ...GREETING_FILES, F1: { ...GREETING_FILES.F1, [WORKFLOW]: "on: push\njobs: {}\n" } };
    harness.models.script(missionResponder({ plans: [GREETING_PLAN], files }));
    const workerRuns = () => harness.models.calls.filter((call) => call.request.tools.some((tool) => tool.name === "submit_handoff") && call.request.messages.length === 1).length;
    const botComments = (issue: number) => harness.github.comments(OWNER, REPO, issue).filter((comment) => comment.user.type === "Bot");

    const issue = await harness.startMission();
    await harness.say(issue, "/mission approve");

    const [paused] = await harness.app.store.listMissions();
    expect(paused).toMatchObject({ status: "paused", pauseCause: "permission", pausedFrom: "running" });
    expect(commitsOn(harness.gitDir, BRANCH, "main")).toEqual([]);
    const notice = botComments(issue).find((comment) => comment.body.includes("### ⏸️ Mission paused: GitHub refused the push"));
    expect(notice?.body).toContain(`GitHub refused the push of F1 (Add the greeting file) because the feature changes \`${WORKFLOW}\``);
    expect(notice?.body).toContain("the app needs the `workflows` permission");
    expect(notice?.body).toContain(`accept the new permission in the app's installation settings (${harness.github.url}/settings/installations/${INSTALLATION}), then comment \`/mission resume\``);
    expect(botComments(issue)[0]!.body).toMatch(/Paused — GitHub refused the push/);
    expect(workerRuns()).toBe(1);

    // Resumed before anyone accepted it: refused again, and said again.
    await harness.say(issue, "/mission resume");
    expect((await harness.app.store.listMissions())[0]).toMatchObject({ status: "paused", pauseCause: "permission" });
    expect(botComments(issue).filter((comment) => comment.body.includes("### ⏸️ Mission paused: GitHub refused the push"))).toHaveLength(2);

    // An owner accepts the permission; the notice's command, followed literally, finishes the mission.
    harness.github.setInstallationPermissions(INSTALLATION, granted);
    await harness.github.comment({ owner: OWNER, repo: REPO, issue, user: MAINTAINER, body: "/mission resume" });
    await harness.settle();
    const [done] = await harness.app.store.listMissions();
    expect(done!.status).toBe("done");
    const commits = commitsOn(harness.gitDir, BRANCH, "main");
    expect(commits.map((commit) => commit.trailers.Feature)).toEqual(["F1", "F2"]);
    expect(git(harness.gitDir, "show", `${commits[0]!.sha}:${WORKFLOW}`)).toBe("on: push\njobs: {}\n");
    // The refused commit was pushed as it was: its worker did not run again.
    expect(workerRuns()).toBe(2);
    expect(harness.github.pulls(OWNER, REPO)).toHaveLength(1);
  });

  it("/mission resume <guidance> instead drops the refused commit and has the feature done again with the guidance", async () => {
    harness = await startHarness({ files: FIXTURE_FILES });
    const { workflows: _workflows, ...withoutWorkflows } = harness.github.installationPermissions(INSTALLATION);
    harness.github.setInstallationPermissions(INSTALLATION, withoutWorkflows);
    const withWorkflow = missionResponder({ plans: [GREETING_PLAN], files: { ...GREETING_FILES, F1: { ...GREETING_FILES.F1, [WORKFLOW]: "on: push\njobs: {}\n" } } });
    const without = missionResponder({ plans: [GREETING_PLAN], files: GREETING_FILES });
    // The worker leaves CI alone once a person says so.
    harness.models.script((request) => {
      const first = request.messages[0]?.role === "user" ? request.messages[0].text : "";
      return first.includes("leave the CI workflow alone") ? without(request) : withWorkflow(request);
    });
    const issue = await harness.startMission();
    await harness.say(issue, "/mission approve");
    expect((await harness.app.store.listMissions())[0]).toMatchObject({ status: "paused", pauseCause: "permission" });
    const notice = harness.github.comments(OWNER, REPO, issue).find((comment) => comment.body.includes("### ⏸️ Mission paused: GitHub refused the push"))!;
    expect(notice.body).toContain("`/mission resume <guidance>`");

    await harness.say(issue, "/mission resume leave the CI workflow alone");
    const [done] = await harness.app.store.listMissions();
    expect(done!.status).toBe("done");
    const commits = commitsOn(harness.gitDir, BRANCH, "main");
    expect(commits.map((commit) => commit.trailers.Feature)).toEqual(["F1", "F2"]);
    expect(git(harness.gitDir, "ls-tree", "-r", "--name-only", BRANCH)).not.toContain(WORKFLOW);
    expect(done!.redoRefusedFeature).toBeUndefined();
  });
});

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { commitsOn, git } from "../helpers/git.ts";
import { FIXTURE_FILES, GREETING_FILES, GREETING_PLAN, missionResponder } from "./mission-script.ts";
import { MAINTAINER, OWNER, REPO, startHarness, type Harness } from "./harness.ts";

describe("a labelled issue becomes an approved contract, feature commits, a check run and a PR", () => {
  let harness: Harness;
  beforeEach(async () => {
    harness = await startHarness({ files: FIXTURE_FILES });
  });
  afterEach(async () => {
    await harness.close();
  });

  const appComments = (issue: number) =>
    harness.github.comments(OWNER, REPO, issue).filter((comment) => comment.user.type === "Bot");

  it("runs the whole mission as a maintainer would see it", async () => {
    const { github, models } = harness;
    const responder = missionResponder({ plans: [GREETING_PLAN], files: GREETING_FILES });
    models.script(responder);
    const { number } = github.createIssue({ owner: OWNER, repo: REPO, title: "Add greetings", body: "Please add a greeting and a farewell.", user: MAINTAINER });

    await github.addLabel({ owner: OWNER, repo: REPO, issue: number, label: "mission", sender: MAINTAINER });
    await harness.settle();

    // The control comment and the contract, with the hidden machine-readable copy.
    const afterPlanning = appComments(number);
    expect(afterPlanning).toHaveLength(2);
    const [control, contract] = afterPlanning;
    expect(control!.body).toContain("<!-- missions:control");
    expect(control!.body).toMatch(/Waiting for approval/);
    expect(contract!.body).toContain("Validation contract v1");
    expect(contract!.body).toContain("`VAL-GREET-001`");
    expect(contract!.body).toContain("sh test.sh passes");
    expect(contract!.body).toContain("/mission approve");
    expect(contract!.body).toMatch(/<!-- missions:contract v=1 m=\w+ \{.*"VAL-GREET-002".*\} -->/s);

    await github.comment({ owner: OWNER, repo: REPO, issue: number, user: MAINTAINER, body: "/mission approve" });
    await harness.settle();

    // One commit per feature, by the app, with the trailers.
    const branch = "mission/1-add-greetings";
    const commits = commitsOn(harness.gitDir, branch, "main");
    expect(commits.map((commit) => commit.subject)).toEqual(["Add the greeting file", "Add the farewell file"]);
    expect(commits[0]!.trailers).toEqual({ Mission: "#1", Feature: "F1", Assertions: "VAL-GREET-001", Handoff: "done" });
    expect(commits[1]!.trailers).toEqual({ Mission: "#1", Feature: "F2", Assertions: "VAL-GREET-002", Handoff: "done" });
    expect(commits[0]!.author).toBe(`${github.botLogin} <9000+${github.botLogin}@users.noreply.github.com>`);
    expect(git(harness.gitDir, "show", `${branch}:greeting.txt`)).toBe("hello\n");

    // The scrutiny check run on the milestone's head commit.
    const head = commits.at(-1)!.sha;
    const checks = github.checkRuns(OWNER, REPO);
    expect(checks).toHaveLength(1);
    expect(checks[0]).toMatchObject({ name: "Mission scrutiny · Greetings", head_sha: head, status: "completed", conclusion: "success" });
    expect(checks[0]!.output.summary).toContain("`sh test.sh` | ✅ exit 0");
    expect(checks[0]!.output.summary).toContain("`VAL-GREET-002` farewell.txt says goodbye | ✅ pass");

    // The PR: ready for review, its body the contract with verdicts.
    const pulls = github.pulls(OWNER, REPO);
    expect(pulls).toHaveLength(1);
    expect(pulls[0]).toMatchObject({ head: { ref: branch, sha: head }, base: { ref: "main" }, draft: false, state: "open" });
    expect(pulls[0]!.body).toContain("Closes #1");
    expect(pulls[0]!.body).toMatch(/`VAL-GREET-001` greeting.txt says hello \| ✅ pass/);

    // The control comment says done; few new comments, everything else was an edit.
    const finalComments = appComments(number);
    expect(finalComments[0]!.body).toMatch(/✅ Done/);
    expect(finalComments[0]!.edits).toBeGreaterThan(0);
    expect(finalComments.length).toBeLessThanOrEqual(4);
    expect(finalComments.at(-1)!.body).toContain(`Pull request #${pulls[0]!.number} is ready for your review`);

    // Each role really ran, and each worker started from a fresh context.
    expect(new Set(responder.rolesSeen)).toEqual(new Set(["orchestrator", "worker", "reviewer", "scrutiny"]));
    const workerFirstCalls = models.calls.filter((call) => call.request.tools.some((tool) => tool.name === "submit_handoff") && call.request.messages.length === 1);
    expect(workerFirstCalls).toHaveLength(2);
    expect(workerFirstCalls[1]!.request.messages[0]!.role === "user" && workerFirstCalls[1]!.request.messages[0]!.text).toContain("Implemented F1");
  });
});

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { NormalizedRequest, Reply } from "../fakes/models/index.ts";
import { commitsOn, git } from "../helpers/git.ts";
import { FIXTURE_FILES, GREETING_FILES, GREETING_PLAN, missionResponder } from "./mission-script.ts";
import { MAINTAINER, OWNER, REPO, startHarness, type Harness } from "./harness.ts";

describe("lifecycle edges", () => {
  let harness: Harness;
  beforeEach(async () => {
    harness = await startHarness({ files: FIXTURE_FILES });
  });
  afterEach(async () => {
    await harness.close();
  });
  const workerCalls = () => harness.models.calls.filter((call) => call.request.tools.some((tool) => tool.name === "submit_handoff")).length;
  const run = async (issue: number, label = true) => {
    if (label) await harness.github.addLabel({ owner: OWNER, repo: REPO, issue, label: "mission", sender: MAINTAINER });
    await harness.settle();
    await harness.github.comment({ owner: OWNER, repo: REPO, issue, user: MAINTAINER, body: "/mission approve" });
    await harness.settle();
  };

  it("a second mission on the same issue works on its own branch from the base, never adopting the first one's commits", async () => {
    harness.models.script(missionResponder({ plans: [GREETING_PLAN], files: GREETING_FILES }));
    const { number: issue } = harness.github.createIssue({ owner: OWNER, repo: REPO, title: "Add greetings", body: "Greet.", user: MAINTAINER });
    await run(issue);
    const firstWorkers = workerCalls();
    expect(firstWorkers).toBeGreaterThan(0);

    await run(issue);
    expect(workerCalls()).toBe(firstWorkers * 2);
    const second = commitsOn(harness.gitDir, "mission/1-add-greetings-2", "main");
    expect(second.map((commit) => commit.trailers.Feature)).toEqual(["F1", "F2"]);
    expect(commitsOn(harness.gitDir, "mission/1-add-greetings", "main")).toHaveLength(2);
    const pulls = harness.github.pulls(OWNER, REPO);
    expect(pulls.map((pull) => pull.head.ref)).toEqual(["mission/1-add-greetings", "mission/1-add-greetings-2"]);
    expect(pulls.every((pull) => !pull.draft)).toBe(true);
  });

  it("a blocked worker's changes are not committed; `/mission resume <guidance>` runs the feature again with it", async () => {
    const normal = missionResponder({ plans: [GREETING_PLAN], files: GREETING_FILES });
    let blockedOnce = false;
    harness.models.script((request: NormalizedRequest): Reply => {
      const first = request.messages[0];
      const isF1 = first?.role === "user" && first.text.includes("# Feature F1:") && request.tools.some((tool) => tool.name === "submit_handoff");
      if (isF1 && !blockedOnce) {
        if (request.messages.length === 1) return { toolCalls: [{ name: "write_file", arguments: { path: "half-done.txt", content: "wip\n" } }] };
        blockedOnce = true;
        return {
          toolCalls: [{
            name: "submit_handoff",
            arguments: { status: "blocked", summary: "Which greeting language?", leftUndone: ["greeting.txt"], completed: [], commandsRun: [], issuesDiscovered: [], testsWrittenFirst: false },
          }],
        };
      }
      return normal(request);
    });
    const { number: issue } = harness.github.createIssue({ owner: OWNER, repo: REPO, title: "Add greetings", body: "Greet.", user: MAINTAINER });
    await run(issue);
    const comments = () => harness.github.comments(OWNER, REPO, issue).filter((comment) => comment.user.type === "Bot");
    const blocked = comments().find((comment) => comment.body.includes("The worker on F1 (Add the greeting file) is blocked"));
    expect(blocked?.body).toContain("Which greeting language?");
    expect(blocked?.body).toContain("Its changes were not committed");
    expect(comments()[0]!.body).toMatch(/⛔ Blocked/);
    // Nothing was pushed: the branch does not exist yet.
    expect(git(harness.gitDir, "branch", "--list", "mission/*").trim()).toBe("");

    await harness.github.comment({ owner: OWNER, repo: REPO, issue, user: MAINTAINER, body: "/mission resume English, please" });
    await harness.settle();
    const commits = commitsOn(harness.gitDir, "mission/1-add-greetings", "main");
    expect(commits.map((commit) => commit.trailers.Feature)).toEqual(["F1", "F2"]);
    const files = git(harness.gitDir, "ls-tree", "--name-only", "-r", "mission/1-add-greetings");
    expect(files).not.toContain("half-done.txt");
    const retried = harness.models.calls.filter((call) => {
      const first = call.request.messages[0];
      return first?.role === "user" && first.text.includes("# Feature F1:") && call.request.messages.length === 1;
    });
    expect(retried).toHaveLength(2);
    const guidance = retried[1]!.request.messages[0]!;
    expect(guidance.role === "user" && guidance.text).toContain('<untrusted source="guidance from @alice">\nEnglish, please');
    expect(comments()[0]!.body).toMatch(/✅ Done/);
  });

  it("with no command configured or detected, the check run is neutral and says why", async () => {
    await harness.close();
    harness = await startHarness({ files: { "README.md": "# Notes\n" } });
    harness.models.script(missionResponder({ plans: [GREETING_PLAN], files: GREETING_FILES }));
    const { number: issue } = harness.github.createIssue({ owner: OWNER, repo: REPO, title: "Add greetings", body: "Greet.", user: MAINTAINER });
    await run(issue);
    const [check] = harness.github.checkRuns(OWNER, REPO);
    expect(check).toMatchObject({ status: "completed", conclusion: "neutral" });
    expect(check!.output.summary).toContain("No command ran");
    expect(harness.github.pulls(OWNER, REPO)[0]!.draft).toBe(false);
  });
});

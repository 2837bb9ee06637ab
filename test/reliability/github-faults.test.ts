import { execFileSync } from "node:child_process";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { NormalizedRequest, Reply } from "../fakes/models/index.ts";
import { commitsOn, git } from "../helpers/git.ts";
import { FIXTURE_FILES, GREETING_FILES, GREETING_PLAN, missionResponder } from "../e2e/mission-script.ts";
import { OWNER, REPO, startHarness, type Harness } from "../e2e/harness.ts";
import { expectNoSecrets } from "./support/no-secrets.ts";

const BRANCH = "mission/1-add-greetings";
const COMMENTS = /^\/repos\/acme\/greeter\/issues\/\d+\/comments$/;

describe("GitHub faults: the app retries with backoff and never posts twice", () => {
  let harness: Harness;
  beforeEach(async () => {
    harness = await startHarness({ files: FIXTURE_FILES });
    harness.models.script(missionResponder({ plans: [GREETING_PLAN], files: GREETING_FILES }));
  });
  afterEach(async () => {
    expectNoSecrets(harness);
    await harness.close();
  });

  const bot = (issue: number) => harness.github.comments(OWNER, REPO, issue).filter((comment) => comment.user.type === "Bot");
  const withMarker = (issue: number, marker: string) => bot(issue).filter((comment) => comment.body.includes(marker));
  const runMission = async () => {
    const issue = await harness.startMission();
    await harness.say(issue);
    return issue;
  };
  const expectCompletedOnce = (issue: number) => {
    const [mission] = harness.github.pulls(OWNER, REPO);
    expect(harness.github.pulls(OWNER, REPO)).toHaveLength(1);
    expect(mission!.draft).toBe(false);
    expect(withMarker(issue, "<!-- missions:control")).toHaveLength(1);
    expect(withMarker(issue, "<!-- missions:contract v=1")).toHaveLength(1);
    expect(withMarker(issue, "Mission complete")).toHaveLength(1);
    expect(harness.github.checkRuns(OWNER, REPO)).toHaveLength(1);
    expect(commitsOn(harness.gitDir, BRANCH, "main").map((commit) => commit.trailers.Feature)).toEqual(["F1", "F2"]);
  };

  it("waits out secondary rate limits as `retry-after` says, on comments and check runs", async () => {
    const secondary = { status: 403, headers: { "retry-after": "1" }, body: { message: "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.", documentation_url: "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits" } };
    harness.github.failNext({ method: "POST", path: COMMENTS, times: 2, ...secondary });
    harness.github.failNext({ method: "PATCH", path: /\/check-runs\/\d+$/, times: 1, ...secondary });
    const issue = await runMission();
    expectCompletedOnce(issue);
    const limited = harness.github.requests.filter((request) => request.status === 403);
    expect(limited).toHaveLength(3);
    // Each limited request was sent again and went through.
    expect(harness.github.requests.filter((request) => request.method === "PATCH" && /\/check-runs\//.test(request.path) && request.status === 200).length).toBeGreaterThan(0);
    expect(harness.logs.join("")).toContain("Secondary rate limit on POST");
  });

  it("treats an abuse-detection 403 as passing: the step is retried, the comment posted once", async () => {
    harness.github.failNext({
      method: "POST",
      path: COMMENTS,
      times: 2,
      status: 403,
      headers: { "retry-after": "0" },
      body: { message: "You have triggered an abuse detection mechanism. Please wait a few minutes before you try again.", documentation_url: "https://docs.github.com/rest/overview/resources-in-the-rest-api#abuse-rate-limits" },
    });
    const issue = await runMission();
    expectCompletedOnce(issue);
    expect(harness.github.requests.filter((request) => request.status === 403)).toHaveLength(2);
  });

  it("posts a comment, a check run and a pull request once when GitHub made them but the answer was a 502", async () => {
    // The response is lost after the write took effect: a blind retry would post a second one.
    harness.github.failNext({ method: "POST", path: COMMENTS, status: 502, afterEffect: true, times: 2 });
    harness.github.failNext({ method: "POST", path: /\/check-runs$/, status: 502, afterEffect: true });
    harness.github.failNext({ method: "POST", path: /\/pulls$/, status: 502, afterEffect: true });
    const issue = await runMission();
    expectCompletedOnce(issue);
    expect(harness.github.requests.filter((request) => request.status === 502)).toHaveLength(4);
  });

  it("rides out 5xx answers on reads and edits, and slow answers", async () => {
    harness.github.failNext({ method: "GET", path: /\/contents\//, status: 503, times: 2 });
    harness.github.failNext({ method: "PATCH", path: /\/issues\/comments\/\d+$/, status: 500, times: 3 });
    harness.github.failNext({ method: "GET", path: /\/issues\/\d+\/comments$/, status: 502, times: 2 });
    harness.github.failNext({ method: "GET", path: /\/pulls$/, status: 504, times: 1 });
    harness.github.failNext({ method: "GET", path: /\/comments$/, delayMs: 400, times: 4 });
    harness.github.failNext({ method: "POST", path: /\/check-runs$/, delayMs: 800 });
    const issue = await runMission();
    expectCompletedOnce(issue);
    expect(harness.github.requests.filter((request) => request.status >= 500)).toHaveLength(8);
  });

  it("a push rejected because someone moved the branch: the feature is redone on top of their commit, once", async () => {
    const normal = missionResponder({ plans: [GREETING_PLAN], files: GREETING_FILES });
    let moved = false;
    harness.models.script((request: NormalizedRequest): Reply => {
      const first = request.messages[0];
      const f2Handoff = first?.role === "user" && first.text.includes("# Feature F2:") && request.messages.length > 1 && request.tools.some((tool) => tool.name === "submit_handoff");
      if (f2Handoff && !moved) {
        // While the worker on F2 runs, a maintainer pushes a commit of their own to the mission branch.
        moved = true;
        pushAsPerson(harness.gitDir, BRANCH, "NOTES.md", "a maintainer's note\n");
      }
      return normal(request);
    });
    const issue = await runMission();
    expect(moved).toBe(true);
    const commits = commitsOn(harness.gitDir, BRANCH, "main");
    expect(commits.map((commit) => commit.trailers.Feature ?? commit.subject)).toEqual(["F1", "Maintainer's note", "F2"]);
    expect(git(harness.gitDir, "show", `${BRANCH}:NOTES.md`)).toBe("a maintainer's note\n");
    expect(harness.logs.join("")).toMatch(/step failed[^\n]*|"step":"implement"/);
    expect(harness.github.pulls(OWNER, REPO)).toHaveLength(1);
    expect(withMarker(issue, "<!-- missions:control")).toHaveLength(1);
    expect(withMarker(issue, "Mission complete")).toHaveLength(1);
    expect(harness.github.checkRuns(OWNER, REPO)).toHaveLength(1);
  });
});

/** A person's commit on top of a branch, written straight into the bare repository. */
function pushAsPerson(gitDir: string, branch: string, path: string, content: string): void {
  const env = { ...process.env, GIT_CONFIG_GLOBAL: "/dev/null", GIT_AUTHOR_NAME: "Alice", GIT_AUTHOR_EMAIL: "alice@example.com", GIT_COMMITTER_NAME: "Alice", GIT_COMMITTER_EMAIL: "alice@example.com" };
  const run = (args: string[], input?: string) => execFileSync("git", ["--git-dir", gitDir, ...args], { env, input, encoding: "utf8" }).trim();
  const parent = run(["rev-parse", `refs/heads/${branch}`]);
  const blob = run(["hash-object", "-w", "--stdin"], content);
  const tree = run(["mktree"], `${run(["ls-tree", parent])}\n100644 blob ${blob}\t${path}\n`);
  const commit = run(["commit-tree", tree, "-p", parent, "-m", "Maintainer's note"]);
  run(["update-ref", `refs/heads/${branch}`, commit, parent]);
}

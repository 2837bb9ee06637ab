import { afterEach, describe, expect, it } from "vitest";
import type { NormalizedRequest, Reply } from "../fakes/models/index.ts";
import { commitsOn, git } from "../helpers/git.ts";
import { FIXTURE_FILES, GREETING_FILES, GREETING_PLAN, missionResponder } from "./mission-script.ts";
import { MAINTAINER, OWNER, REPO, startHarness, type Harness } from "./harness.ts";

const BRANCH = "mission/1-add-greetings";
const isReview = (request: NormalizedRequest) => request.tools.some((tool) => tool.name === "submit_review");

describe("code reviews in scrutiny", () => {
  let harness: Harness;
  afterEach(async () => {
    await harness.close();
  });

  it("reviews every feature of the milestone at the same time, each seeing only its own diff", async () => {
    harness = await startHarness({ files: FIXTURE_FILES });
    const normal = missionResponder({ plans: [GREETING_PLAN], files: GREETING_FILES });
    // Each review reads a file, then answers: two calls.
    const looked = (request: Parameters<typeof normal>[0]) => request.messages.some((message) => message.role === "assistant");
    harness.models.script((request): Reply =>
      isReview(request)
        ? ({ ...(looked(request) ? (normal(request) as object) : { toolCalls: [{ name: "read_file", arguments: { path: "README.md" } }] }), delayMs: 2_500 } as Reply)
        : normal(request),
    );
    const issue = await harness.startMission();
    await harness.say(issue);
    const reviews = harness.models.calls.filter((call) => isReview(call.request));
    expect(reviews).toHaveLength(4);
    const [first, second] = [reviews[0]!, reviews.find((call) => call.request.messages.length === 1 && call !== reviews[0])!];
    // The second review starts once the first review's first call has answered (it wrote the prefix
    // both share, which the second then reads), and runs alongside the first's next call.
    expect(second.startedAt).toBeGreaterThanOrEqual(first.endedAt);
    const firstLast = reviews.filter((call) => call.request.messages[0]?.role === "user" && call.request.messages[0].text === (first.request.messages[0] as { text: string }).text).at(-1)!;
    expect(second.startedAt).toBeLessThan(firstLast.endedAt);
    const prompts = reviews.filter((call) => call.request.messages.length === 1).map((call) => (call.request.messages[0]?.role === "user" ? call.request.messages[0].text : ""));
    const f1 = prompts.find((text) => text.includes("# Review of feature F1:"))!;
    expect(f1).toContain("+hello");
    expect(f1).not.toContain("+goodbye");
    expect(f1).not.toContain("Implemented F1");
  });

  it("puts findings on the check run as annotations; a blocker fails it and becomes a fix", async () => {
    harness = await startHarness({ files: FIXTURE_FILES });
    let reviewed = 0;
    harness.models.script(
      missionResponder({
        plans: [GREETING_PLAN],
        files: { ...GREETING_FILES, F3: { "greeting.txt": "hello\n" } },
        review: (featureId) =>
          featureId === "F2" && reviewed++ === 0
            ? [
                { path: "farewell.txt", line: 1, severity: "blocker", message: "Says goodbye in the wrong language." },
                { path: "farewell.txt", line: 1, severity: "nit", message: "Consider a trailing period." },
                { path: "not-in-the-diff.txt", line: 3, severity: "minor", message: "Elsewhere." },
              ]
            : [],
      }),
    );
    const issue = await harness.startMission();
    await harness.say(issue);
    const checks = harness.github.checkRuns("acme", "greeter");
    expect(checks.map((check) => check.conclusion)).toEqual(["failure", "success"]);
    expect(checks[0]!.output.annotations).toEqual([
      expect.objectContaining({ path: "farewell.txt", start_line: 1, annotation_level: "failure", message: "Says goodbye in the wrong language." }),
      expect.objectContaining({ path: "farewell.txt", start_line: 1, annotation_level: "notice" }),
    ]);
    expect(checks[0]!.output.summary).toContain("| F2 | blocker | `farewell.txt:1` | Says goodbye in the wrong language. |");
    const commits = commitsOn(harness.gitDir, BRANCH, "main");
    expect(commits).toHaveLength(3);
    expect(commits[2]!.subject).toBe("Fix milestone M1");
    // The follow-up's own commit was reviewed in the second round; earlier ones were not reviewed again.
    const reviewsOf = (feature: string) => harness.models.calls.filter((call) => isReview(call.request) && call.request.messages.length === 1 && (call.request.messages[0]?.role === "user" ? call.request.messages[0].text : "").includes(`# Review of feature ${feature}:`));
    expect([reviewsOf("F1").length, reviewsOf("F2").length, reviewsOf("F3").length]).toEqual([1, 1, 1]);
  });
});

describe("Re-run on a check run", () => {
  let harness: Harness;
  afterEach(async () => {
    await harness.close();
  });

  it("validates the milestone again as a new check run when a maintainer asks; a stranger's request is ignored", async () => {
    harness = await startHarness({ files: FIXTURE_FILES });
    harness.github.setPermission("acme", "greeter", "mallory", "read");
    harness.models.script(missionResponder({ plans: [GREETING_PLAN], files: GREETING_FILES }));
    const issue = await harness.startMission();
    await harness.say(issue);
    const [first] = harness.github.checkRuns("acme", "greeter");
    const rerequest = (sender: string) =>
      harness.github.deliver("check_run", {
        action: "rerequested",
        check_run: { id: first!.id, name: first!.name, head_sha: first!.head_sha, app: { id: harness.github.appId } },
        repository: { id: 1, name: "greeter", full_name: "acme/greeter", owner: { login: "acme" }, default_branch: "main" },
        sender: { login: sender, type: "User" },
        installation: { id: 100 },
      });
    await rerequest("mallory");
    await harness.settle();
    expect(harness.github.checkRuns("acme", "greeter")).toHaveLength(1);

    await rerequest("alice");
    await harness.settle();
    const checks = harness.github.checkRuns("acme", "greeter");
    expect(checks).toHaveLength(2);
    expect(checks[1]).toMatchObject({ name: first!.name, head_sha: first!.head_sha, conclusion: "success" });
    const [mission] = await harness.app.store.listMissions();
    expect(mission!.status).toBe("done");
    expect(harness.github.pulls("acme", "greeter")[0]!.body).toMatch(/Model cost: \$\d+\.\d\d\./);
  });
});

describe("the pull-request review loop", () => {
  let harness: Harness;
  afterEach(async () => {
    await harness.close();
  });

  it("turns a review requesting changes into an orchestrator-planned fix commit and a fresh check run", async () => {
    harness = await startHarness({ files: FIXTURE_FILES });
    harness.models.script(missionResponder({ plans: [GREETING_PLAN], files: { ...GREETING_FILES, F3: { "farewell.txt": "goodbye!\n" } } }));
    const issue = await harness.startMission();
    await harness.say(issue);
    const pull = harness.github.pulls("acme", "greeter")[0]!;
    await harness.github.deliver("pull_request_review", {
      action: "submitted",
      review: { id: 77, state: "changes_requested", body: "Say goodbye with more feeling.", user: { login: "alice", type: "User" }, submitted_at: new Date().toISOString() },
      pull_request: { number: pull.number },
      repository: { id: 1, name: "greeter", full_name: "acme/greeter", owner: { login: "acme" }, default_branch: "main" },
      sender: { login: "alice", type: "User" },
      installation: { id: 100 },
    });
    await harness.settle();
    const commits = commitsOn(harness.gitDir, BRANCH, "main");
    expect(commits.map((commit) => commit.subject)).toEqual(["Add the greeting file", "Add the farewell file", "Fix milestone M1"]);
    const checks = harness.github.checkRuns("acme", "greeter");
    expect(checks.map((check) => [check.head_sha, check.conclusion])).toEqual([
      [commits[1]!.sha, "success"],
      [commits[2]!.sha, "success"],
    ]);
    const repair = harness.models.calls.find((call) => call.request.tools.some((tool) => tool.name === "submit_repair"))!;
    const prompt = repair.request.messages[0]?.role === "user" ? repair.request.messages[0].text : "";
    expect(prompt).toContain('<untrusted source="validation failures and review feedback">\n- Review by @alice: Say goodbye with more feeling.');
    const [mission] = await harness.app.store.listMissions();
    expect(mission!.status).toBe("done");
    expect(harness.github.pulls("acme", "greeter")[0]!.body).toContain("Fix milestone M1");
  });
});

const firstUserText = (request: NormalizedRequest) => (request.messages[0]?.role === "user" ? request.messages[0].text : "");
const isRepair = (request: NormalizedRequest) => request.tools.some((tool) => tool.name === "submit_repair");

/**
 * The mission's script, with a follow-up worker that fixes the file and line the feedback names, as a
 * model reading its feature would: it only finds the place when the location reached it.
 */
function locatingResponder() {
  const files: Record<string, Record<string, string>> = { ...GREETING_FILES };
  const normal = missionResponder({ plans: [GREETING_PLAN], files });
  return (request: NormalizedRequest): Reply => {
    const text = firstUserText(request);
    if (request.tools.some((tool) => tool.name === "submit_handoff") && /^# Feature F3:/m.test(text)) {
      const [, path = "nowhere.txt", line = "0"] = /`([\w./-]+)` line (\d+):/.exec(text) ?? [];
      files.F3 = { [path]: `${line === "1" ? "goodbye, with feeling" : "?"}\n` };
    }
    return normal(request);
  };
}

describe("inline review comments", () => {
  let harness: Harness;
  afterEach(async () => {
    await harness.close();
  });

  it("brings a review's inline comment, with its file and line, to the repair planner and into the fix commit", async () => {
    harness = await startHarness({ files: FIXTURE_FILES });
    harness.models.script(locatingResponder());
    const issue = await harness.startMission();
    await harness.say(issue);
    const pull = harness.github.pulls(OWNER, REPO)[0]!;
    // No body: the inline comment is all the feedback there is.
    await harness.github.submitReview({
      owner: OWNER,
      repo: REPO,
      number: pull.number,
      user: MAINTAINER,
      state: "changes_requested",
      comments: [{ path: "farewell.txt", line: 1, body: "Say goodbye with more feeling." }],
    });
    await harness.settle();
    // One repair was planned (its first turn; the planner may read files in later ones).
    const repairs = harness.models.calls.filter((call) => isRepair(call.request) && call.request.messages.length === 1);
    expect(repairs).toHaveLength(1);
    const prompt = firstUserText(repairs[0]!.request);
    expect(prompt).toContain('<untrusted source="validation failures and review feedback">\n- Review by @alice: Inline comments:\n- `farewell.txt` line 1: Say goodbye with more feeling.');
    // The comment's own delivery added nothing: the review carries it, once.
    expect(prompt.match(/Say goodbye with more feeling/g)).toHaveLength(1);
    const commits = commitsOn(harness.gitDir, BRANCH, "main");
    expect(commits.map((commit) => commit.subject)).toEqual(["Add the greeting file", "Add the farewell file", "Fix milestone M1"]);
    expect(git(harness.gitDir, "diff", "--name-only", `${commits[1]!.sha}..${commits[2]!.sha}`).trim()).toBe("farewell.txt");
    expect(git(harness.gitDir, "show", `${commits[2]!.sha}:farewell.txt`)).toBe("goodbye, with feeling\n");
    expect((await harness.app.store.getMission((await harness.app.store.listMissions())[0]!.id))!.status).toBe("done");
  });

  it("obeys `/mission fix` on a line of the pull request from a writer, with the line's location, and refuses a stranger", async () => {
    harness = await startHarness({ files: FIXTURE_FILES });
    harness.github.setPermission(OWNER, REPO, "mallory", "read");
    harness.models.script(locatingResponder());
    const issue = await harness.startMission();
    await harness.say(issue);
    const pull = harness.github.pulls(OWNER, REPO)[0]!;
    const comment = (user: string) =>
      harness.github.reviewComment({ owner: OWNER, repo: REPO, number: pull.number, user, path: "farewell.txt", line: 1, body: "/mission fix Say goodbye with more feeling." });

    await comment("mallory");
    await harness.settle();
    const botComments = harness.github.comments(OWNER, REPO, pull.number).filter((candidate) => candidate.user.type === "Bot");
    expect(botComments.at(-1)!.body).toMatch(/@mallory sorry — only people with write access to this repository can steer a mission, so I did not act on `\/mission fix`/);
    expect(harness.models.calls.filter((call) => isRepair(call.request))).toHaveLength(0);
    expect(commitsOn(harness.gitDir, BRANCH, "main")).toHaveLength(2);

    const { commentId } = await comment(MAINTAINER);
    await harness.settle();
    // One repair was planned (its first turn; the planner may read files in later ones).
    const repairs = harness.models.calls.filter((call) => isRepair(call.request) && call.request.messages.length === 1);
    expect(repairs).toHaveLength(1);
    expect(firstUserText(repairs[0]!.request)).toContain("- Review by @alice: `farewell.txt` line 1: Say goodbye with more feeling.");
    const commits = commitsOn(harness.gitDir, BRANCH, "main");
    expect(commits.at(-1)!.subject).toBe("Fix milestone M1");
    expect(git(harness.gitDir, "show", `${commits.at(-1)!.sha}:farewell.txt`)).toBe("goodbye, with feeling\n");
    // Seen where it was written: the reaction is on the review comment.
    expect(harness.github.requests.some((request) => request.method === "POST" && request.path === `/repos/${OWNER}/${REPO}/pulls/comments/${commentId}/reactions` && request.status === 201)).toBe(true);
  });
});

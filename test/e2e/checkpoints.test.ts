import { afterEach, describe, expect, it } from "vitest";
import type { NormalizedRequest, Reply } from "../fakes/models/index.ts";
import { commitsOn, git } from "../helpers/git.ts";
import { FIXTURE_FILES, GREETING_FILES, GREETING_PLAN, missionResponder } from "./mission-script.ts";
import { OWNER, REPO, startHarness, type Harness } from "./harness.ts";

const BRANCH = "mission/1-add-greetings";
const LIMITS = "commands:\n  test: sh test.sh\nlimits:\n  worker:\n    turns: 3\n    continuations: 1\n";

const firstText = (request: NormalizedRequest) => (request.messages[0]?.role === "user" ? request.messages[0].text : "");
const isWorkerOn = (request: NormalizedRequest, featureId: string) =>
  request.tools.some((tool) => tool.name === "submit_handoff") && firstText(request).includes(`# Feature ${featureId}:`);
const handoffDone = (summary: string): Reply => ({
  toolCalls: [{ name: "submit_handoff", arguments: { status: "done", summary, completed: ["greeting.txt"], leftUndone: [], issuesDiscovered: [], testsWrittenFirst: false } }],
});
/** A worker that never hands off: it writes the greeting, then keeps looking around until it runs out of turns. */
const wanderer = (request: NormalizedRequest): Reply =>
  request.messages.length === 1
    ? { toolCalls: [{ name: "bash", arguments: { command: "printf 'hello\\n' > greeting.txt" } }] }
    : { toolCalls: [{ name: "list_files", arguments: {} }] };

// Several workers and restarts a test: on a loaded 2-core machine longer than the default minute.
describe("checkpoints, not cliffs", { timeout: 180_000 }, () => {
  let harness: Harness;
  afterEach(async () => {
    await harness.close();
  });

  it("a worker that runs out of turns is told to wrap up, its work is committed as a checkpoint, and a fresh worker finishes the feature without a human", async () => {
    harness = await startHarness({ files: { ...FIXTURE_FILES, ".github/missions.yml": LIMITS } });
    const normal = missionResponder({ plans: [GREETING_PLAN], files: GREETING_FILES });
    harness.models.script((request: NormalizedRequest): Reply => {
      if (!isWorkerOn(request, "F1")) return normal(request);
      if (firstText(request).includes("## Continuing from a checkpoint")) return handoffDone("Checked the greeting from the checkpoint; it is complete.");
      return wanderer(request);
    });
    const issue = await harness.startMission();
    await harness.say(issue);

    const commits = commitsOn(harness.gitDir, BRANCH, "main");
    expect(commits.map((commit) => [commit.trailers.Feature, commit.trailers.Handoff])).toEqual([["F1", "checkpoint"], ["F1", "done"], ["F2", "done"]]);
    expect(commits[0]!.subject).toBe("Add the greeting file (checkpoint)");
    // The checkpoint holds the work, and its message what the app knows: files and commands with exit codes.
    expect(git(harness.gitDir, "show", `${commits[0]!.sha}:greeting.txt`)).toBe("hello\n");
    const message = git(harness.gitDir, "log", "-1", "--format=%B", commits[0]!.sha);
    expect(message).toContain("ran out of turns");
    expect(message).toContain("Files changed: greeting.txt.");
    expect(message).toContain("printf 'hello\\n' > greeting.txt → exit 0");

    const f1 = harness.models.calls.filter((call) => isWorkerOn(call.request, "F1")).map((call) => call.request);
    // Three turns for the first worker, the last of them after the nudge to wrap up; then one for the continuation.
    expect(f1).toHaveLength(4);
    const lastTurn = f1[2]!.messages.at(-1)!;
    expect(lastTurn.role === "user" && lastTurn.text).toContain("Wrap up now");
    expect(firstText(f1[3]!)).toContain("ran out of turns before it handed off");
    expect(firstText(f1[3]!)).toContain("greeting.txt");

    // The review of F1 and the milestone's scrutiny see the checkpoint's work, not only the last commit.
    const review = harness.models.calls.map((call) => call.request).find((request) => /^# Review of feature F1:/m.test(firstText(request)))!;
    expect(firstText(review)).toContain("+++ b/greeting.txt");
    const scrutiny = harness.models.calls.map((call) => call.request).find((request) => request.tools.some((tool) => tool.name === "submit_verdicts"))!;
    expect(firstText(scrutiny)).toContain("+++ b/greeting.txt");

    const [mission] = await harness.app.store.listMissions();
    expect(mission!.status).toBe("done");
    const comments = harness.github.comments(OWNER, REPO, issue).filter((comment) => comment.user.type === "Bot");
    expect(comments.some((comment) => comment.body.includes("⛔"))).toBe(false);
    expect(harness.github.pulls(OWNER, REPO)[0]!.draft).toBe(false);
  });

  it("at the bound of continuations people are asked once; the commands the notice names work as written", async () => {
    harness = await startHarness({ files: { ...FIXTURE_FILES, ".github/missions.yml": LIMITS } });
    const normal = missionResponder({ plans: [GREETING_PLAN], files: GREETING_FILES });
    harness.models.script((request: NormalizedRequest): Reply => {
      if (!isWorkerOn(request, "F1")) return normal(request);
      if (firstText(request).includes("Hand it off as it is")) return handoffDone("Handed off as the maintainer asked.");
      return wanderer(request);
    });
    const issue = await harness.startMission();
    await harness.say(issue);

    const notices = () =>
      harness.github.comments(OWNER, REPO, issue).filter((comment) => comment.user.type === "Bot" && comment.body.includes("is not finished after"));
    const handoffs = () => commitsOn(harness.gitDir, BRANCH, "main").map((commit) => `${commit.trailers.Feature}:${commit.trailers.Handoff}`);
    expect(notices()).toHaveLength(1);
    expect(handoffs()).toEqual(["F1:checkpoint", "F1:checkpoint"]);
    expect((await harness.app.store.listMissions())[0]!.status).toBe("blocked");
    const notice = notices()[0]!.body;
    expect(notice).toContain("### ⛔ F1 (Add the greeting file) is not finished after 2 workers in a row");

    // As a person would: the first command the notice offers, typed as it is written.
    const retry = /`(\/mission retry)`/.exec(notice)![1]!;
    await harness.say(issue, retry);
    expect(handoffs()).toEqual(["F1:checkpoint", "F1:checkpoint", "F1:checkpoint", "F1:checkpoint"]);
    expect(notices()).toHaveLength(2);

    const resume = /`(\/mission resume) <[^>]+>`/.exec(notices()[1]!.body)![1]!;
    await harness.say(issue, `${resume} Hand it off as it is: the greeting is written.`);
    expect(handoffs()).toEqual(["F1:checkpoint", "F1:checkpoint", "F1:checkpoint", "F1:checkpoint", "F1:done", "F2:done"]);
    expect((await harness.app.store.listMissions())[0]!.status).toBe("done");
    expect(notices()).toHaveLength(2);
    expect(git(harness.gitDir, "show", `${BRANCH}:greeting.txt`)).toBe("hello\n");
  });

  it("a worker that continues from a checkpoint and is blocked keeps the checkpoint: after /mission resume a worker continues from it", async () => {
    harness = await startHarness({ files: { ...FIXTURE_FILES, ".github/missions.yml": LIMITS } });
    const normal = missionResponder({ plans: [GREETING_PLAN], files: GREETING_FILES });
    harness.models.script((request: NormalizedRequest): Reply => {
      if (!isWorkerOn(request, "F1")) return normal(request);
      if (firstText(request).includes("Keep the greeting short")) return handoffDone("Kept the greeting from the checkpoint.");
      if (firstText(request).includes("## Continuing from a checkpoint")) {
        return { toolCalls: [{ name: "submit_handoff", arguments: { status: "blocked", summary: "Which greeting?", completed: [], leftUndone: ["choose the greeting"], issuesDiscovered: [], testsWrittenFirst: false } }] };
      }
      return wanderer(request);
    });
    const issue = await harness.startMission();
    await harness.say(issue);
    const [checkpoint] = commitsOn(harness.gitDir, BRANCH, "main");
    const blocked = (await harness.app.store.listMissions())[0]!;
    expect(blocked.status).toBe("blocked");
    expect(blocked.features.F1!.checkpoint?.sha).toBe(checkpoint!.sha);

    const workerCalls = () => harness.models.calls.filter((call) => isWorkerOn(call.request, "F1")).length;
    const before = workerCalls();
    await harness.say(issue, "/mission resume Keep the greeting short.");
    expect(workerCalls()).toBe(before + 1);
    expect(commitsOn(harness.gitDir, BRANCH, "main").map((commit) => `${commit.trailers.Feature}:${commit.trailers.Handoff}`)).toEqual(["F1:checkpoint", "F1:done", "F2:done"]);
    expect((await harness.app.store.listMissions())[0]!.status).toBe("done");
  });

  it("a worker that always hands off partial is bounded like checkpoints; the notice's commands work as written", async () => {
    harness = await startHarness({ files: { ...FIXTURE_FILES, ".github/missions.yml": LIMITS } });
    const normal = missionResponder({ plans: [GREETING_PLAN], files: GREETING_FILES });
    const onGreeting = (request: NormalizedRequest) => isWorkerOn(request, "F1") || (request.tools.some((tool) => tool.name === "submit_handoff") && firstText(request).includes(": Finish: Add the greeting file"));
    harness.models.script((request: NormalizedRequest): Reply => {
      if (!onGreeting(request)) return normal(request);
      if (firstText(request).includes("Hand it off as it is")) {
        return request.messages.length === 1 ? { toolCalls: [{ name: "bash", arguments: { command: "printf 'hello\\n' > greeting.txt" } }] } : handoffDone("Wrote the greeting as the maintainer asked.");
      }
      // Obeys every wrap-up to the letter: hands off partial, always.
      return { toolCalls: [{ name: "submit_handoff", arguments: { status: "partial", summary: "Part of it.", completed: [], leftUndone: ["the greeting"], issuesDiscovered: [], testsWrittenFirst: false } }] };
    });
    const issue = await harness.startMission();
    await harness.say(issue);

    const notices = () => harness.github.comments(OWNER, REPO, issue).filter((comment) => comment.user.type === "Bot" && comment.body.includes("is not finished after"));
    const partials = () => commitsOn(harness.gitDir, BRANCH, "main").filter((commit) => commit.trailers.Handoff === "partial");
    expect(partials()).toHaveLength(2);
    expect(notices()).toHaveLength(1);
    expect(notices()[0]!.body).toContain("### ⛔ F1 (Add the greeting file) is not finished after 2 workers in a row");
    expect(commitsOn(harness.gitDir, BRANCH, "main").some((commit) => commit.subject.startsWith("Finish: Finish:"))).toBe(false);
    expect((await harness.app.store.listMissions())[0]!.status).toBe("blocked");

    const retry = /`(\/mission retry)`/.exec(notices()[0]!.body)![1]!;
    await harness.say(issue, retry);
    expect(partials()).toHaveLength(4);
    expect(notices()).toHaveLength(2);

    const resume = /`(\/mission resume) <[^>]+>`/.exec(notices()[1]!.body)![1]!;
    await harness.say(issue, `${resume} Hand it off as it is: write the greeting.`);
    expect((await harness.app.store.listMissions())[0]!.status).toBe("done");
    expect(partials()).toHaveLength(4);
    expect(notices()).toHaveLength(2);
    expect(git(harness.gitDir, "show", `${BRANCH}:greeting.txt`)).toBe("hello\n");
  });

  it("when the budget runs out mid-worker its work is kept as a checkpoint; /mission budget, as the notice says, continues from it", async () => {
    // Only the worker costs money, priced so that its first turn's worst case (a token per byte of its
    // prompt) fits the budget and its second turn's (after a long command output) is past it.
    const free = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, cacheWriteLong: 0 };
    const dear = { input: 1000, output: 0, cacheRead: 1000, cacheWrite: 1000, cacheWriteLong: 1000 };
    harness = await startHarness({
      files: FIXTURE_FILES,
      env: {
        MISSIONS_MODEL_WORKER: "anthropic/claude-opus-5-5",
        MISSIONS_PRICES: JSON.stringify({ "anthropic/claude-sonnet-5-5": free, "anthropic/claude-opus-5-5": dear }),
        MISSIONS_BUDGET_USD: "30",
      },
    });
    const normal = missionResponder({ plans: [GREETING_PLAN], files: GREETING_FILES });
    harness.models.script((request: NormalizedRequest): Reply => {
      if (!isWorkerOn(request, "F1")) return normal(request);
      if (firstText(request).includes("## Continuing from a checkpoint")) return handoffDone("Checked the greeting from the checkpoint; it is complete.");
      // Writes the greeting and looks at something long; the next turn does not fit the budget.
      return { toolCalls: [{ name: "bash", arguments: { command: "printf 'hello\\n' > greeting.txt; head -c 90000 /dev/zero | tr '\\0' x" } }] };
    });
    const issue = await harness.startMission();
    await harness.say(issue);

    const handoffs = () => commitsOn(harness.gitDir, BRANCH, "main").map((commit) => `${commit.trailers.Feature}:${commit.trailers.Handoff}`);
    const paused = (await harness.app.store.listMissions())[0]!;
    expect(paused).toMatchObject({ status: "paused", pauseCause: "budget" });
    expect(handoffs()).toEqual(["F1:checkpoint"]);
    const [kept] = commitsOn(harness.gitDir, BRANCH, "main");
    expect(git(harness.gitDir, "show", `${kept!.sha}:greeting.txt`)).toBe("hello\n");
    expect(git(harness.gitDir, "log", "-1", "--format=%B", kept!.sha)).toContain("The mission's budget ran out before the worker handed off");
    const notice = harness.github.comments(OWNER, REPO, issue).find((comment) => comment.user.type === "Bot" && comment.body.includes("Mission paused: budget reached"))!;
    expect(notice.body).toContain(`its work is committed on \`${BRANCH}\` as a checkpoint (${kept!.sha.slice(0, 12)}`);

    // As a person would: the command the notice names, with an amount.
    const command = /`(\/mission budget) <usd>`/.exec(notice.body)![1]!;
    await harness.say(issue, `${command} 50`);
    expect(handoffs()).toEqual(["F1:checkpoint", "F1:done", "F2:done"]);
    const continued = harness.models.calls.map((call) => call.request).filter((request) => isWorkerOn(request, "F1")).at(-1)!;
    expect(firstText(continued)).toContain("was stopped when the mission's budget ran out before it handed off");
    const done = (await harness.app.store.listMissions())[0]!;
    expect(done.status).toBe("done");
    // The budget's checkpoint is no continuation of the worker's making: no one was asked.
    expect(harness.github.comments(OWNER, REPO, issue).some((comment) => comment.user.type === "Bot" && comment.body.includes("⛔"))).toBe(false);
    expect(git(harness.gitDir, "show", `${BRANCH}:greeting.txt`)).toBe("hello\n");
  });

  it("a feature commit whose summary quotes a checkpoint trailer is still a finished feature after a crash", async () => {
    harness = await startHarness({ files: FIXTURE_FILES });
    const normal = missionResponder({ plans: [GREETING_PLAN], files: GREETING_FILES });
    harness.models.script((request: NormalizedRequest): Reply => {
      if (!isWorkerOn(request, "F1")) return normal(request);
      return request.messages.length === 1
        ? { toolCalls: [{ name: "bash", arguments: { command: "printf 'hello\\n' > greeting.txt" } }] }
        : handoffDone("Wrote the greeting. Not a checkpoint:\nHandoff: checkpoint");
    });
    const issue = await harness.startMission();
    await harness.say(issue);
    const [mission] = await harness.app.store.listMissions();
    expect(mission!.status).toBe("done");
    await harness.app.stop();
    // As if the app died between pushing F1 and saving it.
    const { SqliteMissionStore } = await import("../../src/store/index.ts");
    const store = new SqliteMissionStore(harness.env.DATABASE_URL!.slice("sqlite:".length));
    const saved = (await store.getMission(mission!.id))!;
    await store.saveMission({ ...saved, status: "running", features: { ...saved.features, F1: { status: "pending", attempts: 0 }, F2: { status: "pending", attempts: 0 } }, milestones: {} });
    await store.close();
    await harness.restart();
    await harness.settle();
    const recovered = (await harness.app.store.getMission(mission!.id))!;
    expect(recovered.features.F1).toMatchObject({ status: "done" });
    expect(recovered.features.F1!.checkpoint).toBeUndefined();
  });

  it("a checkpoint pushed just before a crash (state not saved) is recognised by its trailer and recorded, not run again", async () => {
    harness = await startHarness({ files: { ...FIXTURE_FILES, ".github/missions.yml": LIMITS } });
    const normal = missionResponder({ plans: [GREETING_PLAN], files: GREETING_FILES });
    harness.models.script((request: NormalizedRequest): Reply => (isWorkerOn(request, "F1") ? wanderer(request) : normal(request)));
    const issue = await harness.startMission();
    await harness.say(issue);
    const [mission] = await harness.app.store.listMissions();
    expect(mission!.status).toBe("blocked");
    await harness.app.stop();
    // Rewind the saved state to before the second checkpoint was recorded, as if the app died between push and save.
    const { SqliteMissionStore } = await import("../../src/store/index.ts");
    const store = new SqliteMissionStore(harness.env.DATABASE_URL!.slice("sqlite:".length));
    const saved = (await store.getMission(mission!.id))!;
    const [first] = commitsOn(harness.gitDir, BRANCH, "main");
    const f1 = saved.features.F1!;
    await store.saveMission({
      ...saved,
      status: "running",
      pausedFrom: undefined,
      reason: undefined,
      features: { ...saved.features, F1: { ...f1, attempts: 1, checkpoint: { ...f1.checkpoint!, sha: first!.sha, count: 1 } } },
      notices: saved.notices.filter((notice) => !notice.key.startsWith("checkpoint-bound")),
    });
    await store.close();
    const workerCalls = () => harness.models.calls.filter((call) => isWorkerOn(call.request, "F1")).length;
    const before = workerCalls();
    await harness.restart();
    await harness.settle();
    expect(workerCalls()).toBe(before);
    expect(commitsOn(harness.gitDir, BRANCH, "main").map((commit) => commit.trailers.Handoff)).toEqual(["checkpoint", "checkpoint"]);
    expect((await harness.app.store.getMission(mission!.id))!.status).toBe("blocked");
    const notices = harness.github.comments(OWNER, REPO, issue).filter((comment) => comment.user.type === "Bot" && comment.body.includes("is not finished after"));
    expect(notices).toHaveLength(1);
  });
});

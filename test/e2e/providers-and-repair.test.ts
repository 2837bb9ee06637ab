import { afterEach, describe, expect, it } from "vitest";
import { commitsOn } from "../helpers/git.ts";
import { FIXTURE_FILES, GREETING_FILES, GREETING_PLAN, missionResponder } from "./mission-script.ts";
import { OPENAI_KEY, OWNER, REPO, startHarness, type Harness } from "./harness.ts";

const BRANCH = "mission/1-add-greetings";

describe("providers and repair rounds", () => {
  let harness: Harness;
  afterEach(async () => {
    await harness.close();
  });

  const runMission = async () => {
    const issue = await harness.startMission();
    await harness.say(issue);
    return issue;
  };

  it("runs every role on an OpenAI-protocol provider through the real OpenAI SDK", async () => {
    harness = await startHarness({
      files: FIXTURE_FILES,
      env: (models) => ({ ANTHROPIC_API_KEY: "", OPENAI_API_KEY: OPENAI_KEY, OPENAI_BASE_URL: models.openaiBaseUrl, MISSIONS_MODEL: "openai/gpt-5.1" }),
    });
    harness.models.script(missionResponder({ plans: [GREETING_PLAN], files: GREETING_FILES }));
    await runMission();
    expect(commitsOn(harness.gitDir, BRANCH, "main")).toHaveLength(2);
    expect(harness.github.pulls(OWNER, REPO)[0]!.draft).toBe(false);
    expect(new Set(harness.models.calls.map((call) => call.request.protocol))).toEqual(new Set(["openai"]));
    expect(harness.models.calls.every((call) => call.request.model === "gpt-5.1")).toBe(true);
  });

  it("runs every role on OpenAI's Responses API (MISSIONS_OPENAI_API=responses): nothing stored, the worker's reasoning carried back, its effort sent, the ledger as the provider counted", async () => {
    harness = await startHarness({
      files: FIXTURE_FILES,
      env: (models) => ({ ANTHROPIC_API_KEY: "", OPENAI_API_KEY: OPENAI_KEY, OPENAI_BASE_URL: models.openaiBaseUrl, MISSIONS_OPENAI_API: "responses", MISSIONS_MODEL: "openai/gpt-5.1", MISSIONS_EFFORT_WORKER: "high" }),
    });
    const normal = missionResponder({ plans: [GREETING_PLAN], files: GREETING_FILES });
    // The worker thinks before each turn, as a reasoning model does.
    harness.models.script((request) => {
      const reply = normal(request);
      return request.tools.some((tool) => tool.name === "submit_handoff") ? { ...reply, thinking: `Turn ${request.messages.length}: next step.` } : reply;
    });
    await runMission();
    expect(commitsOn(harness.gitDir, BRANCH, "main")).toHaveLength(2);
    const calls = harness.models.calls;
    expect(new Set(calls.map((call) => call.request.path))).toEqual(new Set(["/openai/v1/responses"]));
    for (const call of calls) expect(call.request.body).toMatchObject({ stream: true, store: false });
    const workerCalls = calls.filter((call) => call.request.tools.some((tool) => tool.name === "submit_handoff"));
    for (const call of workerCalls) expect(call.request.body.reasoning).toEqual({ effort: "high" });
    for (const call of calls.filter((call) => !workerCalls.includes(call))) expect(call.request.body.reasoning).toBeUndefined();
    // A worker's second turn sent back the reasoning of its first, encrypted as it came (the fake checks it).
    const second = workerCalls.find((call) => call.request.messages.some((message) => message.role === "assistant"))!;
    expect((second.request.body.input as Array<{ type?: string; encrypted_content?: string }>).filter((item) => item.type === "reasoning")[0]!.encrypted_content).toMatch(/^fake-enc-/);
    const [mission] = await harness.app.store.listMissions();
    const ledger = await harness.app.store.usage(mission!.id);
    expect(ledger).toHaveLength(calls.length);
    expect(ledger.reduce((sum, entry) => sum + entry.inputTokens, 0)).toBe(calls.reduce((sum, call) => sum + call.usage.inputTokens, 0));
    expect(ledger.reduce((sum, entry) => sum + entry.outputTokens, 0)).toBe(calls.reduce((sum, call) => sum + call.usage.outputTokens, 0));
  }, 240_000);

  it("turns a failed assertion into a follow-up feature, and validates again on the new head", async () => {
    harness = await startHarness({ files: FIXTURE_FILES });
    let round = 0;
    harness.models.script(
      missionResponder({
        plans: [GREETING_PLAN],
        files: { ...GREETING_FILES, F3: { "farewell.txt": "goodbye, friend\n" } },
        verdict: (id) => (id === "VAL-GREET-002" && round++ === 0 ? "fail" : "pass"),
      }),
    );
    const issue = await runMission();
    const commits = commitsOn(harness.gitDir, BRANCH, "main");
    expect(commits.map((commit) => commit.trailers.Feature)).toEqual(["F1", "F2", "F3"]);
    expect(commits[2]!.subject).toBe("Fix VAL-GREET-002");
    expect(commits[2]!.trailers.Assertions).toBe("VAL-GREET-002");
    const checks = harness.github.checkRuns(OWNER, REPO);
    expect(checks.map((check) => [check.head_sha, check.conclusion])).toEqual([
      [commits[1]!.sha, "failure"],
      [commits[2]!.sha, "success"],
    ]);
    expect(checks[0]!.output.summary).toContain("`VAL-GREET-002` farewell.txt says goodbye | ❌ fail");
    const control = harness.github.comments(OWNER, REPO, issue).find((comment) => comment.body.includes("<!-- missions:control"));
    expect(control!.body).toMatch(/✅ Done/);
    // The report counts the repair round, and the runs it took: the repair plan, its worker and review, scrutiny again.
    const body = harness.github.pulls(OWNER, REPO)[0]!.body!;
    expect(body).toContain("| Repair rounds | M1: 1 |");
    expect(body).toContain("| Agent runs | 10 (estimated 6–10): orchestrator 1, worker 3, reviewer 3, scrutiny 2, repair-planner 1 |");
    // The repair planner is billed under its own role: every call that could submit a repair, and nothing else.
    const [mission] = await harness.app.store.listMissions();
    const ledger = await harness.app.store.usage(mission!.id);
    const repairCalls = harness.models.calls.filter((call) => call.request.tools.some((tool) => tool.name === "submit_repair"));
    expect(repairCalls.length).toBeGreaterThan(0);
    expect(ledger.filter((entry) => entry.role === "repair-planner")).toHaveLength(repairCalls.length);
    expect(ledger.filter((entry) => entry.role === "orchestrator")).toHaveLength(harness.models.calls.filter((call) => call.request.tools.some((tool) => tool.name === "submit_plan" || tool.name === "submit_milestone_review" || tool.name === "submit_bulletin")).length);
  });

  it("blocks with one comment saying what fails once the repair rounds are spent; /mission retry, as the comment says, grants fresh rounds and the mission finishes", async () => {
    harness = await startHarness({
      files: { ...FIXTURE_FILES, "test.sh": "#!/bin/sh\necho 'expected hello, got nothing' >&2\nexit 1\n", ".github/missions.yml": "commands:\n  test: sh test.sh\nremediation:\n  rounds: 1\n" },
    });
    // The first repair misses the cause; the one after the retry mends the test script.
    harness.models.script(missionResponder({ plans: [GREETING_PLAN], files: { ...GREETING_FILES, F3: { "greeting.txt": "hello again\n" }, F4: { "test.sh": "#!/bin/sh\ngrep -q hello greeting.txt\n" } } }));
    const issue = await runMission();
    const checks = harness.github.checkRuns(OWNER, REPO);
    expect(checks.map((check) => check.conclusion)).toEqual(["failure", "failure"]);
    expect(checks[1]!.output.summary).toContain("expected hello, got nothing");
    const comments = harness.github.comments(OWNER, REPO, issue).filter((comment) => comment.user.type === "Bot");
    const blocked = comments.filter((comment) => comment.body.includes("Mission blocked on milestone M1"));
    expect(blocked).toHaveLength(1);
    expect(blocked[0]!.body).toContain("`sh test.sh` exited with 1");
    expect(comments[0]!.body).toMatch(/⛔ Blocked/);
    expect(harness.github.pulls(OWNER, REPO)[0]!.draft).toBe(true);
    expect(blocked[0]!.body).toContain("Comment `/mission retry` to validate again with 1 fresh repair round");
    expect(blocked[0]!.body).not.toContain("/mission revise");

    // A maintainer follows the comment literally.
    await harness.say(issue, "/mission retry");
    const [done] = await harness.app.store.listMissions();
    expect(done!.status).toBe("done");
    // Validated again on the same head (its check run updated), repaired, and green on the new head.
    expect(harness.github.checkRuns(OWNER, REPO).map((check) => check.conclusion)).toEqual(["failure", "failure", "success"]);
    expect(commitsOn(harness.gitDir, BRANCH, "main").map((commit) => commit.trailers.Feature)).toEqual(["F1", "F2", "F3", "F4"]);
    expect(harness.github.pulls(OWNER, REPO)[0]!.draft).toBe(false);
    // Two repair rounds in all (one before the block, one after the retry); the blocked time was spent waiting for people.
    const body = harness.github.pulls(OWNER, REPO)[0]!.body!;
    expect(body).toContain("| Repair rounds | M1: 2 |");
    expect(body).toMatch(/\| Time \| [^|]+, of which [^|]+ waiting for people \|/);
  });
});

import { afterEach, describe, expect, it } from "vitest";
import type { NormalizedRequest, Reply } from "../fakes/models/index.ts";
import { FIXTURE_FILES, GREETING_FILES, GREETING_PLAN, missionResponder } from "./mission-script.ts";
import { OWNER, REPO, startHarness, type Harness } from "./harness.ts";

/** Output tokens are the only thing priced: $10 a million, so a call's worst case is its role's output bound. */
const PRICES = { "anthropic/claude-sonnet-5-5": { input: 0, output: 10, cacheRead: 0, cacheWrite: 0, cacheWriteLong: 0 } };
const USD_PER_TOKEN = 10 / 1_000_000;

const firstText = (request: NormalizedRequest) => (request.messages[0]?.role === "user" ? request.messages[0].text : "");
const reviewOf = (request: NormalizedRequest) => (request.tools.some((tool) => tool.name === "submit_review") ? /^# Review of feature (F\d+):/m.exec(firstText(request))?.[1] : undefined);
const isScrutiny = (request: NormalizedRequest) => request.tools.some((tool) => tool.name === "submit_verdicts") && firstText(request).includes("## Assertions to judge");

// Reviewers now warm the shared prefix one call before fanning out: the runs take longer than the default minute on a loaded machine.
describe("a budget pause during validation", { timeout: 180_000 }, () => {
  let harness: Harness;
  afterEach(async () => {
    await harness.close();
  });

  it("stops the other validators after their call in flight, keeps the reviews that ended, and does not pay for them again", async () => {
    harness = await startHarness({ files: FIXTURE_FILES, env: { MISSIONS_BUDGET_USD: "1", MISSIONS_PRICES: JSON.stringify(PRICES) } });
    const normal = missionResponder({
      plans: [GREETING_PLAN],
      files: GREETING_FILES,
      review: (featureId) => (featureId === "F1" ? [{ path: "greeting.txt", line: 1, severity: "minor", message: "Greets in one language only." }] : []),
    });
    let beforePause = true;
    harness.models.script((request): Reply => {
      if (beforePause && isScrutiny(request) && request.messages.length === 1) {
        // Scrutiny's first answer is dear: $0.06 of the $1 is left, less than its next call's worst
        // case ($0.08) but more than a reviewer's ($0.04).
        const spent = harness.models.calls.reduce((sum, call) => sum + call.usage.outputTokens, 0) * USD_PER_TOKEN;
        return { toolCalls: [{ name: "read_file", arguments: { path: "greeting.txt" } }], usage: { outputTokens: Math.round((0.94 - spent) / USD_PER_TOKEN) }, delayMs: 500 };
      }
      // F2's reviewer is in the middle of its first call when scrutiny is refused; it has more to read.
      if (beforePause && reviewOf(request) === "F2" && request.messages.length === 1) {
        return { toolCalls: [{ name: "read_file", arguments: { path: "farewell.txt" } }], delayMs: 2_000 };
      }
      return normal(request);
    });
    const issue = await harness.startMission();
    await harness.say(issue);

    const [paused] = await harness.app.store.listMissions();
    expect(paused).toMatchObject({ status: "paused", pauseCause: "budget" });
    const reviewCalls = (feature: string) => harness.models.calls.filter((call) => reviewOf(call.request) === feature);
    // F2's reviewer finished the call it had under way (recorded in the ledger) and started no other,
    // though its next call would have fitted the budget.
    expect(reviewCalls("F2")).toHaveLength(1);
    const ledger = await harness.app.store.usage(paused!.id);
    expect(ledger.filter((entry) => entry.role === "reviewer" && entry.featureId === "F2")).toHaveLength(1);
    expect((await harness.app.store.usageTotals(paused!.id)).usd).toBeLessThanOrEqual(1);
    // F1's review ended: it is kept with its finding.
    expect(paused!.features.F1).toMatchObject({ reviewed: true, findings: [expect.objectContaining({ featureId: "F1", message: "Greets in one language only." })] });
    expect(paused!.features.F2?.reviewed).toBeFalsy();
    const notice = harness.github.comments(OWNER, REPO, issue).find((comment) => comment.body.includes("Mission paused: budget reached"));
    expect(notice?.body).toContain("Kept from the validation of milestone M1, as they ended before it stopped: the code review of F1.");

    beforePause = false;
    await harness.say(issue, "/mission budget 5");
    const [done] = await harness.app.store.listMissions();
    expect(done!.status).toBe("done");
    // F1 was not reviewed again; F2 was, from the start.
    expect(reviewCalls("F1")).toHaveLength(1);
    expect(reviewCalls("F2").filter((call) => call.request.messages.length === 1)).toHaveLength(2);
    // The kept review's finding is on the check run all the same, and then it is reported.
    const [check] = harness.github.checkRuns(OWNER, REPO);
    expect(check!.conclusion).toBe("success");
    expect(check!.output.summary).toContain("| F1 | minor | `greeting.txt:1` | Greets in one language only. |");
    expect(check!.output.annotations).toEqual([expect.objectContaining({ path: "greeting.txt", start_line: 1, annotation_level: "warning", message: "Greets in one language only." })]);
    expect(done!.features.F1).toMatchObject({ reviewed: true });
    expect(done!.features.F1?.findings).toBeUndefined();
  });

  it("keeps scrutiny's verdicts for the same head when a reviewer is refused, and does not ask for them again", async () => {
    harness = await startHarness({ files: FIXTURE_FILES, env: { MISSIONS_BUDGET_USD: "1", MISSIONS_PRICES: JSON.stringify(PRICES) } });
    const normal = missionResponder({ plans: [GREETING_PLAN], files: GREETING_FILES });
    let beforePause = true;
    harness.models.script((request): Reply => {
      if (beforePause && reviewOf(request) === "F2" && request.messages.length === 1) {
        // Leaves $0.03: less than a reviewer's next call could cost ($0.04).
        const spent = harness.models.calls.reduce((sum, call) => sum + call.usage.outputTokens, 0) * USD_PER_TOKEN;
        return { toolCalls: [{ name: "read_file", arguments: { path: "greeting.txt" } }], usage: { outputTokens: Math.round((0.97 - spent) / USD_PER_TOKEN) }, delayMs: 1_000 };
      }
      return normal(request);
    });
    const issue = await harness.startMission();
    await harness.say(issue);
    const [paused] = await harness.app.store.listMissions();
    expect(paused).toMatchObject({ status: "paused", pauseCause: "budget" });
    expect(paused!.milestones.M1?.kept).toMatchObject({ headSha: expect.any(String), scrutiny: [expect.objectContaining({ assertionId: "VAL-GREET-001", verdict: "pass" }), expect.objectContaining({ assertionId: "VAL-GREET-002", verdict: "pass" })] });
    // F1's reviewer leads (it warms the shared prefix) and ended before F2's dear call was answered.
    expect(paused!.features.F1).toMatchObject({ reviewed: true, findings: [] });

    beforePause = false;
    await harness.say(issue, "/mission budget 5");
    const [done] = await harness.app.store.listMissions();
    expect(done!.status).toBe("done");
    expect(harness.models.calls.filter((call) => isScrutiny(call.request))).toHaveLength(1);
    expect(harness.models.calls.filter((call) => reviewOf(call.request) === "F1")).toHaveLength(1);
    expect(done!.assertions["VAL-GREET-001"]).toMatchObject({ verdict: "pass", commitSha: paused!.milestones.M1!.kept!.headSha });
    expect(done!.milestones.M1?.kept).toBeUndefined();
    const [check] = harness.github.checkRuns(OWNER, REPO);
    expect(check!.conclusion).toBe("success");
  });
});

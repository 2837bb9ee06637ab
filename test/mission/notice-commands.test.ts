import { describe, expect, it } from "vitest";
import {
  applyIntent,
  applyMilestoneReview,
  blockOnStep,
  blockOnWorker,
  isTerminal,
  nextStep,
  pauseForBudget,
  pauseForHost,
  pauseForOutage,
  pauseForWorkflows,
  recordCheckpoint,
  recordHandoff,
  recordValidation,
  renderContract,
  renderQuestions,
  type Handoff,
  type Mission,
} from "../../src/mission/index.ts";
import { PLAN, intent, handoff, runningMission } from "./fixtures.ts";

const NOW = "2026-01-02T00:00:00.000Z";
const limits = { maxBudgetUsd: 50 };


const running = (overrides: Partial<Mission> = {}): Mission => runningMission(overrides);

/**
 * Every command a notice names, as a person would type it: `/mission retry <guidance>` gets words
 * for the placeholder, `/mission budget <usd>` a sum, literal arguments stay as written.
 */
function commandsIn(body: string): Array<{ verb: string; text: string; as: string }> {
  return [...body.matchAll(/`\/mission ([a-z]+)((?: [^`]*)?)`/g)].map((match) => {
    const text = (match[2] ?? "")
      .trim()
      .replace(/<usd>/g, "20")
      .replace(/<[^>]+>/g, "use the other approach");
    return { verb: match[1]!, text, as: match[0] };
  });
}

/**
 * The notice a transition posted, and each of its commands applied to the state it left: none is
 * refused, and each moves the mission on (or ends it, for abort).
 */
function followEach(before: Mission, after: Mission): string[] {
  const added = after.notices.slice(before.notices.length);
  expect(added.length).toBeGreaterThan(0);
  const body = added.map((notice) => notice.body).join("\n");
  const commands = commandsIn(body);
  expect(commands.length).toBeGreaterThan(0);
  for (const command of commands) {
    const given = intent(command.verb as never, command.text);
    const next = applyIntent(after, given, NOW, limits);
    const reply = next.notices.find((notice) => notice.key === `reply-${given.seq}`);
    // Any reply is a refusal, but for the two that confirm what was done.
    if (reply) expect(reply.body, `${command.as} is refused`).toMatch(/ stays; v\d+ is set aside| is skipped\./);
    if (command.verb === "abort") expect(isTerminal(next.status)).toBe(true);
    else expect(nextStep({ ...next, notices: next.notices.map((notice) => ({ ...notice, commentId: notice.commentId ?? 1 })) }).kind, `${command.as} leaves the mission waiting`).not.toBe("wait");
  }
  return commands.map((command) => command.as);
}

describe("every notice that asks people to act names commands that work in that state", () => {
  it("a milestone blocked past its repair rounds", () => {
    const before = running({ features: { F1: { status: "done", attempts: 1 }, F2: { status: "done", attempts: 1 } }, milestones: { M1: { status: "pending", round: 3 } } });
    const after = recordValidation(before, { milestoneId: "M1", headSha: "abc", checkRunId: 5, verdicts: [{ assertionId: "VAL-A-001", verdict: "fail", evidence: "no" }], failures: [] }, NOW);
    expect(followEach(before, after)).toEqual(["`/mission retry`", "`/mission retry <guidance>`", "`/mission abort`"]);
  });

  it("a step that failed for good, and an outage that outlasted the retries", () => {
    const before = running();
    expect(followEach(before, blockOnStep(before, { step: { kind: "implement", featureId: "F1" }, message: "boom" }))).toEqual(["`/mission retry`", "`/mission abort`"]);
    expect(followEach(before, pauseForOutage(before, { step: { kind: "implement", featureId: "F1" }, message: "503", retries: 2 }))).toEqual(["`/mission resume`"]);
  });

  it("a host that cannot run the sandbox", () => {
    const before = running();
    const after = pauseForHost(before, { host: "sandbox", message: "Install bubblewrap, then comment `/mission resume`." });
    expect(followEach(before, after)).toEqual(["`/mission resume`"]);
  });

  it("the budget reached", () => {
    const before = running();
    expect(followEach(before, pauseForBudget(before, { spentUsd: 4.9, capUsd: 5, nextCallUsd: 0.5, maxUsd: 50 }))).toContain("`/mission budget <usd>`");
  });

  it("a worker that is blocked", () => {
    const before = running();
    const after = blockOnWorker(before, { featureId: "F1", handoff: handoff({ status: "blocked", summary: "Which database?", leftUndone: ["choose"] }) });
    expect(followEach(before, after).length).toBeGreaterThan(0);
  });

  it("a chain of checkpoints at its bound", () => {
    let state = running();
    const before = state;
    for (let attempt = 0; attempt < 2; attempt++) {
      state = recordCheckpoint(state, { featureId: "F1", sha: `${attempt}`.repeat(40), parent: "p".repeat(40), limit: "turns", files: ["a.ts"], commandsRun: [], continuations: 1, branch: "mission/7-do-things" });
    }
    expect(followEach(before, state).length).toBeGreaterThan(1);
  });

  it("partial handoffs of different features for the same reason", () => {
    const before = running();
    const stuck = handoff({ status: "partial", leftUndone: ["could not run the browser tests: chromium is missing"], stoppedBy: "chromium is missing, so the browser tests cannot run" } as Partial<Handoff>);
    let state = recordHandoff(before, { featureId: "F1", handoff: stuck, commitSha: "a".repeat(40), files: ["a.ts"], continuations: 3, branch: "b" });
    state = recordHandoff(state, { featureId: "F2", handoff: stuck, commitSha: "b".repeat(40), files: ["b.ts"], continuations: 3, branch: "b" });
    expect(state.status).toBe("blocked");
    expect(followEach(before, state).length).toBeGreaterThan(1);
  });

  it("a workflow change GitHub refused", () => {
    const before = running();
    const after = pauseForWorkflows(before, { featureId: "F1", files: [".github/workflows/ci.yml"] });
    expect(followEach(before, after).length).toBeGreaterThan(0);
  });

  it("a question at a milestone boundary", () => {
    const before = running({ features: { F1: { status: "done", attempts: 1 }, F2: { status: "pending", attempts: 0 } }, milestones: { M1: { status: "passed", round: 0 } } });
    const asking = applyMilestoneReview(before, "M1", { bulletin: [], notes: [], add: [], drop: [], questions: ["Which format?"] }, NOW);
    const posted: Mission = { ...asking, questions: { ...asking.questions!, commentId: 30 }, notices: [...asking.notices, { key: "questions", body: renderQuestions("m1", ["Which format?"], 1, { milestoneId: "M1" }) }] };
    expect(followEach(asking, posted)).toEqual(["`/mission answer <text>`", "`/mission revise <what to change>`"]);
  });

  it("a revised contract while the work runs", () => {
    const revising = applyIntent(running(), intent("revise", "more"), NOW, limits);
    const proposed: Mission = { ...revising, status: "awaiting-approval", contracts: [...revising.contracts, { version: 2, plan: PLAN, commentId: 40, createdAt: NOW }] };
    const body = renderContract("m1", proposed.contracts[1]!, "Do things", { version: 1, plan: PLAN, mission: proposed, changes: [] });
    const posted: Mission = { ...proposed, notices: [...proposed.notices, { key: "contract-v2", body }] };
    expect(followEach(proposed, posted)).toEqual(["`/mission approve`", "`/mission approve v1`", "`/mission revise <what to change>`"]);
  });
});

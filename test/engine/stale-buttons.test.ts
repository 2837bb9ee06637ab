import { describe, expect, it } from "vitest";
import type { StepContext } from "../../src/engine/engine-deps.ts";
import { clearStaleButtons } from "../../src/engine/steps/open-checks.ts";
import type { Mission } from "../../src/mission/index.ts";
import type { MissionEvent } from "../../src/store/index.ts";
import { BUTTON_GONE_NOTE, staleButtonSummary } from "../../src/github/octokit-github.ts";
import { runningMission } from "../mission/fixtures.ts";

/** A context whose store has these validation stops and whose GitHub notes which check runs lost their buttons. */
function contextWith(stops: MissionEvent[]) {
  const cleared: number[] = [];
  const context = {
    store: { recentEvents: async (_id: string, kinds: readonly string[]) => stops.filter((event) => kinds.includes(event.kind)) },
    github: { clearCheckRunActions: async (_repo: unknown, id: number) => void cleared.push(id) },
    log: { warn: () => {} },
  } as unknown as StepContext;
  return { context, cleared };
}

const stop: MissionEvent = { missionId: "m1", kind: "validation-stop", at: "2026-01-01T11:00:00.000Z", data: { milestone: "M1", status: "paused", checkRuns: [71, 72] } };
const failed = { M1: { status: "failed" as const, round: 3, checkRunId: 61 } };

describe("buttons on check runs that outlive their state", () => {
  it("are taken off the stopped check runs when a comment resumes a paused mission, and off the failed ones when it leaves blocked", async () => {
    const { context, cleared } = contextWith([stop]);
    const paused: Mission = runningMission({ status: "paused", pauseCause: "person" });
    await clearStaleButtons(context, paused, runningMission());
    expect(cleared.sort()).toEqual([71, 72]);
    const blocked = contextWith([]);
    await clearStaleButtons(blocked.context, runningMission({ status: "blocked", milestones: failed }), runningMission({ milestones: failed }));
    expect(blocked.cleared).toEqual([61]);
  });

  it("are taken away when the pull request closes, and left while the mission still waits for a press", async () => {
    const closed = contextWith([stop]);
    const done = runningMission({ status: "done", milestones: failed });
    await clearStaleButtons(closed.context, done, { ...done, status: "done", pr: { number: 9, nodeId: "PR_9", ready: true, closedAs: "merged" } });
    expect(closed.cleared.sort()).toEqual([61, 71, 72]);
    const still = contextWith([stop]);
    await clearStaleButtons(still.context, runningMission({ status: "paused", pauseCause: "person" }), runningMission({ status: "paused", pauseCause: "budget" }));
    await clearStaleButtons(still.context, runningMission(), runningMission({ status: "blocked" }));
    expect(still.cleared).toEqual([]);
  });

  it("stay while a revision of a paused mission is planned or its old contract is kept, and go once the new contract takes over", async () => {
    const { context, cleared } = contextWith([stop]);
    const paused = runningMission({ status: "paused", pauseCause: "person" });
    const revising = runningMission({ status: "planning", revisingFrom: { status: "paused", pauseCause: "person" } });
    await clearStaleButtons(context, paused, revising);
    // `/mission approve v1`: back to paused, as before the revise.
    await clearStaleButtons(context, revising, paused);
    expect(cleared).toEqual([]);
    // The new contract approved: the mission runs, and the old Resume would resume nothing.
    await clearStaleButtons(context, revising, runningMission());
    expect(cleared.sort()).toEqual([71, 72]);
    // Aborted while the revision was planned: the old Resume would resume nothing either.
    const aborted = contextWith([stop]);
    await clearStaleButtons(aborted.context, revising, { ...revising, status: "aborted" });
    expect(aborted.cleared.sort()).toEqual([71, 72]);
  });

  it("leave a summary that told a person to press one saying it is gone, once", () => {
    const summary = "Validation stopped. The mission is paused. Comment `/mission resume` on the issue, or press **Resume** above, and the validation runs again.";
    const noted = staleButtonSummary(summary);
    expect(noted).toBe(`${summary}\n\n${BUTTON_GONE_NOTE}`);
    expect(staleButtonSummary(noted)).toBeUndefined();
    expect(staleButtonSummary("All assertions passed.")).toBeUndefined();
    expect(staleButtonSummary(`${"x".repeat(65_535)} Press **Re-run validation** above.`)!.length).toBe(65_535);
  });
});

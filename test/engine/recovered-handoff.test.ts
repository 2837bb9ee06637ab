import { describe, expect, it } from "vitest";
import { handoffCommitBody, recoveredHandoff } from "../../src/engine/steps/implement-step.ts";

describe("recoveredHandoff", () => {
  it("rebuilds a partial handoff from its commit, so its follow-up is not lost after a crash", () => {
    const body = "Added the parser.\n\nLeft undone:\n- error messages\n- the CLI flag\n\nMission: #3\nFeature: F2\nAssertions: VAL-P-001\nHandoff: partial\n";
    expect(recoveredHandoff(body, "partial")).toMatchObject({ status: "partial", summary: "Added the parser.", leftUndone: ["error messages", "the CLI flag"] });
  });

  it("takes an older commit without the trailer as done", () => {
    expect(recoveredHandoff("Did it.\n\nMission: #3\nFeature: F1\n", undefined)).toMatchObject({ status: "done", summary: "Did it.", leftUndone: [] });
  });

  it("continues a checkpoint kept from a refused push as partial work, never as done", () => {
    expect(recoveredHandoff("The worker ran out of turns.\n\nMission: #3\nFeature: F1\nHandoff: checkpoint\n", "checkpoint")).toMatchObject({ status: "partial" });
  });

  it("keeps the reason a feature needed no change", () => {
    const body = "Checked it.\n\nNo change needed: the farewell is already in farewell.txt.\n\nMission: #3\nFeature: F2\nHandoff: done\n";
    expect(recoveredHandoff(body, "done")).toMatchObject({ status: "done", noChangeReason: "the farewell is already in farewell.txt." });
  });

  it("reads the status from the trailer only: a line in the worker's summary is not one", () => {
    const body = "Done. The old note said:\nHandoff: checkpoint\n\nMission: #3\nFeature: F1\nHandoff: done\n";
    expect(recoveredHandoff(body, "done")).toMatchObject({ status: "done" });
  });

  it("keeps what the worker discovered: a crash between push and save does not lose it from the bulletin", () => {
    const handoff = { status: "partial" as const, summary: "Added the parser.", completed: [], leftUndone: ["the CLI\nflag"], commandsRun: [], issuesDiscovered: ["the lexer drops tabs", "CI has no Node 22"], testsWrittenFirst: false, testsRun: true };
    const body = `${handoffCommitBody(handoff)}\n\nMission: #3\nFeature: F2\nHandoff: partial\n`;
    expect(recoveredHandoff(body, "partial")).toMatchObject({ leftUndone: ["the CLI flag"], issuesDiscovered: ["the lexer drops tabs", "CI has no Node 22"] });
  });
});

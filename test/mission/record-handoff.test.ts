import { describe, expect, it } from "vitest";
import { applyIntent, recordHandoff, type Handoff } from "../../src/mission/index.ts";
import { awaitingApproval, intent } from "./fixtures.ts";

const approved = () => applyIntent(awaitingApproval(), intent("approve"), "t", { maxBudgetUsd: 10 });
const handoff = (overrides: Partial<Handoff> = {}): Handoff => ({
  status: "done",
  summary: "Did it.",
  completed: [],
  leftUndone: [],
  commandsRun: [],
  issuesDiscovered: [],
  testsWrittenFirst: true,
  testsRun: true,
  ...overrides,
});

describe("recordHandoff", () => {
  it("marks the feature done with its commit and the files git reports", () => {
    const next = recordHandoff(approved(), { featureId: "F1", handoff: handoff(), commitSha: "abc", files: ["a.ts"] });
    expect(next.features.F1).toMatchObject({ status: "done", commitSha: "abc", files: ["a.ts"], attempts: 1 });
    expect(next.extraFeatures).toEqual([]);
  });

  it("puts discoveries on the bulletin, bounded and attributed", () => {
    let mission = approved();
    for (let index = 0; index < 30; index++) {
      mission = recordHandoff(mission, { featureId: "F1", handoff: handoff({ issuesDiscovered: [`issue ${index}\n${"x".repeat(400)}`] }), commitSha: "a", files: [] });
    }
    expect(mission.bulletin).toHaveLength(20);
    expect(mission.bulletin.at(-1)).toMatch(/^F1: issue 29 x+…$/);
    expect(mission.bulletin.at(-1)!.length).toBe(300);
  });

  it("turns what a partial handoff left undone into a follow-up feature in the same milestone", () => {
    const next = recordHandoff(approved(), { featureId: "F1", handoff: handoff({ status: "partial", leftUndone: ["the error path"] }), commitSha: "a", files: [] });
    expect(next.extraFeatures).toEqual([
      expect.objectContaining({ id: "F3", milestoneId: "M1", title: "Finish: One", assertionIds: ["VAL-A-001"] }),
    ]);
    expect(next.extraFeatures[0]!.description).toContain("- the error path");
    expect(next.features.F3).toEqual({ status: "pending", attempts: 0 });
  });
});

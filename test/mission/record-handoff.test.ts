import { describe, expect, it } from "vitest";
import { applyIntent, nextStep, recordHandoff } from "../../src/mission/index.ts";
import { awaitingApproval, intent, handoff } from "./fixtures.ts";

const approved = () => applyIntent(awaitingApproval(), intent("approve"), "t", { maxBudgetUsd: 10 });

describe("recordHandoff", () => {
  it("marks the feature done with its commit and the files git reports", () => {
    const next = recordHandoff(approved(), { featureId: "F1", handoff: handoff(), commitSha: "abc", files: ["a.ts"] });
    expect(next.features.F1).toMatchObject({ status: "done", commitSha: "abc", files: ["a.ts"], attempts: 1 });
    expect(next.extraFeatures).toEqual([]);
  });

  it("puts discoveries on the bulletin, each entry bounded and attributed, none dropped (curation bounds the whole)", () => {
    let mission = approved();
    for (let index = 0; index < 30; index++) {
      mission = recordHandoff(mission, { featureId: "F1", handoff: handoff({ issuesDiscovered: [`issue ${index}\n${"x".repeat(400)}`] }), commitSha: "a", files: [] });
    }
    expect(mission.bulletin).toHaveLength(30);
    expect(nextStep({ ...mission, branch: "b" })).toEqual({ kind: "curate-bulletin" });
    expect(mission.bulletin.at(-1)).toMatch(/^F1: issue 29 x+…$/);
    expect(mission.bulletin.at(-1)!.length).toBe(300);
  });

  it("turns what a partial handoff left undone into a follow-up feature in the same milestone", () => {
    const next = recordHandoff(approved(), { featureId: "F1", handoff: handoff({ status: "partial", leftUndone: ["the error path"] }), commitSha: "a", files: [] });
    expect(next.extraFeatures).toEqual([
      expect.objectContaining({ id: "F3", milestoneId: "M1", title: "Finish: One", assertionIds: ["VAL-A-001"] }),
    ]);
    expect(next.extraFeatures[0]!.description).toContain("- the error path");
    expect(next.features.F3).toEqual({ status: "pending", attempts: 0, chain: { root: "F1", count: 1 } });
  });

  it("bounds a chain of partial handoffs like checkpoints: at the bound people are asked once, and a retry gives the chain a fresh start", () => {
    const partial = handoff({ status: "partial", leftUndone: ["the rest"] });
    let mission = recordHandoff(approved(), { featureId: "F1", handoff: partial, commitSha: "a", files: [], continuations: 1, branch: "mission/1-x" });
    expect(mission.status).toBe("running");
    mission = recordHandoff(mission, { featureId: "F3", handoff: partial, commitSha: "b", files: [], continuations: 1, branch: "mission/1-x" });
    expect(mission.status).toBe("blocked");
    // Named after the chain's first feature, never "Finish: Finish: …"; what is left still waits as a feature.
    expect(mission.extraFeatures.map((feature) => [feature.id, feature.title])).toEqual([["F3", "Finish: One"], ["F4", "Finish: One"]]);
    expect(mission.features.F4).toMatchObject({ status: "pending", chain: { root: "F1", count: 2 } });
    expect(mission.notices).toHaveLength(1);
    expect(mission.notices[0]!.body).toContain("### ⛔ F1 (One) is not finished after 2 workers in a row");
    for (const command of ["`/mission retry`", "`/mission resume <what the worker needs to know>`", "`/mission abort`"]) expect(mission.notices[0]!.body).toContain(command);

    mission = applyIntent(mission, intent("retry"), "t", { maxBudgetUsd: 10 });
    expect(mission.status).toBe("running");
    expect(mission.features.F4!.chain).toEqual({ root: "F1", count: 0 });
    mission = recordHandoff(mission, { featureId: "F4", handoff: partial, commitSha: "c", files: [], continuations: 1, branch: "mission/1-x" });
    expect(mission.status).toBe("running");
    mission = recordHandoff(mission, { featureId: "F5", handoff: partial, commitSha: "d", files: [], continuations: 1, branch: "mission/1-x" });
    expect(mission.status).toBe("blocked");
    expect(new Set(mission.notices.map((notice) => notice.key)).size).toBe(2);
  });

  it("counts a partial handoff after checkpoints as one more continuation of the same chain", () => {
    const approvedMission = approved();
    const mission = { ...approvedMission, features: { ...approvedMission.features, F1: { status: "pending" as const, attempts: 1, checkpoint: { sha: "c1", from: "p", count: 1, limit: "turns" as const, handoff: handoff() } } } };
    const next = recordHandoff(mission, { featureId: "F1", handoff: handoff({ status: "partial" }), commitSha: "a", files: [], continuations: 1 });
    expect(next.features.F3!.chain).toEqual({ root: "F1", count: 2 });
    expect(next.status).toBe("blocked");
  });
});

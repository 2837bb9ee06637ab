import { describe, expect, it } from "vitest";
import { applyIntent, missionLimits, recordCheckpoint, type FeatureCheckpoint } from "../../src/mission/index.ts";
import { awaitingApproval, intent } from "./fixtures.ts";

const approved = () => applyIntent(awaitingApproval(), intent("approve"), "t", { maxBudgetUsd: 10 });
const checkpoint = (sha: string, overrides: Partial<FeatureCheckpoint> = {}): FeatureCheckpoint => ({
  featureId: "F1",
  sha,
  parent: `${sha}-parent`,
  limit: "turns",
  files: ["a.ts"],
  commandsRun: [{ command: "npm test", exitCode: 1 }],
  continuations: 1,
  branch: "mission/1-x",
  ...overrides,
});

describe("recordCheckpoint", () => {
  it("keeps the feature pending with what the app knows, so a fresh worker continues from the checkpoint", () => {
    const next = recordCheckpoint(approved(), checkpoint("c1"));
    expect(next.status).toBe("running");
    expect(next.features.F1).toMatchObject({ status: "pending", attempts: 1, checkpoint: { sha: "c1", from: "c1-parent", count: 1, limit: "turns" } });
    expect(next.features.F1!.checkpoint!.handoff).toMatchObject({ status: "partial", commandsRun: [{ command: "npm test", exitCode: 1 }] });
    expect(next.features.F1!.checkpoint!.handoff.summary).toContain("ran out of turns before it handed off");
    expect(next.features.F1!.checkpoint!.handoff.summary).toContain("Files changed: a.ts.");
    expect(next.notices).toEqual([]);
  });

  it("a checkpoint made because the budget ran out keeps the work but does not count towards the bound", () => {
    let mission = recordCheckpoint(approved(), checkpoint("c1"));
    mission = recordCheckpoint(mission, checkpoint("c2", { limit: "budget" }));
    expect(mission.status).toBe("running");
    expect(mission.features.F1!.checkpoint).toMatchObject({ sha: "c2", from: "c1-parent", count: 1, limit: "budget" });
    expect(mission.features.F1!.checkpoint!.handoff.summary).toContain("The mission's budget ran out before the worker handed off");
    expect(mission.notices).toEqual([]);
  });

  it("blocks once at the bound of the chain, naming commands that work; a person's retry grants a fresh chain", () => {
    let mission = recordCheckpoint(recordCheckpoint(approved(), checkpoint("c1")), checkpoint("c2", { limit: "time" }));
    expect(mission.status).toBe("blocked");
    // The feature's files span the whole chain.
    expect(mission.features.F1!.checkpoint).toMatchObject({ sha: "c2", from: "c1-parent", count: 2 });
    expect(mission.notices).toHaveLength(1);
    expect(mission.notices[0]!.body).toContain("ran out of time");
    for (const command of ["`/mission retry`", "`/mission resume <what the worker needs to know>`", "`/mission abort`"]) expect(mission.notices[0]!.body).toContain(command);

    mission = applyIntent(mission, intent("retry"), "t", { maxBudgetUsd: 10 });
    expect(mission.status).toBe("running");
    expect(mission.features.F1!.checkpoint).toMatchObject({ sha: "c2", count: 0 });
    mission = recordCheckpoint(mission, checkpoint("c3"));
    expect(mission.status).toBe("running");
    mission = recordCheckpoint(mission, checkpoint("c4"));
    expect(mission.status).toBe("blocked");
    // A new chain's bound is a new question: its notice has a key of its own.
    expect(new Set(mission.notices.map((notice) => notice.key)).size).toBe(2);
  });
});

describe("missionLimits", () => {
  it("takes the repository's choices over the operator's defaults", () => {
    const defaults = { workerTurns: 80, workerMinutes: 60, commandTimeoutSeconds: 600, continuations: 3 };
    const settings = { ...approved().settings, limits: { commandTimeoutSeconds: 1800 } };
    expect(missionLimits(settings, defaults)).toEqual({ ...defaults, commandTimeoutSeconds: 1800 });
    expect(missionLimits(approved().settings, defaults)).toEqual(defaults);
  });
});

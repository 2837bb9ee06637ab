import { describe, expect, it } from "vitest";
import { applyIntent, partialReason, recordHandoff, sameReason, type Handoff, type Mission } from "../../src/mission/index.ts";
import { awaitingApproval, intent, PLAN, handoff as shared } from "./fixtures.ts";

const handoff = (overrides: Partial<Handoff> = {}): Handoff => shared({ status: "partial", summary: "Did part of it.", leftUndone: [], testsWrittenFirst: false, testsRun: false, ...overrides });

/** A plan of eight features in one milestone, approved. */
const eight = (): Mission => {
  const features = Array.from({ length: 8 }, (_, index) => ({ id: `F${index + 1}`, milestoneId: "M1", title: `Page ${index + 1}`, description: "Build it.", assertionIds: ["VAL-A-001"] }));
  const plan = { ...PLAN, features };
  return applyIntent(awaitingApproval({ contracts: [{ version: 1, plan, commentId: 2, createdAt: "2026-01-01T10:00:00.000Z" }] }), intent("approve"), "t", { maxBudgetUsd: 10 });
};
const commit = (featureId: string, value: Handoff) => ({ featureId, handoff: value, commitSha: `sha-${featureId}`, files: [], continuations: 3, branch: "mission/7-do-things" });

describe("sameReason", () => {
  it("recognises one reason in other words", () => {
    expect(sameReason("Could not run the tests: the browser is missing", "tests couldn't run, browsers missing")).toBe(true);
    expect(sameReason("could not run the e2e tests: Playwright browsers are not installed", "Playwright browser not installed, so the e2e tests could not run")).toBe(true);
    expect(sameReason("npm install fails: no network", "NPM INSTALL FAILED (no network)")).toBe(true);
  });

  it("tells different reasons apart, and what each feature left undone", () => {
    expect(sameReason("could not run the tests: the browser is missing", "the database migration for orders")).toBe(false);
    expect(sameReason("the greeting", "the farewell")).toBe(false);
    expect(sameReason("the login form's error messages", "the signup form's validation")).toBe(false);
    expect(sameReason("", "")).toBe(false);
    expect(sameReason("the rest of it", "the rest of it")).toBe(false);
  });

  it("takes the worker's own words for what stopped it, and nothing else", () => {
    expect(partialReason(handoff({ stoppedBy: " no  browser ", leftUndone: ["the e2e run"] }))).toBe("no browser");
    expect(partialReason(handoff({ leftUndone: ["the e2e run", "the screenshot"] }))).toBeUndefined();
    expect(partialReason(handoff())).toBeUndefined();
  });
});

describe("partial handoffs of different features for the same reason", () => {
  it("block the mission once at the second, naming the reason, the features and commands that work while blocked", () => {
    let mission = recordHandoff(eight(), commit("F1", handoff({ stoppedBy: "could not run the tests: the browser is missing" })));
    expect(mission.status).toBe("running");
    expect(mission.partialStreak?.features.map((entry) => entry.id)).toEqual(["F1"]);
    mission = recordHandoff(mission, commit("F2", handoff({ stoppedBy: "the tests could not run, no browser installed (browser missing)" })));
    expect(mission.status).toBe("blocked");
    expect(mission.reason).toContain("2 features in a row were handed off partial for the same reason");
    expect(mission.notices).toHaveLength(1);
    const { key, body } = mission.notices[0]!;
    expect(key).toBe("same-reason-F2");
    expect(body).toContain("### ⛔ 2 features in a row were handed off partial for the same reason");
    expect(body).toContain("> could not run the tests: the browser is missing");
    expect(body).toContain("- F1 (Page 1): could not run the tests: the browser is missing");
    expect(body).toContain("- F2 (Page 2): the tests could not run");
    expect(body).toContain("what they left waits as F9, F10");
    for (const command of ["`/mission retry`", "`/mission retry <what the workers need to know>`", "`/mission abort`"]) expect(body).toContain(command);
    // What they left still waits as follow-ups; no more are queued while it is blocked.
    expect(mission.extraFeatures.map((feature) => feature.id)).toEqual(["F9", "F10"]);
    expect(mission.partialStreak).toBeUndefined();

    // The notice's commands work in that state.
    for (const verb of ["retry", "abort"] as const) {
      const next = applyIntent(mission, intent(verb, verb === "retry" ? "the tests cannot run here; check the pages by reading them" : ""), "t", { maxBudgetUsd: 10 });
      expect(next.status).toBe(verb === "retry" ? "running" : "aborted");
      expect(next.notices).toHaveLength(1);
    }
  });

  it("count only an obstacle the worker named: the same work left undone by two long features is their follow-ups' work, not a shared obstacle", () => {
    let mission = recordHandoff(eight(), commit("F1", handoff({ leftUndone: ["write the unit tests for the parser"] })));
    mission = recordHandoff(mission, commit("F2", handoff({ leftUndone: ["write unit tests for the formatter"] })));
    expect(mission.status).toBe("running");
    expect(mission.notices).toEqual([]);
    expect(mission.partialStreak).toBeUndefined();
  });

  it("do not block when the reasons differ, when a feature was done in between, or below a larger bound", () => {
    let mission = recordHandoff(eight(), commit("F1", handoff({ stoppedBy: "the browser is missing" })));
    mission = recordHandoff(mission, commit("F2", handoff({ stoppedBy: "the orders API returns 500 for every request" })));
    expect(mission.status).toBe("running");
    mission = recordHandoff(mission, commit("F3", handoff({ status: "done" })));
    expect(mission.partialStreak).toBeUndefined();
    mission = recordHandoff(mission, commit("F4", handoff({ stoppedBy: "the orders API returns 500 for every request" })));
    expect(mission.status).toBe("running");
    mission = recordHandoff(mission, { ...commit("F5", handoff({ stoppedBy: "orders API answers every request with a 500" })), sameReason: 3 });
    expect(mission.status).toBe("running");
    mission = recordHandoff(mission, { ...commit("F6", handoff({ stoppedBy: "every orders API request returns 500" })), sameReason: 3 });
    expect(mission.status).toBe("blocked");
    expect(mission.notices.map((notice) => notice.key)).toEqual(["same-reason-F6"]);
  });

  it("eight features in a row for one reason: asked once at the second; after /mission retry the run starts afresh", () => {
    let mission = eight();
    const reason = (index: number) => handoff({ stoppedBy: index % 2 ? "could not run the tests: browser missing" : "tests could not run (the browser is missing)" });
    mission = recordHandoff(mission, commit("F1", reason(1)));
    mission = recordHandoff(mission, commit("F2", reason(2)));
    expect(mission.status).toBe("blocked");
    mission = applyIntent(mission, intent("retry"), "t", { maxBudgetUsd: 10 });
    expect(mission.status).toBe("running");
    mission = recordHandoff(mission, commit("F3", reason(3)));
    expect(mission.status).toBe("running");
    mission = recordHandoff(mission, commit("F4", reason(4)));
    expect(mission.status).toBe("blocked");
    expect(mission.notices.map((notice) => notice.key)).toEqual(["same-reason-F2", "same-reason-F4"]);
  });

  it("a chain of one feature at its bound asks once, with the chain's notice, not two", () => {
    const partial = handoff({ leftUndone: ["the rest of the error path"] });
    let mission = recordHandoff(eight(), { ...commit("F1", partial), continuations: 1 });
    mission = recordHandoff(mission, { ...commit("F9", partial), continuations: 1 });
    expect(mission.status).toBe("blocked");
    expect(mission.notices).toHaveLength(1);
    expect(mission.notices[0]!.body).toContain("is not finished after 2 workers in a row");
    expect(mission.partialStreak).toBeUndefined();
  });
});

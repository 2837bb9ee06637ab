import { describe, expect, it } from "vitest";
import { appReadinessProblems, checkPlan, PlanSchema, type Plan } from "../../src/mission/index.ts";
import { PLAN } from "./fixtures.ts";

describe("checkPlan", () => {
  it("accepts a consistent plan", () => {
    expect(checkPlan(PLAN)).toEqual([]);
  });

  it("names every broken reference, duplicate and gap", () => {
    const broken: Plan = {
      ...PLAN,
      milestones: [...PLAN.milestones, { id: "M2", title: "Empty" }, { id: "M2", title: "Twice" }],
      features: [
        ...PLAN.features,
        { id: "F2", milestoneId: "M9", title: "Dup", description: "d", assertionIds: ["VAL-X-001"] },
      ],
      assertions: [...PLAN.assertions, { id: "VAL-A-001", milestoneId: "M7", statement: "s", verification: "v" }, { id: "VAL-B-001", milestoneId: "M1", statement: "s", verification: "v" }],
      newSkills: [
        { name: "routes", description: "d", body: "b" },
        { name: "routes", description: "again", body: "b" },
      ],
    };
    expect(checkPlan(broken)).toEqual(
      expect.arrayContaining([
        "milestone id M2 is used twice",
        "skill routes is written twice in newSkills",
        "feature id F2 is used twice",
        "assertion id VAL-A-001 is used twice",
        "assertion VAL-A-001 names milestone M7, which is not in the plan",
        "feature F2 names milestone M9, which is not in the plan",
        "feature F2 serves VAL-X-001, which is not in the contract",
        "assertion VAL-B-001 is served by no feature",
        "milestone M2 has no features",
      ]),
    );
  });
});

describe("a contract before approval gives every assertion one owner", () => {
  const shared: Plan = {
    ...PLAN,
    milestones: [...PLAN.milestones, { id: "M2", title: "Second" }],
    features: [
      { id: "F1", milestoneId: "M1", title: "One", description: "Do one.", assertionIds: ["VAL-A-001", "VAL-A-002"] },
      { id: "F2", milestoneId: "M1", title: "Two", description: "Do two.", assertionIds: ["VAL-A-002"] },
      { id: "F3", milestoneId: "M2", title: "Three", description: "Do three.", assertionIds: ["VAL-A-001"] },
    ],
  };

  it("names an assertion served by several features, and an owner outside the assertion's milestone", () => {
    expect(checkPlan(shared, { oneOwner: true })).toEqual([
      "assertion VAL-A-001 is served by F1, F3: give it one owner, the feature whose work makes it true (a check that needs all of them belongs to the last)",
      "feature F3 (milestone M2) serves VAL-A-001 of milestone M1: an assertion's owner is in its milestone, so the milestone can be validated alone",
      "assertion VAL-A-002 is served by F1, F2: give it one owner, the feature whose work makes it true (a check that needs all of them belongs to the last)",
    ]);
  });

  it("lets follow-up features share owned assertions once the work is under way", () => {
    expect(checkPlan(shared)).toEqual([]);
    expect(checkPlan(PLAN, { oneOwner: true })).toEqual([]);
  });
});

describe("readiness for user testing", () => {
  const app = { start: "npm start", url: "http://localhost:3000" };
  const userTested = (plan: Plan, id: string): Plan => ({ ...plan, assertions: plan.assertions.map((assertion) => (assertion.id === id ? { ...assertion, validator: "user-testing" as const } : assertion)) });

  it("asks the first feature to prove the start script it makes work, when the repository configures no app", () => {
    expect(appReadinessProblems(PLAN, false)).toEqual([]);
    expect(appReadinessProblems({ ...userTested(PLAN, "VAL-A-002"), app }, false)).toEqual([
      "the app cannot be started by a script yet, so the first feature (F1) makes `npm start` start it at http://localhost:3000: give F1 a user-testing assertion of its milestone that checks the app starts and answers there",
    ]);
    expect(appReadinessProblems({ ...userTested(PLAN, "VAL-A-001"), app }, false)).toEqual([]);
  });

  it("leaves a repository's own app as configured", () => {
    expect(appReadinessProblems({ ...userTested(PLAN, "VAL-A-001"), app }, true)).toEqual([expect.stringContaining("leave `app` out of the plan")]);
  });

  it("takes only a local address with a port", () => {
    expect(PlanSchema.safeParse({ ...PLAN, app }).success).toBe(true);
    expect(PlanSchema.safeParse({ ...PLAN, app: { start: "npm start", url: "http://localhost" } }).success).toBe(false);
    expect(PlanSchema.safeParse({ ...PLAN, app: { start: "npm start", url: "http://example.com:80" } }).success).toBe(false);
  });
});

import { describe, expect, it } from "vitest";
import { checkPlan, type Plan } from "../../src/mission/index.ts";
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
    };
    expect(checkPlan(broken)).toEqual(
      expect.arrayContaining([
        "milestone id M2 is used twice",
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

import { describe, expect, it } from "vitest";
import { estimateMission, expectedRuns, renderContract, type AgentRole, type Plan, type TokenPrice } from "../../src/mission/index.ts";
import { runCost } from "../../src/mission/estimate.ts";
import { PriceTable } from "../../src/models/index.ts";
import { PLAN } from "./fixtures.ts";

const SONNET = "anthropic/claude-sonnet-5-5";
const everyRole = (model: string) => ({ orchestrator: model, worker: model, reviewer: model, scrutiny: model, "user-testing": model, "repair-planner": model, researcher: model }) satisfies Record<AgentRole, string>;
const prices = new PriceTable();
const price = (model: string): TokenPrice | undefined => prices.lookup(model);

const TWO_MILESTONES: Plan = {
  summary: "Three features, two milestones, user testing in the second.",
  milestones: [
    { id: "M1", title: "First" },
    { id: "M2", title: "Second" },
  ],
  features: [
    { id: "F1", milestoneId: "M1", title: "One", description: "d", assertionIds: ["VAL-A-001"] },
    { id: "F2", milestoneId: "M1", title: "Two", description: "d", assertionIds: ["VAL-A-002"] },
    { id: "F3", milestoneId: "M2", title: "Three", description: "d", assertionIds: ["VAL-B-001"] },
  ],
  assertions: [
    { id: "VAL-A-001", milestoneId: "M1", statement: "one", verification: "test" },
    { id: "VAL-A-002", milestoneId: "M1", statement: "two", verification: "test" },
    { id: "VAL-B-001", milestoneId: "M2", statement: "three", verification: "click", validator: "user-testing" },
  ],
};

describe("the estimate before approval", () => {
  it("counts a worker and a review per feature, the validators per milestone and the orchestrator at each boundary", () => {
    expect(expectedRuns(PLAN)).toEqual({ orchestrator: 1, worker: 2, reviewer: 2, scrutiny: 1, "user-testing": 0, "repair-planner": 0, researcher: 0 });
    expect(expectedRuns(TWO_MILESTONES)).toEqual({ orchestrator: 2, worker: 3, reviewer: 3, scrutiny: 1, "user-testing": 1, "repair-planner": 0, researcher: 0 });
  });

  it("gives runs as a range over repair rounds, and the worst case at the configured number of rounds", () => {
    const estimate = estimateMission({ plan: PLAN, models: everyRole(SONNET), price, budgetUsd: 25, maxRemediationRounds: 3 });
    // One repair round of M1: the repair planner's plan, a worker, its review, scrutiny again.
    expect(estimate.repairRuns).toEqual({ orchestrator: 0, "repair-planner": 1, worker: 1, reviewer: 1, scrutiny: 1, "user-testing": 0, researcher: 0 });
    expect(estimate.totalRuns).toEqual({ low: 6, high: 10 });
    expect(estimate.mostRuns).toBe(6 + 4 * 3);
  });

  it("prices the runs at the configured models' prices: a dearer model costs more, in proportion", () => {
    const cheap = estimateMission({ plan: PLAN, models: everyRole("anthropic/claude-haiku-4-5"), price, budgetUsd: 25, maxRemediationRounds: 3 });
    const dear = estimateMission({ plan: PLAN, models: everyRole("anthropic/claude-opus-4-1"), price, budgetUsd: 25, maxRemediationRounds: 3 });
    expect(cheap.cost!.low).toBeGreaterThan(0);
    expect(cheap.cost!.low).toBeLessThan(cheap.cost!.high);
    // Opus 4.1 is 15× Haiku 4.5 at every rate.
    expect(dear.cost!.high / cheap.cost!.high).toBeCloseTo(15, 0);
  });

  it("prices repair rounds at the repair planner's own model, never the orchestrator's, and names it in the contract", () => {
    const same = estimateMission({ plan: TWO_MILESTONES, models: everyRole("anthropic/claude-haiku-4-5"), price, budgetUsd: 25, maxRemediationRounds: 3 });
    const dearRepairs = estimateMission({ plan: TWO_MILESTONES, models: { ...everyRole("anthropic/claude-haiku-4-5"), "repair-planner": "anthropic/claude-opus-4-1" }, price, budgetUsd: 25, maxRemediationRounds: 3 });
    const dearPlanning = estimateMission({ plan: TWO_MILESTONES, models: { ...everyRole("anthropic/claude-haiku-4-5"), orchestrator: "anthropic/claude-opus-4-1" }, price, budgetUsd: 25, maxRemediationRounds: 3 });
    // The repair planner runs only in a repair round: the low end (no repair) is the same, the high end dearer.
    expect(dearRepairs.cost!.low).toBe(same.cost!.low);
    expect(dearRepairs.cost!.high).toBeGreaterThan(same.cost!.high);
    // A dearer orchestrator costs more at its own runs (planning, the milestone boundary) and none of the repair rounds'.
    const orchestratorRuns = (end: "low" | "high") => 2 * (runCost(price("anthropic/claude-opus-4-1")!, end, "orchestrator") - runCost(price("anthropic/claude-haiku-4-5")!, end, "orchestrator"));
    expect(dearPlanning.cost!.low - same.cost!.low).toBeCloseTo(orchestratorRuns("low"), 1);
    expect(dearPlanning.cost!.high - same.cost!.high).toBeCloseTo(orchestratorRuns("high"), 1);
    // The repair planner's two runs (one round of each milestone), at its price.
    const repairRuns = 2 * (runCost(price("anthropic/claude-opus-4-1")!, "high", "repair-planner") - runCost(price("anthropic/claude-haiku-4-5")!, "high", "repair-planner"));
    expect(dearRepairs.cost!.high - same.cost!.high).toBeCloseTo(repairRuns, 1);
    expect(estimateMission({ plan: TWO_MILESTONES, models: { ...everyRole("anthropic/claude-haiku-4-5"), "repair-planner": "ollama/llama" }, price, budgetUsd: 25, maxRemediationRounds: 3 }).unpriced).toEqual(["ollama/llama"]);
    const body = renderContract("m1", { version: 1, plan: TWO_MILESTONES, createdAt: "2026-01-01T00:00:00.000Z" }, "Do things", undefined, dearRepairs);
    expect(body).toContain("with one repair round per milestone (worker 2, reviewer 2, scrutiny 1, user-testing 1, repair-planner 2)");
    expect(body).toContain("repair-planner `anthropic/claude-opus-4-1`");
  });

  it("says which model has no price instead of guessing a cost", () => {
    const estimate = estimateMission({ plan: PLAN, models: { ...everyRole(SONNET), worker: "ollama/llama" }, price, budgetUsd: 25, maxRemediationRounds: 3 });
    expect(estimate.cost).toBeUndefined();
    expect(estimate.unpriced).toEqual(["ollama/llama"]);
  });

  it("learns the cost per feature from the repository's finished missions", () => {
    const estimate = estimateMission({
      plan: PLAN,
      models: everyRole(SONNET),
      price,
      budgetUsd: 25,
      maxRemediationRounds: 3,
      history: [
        { featuresDone: 4, usd: 2, runs: 10 },
        { featuresDone: 2, usd: 3 },
        { featuresDone: 0, usd: 1 },
      ],
    });
    expect(estimate.history).toEqual({ missions: 2, perFeature: { low: 0.5, high: 1.5 }, perRun: 0.2, cost: { low: 1, high: 3 } });
  });

  it("is in the contract comment: runs, cost, history and the cap, with a warning when the estimate passes the cap", () => {
    const estimate = estimateMission({ plan: PLAN, models: everyRole(SONNET), price, budgetUsd: 0.5, maxRemediationRounds: 3, history: [{ featuresDone: 2, usd: 4, runs: 8 }] });
    const body = renderContract("m1", { version: 1, plan: PLAN, createdAt: "2026-01-01T00:00:00.000Z" }, "Do things", undefined, estimate);
    expect(body).toContain("### Estimate");
    expect(body).toContain("**Agent runs:** about 6 (orchestrator 1, worker 2, reviewer 2, scrutiny 1); 6–10 with one repair round per milestone (worker 1, reviewer 1, scrutiny 1, repair-planner 1), at most 18");
    expect(body).toMatch(/\*\*Cost:\*\* \$\d+\.\d\d–\$\d+\.\d\d at the configured models' prices \(`anthropic\/claude-sonnet-5-5` for every role\)/);
    expect(body).toContain("$2.00 per feature over 1 finished mission, $0.50 per agent run: about $4.00 for this plan");
    expect(body).toContain("**Budget cap:** $0.50");
    expect(body).toContain("above the cap");
    // Research subagents are not in the runs: what one costs at most, at the researcher's model, is said apart.
    const research = Math.round(runCost(price(SONNET)!, "high", "researcher") * 100) / 100;
    expect(research).toBeGreaterThan(0);
    expect(body).toContain(`- **Research subagents** (read-only, started by a worker or the orchestrator as it sees fit) are extra: up to about $${research.toFixed(2)} each.`);
    const unpricedResearch = estimateMission({ plan: PLAN, models: { ...everyRole(SONNET), researcher: "ollama/llama" }, price, budgetUsd: 25, maxRemediationRounds: 3 });
    expect(unpricedResearch.cost).toBeDefined();
    expect(unpricedResearch.researchRunUsd).toBeUndefined();
    // The estimate comes before the approval line and the machine copy.
    expect(body.indexOf("### Estimate")).toBeLessThan(body.indexOf("/mission approve"));
  });
});

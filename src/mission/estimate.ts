import { validatorOf, type Plan } from "./schemas.ts";

/** The roles whose agent runs a mission pays for, in the order people read them. */
export const AGENT_ROLES = ["orchestrator", "worker", "reviewer", "scrutiny", "user-testing", "repair-planner", "researcher"] as const;
export type AgentRole = (typeof AGENT_ROLES)[number];

/** USD per million tokens (as `ModelPrice`; only what an estimate needs). */
export interface TokenPrice {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
}

/** A finished mission of the same repository, as its ledger and timeline counted it. */
export interface PastMission {
  featuresDone: number;
  usd: number;
  /** Agent runs, where the mission's timeline recorded them (missions before run events did not). */
  runs?: number;
}

export interface EstimateInput {
  plan: Plan;
  /** `provider/model` of each role, as the mission will run it. */
  models: Record<AgentRole, string>;
  /** The price of a model; undefined when nobody priced it. */
  price: (model: string) => TokenPrice | undefined;
  budgetUsd: number;
  maxRemediationRounds: number;
  history?: PastMission[];
}

export interface Range {
  low: number;
  high: number;
}

export interface MissionEstimate {
  /** Agent runs per role with no repair round. */
  runs: Record<AgentRole, number>;
  /** Agent runs per role that one repair round of every milestone adds (the repair planner's among them). */
  repairRuns: Record<AgentRole, number>;
  /** All runs: none repaired (low), one repair round per milestone (high). */
  totalRuns: Range;
  /** Every milestone using all its repair rounds. */
  mostRuns: number;
  maxRemediationRounds: number;
  /** From the configured models' prices and typical token use per run; undefined when a role's model has no price. */
  cost?: Range;
  /**
   * What one research subagent costs at most (its token budget, at the researcher's model): none is in
   * the runs above, since how many a worker or the orchestrator starts is theirs to decide.
   */
  researchRunUsd?: number;
  models: Record<AgentRole, string>;
  unpriced: string[];
  /** From this repository's finished missions, when it has any. */
  history?: { missions: number; perFeature: Range; perRun?: number; cost: Range };
  budgetUsd: number;
}

/**
 * Tokens one run of a role typically sends (input, cached or not) and writes, low and high — what the
 * app's own missions used: a worker reads and edits for many turns, a reviewer reads one diff.
 */
export const TYPICAL_RUN: Record<AgentRole, { input: Range; output: Range }> = {
  orchestrator: { input: { low: 20_000, high: 120_000 }, output: { low: 4_000, high: 16_000 } },
  worker: { input: { low: 150_000, high: 1_500_000 }, output: { low: 6_000, high: 40_000 } },
  reviewer: { input: { low: 15_000, high: 100_000 }, output: { low: 1_000, high: 4_000 } },
  scrutiny: { input: { low: 40_000, high: 400_000 }, output: { low: 2_000, high: 12_000 } },
  "user-testing": { input: { low: 80_000, high: 600_000 }, output: { low: 3_000, high: 15_000 } },
  // Reads the failed assertions, the validators' findings and the code they name; writes a few features.
  "repair-planner": { input: { low: 15_000, high: 80_000 }, output: { low: 2_000, high: 8_000 } },
  // Up to its budget: 150,000 tokens in all (see `research` in src/roles/researcher.ts), a short report.
  researcher: { input: { low: 10_000, high: 146_000 }, output: { low: 500, high: 4_000 } },
};
/** Of the input, read from the prompt cache and written to it (a run's later turns re-read its earlier ones). */
const CACHE_READ_SHARE = 0.85;
const CACHE_WRITE_SHARE = 0.08;

/**
 * Agent runs a plan needs with no repair: the orchestrator plans and reads each milestone boundary; one
 * worker and one reviewer per feature; scrutiny and user testing once per milestone that has assertions for them.
 */
export function expectedRuns(plan: Plan): Record<AgentRole, number> {
  const milestones = plan.milestones.length;
  const validated = (validator: "scrutiny" | "user-testing") =>
    plan.milestones.filter((milestone) => plan.assertions.some((assertion) => assertion.milestoneId === milestone.id && validatorOf(assertion) === validator)).length;
  return {
    orchestrator: 1 + Math.max(0, milestones - 1),
    worker: plan.features.length,
    reviewer: plan.features.length,
    scrutiny: validated("scrutiny"),
    "user-testing": validated("user-testing"),
    // Only a failed validation starts the repair planner: see `repairRuns`.
    "repair-planner": 0,
    // Research subagents are started as a worker or the orchestrator decides: none is expected.
    researcher: 0,
  };
}

/** Agent runs a plan needs: per role with no repair, and in all from none repaired to one repair round per milestone. */
export function expectedRunRange(plan: Plan): { runs: Record<AgentRole, number>; total: Range } {
  const runs = expectedRuns(plan);
  const base = AGENT_ROLES.reduce((sum, role) => sum + runs[role], 0);
  return { runs, total: { low: base, high: base + total(repairRuns(plan)) } };
}

/** Runs one repair round of each milestone adds: the repair planner's plan, a worker and its review, and the milestone's validators again. */
export function repairRuns(plan: Plan): Record<AgentRole, number> {
  const runs = expectedRuns(plan);
  const milestones = plan.milestones.length;
  return { orchestrator: 0, researcher: 0, "repair-planner": milestones, worker: milestones, reviewer: milestones, scrutiny: runs.scrutiny, "user-testing": runs["user-testing"] };
}

function total(runs: Record<AgentRole, number>): number {
  return AGENT_ROLES.reduce((sum, role) => sum + runs[role], 0);
}

export function estimateMission(input: EstimateInput): MissionEstimate {
  const { plan } = input;
  const runs = expectedRuns(plan);
  const repairs = repairRuns(plan);
  const base = total(runs);
  const repair = total(repairs);
  const unpriced = [...new Set(AGENT_ROLES.filter((role) => runs[role] + repairs[role] > 0 && !input.price(input.models[role])).map((role) => input.models[role]))];
  const estimate: MissionEstimate = {
    runs,
    repairRuns: repairs,
    totalRuns: { low: base, high: base + repair },
    mostRuns: base + repair * input.maxRemediationRounds,
    maxRemediationRounds: input.maxRemediationRounds,
    models: input.models,
    unpriced,
    budgetUsd: input.budgetUsd,
  };
  if (unpriced.length === 0) {
    // One repair round per milestone at the high end, its runs priced as the roles they are: the
    // repair planner's plan at the repair planner's model, a worker, a review, the validators.
    const cost = (counts: Record<AgentRole, number>, end: keyof Range) => AGENT_ROLES.reduce((sum, role) => sum + (counts[role] > 0 ? counts[role] * runCost(input.price(input.models[role])!, end, role) : 0), 0);
    const low = cost(runs, "low");
    const high = cost(runs, "high") + cost(repairs, "high");
    estimate.cost = { low: cents(low), high: cents(high) };
  }
  const researcherPrice = input.price(input.models.researcher);
  if (researcherPrice) estimate.researchRunUsd = cents(runCost(researcherPrice, "high", "researcher"));
  const past = (input.history ?? []).filter((mission) => mission.featuresDone > 0 && mission.usd > 0);
  if (past.length > 0) {
    const perFeature = past.map((mission) => mission.usd / mission.featuresDone);
    const withRuns = past.filter((mission) => (mission.runs ?? 0) > 0);
    const low = Math.min(...perFeature);
    const high = Math.max(...perFeature);
    estimate.history = {
      missions: past.length,
      perFeature: { low: cents(low), high: cents(high) },
      ...(withRuns.length > 0 ? { perRun: withRuns.reduce((sum, mission) => sum + mission.usd, 0) / withRuns.reduce((sum, mission) => sum + mission.runs!, 0) } : {}),
      cost: { low: cents(low * plan.features.length), high: cents(high * plan.features.length) },
    };
  }
  return estimate;
}

/** What one run of a role costs at a price, at the low or high end of its typical token use. */
export function runCost(price: TokenPrice, end: keyof Range, role: AgentRole): number {
  const { input, output } = TYPICAL_RUN[role];
  const tokens = input[end];
  const read = tokens * CACHE_READ_SHARE;
  const write = tokens * CACHE_WRITE_SHARE;
  const uncached = tokens - read - write;
  return (uncached * price.input + read * price.cacheRead + write * price.cacheWrite + output[end] * price.output) / 1_000_000;
}

function cents(usd: number): number {
  return Math.round(usd * 100) / 100;
}

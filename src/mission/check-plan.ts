import type { Plan } from "./schemas.ts";

/**
 * The rules a plan must keep beyond its schema. Returned as sentences the orchestrator can act on
 * when it is asked to correct its plan.
 */
export function checkPlan(plan: Plan): string[] {
  const problems: string[] = [];
  const milestoneIds = new Set(plan.milestones.map((milestone) => milestone.id));
  const assertionIds = new Set<string>();
  duplicates(plan.milestones.map((m) => m.id)).forEach((id) => problems.push(`milestone id ${id} is used twice`));
  duplicates(plan.features.map((f) => f.id)).forEach((id) => problems.push(`feature id ${id} is used twice`));
  for (const assertion of plan.assertions) {
    if (assertionIds.has(assertion.id)) problems.push(`assertion id ${assertion.id} is used twice`);
    assertionIds.add(assertion.id);
    if (!milestoneIds.has(assertion.milestoneId)) {
      problems.push(`assertion ${assertion.id} names milestone ${assertion.milestoneId}, which is not in the plan`);
    }
  }
  const covered = new Set<string>();
  for (const feature of plan.features) {
    if (!milestoneIds.has(feature.milestoneId)) {
      problems.push(`feature ${feature.id} names milestone ${feature.milestoneId}, which is not in the plan`);
    }
    for (const id of feature.assertionIds) {
      if (!assertionIds.has(id)) problems.push(`feature ${feature.id} serves ${id}, which is not in the contract`);
      covered.add(id);
    }
  }
  for (const id of assertionIds) {
    if (!covered.has(id)) problems.push(`assertion ${id} is served by no feature`);
  }
  for (const milestone of plan.milestones) {
    if (!plan.features.some((feature) => feature.milestoneId === milestone.id)) {
      problems.push(`milestone ${milestone.id} has no features`);
    }
  }
  return problems;
}

function duplicates(ids: string[]): string[] {
  return [...new Set(ids.filter((id, index) => ids.indexOf(id) !== index))];
}

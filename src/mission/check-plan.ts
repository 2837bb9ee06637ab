import type { Plan } from "./schemas.ts";

/**
 * The rules a plan must keep beyond its schema. Returned as sentences the orchestrator can act on
 * when it is asked to correct its plan.
 *
 * A contract not yet approved also gives every assertion **one owner**: the one feature, in the
 * assertion's own milestone, whose work makes it true. A validator's failure then points at one
 * feature, and a milestone can be validated alone. Once work is under way, follow-up features
 * (repairs, additions at milestone boundaries) serve assertions that already have an owner.
 */
export function checkPlan(plan: Plan, options: { oneOwner?: boolean } = {}): string[] {
  const problems: string[] = [];
  const milestoneIds = new Set(plan.milestones.map((milestone) => milestone.id));
  const assertionIds = new Set<string>();
  duplicates(plan.milestones.map((m) => m.id)).forEach((id) => problems.push(`milestone id ${id} is used twice`));
  duplicates(plan.features.map((f) => f.id)).forEach((id) => problems.push(`feature id ${id} is used twice`));
  duplicates((plan.newSkills ?? []).map((skill) => skill.name)).forEach((name) => problems.push(`skill ${name} is written twice in newSkills`));
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
  if (options.oneOwner) problems.push(...ownerProblems(plan));
  for (const milestone of plan.milestones) {
    if (!plan.features.some((feature) => feature.milestoneId === milestone.id)) {
      problems.push(`milestone ${milestone.id} has no features`);
    }
  }
  return problems;
}

/**
 * Readiness for user testing. When the repository configures no app (`appConfigured` false) and the
 * plan says how the app will start (`app`), the first feature makes it start so, and proves it: it
 * serves a user-testing assertion of the first milestone, which user testing checks by starting the
 * app. A repository that configures its app keeps its own: the plan gives none.
 */
export function appReadinessProblems(plan: Plan, appConfigured: boolean): string[] {
  if (!plan.app) return [];
  if (appConfigured) return ["the repository configures its app (`app:` in .github/missions.yml): leave `app` out of the plan; user testing starts it as configured"];
  const first = plan.features[0];
  const checked = plan.assertions.filter((assertion) => assertion.validator === "user-testing" && first?.assertionIds.includes(assertion.id) && assertion.milestoneId === first.milestoneId);
  if (!first || checked.length > 0) return [];
  return [
    `the app cannot be started by a script yet, so the first feature (${first.id}) makes \`${plan.app.start}\` start it at ${plan.app.url}: give ${first.id} a user-testing assertion of its milestone that checks the app starts and answers there`,
  ];
}

function ownerProblems(plan: Plan): string[] {
  const problems: string[] = [];
  for (const assertion of plan.assertions) {
    const owners = plan.features.filter((feature) => feature.assertionIds.includes(assertion.id));
    if (owners.length > 1) {
      problems.push(`assertion ${assertion.id} is served by ${owners.map((feature) => feature.id).join(", ")}: give it one owner, the feature whose work makes it true (a check that needs all of them belongs to the last)`);
    }
    for (const owner of owners.filter((feature) => feature.milestoneId !== assertion.milestoneId)) {
      problems.push(`feature ${owner.id} (milestone ${owner.milestoneId}) serves ${assertion.id} of milestone ${assertion.milestoneId}: an assertion's owner is in its milestone, so the milestone can be validated alone`);
    }
  }
  return problems;
}

function duplicates(ids: string[]): string[] {
  return [...new Set(ids.filter((id, index) => ids.indexOf(id) !== index))];
}

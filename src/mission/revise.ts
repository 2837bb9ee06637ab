import type { Mission } from "./mission.ts";
import { allFeatures, approvedPlan } from "./plan-features.ts";
import type { Assertion, Feature, Plan } from "./schemas.ts";

/**
 * The plan as it stands while the work runs: the approved contract with the follow-up features the
 * mission added since (repairs, continuations). A revision starts from this, not from the contract alone.
 */
export function currentPlan(mission: Mission): Plan | undefined {
  const plan = approvedPlan(mission);
  return plan ? { ...plan, features: allFeatures(mission) } : undefined;
}

/** Whether a contract version is a revision of one already approved (the work ran on the older one). */
export function isRevision(mission: Mission, version: number): boolean {
  return mission.approvedVersion !== undefined && version > mission.approvedVersion;
}

/**
 * `/mission revise <feedback>` while the work runs (or is blocked, paused, or done with its pull
 * request open): the orchestrator writes contract v(n+1) that keeps what is done and passed. Work
 * stops at this step boundary and waits for the new version's approval; nothing done is undone.
 */
export function startRevision(mission: Mission, feedback: { author: string; text: string; at: string }): Mission {
  const { status, pausedFrom, pauseCause, reason } = mission;
  return {
    ...mission,
    // A second revise before the first was decided keeps where the work stood before either.
    revisingFrom: mission.revisingFrom ?? { status, pausedFrom, pauseCause, reason },
    status: "planning",
    pausedFrom: undefined,
    pauseCause: undefined,
    questions: undefined,
    reason: `revising the contract, as @${feedback.author} asked`,
    stepFailures: 0,
    conversation: [...mission.conversation, { kind: "feedback", author: feedback.author, text: feedback.text, at: feedback.at }],
  };
}

/**
 * What a revised plan must keep, as sentences the orchestrator can act on: every feature that is
 * done stays (same id and milestone: its commit is on the branch), every assertion that passed stays
 * word for word (its evidence is on record), and new features take ids never used before.
 */
export function checkRevision(mission: Mission, plan: Plan): string[] {
  const current = currentPlan(mission);
  if (!current) return [];
  const problems: string[] = [];
  const features = new Map(plan.features.map((feature) => [feature.id, feature]));
  for (const feature of current.features) {
    const state = mission.features[feature.id];
    if (state?.status !== "done") continue;
    const kept = features.get(feature.id);
    if (!kept || kept.milestoneId !== feature.milestoneId) {
      problems.push(`feature ${feature.id} is done (commit ${state.commitSha?.slice(0, 7) ?? "on the branch"}): keep it, as ${feature.id} in milestone ${feature.milestoneId}`);
    }
  }
  const assertions = new Map(plan.assertions.map((assertion) => [assertion.id, assertion]));
  for (const assertion of current.assertions) {
    if (mission.assertions[assertion.id]?.verdict !== "pass") continue;
    const kept = assertions.get(assertion.id);
    if (!kept || !sameAssertion(kept, assertion)) {
      problems.push(`assertion ${assertion.id} passed validation: keep it unchanged (statement, verification, milestone ${assertion.milestoneId})`);
    }
  }
  const known = new Set(current.features.map((feature) => feature.id));
  const used = Object.keys(mission.features).filter((id) => !known.has(id));
  for (const feature of plan.features) {
    if (used.includes(feature.id)) problems.push(`feature id ${feature.id} was used before for other work; give new features ids after the highest in use`);
  }
  return problems;
}

/**
 * The revised contract is approved: the work goes on under it. What was done and passed keeps its
 * state; what changed is pending again; a milestone that passed but gained work, or was blocked, is
 * validated again with a fresh set of repair rounds. The new plan lists every feature, so the
 * follow-ups it took over are no longer kept apart.
 */
export function adoptRevision(mission: Mission, version: number, now: string): Mission {
  const contract = mission.contracts.find((candidate) => candidate.version === version)!;
  const plan = contract.plan;
  const before = currentPlan(mission);
  const oldAssertions = new Map((before?.assertions ?? []).map((assertion) => [assertion.id, assertion]));
  const inPlan = new Set(plan.features.map((feature) => feature.id));
  // In the order the mission first knew them (earlier work first), then the new ones.
  const features: Mission["features"] = Object.fromEntries([
    ...Object.entries(mission.features).map(([id, state]) => [id, inPlan.has(id) ? state : dropped(state, version, now)] as const),
    ...plan.features.filter((feature) => !(feature.id in mission.features)).map((feature) => [feature.id, { status: "pending" as const, attempts: 0 }] as const),
  ]);
  const assertions = Object.fromEntries(
    plan.assertions.map((assertion) => {
      const old = oldAssertions.get(assertion.id);
      const state = mission.assertions[assertion.id];
      return [assertion.id, state && old && sameAssertion(old, assertion) ? state : { verdict: "pending" as const }];
    }),
  );
  const milestones = Object.fromEntries(
    plan.milestones.map((milestone) => {
      const state = mission.milestones[milestone.id];
      if (!state) return [milestone.id, { status: "pending" as const, round: 0 }];
      const gainedWork =
        plan.features.some((feature) => feature.milestoneId === milestone.id && features[feature.id]!.status === "pending") ||
        plan.assertions.some((assertion) => assertion.milestoneId === milestone.id && assertions[assertion.id]!.verdict === "pending");
      if (state.status === "failed" || (state.status === "passed" && gainedWork)) {
        return [milestone.id, { ...state, status: "pending" as const, round: 0, reviewed: undefined }];
      }
      return [milestone.id, state];
    }),
  );
  return {
    ...mission,
    status: "running",
    approvedVersion: version,
    extraFeatures: [],
    features,
    revisingFrom: undefined,
    assertions,
    milestones,
    pausedFrom: undefined,
    pauseCause: undefined,
    reason: undefined,
    finishedAt: undefined,
    stepFailures: 0,
    updatedAt: now,
  };
}

/** A feature the new plan dropped stays on record as skipped, so its id is never handed out again (done work is never dropped). */
function dropped(state: Mission["features"][string], version: number, now: string): Mission["features"][string] {
  if (state.status === "done") return state;
  return { ...state, status: "skipped", skipped: state.skipped ?? { author: `contract v${version}`, by: "contract", reason: "dropped from the plan", at: now } };
}

/** `/mission approve v<old>`: the revision is set aside and the work returns to where it stood when the revise came. */
export function keepApproved(mission: Mission): Mission {
  const before = mission.revisingFrom ?? { status: "running" as const };
  return { ...mission, status: before.status, pausedFrom: before.pausedFrom, pauseCause: before.pauseCause, reason: before.reason, revisingFrom: undefined };
}

/** The difference between the plan the work ran on and a revision, in words for the contract comment. */
export function describeRevision(before: Plan, after: Plan): string[] {
  const lines: string[] = [];
  const diff = <T extends { id: string }>(kind: string, old: T[], next: T[], same: (a: T, b: T) => boolean, name: (item: T) => string) => {
    const oldById = new Map(old.map((item) => [item.id, item]));
    const nextIds = new Set(next.map((item) => item.id));
    for (const item of next) {
      const previous = oldById.get(item.id);
      if (!previous) lines.push(`- ➕ added ${kind} \`${item.id}\` ${name(item)}`);
      else if (!same(previous, item)) lines.push(`- ✏️ changed ${kind} \`${item.id}\` ${name(item)}`);
    }
    for (const item of old) if (!nextIds.has(item.id)) lines.push(`- ➖ dropped ${kind} \`${item.id}\` ${name(item)}`);
  };
  diff("milestone", before.milestones, after.milestones, (a, b) => a.title === b.title, (item) => item.title);
  diff("feature", before.features, after.features, sameFeature, (item) => item.title);
  diff("assertion", before.assertions, after.assertions, sameAssertion, (item) => item.statement);
  return lines;
}

function sameAssertion(a: Assertion, b: Assertion): boolean {
  return a.statement === b.statement && a.verification === b.verification && a.milestoneId === b.milestoneId && (a.validator ?? "scrutiny") === (b.validator ?? "scrutiny");
}

function sameFeature(a: Feature, b: Feature): boolean {
  return a.title === b.title && a.description === b.description && a.milestoneId === b.milestoneId && a.assertionIds.join() === b.assertionIds.join();
}

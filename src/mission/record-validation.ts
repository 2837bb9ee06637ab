import { escapeCell } from "./markdown.ts";
import type { Mission } from "./mission.ts";
import type { ReviewFinding } from "./render-check-summary.ts";
import type { Verdict } from "./schemas.ts";

export interface ValidationResult {
  milestoneId: string;
  headSha: string;
  checkRunId: number;
  userTestingCheckRunId?: number;
  /** Each verdict, with the check run that reported it when not the scrutiny one. */
  verdicts: Array<Verdict & { checkRunId?: number }>;
  /** Why the milestone failed beyond individual verdicts (a red test command), for the follow-up. */
  failures: string[];
}

/**
 * Records a milestone's validation. A failure becomes a repair for the repair planner to plan, up to
 * the configured number of rounds; past it the mission is blocked and asks the humans.
 */
export function recordValidation(mission: Mission, result: ValidationResult, now: string): Mission {
  const assertions = { ...mission.assertions };
  for (const verdict of result.verdicts) {
    assertions[verdict.assertionId] = { verdict: verdict.verdict, evidence: verdict.evidence, commitSha: result.headSha, checkRunId: verdict.checkRunId ?? result.checkRunId };
  }
  const failed = result.verdicts.filter((verdict) => verdict.verdict === "fail");
  const milestoneState = mission.milestones[result.milestoneId] ?? { status: "pending", round: 0 };
  const base = { headSha: result.headSha, checkRunId: result.checkRunId, userTestingCheckRunId: result.userTestingCheckRunId };
  if (failed.length === 0 && result.failures.length === 0) {
    return {
      ...mission,
      assertions,
      milestones: { ...mission.milestones, [result.milestoneId]: { ...milestoneState, ...base, status: "passed" } },
      updatedAt: now,
    };
  }
  const round = milestoneState.round + 1;
  const failedIds = failed.map((verdict) => verdict.assertionId);
  if (round > mission.settings.maxRemediationRounds) {
    // Validators' words (evidence, review findings) are quoted as one defused line each.
    const what = [...failed.map((v) => `- **${v.assertionId}**: ${escapeCell(v.evidence)}`), ...result.failures.map((f) => `- ${escapeCell(f)}`)];
    return {
      ...mission,
      assertions,
      status: "blocked",
      pausedFrom: "running",
      reason: `milestone ${result.milestoneId} still fails after ${mission.settings.maxRemediationRounds} repair rounds`,
      milestones: { ...mission.milestones, [result.milestoneId]: { ...milestoneState, ...base, status: "failed", round } },
      notices: [
        ...mission.notices,
        {
          key: `blocked-${result.milestoneId}-${round}`,
          body: [
            `### ⛔ Mission blocked on milestone ${result.milestoneId}`,
            "",
            `It still fails after ${mission.settings.maxRemediationRounds} repair rounds:`,
            "",
            ...what,
            "",
            `Comment \`/mission retry\` to validate again with ${mission.settings.maxRemediationRounds} fresh repair round${mission.settings.maxRemediationRounds === 1 ? "" : "s"} (push a fix to \`${mission.branch ?? "the branch"}\` first if you have one), \`/mission retry <guidance>\` to tell the repairing workers what you know, or stop with \`/mission abort\`.`,
          ].join("\n"),
        },
      ],
      updatedAt: now,
    };
  }
  // The repair planner turns this into targeted follow-up features (nextStep: plan-repair).
  const problems = [...failed.map((v) => `${v.assertionId}: ${v.evidence}`), ...result.failures];
  return {
    ...mission,
    assertions,
    milestones: {
      ...mission.milestones,
      [result.milestoneId]: { ...milestoneState, ...base, status: "pending", round, repair: { failedAssertions: failedIds, problems } },
    },
    updatedAt: now,
  };
}

/**
 * A milestone blocked after its repair rounds gets a fresh set when people retry: it is validated
 * again (on whatever they pushed) and, if it still fails, repaired again — instead of failing once
 * more and blocking at once.
 */
export function freshRepairRounds(mission: Mission): Mission["milestones"] {
  return Object.fromEntries(
    Object.entries(mission.milestones).map(([id, state]) => [id, state.status === "failed" ? { ...state, status: "pending" as const, round: 0, repair: undefined } : state]),
  );
}

/** What validators finished in a validation step that did not end. */
export interface FinishedValidation {
  milestoneId: string;
  headSha: string;
  /** Each code review that ended, by feature. */
  reviews: Array<{ featureId: string; findings: ReviewFinding[] }>;
  /** Scrutiny's verdicts, when it ended. */
  scrutiny?: Verdict[];
  /** User testing's outcome, when it ended (its check run is complete). */
  userTesting?: { checkRunId: number; verdicts: Verdict[]; failures: string[] };
}

/**
 * Keeps what validators finished in a validation step that did not end (a sibling validator was
 * refused by the budget, or failed), so the step's next run does not pay for it again: each reviewed
 * feature is marked reviewed with its findings kept (reported by the next run, `keptFindings`);
 * scrutiny's and user testing's verdicts are kept for the head they judged (`keptFor`).
 */
export function keepFinishedValidation(mission: Mission, finished: FinishedValidation): Mission {
  const features = { ...mission.features };
  for (const review of finished.reviews) {
    const state = features[review.featureId];
    if (state) features[review.featureId] = { ...state, reviewed: true, findings: review.findings };
  }
  const state = mission.milestones[finished.milestoneId] ?? { status: "pending" as const, round: 0 };
  // Verdicts are only good for the head they judged: what was kept for another head goes.
  const earlier = state.kept?.headSha === finished.headSha ? state.kept : undefined;
  const scrutiny = finished.scrutiny ?? earlier?.scrutiny;
  const userTesting = finished.userTesting ?? earlier?.userTesting;
  const kept = scrutiny || userTesting ? { headSha: finished.headSha, ...(scrutiny ? { scrutiny } : {}), ...(userTesting ? { userTesting } : {}) } : undefined;
  return { ...mission, features, milestones: { ...mission.milestones, [finished.milestoneId]: { ...state, kept } } };
}

/** What was kept of an interrupted validation of the milestone on this head (`keepFinishedValidation`). */
export function keptFor(mission: Mission, milestoneId: string, headSha: string): NonNullable<Mission["milestones"][string]["kept"]> | undefined {
  const kept = mission.milestones[milestoneId]?.kept;
  return kept?.headSha === headSha ? kept : undefined;
}

/** The findings of the milestone's reviews that were kept for it but not reported yet (`keepReviews`). */
export function keptFindings(mission: Mission, featureIds: string[]): ReviewFinding[] {
  return featureIds.flatMap((id) => (mission.features[id]?.reviewed ? (mission.features[id]?.findings ?? []) : []));
}

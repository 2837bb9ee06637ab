import type { Intent } from "./intent.ts";
import { address } from "./markdown.ts";
import type { Mission } from "./mission.ts";
import { allFeatures, approvedPlan } from "./plan-features.ts";
import { freshContinuations } from "./record-checkpoint.ts";
import { freshRepairRounds } from "./record-validation.ts";

/**
 * `/mission skip <feature or assertion> <reason>`: a person sets one piece of the contract aside. A
 * skipped feature is not built; a skipped assertion is not validated, and the pull request lists it
 * as not verified, with who skipped it and why. On a blocked mission it counts as the way past: the
 * work resumes, as `/mission retry` would.
 */
export function applySkip(mission: Mission, intent: Intent, now: string, reply: (text: string) => Mission): Mission {
  const plan = approvedPlan(mission);
  if (!plan) return reply("there is no approved contract yet: `/mission skip` works once the work has started. To change the plan, comment `/mission revise <feedback>`.");
  const [target = "", ...words] = intent.text.trim().split(/\s+/);
  const reason = words.join(" ").trim();
  const usage = "`/mission skip F3 <reason>` for a feature, `/mission skip VAL-API-002 <reason>` for an assertion";
  if (target === "") return reply(`say what to skip and why: ${usage}.`);
  const id = target.replace(/[`,.;:]+$/g, "").replace(/^`/, "").toUpperCase();
  if (reason === "") return reply(`say why ${id} is skipped (the pull request shows it): ${usage}.`);
  const skipped = { author: intent.author, by: "person" as const, reason: reason.slice(0, 500), at: now };
  const feature = allFeatures(mission).find((candidate) => candidate.id === id);
  if (feature) {
    const state = mission.features[id] ?? { status: "pending" as const, attempts: 0 };
    if (state.status === "done") return reply(`${id} is already done (commit ${state.commitSha?.slice(0, 7) ?? "on the branch"}); there is nothing to skip.`);
    if (state.status === "skipped") return reply(`${id} is already skipped.`);
    let next: Mission = { ...mission, features: { ...mission.features, [id]: { ...state, status: "skipped", skipped } } };
    // Assertions only this feature served will most likely fail: say so, with the command that sets them aside too.
    const orphaned = feature.assertionIds.filter(
      (assertion) =>
        next.assertions[assertion]?.verdict !== "skipped" &&
        next.assertions[assertion]?.verdict !== "pass" &&
        !allFeatures(next).some((other) => other.id !== id && other.assertionIds.includes(assertion) && next.features[other.id]?.status !== "skipped"),
    );
    next = resumeIfBlocked(next);
    if (orphaned.length === 0) return next;
    return {
      ...next,
      notices: [
        ...next.notices,
        {
          key: `reply-${intent.seq}`,
          body: `${address(intent.author)} ${id} is skipped. No other feature serves ${orphaned.map((a) => `\`${a}\``).join(", ")}, so its validation will most likely fail; to set it aside too, comment \`/mission skip ${orphaned[0]} <reason>\`.`,
        },
      ],
    };
  }
  const assertion = plan.assertions.find((candidate) => candidate.id === id);
  if (!assertion) {
    return reply(`${id} is neither a feature nor an assertion of contract v${mission.approvedVersion}: ${usage}.`);
  }
  const state = mission.assertions[id] ?? { verdict: "pending" as const };
  if (state.verdict === "pass") return reply(`${id} already passed validation; there is nothing to skip.`);
  if (state.verdict === "skipped") return reply(`${id} is already skipped.`);
  const milestone = mission.milestones[assertion.milestoneId];
  const milestones =
    milestone && milestone.status === "failed" ? { ...mission.milestones, [assertion.milestoneId]: { ...milestone, status: "pending" as const, round: 0, repair: undefined } } : mission.milestones;
  return resumeIfBlocked({ ...mission, milestones, assertions: { ...mission.assertions, [id]: { verdict: "skipped", skipped } } });
}

function resumeIfBlocked(mission: Mission): Mission {
  if (mission.status !== "blocked") return mission;
  return { ...freshContinuations(mission), milestones: freshRepairRounds(mission), status: mission.pausedFrom ?? "running", pausedFrom: undefined, reason: undefined, stepFailures: 0 };
}

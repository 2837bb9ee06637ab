import type { Intent } from "./intent.ts";
import { isTerminal, type Mission } from "./mission.ts";
import { approvedPlan, latestContract } from "./plan-features.ts";
import { freshContinuations } from "./record-checkpoint.ts";
import { freshRepairRounds } from "./record-validation.ts";
import { adoptRevision, keepApproved, startRevision } from "./revise.ts";
import { address } from "./markdown.ts";
import { applySkip } from "./skip.ts";

export interface IntentLimits {
  /** The operator's ceiling for `/mission budget`. */
  maxBudgetUsd: number;
}

/**
 * Applies one person's command to the mission. Pure: returns the next mission; anything the
 * person must read comes back as a notice on the mission, posted by the engine.
 */
export function applyIntent(mission: Mission, intent: Intent, now: string, limits: IntentLimits): Mission {
  const reply = (text: string): Mission => ({
    ...mission,
    notices: [...mission.notices, { key: `reply-${intent.seq}`, body: `${address(intent.author)} ${text}` }],
  });
  if (intent.verb === "pull-closed") return pullClosed(mission, intent, now);
  // A done mission's pull request can still be fixed or validated again — until someone merged or closed it.
  const fixingDone = (intent.verb === "fix" || intent.verb === "revalidate" || intent.verb === "revise") && mission.status === "done" && !mission.pr?.closedAs;
  if (isTerminal(mission.status) && !fixingDone && intent.verb !== "status") {
    return reply(`this mission is already **${mission.status}**; add the \`mission\` label again to start a new one.`);
  }
  switch (intent.verb) {
    case "approve":
      return approve(mission, intent, now, reply);
    case "revise": {
      if (intent.text === "") return reply("say what to change: `/mission revise <feedback>`.");
      if (mission.status === "planning") return reply("the orchestrator is writing a new version already; give your feedback on it when it is posted.");
      // Under way: contract v(n+1) keeps what is done and passed, and the work waits for its approval.
      if (mission.approvedVersion !== undefined && mission.status !== "awaiting-approval" && mission.status !== "questions") {
        return startRevision(mission, { author: intent.author, text: intent.text, at: now });
      }
      if (mission.status !== "awaiting-approval" && mission.status !== "questions") {
        return reply(`there is no contract waiting for approval (the mission is **${mission.status}**).`);
      }
      return {
        ...mission,
        status: "planning",
        questions: undefined,
        conversation: [...mission.conversation, { kind: "feedback", author: intent.author, text: intent.text, at: now }],
      };
    }
    case "answer": {
      if (mission.status !== "questions") return reply("there are no open questions to answer.");
      if (intent.text === "") return reply("the answer is empty: `/mission answer <text>`.");
      if (mission.questions?.during === "work") {
        // Asked at a milestone boundary: the answer goes to the workers, and the work goes on.
        return {
          ...mission,
          status: "running",
          questions: undefined,
          reason: undefined,
          guidance: [...mission.guidance, { author: intent.author, text: intent.text, at: now }],
          conversation: [...mission.conversation, { kind: "answer", author: intent.author, text: intent.text, at: now }],
        };
      }
      return {
        ...mission,
        status: "planning",
        questions: undefined,
        conversation: [...mission.conversation, { kind: "answer", author: intent.author, text: intent.text, at: now }],
      };
    }
    case "pause":
      if (mission.status === "paused") return reply("the mission is already paused.");
      return { ...mission, status: "paused", pausedFrom: mission.status, pauseCause: "person", reason: `paused by @${intent.author}` };
    case "resume":
    case "retry": {
      const guidance = intent.text ? [...mission.guidance, { author: intent.author, text: intent.text, at: now }] : mission.guidance;
      if (mission.status === "paused") {
        // After a refused workflow change, guidance means "do it differently": the kept commit is not pushed.
        const redoRefusedFeature = mission.pauseCause === "permission" && !!intent.text ? true : mission.redoRefusedFeature;
        return { ...mission, guidance, redoRefusedFeature, status: mission.pausedFrom ?? "running", pausedFrom: undefined, pauseCause: undefined, reason: undefined };
      }
      if (mission.status === "blocked") {
        // A chain of continuations that reached its bound gets a fresh one, and a milestone past its
        // repair rounds a fresh set of rounds: that is what the blocked notices offer.
        return { ...freshContinuations(mission), milestones: freshRepairRounds(mission), guidance, status: mission.pausedFrom ?? "running", pausedFrom: undefined, reason: undefined, stepFailures: 0 };
      }
      return reply(`there is nothing to ${intent.verb}: the mission is **${mission.status}**.`);
    }
    case "abort":
      return { ...mission, status: "aborted", reason: `aborted by @${intent.author}`, finishedAt: now };
    case "budget": {
      const usd = Number(intent.text.replace(/^\$/, ""));
      if (!Number.isFinite(usd) || usd <= 0) return reply("give the budget in US dollars: `/mission budget 25`.");
      if (usd > limits.maxBudgetUsd) {
        return reply(`$${usd} is above this installation's maximum of $${limits.maxBudgetUsd}.`);
      }
      const settings = { ...mission.settings, budgetUsd: usd };
      // Raising the budget is what a mission paused for money waits for.
      if (mission.status === "paused" && mission.pauseCause === "budget") {
        return { ...mission, settings, status: mission.pausedFrom ?? "running", pausedFrom: undefined, pauseCause: undefined, reason: undefined };
      }
      return { ...mission, settings };
    }
    case "fix":
      return fix(mission, intent, reply);
    case "skip":
      return applySkip(mission, intent, now, reply);
    case "status":
      return mission;
    case "revalidate": {
      const state = mission.milestones[intent.text];
      if (!state) return mission;
      const resumable = mission.status === "running" || mission.status === "done" || mission.status === "blocked";
      if (!resumable) return reply(`the mission is **${mission.status}**; validation will run when it continues.`);
      return {
        ...mission,
        status: "running",
        pausedFrom: undefined,
        reason: undefined,
        finishedAt: undefined,
        // Validated afresh: nothing an interrupted validation kept is reused.
        milestones: { ...mission.milestones, [intent.text]: { ...state, status: "pending", rerun: true, kept: undefined } },
      };
    }
  }
}

/**
 * A person merged or closed the mission's pull request. Merged: the work is taken, so the mission
 * ends as done (saying which assertions had not passed, if any). Closed without merging: the work
 * is declined, so the mission stops — pushing on to a closed pull request would help nobody.
 */
function pullClosed(mission: Mission, intent: Intent, now: string): Mission {
  if (!mission.pr) return mission;
  const merged = intent.text === "merged";
  const number = mission.pr.number;
  const pr = { ...mission.pr, closedAs: merged ? ("merged" as const) : ("closed" as const) };
  const reason = merged ? `pull request #${number} merged by @${intent.author}` : `pull request #${number} closed without merging by @${intent.author}`;
  if (isTerminal(mission.status)) return { ...mission, pr, reason: mission.status === "done" ? reason : mission.reason };
  const unpassed = Object.entries(mission.assertions).filter(([, state]) => state.verdict !== "pass").map(([id]) => `\`${id}\``);
  const body = merged
    ? [
        "### ✅ Mission ended: pull request merged",
        "",
        `${address(intent.author)} merged #${number} before the mission finished, so it ends here` +
          (unpassed.length > 0 ? `; these assertions had not passed: ${unpassed.join(", ")}.` : "."),
      ]
    : [
        "### 🛑 Mission stopped: pull request closed",
        "",
        `${address(intent.author)} closed #${number} without merging it, so the mission stopped: nothing more is pushed to \`${mission.branch}\`, which stays as it is. ` +
          "To start again, remove the `mission` label from this issue and add it again: a new mission starts on a new branch.",
      ];
  return {
    ...mission,
    pr,
    status: merged ? "done" : "aborted",
    pausedFrom: undefined,
    pauseCause: undefined,
    reason,
    finishedAt: now,
    notices: [...mission.notices, { key: `pull-closed-${intent.seq}`, body: body.join("\n") }],
  };
}

function approve(mission: Mission, intent: Intent, now: string, reply: (text: string) => Mission): Mission {
  const latest = latestContract(mission);
  if (mission.status !== "awaiting-approval" || !latest) {
    return reply(`there is no contract waiting for approval (the mission is **${mission.status}**).`);
  }
  // `/mission approve v2` names a version; a bare approve means the newest one the person could see.
  // GitHub's comment ids grow with time, so comment order decides — no comparison of two clocks.
  const named = /^v?(\d+)\b/i.exec(intent.text);
  const seen =
    intent.commentId === undefined
      ? latest
      : mission.contracts.filter((contract) => contract.commentId !== undefined && contract.commentId < intent.commentId!).at(-1);
  const version = named ? Number(named[1]) : (seen?.version ?? latest.version);
  if (mission.approvedVersion !== undefined && version === mission.approvedVersion && version !== latest.version) {
    // A revision waits, and the person chose the contract the work already runs on: it goes on, unchanged.
    const kept = keepApproved(mission);
    return { ...kept, notices: [...kept.notices, { key: `reply-${intent.seq}`, body: `${address(intent.author)} contract v${version} stays; v${latest.version} is set aside. ${kept.status === "running" ? "The work goes on." : `The mission is **${kept.status}** again, as before the revise.`}` }] };
  }
  if (version !== latest.version) {
    return reply(
      `contract v${version} is not the latest: v${latest.version} replaced it. Review v${latest.version} and approve that one.`,
    );
  }
  if (mission.approvedVersion !== undefined) return adoptRevision(mission, latest.version, now);
  const plan = latest.plan;
  return {
    ...mission,
    status: "running",
    approvedVersion: latest.version,
    reason: undefined,
    features: Object.fromEntries(plan.features.map((feature) => [feature.id, { status: "pending", attempts: 0 }])),
    milestones: Object.fromEntries(plan.milestones.map((milestone) => [milestone.id, { status: "pending", round: 0 }])),
    assertions: Object.fromEntries(plan.assertions.map((assertion) => [assertion.id, { verdict: "pending" }])),
    updatedAt: now,
  };
}

function fix(mission: Mission, intent: Intent, reply: (text: string) => Mission): Mission {
  const plan = approvedPlan(mission);
  if (!plan || !mission.pr) return reply("`/mission fix` works once the mission has a pull request.");
  if (intent.text === "") return reply("say what to fix: `/mission fix <text>`.");
  // The milestone the feedback concerns: the blocked one, else the one in progress, else the last.
  const target =
    plan.milestones.find((milestone) => mission.milestones[milestone.id]?.status === "failed") ??
    plan.milestones.find((milestone) => mission.milestones[milestone.id]?.status !== "passed") ??
    plan.milestones.at(-1)!;
  const state = mission.milestones[target.id] ?? { status: "pending" as const, round: 0 };
  const previous = state.repair ?? { failedAssertions: [], problems: [] };
  // Review feedback is repaired like a validator's finding: the repair planner plans it, the milestone is
  // validated again — with fresh repair rounds when it was blocked past them (a person asked anew).
  const blocked = mission.status === "blocked";
  // While a revision is written or waits, questions are open, or a person paused it, the feedback is
  // recorded on the milestone and repaired when the work goes on — it does not start the work itself.
  const waiting = ["planning", "questions", "awaiting-approval", "paused"].includes(mission.status);
  return {
    ...mission,
    ...(waiting ? {} : { status: "running" as const, finishedAt: undefined }),
    ...(blocked ? { pausedFrom: undefined, reason: undefined, stepFailures: 0 } : {}),
    milestones: {
      ...mission.milestones,
      [target.id]: { ...state, status: "pending", ...(state.status === "failed" ? { round: 0 } : {}), repair: { ...previous, problems: [...previous.problems, `Review by @${intent.author}: ${intent.text}`] } },
    },
  };
}

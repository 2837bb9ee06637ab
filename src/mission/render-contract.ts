import type { Contract, Mission } from "./mission.ts";
import type { Plan } from "./schemas.ts";
import { contractMarker, embeddableJson, questionsMarker } from "./markers.ts";
import { defuseMarkers, escapeCell } from "./markdown.ts";
import type { MissionEstimate } from "./estimate.ts";
import { renderEstimate } from "./render-estimate.ts";

/** A revision of a contract the work already runs on: what it ran on, and how far it got. */
export interface RevisionBase {
  version: number;
  plan: Plan;
  mission: Pick<Mission, "features" | "assertions">;
  changes: string[];
}

/** The contract comment: what "done" means, readable by people, with a machine copy hidden below. */
export function renderContract(missionId: string, contract: Contract, issueTitle: string, revision?: RevisionBase, estimate?: MissionEstimate): string {
  const { plan } = contract;
  const lines = [
    `## 📋 Validation contract v${contract.version} — ${escapeCell(issueTitle)}`,
    "",
    defuseMarkers(plan.summary),
    "",
    "These assertions define done. They were written before any code; validators that never see the workers' reasoning check each one.",
  ];
  if (revision) {
    lines.push(
      "",
      `**A revision of v${revision.version}, which the work ran on.** What is done (✅) and passed stays as it is. The work waits for your decision.`,
      "",
      `#### Changes from v${revision.version}`,
      "",
      ...(revision.changes.length > 0 ? revision.changes.map(defuseMarkers) : ["- (no change to milestones, features or assertions)"]),
    );
  }
  const doneMark = (id: string) => (revision?.mission.features[id]?.status === "done" ? "✅ " : revision?.mission.features[id]?.status === "skipped" ? "⏭️ " : "");
  const passMark = (id: string) => (revision?.mission.assertions[id]?.verdict === "pass" ? "✅ " : "");
  for (const milestone of plan.milestones) {
    lines.push("", `### Milestone ${milestone.id} — ${escapeCell(milestone.title)}`, "");
    lines.push("| ID | Assertion | How it is verified |", "|---|---|---|");
    for (const assertion of plan.assertions.filter((a) => a.milestoneId === milestone.id)) {
      const by = assertion.validator === "user-testing" ? "🧑‍💻 user testing: " : "";
      lines.push(`| ${passMark(assertion.id)}\`${assertion.id}\` | ${escapeCell(assertion.statement)} | ${by}${escapeCell(assertion.verification)} |`);
    }
    lines.push("", "Features, one commit each, in this order:", "");
    for (const feature of plan.features.filter((f) => f.milestoneId === milestone.id)) {
      lines.push(`1. ${doneMark(feature.id)}**${feature.id} — ${escapeCell(feature.title)}** (${feature.assertionIds.map((id) => `\`${id}\``).join(", ")})`);
    }
  }
  if (plan.app) {
    // The repository configures no app: the first feature makes it start by this script, and user testing starts it so.
    lines.push("", `The app cannot be started by a script yet: **${plan.features[0]?.id ?? "the first feature"}** makes \`${escapeCell(plan.app.start.replace(/`/g, "'"))}\` start it at ${plan.app.url}, and user testing starts it so.`);
  }
  if (plan.newSkills?.length) {
    // Written by the orchestrator, committed on the branch before the first feature: people see them here and in the pull request.
    lines.push("", "Skills the mission writes (committed under `.github/missions/skills/`):", "");
    for (const skill of plan.newSkills) lines.push(`- \`${skill.name}\` — ${escapeCell(skill.description)}`);
  }
  if (estimate) lines.push("", ...renderEstimate(estimate));
  lines.push(
    "",
    "---",
    revision
      ? `To go on under v${contract.version}, comment \`/mission approve\`. To keep v${revision.version} and go on as before, comment \`/mission approve v${revision.version}\`. To change this version, comment \`/mission revise <what to change>\`.`
      : `To start the work, comment \`/mission approve\`. To change the plan, comment \`/mission revise <what to change>\` and a new version will follow.`,
    `${contractMarker(missionId, contract.version)}${embeddableJson(plan)} -->`,
  );
  return lines.join("\n");
}

export function renderQuestions(missionId: string, questions: string[], round: number, during?: { milestoneId: string }): string {
  const list = questions.map((question, index) => `${index + 1}. ${defuseMarkers(question)}`);
  if (during) {
    return [
      `### ❓ Questions after milestone ${during.milestoneId}`,
      "",
      `Milestone ${during.milestoneId} passed. Reading what its workers found, the orchestrator needs people to decide:`,
      "",
      ...list,
      "",
      "Reply in a comment (`/mission answer <text>`, or just a plain reply): the answer goes to the workers and the work goes on. " +
        "To change the contract instead (new assertions or milestones), comment `/mission revise <what to change>`.",
      questionsMarker(missionId, round),
    ].join("\n");
  }
  return [
    "### ❓ Questions before planning",
    "",
    "The orchestrator needs these answered to write a good contract:",
    "",
    ...list,
    "",
    "Reply in a comment (`/mission answer <text>`, or just a plain reply) and planning continues.",
    questionsMarker(missionId, round),
  ].join("\n");
}

import type { Contract } from "./mission.ts";
import { contractMarker, embeddableJson, questionsMarker } from "./markers.ts";
import { defuseMarkers, escapeCell } from "./markdown.ts";

/** The contract comment: what "done" means, readable by people, with a machine copy hidden below. */
export function renderContract(missionId: string, contract: Contract, issueTitle: string): string {
  const { plan } = contract;
  const lines = [
    `## 📋 Validation contract v${contract.version} — ${escapeCell(issueTitle)}`,
    "",
    defuseMarkers(plan.summary),
    "",
    "These assertions define done. They were written before any code; validators that never see the workers' reasoning check each one.",
  ];
  for (const milestone of plan.milestones) {
    lines.push("", `### Milestone ${milestone.id} — ${escapeCell(milestone.title)}`, "");
    lines.push("| ID | Assertion | How it is verified |", "|---|---|---|");
    for (const assertion of plan.assertions.filter((a) => a.milestoneId === milestone.id)) {
      const by = assertion.validator === "user-testing" ? "🧑‍💻 user testing: " : "";
      lines.push(`| \`${assertion.id}\` | ${escapeCell(assertion.statement)} | ${by}${escapeCell(assertion.verification)} |`);
    }
    lines.push("", "Features, one commit each, in this order:", "");
    for (const feature of plan.features.filter((f) => f.milestoneId === milestone.id)) {
      lines.push(`1. **${feature.id} — ${escapeCell(feature.title)}** (${feature.assertionIds.map((id) => `\`${id}\``).join(", ")})`);
    }
  }
  lines.push(
    "",
    "---",
    `To start the work, comment \`/mission approve\`. To change the plan, comment \`/mission revise <what to change>\` and a new version will follow.`,
    `${contractMarker(missionId, contract.version)}${embeddableJson(plan)} -->`,
  );
  return lines.join("\n");
}

export function renderQuestions(missionId: string, questions: string[], round: number): string {
  return [
    "### ❓ Questions before planning",
    "",
    "The orchestrator needs these answered to write a good contract:",
    "",
    ...questions.map((question, index) => `${index + 1}. ${defuseMarkers(question)}`),
    "",
    "Reply in a comment (`/mission answer <text>`, or just a plain reply) and planning continues.",
    questionsMarker(missionId, round),
  ].join("\n");
}

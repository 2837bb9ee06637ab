import { AGENT_ROLES, type MissionEstimate } from "./estimate.ts";
import { escapeCell } from "./markdown.ts";

export function usd(value: number): string {
  return `$${value.toFixed(2)}`;
}

function usdRange(range: { low: number; high: number }): string {
  return range.low === range.high ? usd(range.low) : `${usd(range.low)}–${usd(range.high)}`;
}

/** The estimate in the contract comment: runs, cost and the cap, before anyone approves. */
export function renderEstimate(estimate: MissionEstimate): string[] {
  const byRole = (runs: Record<string, number>) =>
    AGENT_ROLES.filter((role) => runs[role]! > 0)
      .map((role) => `${role} ${runs[role]}`)
      .join(", ");
  const { low, high } = estimate.totalRuns;
  const lines = [
    "### Estimate",
    "",
    `- **Agent runs:** about ${low} (${byRole(estimate.runs)}); ${low}–${high} with one repair round per milestone (${byRole(estimate.repairRuns)}), at most ${estimate.mostRuns} if every milestone needs all ${estimate.maxRemediationRounds} repair rounds.`,
  ];
  const models = [...new Set(AGENT_ROLES.map((role) => estimate.models[role]))];
  const modelText = models.length === 1 ? `\`${escapeCell(models[0]!)}\` for every role` : AGENT_ROLES.map((role) => `${role} \`${escapeCell(estimate.models[role])}\``).join(", ");
  lines.push(
    estimate.cost
      ? `- **Cost:** ${usdRange(estimate.cost)} at the configured models' prices (${modelText}) and typical token use per run.`
      : `- **Cost:** not estimated: ${estimate.unpriced.map((model) => `\`${escapeCell(model)}\``).join(", ")} has no price.`,
  );
  if (estimate.researchRunUsd !== undefined) {
    lines.push(`- **Research subagents** (read-only, started by a worker or the orchestrator as it sees fit) are extra: up to about ${usd(estimate.researchRunUsd)} each.`);
  }
  if (estimate.history) {
    const { history } = estimate;
    const perRun = history.perRun !== undefined ? `, ${usd(history.perRun)} per agent run` : "";
    lines.push(
      `- **This repository's past missions:** ${usdRange(history.perFeature)} per feature over ${history.missions} finished mission${history.missions === 1 ? "" : "s"}${perRun}: about ${usdRange(history.cost)} for this plan.`,
    );
  }
  const highest = Math.max(estimate.cost?.high ?? 0, estimate.history?.cost.high ?? 0);
  lines.push(
    `- **Budget cap:** ${usd(estimate.budgetUsd)}: the work pauses there and asks before spending more.${highest > estimate.budgetUsd ? " ⚠️ The high end of the estimate is above the cap." : ""}`,
  );
  return lines;
}

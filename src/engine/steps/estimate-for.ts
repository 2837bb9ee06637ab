import { AGENT_ROLES, estimateMission, type AgentRole, type Mission, type MissionEstimate, type PastMission, type Plan } from "../../mission/index.ts";
import type { StepContext } from "../engine-deps.ts";

/** How many of the repository's latest finished missions the estimate learns from. */
const HISTORY_MISSIONS = 10;
/** Of those, how many have their timelines read for the number of agent runs. */
const HISTORY_TIMELINES = 5;

/** The estimate for a contract: the roles' models and prices, the cap, and the repository's own finished missions. */
export async function estimateFor(context: StepContext, mission: Mission, plan: Plan): Promise<MissionEstimate> {
  const models = Object.fromEntries(AGENT_ROLES.map((role) => [role, context.models.modelName(role, mission.settings.models)])) as Record<AgentRole, string>;
  const summaries = await context.store.listMissionSummaries({ status: "done", repositories: [`${mission.repo.owner}/${mission.repo.name}`], limit: HISTORY_MISSIONS + 1, offset: 0 });
  const history: PastMission[] = [];
  for (const [index, summary] of summaries.filter((candidate) => candidate.id !== mission.id).slice(0, HISTORY_MISSIONS).entries()) {
    const runs = index < HISTORY_TIMELINES ? (await context.store.events(summary.id)).filter((event) => event.kind === "agent-run").length : 0;
    history.push({ featuresDone: summary.featuresDone, usd: summary.spentUsd, ...(runs > 0 ? { runs } : {}) });
  }
  return estimateMission({
    plan,
    models,
    price: (model) => context.prices.lookup(model),
    budgetUsd: mission.settings.budgetUsd ?? context.settings.defaultBudgetUsd,
    maxRemediationRounds: mission.settings.maxRemediationRounds,
    history,
  });
}

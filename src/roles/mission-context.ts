import { approvedPlan, type Mission } from "../mission/index.ts";
import { renderTurn } from "../agent/index.ts";
import { agentInstructions, nestedInstructions } from "./repository-overview.ts";

/**
 * What every agent of a mission reads first: the issue, the approved plan's summary and the
 * repository's instructions for agents (AGENTS.md, and where nested ones apply). The same text for
 * every run of a role, and first in its first message, so each run after the first reads it — with
 * the role's tools and system prompt before it — from the provider's cache; parallel runs (the
 * reviewers of a milestone) share it as one prefix. Nothing any run adds changes it.
 */
export async function missionContext(mission: Mission, directory: string): Promise<string> {
  return renderTurn("worker-context", {
    issue: mission.issue.number,
    repository: `${mission.repo.owner}/${mission.repo.name}`,
    summary: approvedPlan(mission)?.summary ?? "",
    instructions: await agentInstructions(directory),
    nested: await nestedInstructions(directory),
  });
}

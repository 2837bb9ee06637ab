import { recordPlan, type Mission } from "../../mission/index.ts";
import { planMission } from "../../roles/index.ts";
import type { StepContext } from "../engine-deps.ts";
import { modelFor } from "../model-for.ts";
import { withMcpTools } from "./mcp-tools-for.ts";
import { recordToolCalls, researchOptions } from "../research-for.ts";
import { remoteAccess, repoRef } from "./remote-access.ts";

/**
 * The orchestrator reads the issue and a fresh checkout of the default branch — or, revising a plan
 * whose work is under way, of the mission's branch: the work done so far, and the skills written and
 * improved on it (a revision planned on the default branch would not be offered them).
 */
export async function planStep(context: StepContext, mission: Mission): Promise<Mission> {
  const remote = await remoteAccess(context, mission);
  const base = mission.repo.defaultBranch;
  // The branch when it was pushed; before that `prepare` starts it from the default branch.
  const branch = mission.approvedVersion !== undefined && mission.branch ? mission.branch : base;
  const { directory } = await context.workspace.prepare(mission.id, remote, branch, base);
  // The issue as it was when the label was added: later edits are no instructions (see `issue.body`).
  const issue = boundedIssue(mission.issue.body !== undefined ? { title: mission.issue.title, body: mission.issue.body } : await context.github.issueBody(repoRef(mission), mission.issue.number));
  const outcome = await withMcpTools(context, mission, "orchestrator", directory, (mcpTools) =>
    planMission({
      model: modelFor(context, mission, "orchestrator"),
      mission,
      issue,
      directory,
      signal: context.signal,
      extraTools: mcpTools,
      research: researchOptions(context, mission),
      // Its own calls (MCP tools, research) on the timeline, as a worker's are.
      onToolCall: recordToolCalls(context, mission, { role: "orchestrator" }),
    }),
  );
  return recordPlan(mission, outcome, context.now().toISOString());
}

/** GitHub's own limit for an issue body: more is not a specification but a way to flood the orchestrator's context. */
const MAX_ISSUE_BODY = 65_536;

function boundedIssue(issue: { title: string; body: string }): { title: string; body: string } {
  if (issue.body.length <= MAX_ISSUE_BODY) return issue;
  return { ...issue, body: `${issue.body.slice(0, MAX_ISSUE_BODY)}\n[… ${issue.body.length - MAX_ISSUE_BODY} more characters not shown]` };
}

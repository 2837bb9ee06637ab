import { z } from "zod";
import { type AgentRun, type AgentTool, READ_ONLY_TOOLS, renderTurn, runAgent } from "../agent/index.ts";
import type { LanguageModel } from "../models/index.ts";
import { appReadinessProblems, checkPlan, checkRevision, currentPlan, PlanSchema, type Mission, type PlanningOutcome } from "../mission/index.ts";
import { finalToolDescription, loadPrompt } from "./load-prompt.ts";
import { researchFor, type ResearchOptions } from "./researcher.ts";
import { repositoryOverview } from "./repository-overview.ts";
import { loadSkills } from "./skills.ts";
import { untrusted } from "./untrusted.ts";

const SubmitPlanSchema = z.object({
  questions: z.array(z.string().min(1).max(500)).max(5).optional().describe("Clarifying questions, when the issue is genuinely ambiguous"),
  plan: PlanSchema.optional().describe("The plan and validation contract"),
});

export interface PlanInput {
  model: LanguageModel;
  mission: Mission;
  issue: { title: string; body: string };
  directory: string;
  signal?: AbortSignal;
  onModelCall?: AgentRun<z.ZodType>["onModelCall"];
  /** Each tool call, once it returned (the mission's timeline). */
  onToolCall?: AgentRun<z.ZodType>["onToolCall"];
  /** Tools besides the read-only ones: the operator's MCP servers' for the orchestrator. */
  extraTools?: AgentTool[];
  /** Read-only research subagents the orchestrator may start while planning (the `research` tool). */
  research?: ResearchOptions;
}

/** The orchestrator reads the issue and the repository and asks questions or writes the contract. */
export async function planMission(input: PlanInput): Promise<PlanningOutcome> {
  const { mission } = input;
  const previous = mission.contracts.at(-1);
  const skills = await loadSkills(input.directory);
  const conversation = mission.conversation.map((entry) => untrusted(`${entry.kind} from @${entry.author}`, entry.text));
  const prompt = renderTurn("plan", {
    issue: mission.issue.number,
    repository: `${mission.repo.owner}/${mission.repo.name}`,
    title: untrusted("issue title", input.issue.title),
    body: untrusted("issue body", input.issue.body || "(empty)"),
    conversation: conversation.join("\n"),
    underWay: mission.approvedVersion !== undefined ? underWay(mission) : undefined,
    previous: mission.approvedVersion === undefined && previous ? { version: previous.version, plan: JSON.stringify(previous.plan, null, 2) } : undefined,
    answered: mission.conversation.some((entry) => entry.kind === "answer"),
    app: mission.settings.app,
    skills,
    overview: await repositoryOverview(input.directory),
  });
  const { value } = await runAgent({
    model: input.model,
    system: loadPrompt("orchestrator"),
    prompt,
    tools: [...READ_ONLY_TOOLS, ...(input.research ? [researchFor(input.research)] : []), ...(input.extraTools ?? [])],
    ...(input.onToolCall ? { onToolCall: input.onToolCall } : {}),
    final: {
      name: "submit_plan",
      description: finalToolDescription("submit_plan"),
      parameters: SubmitPlanSchema,
      check: (submitted) => {
        if (!!submitted.plan === !!submitted.questions?.length) return ["give exactly one of `questions` (non-empty) or `plan`"];
        if (!submitted.plan) return [];
        const known = new Set([...skills.map((skill) => skill.name), ...(submitted.plan.newSkills ?? []).map((skill) => skill.name)]);
        const unknownSkills = submitted.plan.features.flatMap((feature) =>
          (feature.skills ?? []).filter((name) => !known.has(name)).map((name) => `feature ${feature.id} names skill "${name}", which is not offered`),
        );
        // A contract not yet approved gives every assertion one owner; once work is under way, follow-ups share them.
        const oneOwner = mission.approvedVersion === undefined;
        return [...checkPlan(submitted.plan, { oneOwner }), ...checkRevision(mission, submitted.plan), ...unknownSkills, ...appReadinessProblems(submitted.plan, !!mission.settings.app)];
      },
    },
    context: { root: input.directory, readFiles: new Set(), signal: input.signal },
    maxTurns: 30,
    cacheKey: `${mission.id}:orchestrator`,
    onModelCall: input.onModelCall,
  });
  return value.plan ? { kind: "plan", plan: value.plan } : { kind: "questions", questions: value.questions ?? [] };
}

/**
 * A revision while the work runs: the plan as it stands (the approved contract and the follow-ups
 * added since), how far the work got, and the rules that keep finished work finished.
 */
function underWay(mission: Mission): object {
  const plan = currentPlan(mission)!;
  const latest = mission.contracts.at(-1)!;
  const done = plan.features.filter((feature) => mission.features[feature.id]?.status === "done").map((feature) => `${feature.id} (commit ${mission.features[feature.id]?.commitSha?.slice(0, 7) ?? "?"})`);
  const passed = plan.assertions.filter((assertion) => mission.assertions[assertion.id]?.verdict === "pass").map((assertion) => assertion.id);
  const skipped = [
    ...plan.features.filter((feature) => mission.features[feature.id]?.status === "skipped").map((feature) => feature.id),
    ...plan.assertions.filter((assertion) => mission.assertions[assertion.id]?.verdict === "skipped").map((assertion) => assertion.id),
  ];
  const highest = Math.max(0, ...[...plan.features.map((feature) => feature.id), ...Object.keys(mission.features)].map((id) => Number(id.slice(1)) || 0));
  return {
    approved: mission.approvedVersion,
    next: latest.version + 1,
    plan: JSON.stringify(plan, null, 2),
    proposed: latest.version > mission.approvedVersion! ? { version: latest.version, plan: JSON.stringify(latest.plan, null, 2) } : undefined,
    done: done.join(", "),
    passed: passed.join(", "),
    skipped: skipped.join(", "),
    nextId: highest + 1,
  };
}

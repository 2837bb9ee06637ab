import type { z } from "zod";
import { AgentLimitError, bashTool, editFileTool, READ_ONLY_TOOLS, runAgent, writeFileTool, type AgentRun, type ToolContext } from "../agent/index.ts";
import { BudgetExceededError, type LanguageModel } from "../models/index.ts";
import { allFeatures, approvedPlan, SubmittedHandoffSchema, type Feature, type Handoff, type Mission } from "../mission/index.ts";
import { loadPrompt } from "./load-prompt.ts";
import { agentInstructions } from "./repository-overview.ts";
import { assertionLines } from "./prompt-sections.ts";
import { loadSkills } from "./skills.ts";
import { untrusted } from "./untrusted.ts";

export interface WorkerInput {
  model: LanguageModel;
  mission: Mission;
  feature: Feature;
  directory: string;
  signal?: AbortSignal;
  /** The worker's shell; without one the worker has file tools only. */
  shell?: Omit<NonNullable<ToolContext["shell"]>, "ran">;
  onModelCall?: AgentRun<z.ZodType>["onModelCall"];
  onToolCall?: AgentRun<z.ZodType>["onToolCall"];
  /** How many turns and minutes the worker has (default 80 and 60). */
  limits?: { turns: number; minutes: number };
  /**
   * Whether the feature's work changed nothing (asked when the worker hands off `done`): then the
   * worker is asked, before its run ends, to make the change or say why none is needed.
   */
  unchanged?: () => Promise<boolean>;
}

/** How a worker's run ended: with its own handoff, or at its turn or time limit (or the budget's) without one. */
export type WorkerOutcome =
  | { kind: "handoff"; handoff: Handoff }
  | { kind: "ran-out"; limit: "turns" | "time"; message: string; commandsRun: Handoff["commandsRun"] }
  /** The mission's budget ran out for the next model call: what the worker did may still be worth keeping. */
  | { kind: "budget"; error: BudgetExceededError; commandsRun: Handoff["commandsRun"] };

/**
 * One feature in a fresh context: the first message carries the feature, its assertions, short
 * summaries of earlier handoffs and the repository's agent instructions — never earlier transcripts.
 */
export async function implementFeature(input: WorkerInput): Promise<WorkerOutcome> {
  const { mission, feature } = input;
  const ran: Array<{ command: string; exitCode: number }> = [];
  const turns = input.limits?.turns ?? 80;
  const wallMs = (input.limits?.minutes ?? 60) * 60_000;
  const run = runAgent({
    model: input.model,
    system: loadPrompt("worker"),
    prompt: await workerPrompt(mission, feature, input.directory),
    tools: [...READ_ONLY_TOOLS, writeFileTool, editFileTool, ...(input.shell ? [bashTool] : [])],
    final: {
      name: "submit_handoff",
      description: "Finish the feature with an honest, structured handoff. Call once, last.",
      parameters: SubmittedHandoffSchema,
      check: async (handoff) => (handoff.status === "done" && !handoff.noChangeReason?.trim() && (await input.unchanged?.()) ? [NO_CHANGE] : []),
    },
    context: { root: input.directory, readFiles: new Set(), signal: input.signal, ...(input.shell ? { shell: { ...input.shell, ran } } : {}) },
    maxTurns: turns,
    maxWallMs: wallMs,
    // A few turns (or minutes) before the end, so that a handoff still fits.
    wrapUp: { message: loadPrompt("worker-wrap-up"), turnsLeft: Math.max(1, Math.min(5, Math.floor(turns / 5))), msLeft: Math.min(5 * 60_000, wallMs / 10) },
    cacheKey: `${mission.id}:worker`,
    onModelCall: input.onModelCall,
    onToolCall: input.onToolCall,
  });
  try {
    const { value } = await run;
    // The commands come from what the shell ran, not from what the model says it ran.
    return { kind: "handoff", handoff: { ...value, commandsRun: ran } };
  } catch (error) {
    if (error instanceof AgentLimitError) return { kind: "ran-out", limit: error.limit, message: error.message, commandsRun: ran };
    if (error instanceof BudgetExceededError) return { kind: "budget", error, commandsRun: ran };
    throw error;
  }
}

/** What a worker that hands off `done` with nothing changed is told, in its run, before it ends. */
export const NO_CHANGE =
  "The checkout has no change: no file was written, edited or deleted for this feature, so its commit would be empty. " +
  "If the feature needs a change, make it, then call submit_handoff again. If it needs none (it already exists, say), " +
  "call submit_handoff again with `noChangeReason` saying why, citing the files that already do what the feature asks.";

export async function workerPrompt(mission: Mission, feature: Feature, directory: string): Promise<{ context: string; task: string }> {
  const plan = approvedPlan(mission);
  const assertions = plan?.assertions.filter((assertion) => feature.assertionIds.includes(assertion.id)) ?? [];
  const earlier = handoffDigest(mission);
  const instructions = await agentInstructions(directory);
  const chosen = new Set(feature.skills ?? []);
  const skills = chosen.size > 0 ? (await loadSkills(directory)).filter((skill) => chosen.has(skill.name)) : [];
  // The same for every feature of the mission: first, so it is read from the provider's cache.
  const context = [
    `# Mission: issue #${mission.issue.number} in ${mission.repo.owner}/${mission.repo.name}`,
    "",
    plan?.summary ?? "",
    ...(instructions ? ["", "## The repository's instructions for agents (AGENTS.md)", instructions] : []),
  ].join("\n");
  const task = [
    `# Feature ${feature.id}: ${feature.title}`,
    "",
    feature.description,
    "",
    ...orchestratorNotes(mission, feature),
    "## Assertions this feature must make true",
    ...assertionLines(assertions),
    ...skills.flatMap((skill) => ["", `## Skill: ${skill.name}`, skill.source === "repository" ? untrusted(`skill ${skill.name} from the repository`, skill.body) : skill.body]),
    ...(mission.bulletin.length > 0 ? ["", "## Bulletin (what earlier workers found that everyone should know)", ...mission.bulletin.map((entry) => `- ${entry}`)] : []),
    ...(earlier.length > 0 ? ["", "## Earlier features (handoff summaries)", ...earlier] : []),
    ...continuationSection(mission, feature),
    ...(mission.guidance.length > 0
      ? ["", "## Guidance from the maintainers", ...mission.guidance.slice(-5).map((entry) => untrusted(`guidance from @${entry.author}`, entry.text))]
      : []),
  ].join("\n");
  return { context, task };
}

/** What the orchestrator learned for this feature at milestone boundaries (the latest few). */
function orchestratorNotes(mission: Mission, feature: Feature): string[] {
  const notes = mission.features[feature.id]?.notes ?? [];
  if (notes.length === 0) return [];
  return ["## Notes from the orchestrator (what earlier milestones taught)", ...notes.slice(-3).map((note) => `- ${note}`), ""];
}

/** What a continuing worker learns of the checkpoint it starts from: what the app knows, never a transcript. */
function continuationSection(mission: Mission, feature: Feature): string[] {
  const checkpoint = mission.features[feature.id]?.checkpoint;
  if (!checkpoint) return [];
  const { handoff } = checkpoint;
  return [
    "",
    "## Continuing from a checkpoint",
    `An earlier worker on this feature ${checkpoint.limit === "budget" ? "was stopped when the mission's budget ran out" : `ran out of ${checkpoint.limit}`} before it handed off. The app committed what the checkout held (commit ${checkpoint.sha.slice(0, 12)}); you start from that code. Read it, keep what is right, and finish the feature.`,
    handoff.summary,
    ...(handoff.commandsRun.length > 0 ? ["", "Commands it ran (exit codes):", ...handoff.commandsRun.slice(-15).map((command) => `- \`${command.command.slice(0, 200)}\` → exit ${command.exitCode}`)] : []),
  ];
}

const DIGEST_ENTRIES = 5;
const DIGEST_SUMMARY = 240;

/**
 * Short notes from earlier features — never their transcripts — bounded so the first message stays
 * the same size however long the mission runs: the latest few handoffs, the rest counted.
 */
export function handoffDigest(mission: Mission): string[] {
  const done = allFeatures(mission).filter((other) => mission.features[other.id]?.status === "done" && mission.features[other.id]?.handoff);
  const recent = done.slice(-DIGEST_ENTRIES).map((other) => {
    const summary = mission.features[other.id]!.handoff!.summary.replace(/\s+/g, " ");
    return `- ${other.id} ${other.title}: ${summary.length > DIGEST_SUMMARY ? `${summary.slice(0, DIGEST_SUMMARY - 1)}…` : summary}`;
  });
  const older = done.length - recent.length;
  return older > 0 ? [`- (${older} earlier feature${older > 1 ? "s are" : " is"} in the branch's history)`, ...recent] : recent;
}

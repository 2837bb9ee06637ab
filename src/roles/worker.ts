import type { z } from "zod";
import { AgentLimitError, bashTool, editFileTool, READ_ONLY_TOOLS, renderTurn, runAgent, writeFileTool, type AgentRun, type AgentTool, type ToolContext } from "../agent/index.ts";
import { BudgetExceededError, type LanguageModel } from "../models/index.ts";
import { allFeatures, approvedPlan, SubmittedHandoffSchema, type Feature, type Handoff, type Mission } from "../mission/index.ts";
import { finalToolDescription, loadPrompt } from "./load-prompt.ts";
import { researchFor, type ResearchOptions } from "./researcher.ts";
import { missionContext } from "./mission-context.ts";
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
  /** Tools besides the built-in ones: the operator's MCP servers' (`mcp__<server>__<tool>`). */
  extraTools?: AgentTool[];
  /** How many turns and minutes the worker has (default 80 and 60). */
  limits?: { turns: number; minutes: number };
  /**
   * Whether the feature's work changed nothing (asked when the worker hands off `done`): then the
   * worker is asked, before its run ends, to make the change or say why none is needed.
   */
  unchanged?: () => Promise<boolean>;
  /** Read-only research subagents the worker may start (the `research` tool); without it, none. */
  research?: ResearchOptions;
}

/** How a worker's run ended: with its own handoff, or at its turn or time limit (or the budget's) without one. */
export type WorkerOutcome =
  | { kind: "handoff"; handoff: Handoff }
  | { kind: "ran-out"; limit: "turns" | "time"; message: string; commandsRun: Handoff["commandsRun"] }
  /** The mission's budget ran out for the next model call: what the worker did may still be worth keeping. */
  | { kind: "budget"; error: BudgetExceededError; commandsRun: Handoff["commandsRun"] };

/**
 * One feature in a fresh context: the first message carries the feature, its assertions, the latest
 * few handoffs' summaries and bulletin entries and the repository's agent instructions — never
 * earlier transcripts, and nothing that grows with the mission's history.
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
    tools: [...READ_ONLY_TOOLS, writeFileTool, editFileTool, ...(input.shell ? [bashTool] : []), ...(input.research ? [researchFor(input.research)] : []), ...(input.extraTools ?? [])],
    final: {
      name: "submit_handoff",
      description: finalToolDescription("submit_handoff"),
      parameters: SubmittedHandoffSchema,
      check: async (handoff) => (handoff.status === "done" && !handoff.noChangeReason?.trim() && (await input.unchanged?.()) ? [NO_CHANGE] : []),
    },
    context: { root: input.directory, readFiles: new Set(), signal: input.signal, ...(input.shell ? { shell: { ...input.shell, ran } } : {}) },
    maxTurns: turns,
    maxWallMs: wallMs,
    // A few turns (or minutes) before the end, so that a handoff still fits.
    wrapUp: { message: renderTurn("worker-wrap-up"), turnsLeft: Math.max(1, Math.min(5, Math.floor(turns / 5))), msLeft: Math.min(5 * 60_000, wallMs / 10) },
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
export const NO_CHANGE = renderTurn("worker-no-change");

export async function workerPrompt(mission: Mission, feature: Feature, directory: string): Promise<{ context: string; task: string }> {
  const plan = approvedPlan(mission);
  const assertions = plan?.assertions.filter((assertion) => feature.assertionIds.includes(assertion.id)) ?? [];
  const earlier = handoffDigest(mission);
  const bulletin = bulletinDigest(mission.bulletin);
  // The plan's skills for the feature, and those the orchestrator assigned it at a milestone boundary.
  const chosen = new Set([...(feature.skills ?? []), ...(mission.features[feature.id]?.skills ?? [])]);
  const skills = chosen.size > 0 ? (await loadSkills(directory)).filter((skill) => chosen.has(skill.name)) : [];
  // The same for every feature of the mission: first, so it is read from the provider's cache.
  const context = await missionContext(mission, directory);
  const task = renderTurn("worker-task", {
    id: feature.id,
    title: feature.title,
    description: feature.description,
    notes: orchestratorNotes(mission, feature),
    assertions: assertionLines(assertions).join("\n"),
    // The repository could not start its app by a script: the first feature makes it so, as the approved plan says.
    startsApp: !mission.settings.app && plan?.app && plan.features[0]?.id === feature.id ? plan.app : undefined,
    skills: skills.map((skill) => ({ name: skill.name, body: skill.source === "repository" ? untrusted(`skill ${skill.name} from the repository`, skill.body) : skill.body, files: skill.files ?? [] })),
    // Workers' and the orchestrator's words, from what the repository showed them: data, not instructions.
    bulletin: bulletin.length > 0 ? untrusted("bulletin", bulletin.join("\n")) : "",
    earlier: earlier.join("\n"),
    checkpoint: continuation(mission, feature),
    guidance: guidance(mission),
  });
  return { context, task };
}

/** What the orchestrator learned for this feature at milestone boundaries (the latest few). */
function orchestratorNotes(mission: Mission, feature: Feature): string {
  const notes = mission.features[feature.id]?.notes ?? [];
  if (notes.length === 0) return "";
  // Bounded like the rest of the history: the latest two, each capped (the whole notes are in the mission's state).
  const shown = notes.slice(-2).map((note) => cut(`- ${note.replace(/\s+/g, " ").trim()}`, NOTE_LINE));
  return untrusted("orchestrator's notes", shown.join("\n"));
}

/** What a continuing worker learns of the checkpoint it starts from: what the app knows, never a transcript. */
function continuation(mission: Mission, feature: Feature): object | undefined {
  const checkpoint = mission.features[feature.id]?.checkpoint;
  if (!checkpoint) return undefined;
  const { handoff } = checkpoint;
  return {
    budget: checkpoint.limit === "budget",
    limit: checkpoint.limit,
    sha: checkpoint.sha.slice(0, 12),
    summary: cut(handoff.summary, CHECKPOINT_SUMMARY, " (cut here; the rest is in the checkpoint commit's message)"),
    commands: handoff.commandsRun.slice(-15).map((command) => `- \`${command.command.slice(0, 200)}\` → exit ${command.exitCode}`).join("\n"),
  };
}

/** The maintainers' latest guidance, each comment capped: the whole comments stay on the issue. */
function guidance(mission: Mission): object | undefined {
  if (mission.guidance.length === 0) return undefined;
  const shown = mission.guidance.slice(-GUIDANCE_ENTRIES);
  const older = mission.guidance.length - shown.length;
  return {
    older: older > 0 ? older : undefined,
    plural: older > 1,
    entries: shown.map((entry) => untrusted(`guidance from @${entry.author}`, cut(entry.text, GUIDANCE_TEXT, " (cut here; the whole comment is on the issue)"))).join("\n"),
  };
}

/*
 * What the first message carries of the mission's history has a fixed size, so that a worker's
 * context at feature 100 is the one it had at feature 1: the latest few handoffs and bulletin
 * entries fit their budgets, and the message says what it left out — never a silent cut.
 */
const DIGEST_ENTRIES = 3;
/** Characters of one handoff's line in the digest (id, title and summary). */
const DIGEST_LINE = 110;
/** Characters of the bulletin's entries the first message carries (the newest that fit). */
const BULLETIN_BUDGET = 360;
const GUIDANCE_ENTRIES = 5;
/** Characters of one orchestrator's note on a feature. */
const NOTE_LINE = 300;
const GUIDANCE_TEXT = 1_500;
const CHECKPOINT_SUMMARY = 1_500;

/**
 * Short notes from earlier features — never their transcripts — bounded so the first message stays
 * the same size however long the mission runs: the latest few handoffs, each line capped, the rest
 * counted and pointed at (each feature's commit message carries its summary).
 */
export function handoffDigest(mission: Mission): string[] {
  const done = allFeatures(mission).filter((other) => mission.features[other.id]?.status === "done" && mission.features[other.id]?.handoff);
  const recent = done.slice(-DIGEST_ENTRIES).map((other) => {
    const summary = mission.features[other.id]!.handoff!.summary.replace(/\s+/g, " ").trim();
    return cut(`- ${other.id} ${other.title}: ${summary}`, DIGEST_LINE);
  });
  const older = done.length - recent.length;
  if (older === 0) return recent;
  return [`- (${older} earlier handoff${older > 1 ? "s" : ""} not shown; their commit messages carry their summaries: \`git log\`)`, ...recent];
}

/**
 * The bulletin as the first message carries it: the newest entries that fit the budget, in the
 * bulletin's order, and a line counting the older ones left out.
 */
export function bulletinDigest(bulletin: readonly string[]): string[] {
  const shown: string[] = [];
  let left = BULLETIN_BUDGET;
  for (const entry of [...bulletin].reverse()) {
    const line = `- ${entry.replace(/\s+/g, " ").trim()}`;
    if (line.length > left) {
      // The newest entry is always shown, cut to the budget if it alone is longer.
      if (shown.length === 0) shown.push(cut(line, left));
      break;
    }
    shown.push(line);
    left -= line.length + 1;
  }
  const older = bulletin.length - shown.length;
  return [...(older > 0 ? [`- (${older} older entr${older > 1 ? "ies" : "y"} not shown)`] : []), ...shown.reverse()];
}

/** `text` in at most `max` characters: cut with an ellipsis (and `note`, if given) when longer. */
function cut(text: string, max: number, note = ""): string {
  return text.length > max ? `${text.slice(0, Math.max(0, max - 1 - note.length))}…${note}` : text;
}

import { z } from "zod";
import { READ_ONLY_TOOLS, runAgent, renderTurn } from "../agent/index.ts";
import type { LanguageModel } from "../models/index.ts";
import type { Assertion, Feature, RepairFeature } from "../mission/index.ts";
import { finalToolDescription, loadPrompt } from "./load-prompt.ts";
import { assertionLines } from "./prompt-sections.ts";
import { untrusted } from "./untrusted.ts";

export interface RepairInput {
  model: LanguageModel;
  missionId: string;
  milestone: { id: string; title: string };
  assertions: Assertion[];
  /** Assertions that failed, and every problem found (failing commands, review findings, review feedback). */
  failedAssertions: string[];
  problems: string[];
  /** Features already made for this milestone, so a failed fix is not simply repeated. */
  earlier: Feature[];
  round: number;
  directory: string;
  signal?: AbortSignal;
}

const RepairFeatureSchema = z.object({
  title: z.string().min(1).max(100).describe("Imperative title; becomes the commit subject"),
  description: z.string().min(1).max(4000).describe("Exactly what to change and why, for a worker with no other context"),
  assertionIds: z.array(z.string()).min(1).describe("The milestone's assertions this repair makes true"),
});

/** The orchestrator turns what failed into targeted follow-up features. */
export async function planRepair(input: RepairInput): Promise<RepairFeature[]> {
  const known = new Set(input.assertions.map((assertion) => assertion.id));
  const prompt = renderTurn("repair", {
    id: input.milestone.id,
    title: input.milestone.title,
    round: input.round,
    assertions: assertionLines(input.assertions).join("\n"),
    failed: input.failedAssertions.join(", "),
    // Review feedback comes from people, findings from models reading the repository: data either way.
    problems: untrusted("validation failures and review feedback", input.problems.map((problem) => `- ${problem}`).join("\n") || "(none listed)"),
    earlier: input.earlier,
  });
  const { value } = await runAgent({
    model: input.model,
    system: loadPrompt("repair-planner"),
    prompt,
    tools: READ_ONLY_TOOLS,
    final: {
      name: "submit_repair",
      description: finalToolDescription("submit_repair"),
      parameters: z.object({ features: z.array(RepairFeatureSchema).min(1).max(4) }),
      check: ({ features }) =>
        features.flatMap((feature) => feature.assertionIds.filter((id) => !known.has(id)).map((id) => `"${feature.title}" names ${id}, which is not an assertion of this milestone`)),
    },
    context: { root: input.directory, readFiles: new Set(), signal: input.signal },
    maxTurns: 20,
    cacheKey: `${input.missionId}:repair-planner`,
  });
  return value.features;
}

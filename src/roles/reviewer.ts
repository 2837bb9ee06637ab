import { z } from "zod";
import { type AgentRun, type AgentTool, READ_ONLY_TOOLS, runAgent, renderTurn } from "../agent/index.ts";
import type { LanguageModel } from "../models/index.ts";
import type { Assertion, Feature } from "../mission/index.ts";
import { finalToolDescription, loadPrompt } from "./load-prompt.ts";
import { assertionLines, diffText } from "./prompt-sections.ts";

export const FindingSchema = z.object({
  path: z.string().min(1).describe("File the finding is about, relative to the repository root"),
  line: z.number().int().min(1).describe("Line in the new version of the file"),
  severity: z.enum(["blocker", "major", "minor", "nit"]).describe("blocker: must be fixed; major: a real defect; minor: worth fixing; nit: style"),
  message: z.string().min(1).max(2000).describe("What is wrong and what to do instead"),
});
export type Finding = z.infer<typeof FindingSchema> & { featureId: string };

export interface ReviewInput {
  model: LanguageModel;
  missionId: string;
  feature: Feature;
  assertions: Assertion[];
  diff: string;
  directory: string;
  signal?: AbortSignal;
  /**
   * The mission's context (`missionContext`), the same for every agent of the mission: sent first and
   * marked for caching, so parallel and later runs read it from the provider's cache.
   */
  context?: string;
  /** The operator's MCP tools for the role, where it declared them for validators: beside the read-only tools. */
  extraTools?: AgentTool[];
  /** Each tool call, as it ends (the engine records the MCP ones on the timeline). */
  onToolCall?: AgentRun<z.ZodType>["onToolCall"];
}

/** One read-only review of one feature's diff; it never sees the worker's handoff or reasoning. */
export async function reviewFeature(input: ReviewInput): Promise<Finding[]> {
  const prompt = renderTurn("reviewer", {
    id: input.feature.id,
    title: input.feature.title,
    description: input.feature.description,
    assertions: assertionLines(input.assertions).join("\n"),
    diff: diffText(input.diff),
  });
  const { value } = await runAgent({
    model: input.model,
    system: loadPrompt("reviewer"),
    prompt: input.context ? { context: input.context, task: prompt } : prompt,
    tools: [...READ_ONLY_TOOLS, ...(input.extraTools ?? [])],
    final: {
      name: "submit_review",
      description: finalToolDescription("submit_review"),
      parameters: z.object({ findings: z.array(FindingSchema).max(50).describe("The findings; an empty list when there are none") }),
    },
    context: { root: input.directory, readFiles: new Set(), signal: input.signal },
    maxTurns: 30,
    cacheKey: `${input.missionId}:reviewer`,
    ...(input.onToolCall ? { onToolCall: input.onToolCall } : {}),
  });
  return value.findings.map((finding) => ({ ...finding, featureId: input.feature.id }));
}

import { z } from "zod";
import { defineTool, toolDescription, type AgentTool, type ToolContext } from "../tool.ts";

/** Runs one read-only research subagent on `question` and returns its report (or why there is none). */
export type Researcher = (question: string, context: ToolContext) => Promise<string>;

/**
 * Starts a read-only research subagent: a fresh context, a bounded budget, the looking and searching
 * tools only, and a short report as the result. Several calls in one turn run at once (`concurrent`).
 */
export function researchTool(researcher: Researcher): AgentTool {
  return defineTool({
    name: "research",
    description: toolDescription("research"),
    concurrent: true,
    parameters: z.object({
      question: z
        .string()
        .min(1)
        .max(2000)
        .describe("What to find out, self-contained: the researcher sees nothing of your context. Say where to look and what the report must answer"),
    }),
    execute: ({ question }, context) => researcher(question, context),
  });
}

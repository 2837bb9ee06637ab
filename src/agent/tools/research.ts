import { z } from "zod";
import { defineTool, ToolError, toolDescription, type AgentTool, type ToolContext } from "../tool.ts";

/** Researchers one agent may have running at once: a turn's calls past this are refused with a tool error. */
export const MAX_RESEARCHERS = 4;

/** Runs one read-only research subagent on `question` and returns its report (or why there is none). */
export type Researcher = (question: string, context: ToolContext) => Promise<string>;

/**
 * Starts a read-only research subagent: a fresh context, a bounded budget, the looking and searching
 * tools only, and a short report as the result. Several calls in one turn run at once (`concurrent`),
 * at most `maxAtOnce` of them.
 */
export function researchTool(researcher: Researcher, maxAtOnce = MAX_RESEARCHERS): AgentTool {
  let running = 0;
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
    async execute({ question }, context) {
      // A turn's calls start together: past the cap the rest are refused, and the model asks them next turn.
      if (running >= maxAtOnce) throw new ToolError(`Not started: at most ${maxAtOnce} researchers run at once (one turn's calls). Ask this again in your next turn, once their reports are in.`);
      running++;
      try {
        return await researcher(question, context);
      } finally {
        running--;
      }
    },
  });
}

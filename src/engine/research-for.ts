import type { Mission } from "../mission/index.ts";
import type { ResearchOptions } from "../roles/index.ts";
import type { StepContext } from "./engine-deps.ts";
import { modelFor } from "./model-for.ts";

/**
 * The research subagents a worker (on `featureId`) or the planning orchestrator may start: each gets
 * its own model, metered under the `researcher` role, and its tool calls are on the mission's timeline.
 */
export function researchOptions(context: StepContext, mission: Mission, featureId?: string): ResearchOptions {
  return {
    model: () => modelFor(context, mission, "researcher", featureId),
    cacheKey: `${mission.id}:researcher`,
    onToolCall: recordToolCalls(context, mission, { ...(featureId ? { feature: featureId } : {}), role: "researcher" }),
  };
}

/** Records each tool call of an agent as a `tool-call` event on the mission's timeline (input and output previewed, redacted). */
export function recordToolCalls(context: StepContext, mission: Mission, fields: Record<string, string>) {
  return async (call: { name: string; input: unknown; output: string; isError: boolean }): Promise<void> => {
    await context.store.appendEvent({
      missionId: mission.id,
      kind: "tool-call",
      at: context.now().toISOString(),
      data: { ...fields, tool: call.name, isError: call.isError, input: clean(context, preview(JSON.stringify(call.input))), output: clean(context, preview(call.output)) },
    });
  };
}

function clean(context: StepContext, text: string): string {
  return context.redact ? context.redact(text) : text;
}

function preview(text: string): string {
  return text.length > 300 ? `${text.slice(0, 299)}…` : text;
}

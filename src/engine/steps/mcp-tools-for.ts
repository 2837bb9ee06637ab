import { openMcpTools, serversFor, type McpTools } from "../../agent/mcp/index.ts";
import type { AgentTool } from "../../agent/tool.ts";
import type { RoleName } from "../../config/index.ts";
import type { Mission } from "../../mission/index.ts";
import type { StepContext } from "../engine-deps.ts";
import { safeEnvironment } from "./safe-environment.ts";

/**
 * A role's MCP tools for one run in `directory`: the operator's servers for the role, on everywhere
 * or enabled by the mission's repository. A server that does not start is logged, recorded on the
 * mission's timeline (`mcp-problem`) and left out.
 */
export async function mcpToolsFor(context: StepContext, mission: Mission, role: RoleName, directory: string): Promise<McpTools> {
  const servers = serversFor(context.settings.mcpServers ?? [], role, mission.settings.mcp);
  if (servers.length === 0) return { tools: [], problems: [], close: async () => {} };
  const opened = await openMcpTools({ servers, runner: context.runner, cwd: directory, env: safeEnvironment(context.settings.toolPath), redact: context.redact });
  for (const { server, problem } of opened.problems) {
    context.log.warn({ server, role, problem }, "an MCP server did not start, or left a tool out; the run goes without them");
    // On the mission's timeline too, where people look for why a tool was missing (the problem is redacted).
    await context.store
      .appendEvent({ missionId: mission.id, kind: "mcp-problem", at: context.now().toISOString(), data: { server, role, problem: problem.slice(0, 1_000) } })
      // The servers that did start are still ended by the caller: a store that fails here must not orphan them.
      .catch((error: unknown) => context.log.warn({ err: error, server }, "could not record an MCP server's problem on the timeline"));
  }
  return opened;
}

/**
 * Runs `run` with the role's MCP tools and ends their servers however it ends: whatever can fail
 * (choosing the model, the agent) goes inside `run`, so a failure leaves no server process behind.
 */
export async function withMcpTools<T>(context: StepContext, mission: Mission, role: RoleName, directory: string, run: (tools: AgentTool[]) => Promise<T>): Promise<T> {
  const mcp = await mcpToolsFor(context, mission, role, directory);
  try {
    return await run(mcp.tools);
  } finally {
    await mcp.close();
  }
}

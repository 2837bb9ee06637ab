export { runAgent, AgentError, AgentLimitError, pruneToolOutputs, type AgentRun, type AgentResult } from "./run-agent.ts";
export { defineTool, toToolSpec, ToolError, type AgentTool, type AppDriver, type FinalTool, type ToolContext } from "./tool.ts";
export { truncateOutput } from "./truncate-output.ts";
export { renderTurn, type TurnName } from "./render-turn.ts";
export * from "./tools/index.ts";

export { openMcpTools, type McpTools, type McpToolsOptions } from "./open-mcp-tools.ts";
export { parseMcpServers, serversFor, mcpSecrets, type McpServerConfig } from "./mcp-servers-config.ts";

export { openMcpTools, type McpTools, type McpToolsOptions } from "./open-mcp-tools.ts";
export { parseMcpServers, serversFor, mcpSecrets, mcpHosts, type McpServerConfig } from "./mcp-servers-config.ts";

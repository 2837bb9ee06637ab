import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { join } from "node:path";
import type { Client as McpClient } from "@modelcontextprotocol/sdk/client/index.js";
import { z } from "zod";
import { SandboxedRunner, type CommandRunner } from "../../workspace/index.ts";
import { ToolError, type AgentTool } from "../tool.ts";
import type { McpServerConfig } from "./mcp-servers-config.ts";

export interface McpToolsOptions {
  servers: readonly McpServerConfig[];
  /** Where stdio servers run: the sandbox, like every command (or unconfined when the operator turned it off). */
  runner: CommandRunner;
  /**
   * The mission's checkout: stdio servers may read it, never write it, and never work in it — a
   * repository (or an earlier worker) could plant there what `npx <server>` or a relative path resolves to.
   */
  cwd: string;
  /** The commands' environment (PATH and the like); each server's own `env` is added to it. */
  env: Record<string, string>;
  /** The sanitiser every text leaving the app goes through: tool output passes it before the model sees it. */
  redact?: (text: string) => string;
  /** How long a server may take to start and list its tools (default 30 s). */
  connectTimeoutMs?: number;
}

export interface McpTools {
  /** Each server's tools as `mcp__<server>__<tool>`, beside the built-in ones. */
  tools: AgentTool[];
  /** Servers that could not start or list their tools, and tools left out (a name another tool has), each with why (redacted). */
  problems: Array<{ server: string; problem: string }>;
  /** Ends every server (their processes, their scratch). */
  close(): Promise<void>;
}

/** A tool name providers accept: letters, digits, `_` and `-`, at most 64 characters. */
function toolName(server: string, tool: string): string {
  return `mcp__${server}__${tool.replace(/[^A-Za-z0-9_-]/g, "_")}`.slice(0, 64);
}

/**
 * Starts the operator's MCP servers for one agent run, with the official MCP SDK: stdio servers as
 * processes inside the sandbox (working in their own scratch — their HOME and TMPDIR, the only place
 * they write — or the operator's `cwd`, the checkout readable to them, their environment the
 * operator's), HTTP servers over Streamable HTTP with the operator's headers. Their tools become
 * agent tools, run like any other (recorded by the agent loop's `onToolCall`); what they return is
 * redacted before the model reads it.
 */
export async function openMcpTools(options: McpToolsOptions): Promise<McpTools> {
  const redact = options.redact ?? ((text: string) => text);
  const clients: Array<{ client: McpClient; scratch?: string }> = [];
  const tools: AgentTool[] = [];
  const problems: McpTools["problems"] = [];
  const names = new Set<string>();
  const close = async () => {
    await Promise.all(
      clients.map(async ({ client, scratch }) => {
        await client.close().catch(() => {});
        if (scratch) await rm(scratch, { recursive: true, force: true }).catch(() => {});
      }),
    );
  };
  try {
    for (const server of options.servers) {
      const started = await startServer(server, options).catch((error: unknown) => ({ error }));
      if ("error" in started) {
        problems.push({ server: server.name, problem: redact((started.error as Error).message ?? String(started.error)) });
        continue;
      }
      clients.push(started);
      const { client } = started;
      let listed;
      try {
        listed = await listAllTools(client, options.connectTimeoutMs ?? 30_000);
      } catch (error) {
        const stderr = started.stderr?.();
        problems.push({ server: server.name, problem: redact(`${(error as Error).message}${stderr ? `\n${stderr}` : ""}`) });
        continue;
      }
      for (const tool of listed) {
        const name = toolName(server.name, tool.name);
        if (names.has(name)) {
          // Two of its tools read the same once made a provider's name (cut at 64, odd characters replaced): the later one is left out, and said so.
          problems.push({ server: server.name, problem: redact(`its tool "${tool.name}" is left out: its name reads ${name}, as another of its tools' does`) });
          continue;
        }
        names.add(name);
        tools.push({
          name,
          description: `(From the MCP server "${server.name}".) ${tool.description ?? tool.title ?? ""}`.trim().slice(0, 4_000),
          // The server checks its own arguments; the model sees the server's schema as it is.
          parameters: z.looseObject({}),
          inputSchema: tool.inputSchema as Record<string, unknown>,
          async execute(args, context) {
            let result;
            try {
              result = await client.callTool({ name: tool.name, arguments: args as Record<string, unknown> }, undefined, { signal: context.signal, timeout: server.timeout * 1000, maxTotalTimeout: server.timeout * 1000 });
            } catch (error) {
              throw new ToolError(redact(`${name} failed: ${(error as Error).message}`));
            }
            const output = redact(renderContent(result));
            if (result.isError) throw new ToolError(output || `${name} reported an error`);
            return output;
          },
        });
      }
    }
  } catch (error) {
    await close();
    throw error;
  }
  return { tools, problems, close };
}

async function listAllTools(client: McpClient, timeoutMs: number) {
  const tools = [];
  let cursor: string | undefined;
  do {
    const page = await client.listTools(cursor ? { cursor } : undefined, { timeout: timeoutMs });
    tools.push(...page.tools);
    cursor = page.nextCursor;
  } while (cursor);
  return tools;
}

/** A tool result as text: text parts as they are, other kinds named, structured content as JSON when there is no text. */
function renderContent(result: Awaited<ReturnType<McpClient["callTool"]>>): string {
  const parts = Array.isArray(result.content) ? (result.content as Array<Record<string, unknown>>) : [];
  const texts = parts.map((part) => {
    if (part.type === "text") return String(part.text);
    if (part.type === "resource") {
      const resource = part.resource as { uri?: string; text?: string } | undefined;
      return resource?.text ?? `[resource ${resource?.uri ?? ""}]`;
    }
    if (part.type === "resource_link") return `[resource ${String(part.uri)}]`;
    return `[${String(part.type)} content, not shown]`;
  });
  if (texts.length === 0 && result.structuredContent !== undefined) return JSON.stringify(result.structuredContent);
  return texts.join("\n");
}

/** The client of one server, connected; for a stdio server also its scratch and the tail of its stderr. */
async function startServer(server: McpServerConfig, options: McpToolsOptions): Promise<{ client: McpClient; scratch?: string; stderr?: () => string }> {
  const { Client } = await import("@modelcontextprotocol/sdk/client/index.js");
  const client = new Client({ name: "missions", version: "1.0.0" });
  const timeout = options.connectTimeoutMs ?? 30_000;
  if (server.transport === "http") {
    const { StreamableHTTPClientTransport } = await import("@modelcontextprotocol/sdk/client/streamableHttp.js");
    await client.connect(new StreamableHTTPClientTransport(new URL(server.url), { requestInit: { headers: server.headers } }), { timeout });
    return { client };
  }
  const { StdioClientTransport } = await import("@modelcontextprotocol/sdk/client/stdio.js");
  await mkdir(options.runner.scratchRoot, { recursive: true, mode: 0o700 });
  const scratch = await mkdtemp(join(options.runner.scratchRoot, "mcp-"));
  const env = { ...options.env, ...server.env };
  // Never the checkout: what the repository holds must not decide which program runs with the operator's secrets.
  const workingDirectory = server.cwd ?? scratch;
  let spawn: { command: string; args: string[]; env: Record<string, string> };
  try {
    if (options.runner instanceof SandboxedRunner) {
      const line = [server.command, ...server.args].map(shellWord).join(" ");
      const wrapped = await options.runner.wrapLongLived(line, { cwd: workingDirectory, scratch, env, readable: [options.cwd, ...server.readable], readOnly: true });
      spawn = { command: "bash", args: ["-c", wrapped.command], env: wrapped.env };
    } else {
      spawn = { command: server.command, args: server.args, env: { ...env, HOME: scratch, TMPDIR: scratch } };
    }
  } catch (error) {
    await rm(scratch, { recursive: true, force: true }).catch(() => {});
    throw error;
  }
  const stdio = new StdioClientTransport({ ...spawn, cwd: workingDirectory, stderr: "pipe" });
  // Kept for the reason a server failed to start; never shown to the model.
  let tail = "";
  stdio.stderr?.on("data", (chunk: Buffer) => (tail = (tail + chunk.toString("utf8")).slice(-2_000)));
  try {
    await client.connect(stdio, { timeout });
  } catch (error) {
    await client.close().catch(() => {});
    await rm(scratch, { recursive: true, force: true }).catch(() => {});
    throw new Error(`${(error as Error).message}${tail ? `\n${tail.trim()}` : ""}`, { cause: error });
  }
  return { client, scratch, stderr: () => tail.trim() };
}

function shellWord(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

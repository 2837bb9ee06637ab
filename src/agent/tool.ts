import { readFileSync } from "node:fs";
import { z } from "zod";
import type { ToolSpec } from "../models/index.ts";

export interface ToolContext {
  /** The checkout the tool works in; tools never reach outside it. */
  root: string;
  signal?: AbortSignal;
  /** Files read in this run; an edit requires the file to have been read first. */
  readFiles: Set<string>;
  /** The shell, for roles that have one: commands run confined, and each is recorded. */
  shell?: {
    runner: import("../workspace/index.ts").CommandRunner;
    env: Record<string, string>;
    maxTimeoutMs: number;
    /** Every command run, with its exit code: the truth the handoff reports. */
    ran: Array<{ command: string; exitCode: number }>;
  };
  /** The running app and a browser on it, for the user-testing validator. */
  app?: AppDriver;
  /** What is left of the run's wall-clock limit, in milliseconds, when it has one: no command may outlast it. */
  timeLeftMs?: () => number;
}

/** What the browser tools drive; every method answers with text for the model. */
export interface AppDriver {
  readonly url: string;
  navigate(target: string): Promise<string>;
  click(selector: string): Promise<string>;
  fill(selector: string, value: string): Promise<string>;
  press(key: string, selector?: string): Promise<string>;
  snapshot(): Promise<string>;
  screenshot(): Promise<string>;
  request(method: string, target: string, headers: Record<string, string>, body?: string): Promise<string>;
  logs(): Promise<string>;
}

/** One tool the model can call: an id, a description, a zod schema and `execute`. */
export interface AgentTool<Schema extends z.ZodType = z.ZodType> {
  name: string;
  description: string;
  parameters: Schema;
  /** The JSON schema the model sees, when it comes from elsewhere (an MCP server's tool); else made from `parameters`. */
  inputSchema?: Record<string, unknown>;
  execute(args: z.infer<Schema>, context: ToolContext): Promise<string>;
  /** Safe to run at the same time as other calls of the same turn (it changes nothing the others read): they then run in parallel. */
  concurrent?: boolean;
}

/**
 * The tool that ends a run with a structured result; `check` adds rules beyond the schema — and may
 * look at the checkout (is anything changed?), so it may be async. Its problems go back to the model.
 */
export interface FinalTool<Schema extends z.ZodType = z.ZodType> {
  name: string;
  description: string;
  parameters: Schema;
  check?(value: z.infer<Schema>): string[] | Promise<string[]>;
}

/** An error the model can act on: it is returned to the model as text, never thrown out of the loop. */
export class ToolError extends Error {
  override name = "ToolError";
}

export function defineTool<Schema extends z.ZodType>(tool: AgentTool<Schema>): AgentTool<Schema> {
  return tool;
}

/** The JSON schema the model sees. Snapshot-tested: changing it changes the model's behaviour. */
export function toToolSpec(tool: { name: string; description: string; parameters: z.ZodType; inputSchema?: Record<string, unknown> }): ToolSpec {
  if (tool.inputSchema) return { name: tool.name, description: tool.description, parameters: tool.inputSchema };
  const { $schema: _ignored, ...schema } = z.toJSONSchema(tool.parameters, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
  return { name: tool.name, description: tool.description, parameters: schema };
}

/** Zod issues as sentences the model can use to rewrite its input. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `- ${issue.path.length > 0 ? issue.path.join(".") : "(input)"}: ${issue.message}`).join("\n");
}

/**
 * A built-in tool's description, from `tools/<name>.md` beside its code: text the model reads, kept
 * as text (the role prompts and the tests read the same files).
 */
export function toolDescription(name: string): string {
  return readFileSync(new URL(`./tools/${name}.md`, import.meta.url), "utf8").trim();
}

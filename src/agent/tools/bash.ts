import { z } from "zod";
import { defineTool, ToolError, toolDescription } from "../tool.ts";

export const bashTool = defineTool({
  name: "bash",
  description: toolDescription("bash"),
  parameters: z.object({
    command: z.string().min(1).describe("The command, run with bash -c in the repository root"),
    timeout_seconds: z.number().int().min(1).optional().describe("Kill the command after this many seconds (default 300; never more than the mission's command limit or the time left)"),
  }),
  async execute({ command, timeout_seconds = 300 }, context) {
    if (!context.shell) throw new ToolError("This role has no shell.");
    // The operator's and repository's command limit, and never past the end of the run: a command cannot outlive its worker.
    const timeLeftMs = context.timeLeftMs?.() ?? Infinity;
    if (timeLeftMs <= 0) throw new ToolError("Your time is up: no command runs now. Hand off what you have.");
    const timeoutMs = Math.max(1000, Math.min(timeout_seconds * 1000, context.shell.maxTimeoutMs, Math.floor(timeLeftMs)));
    const result = await context.shell.runner.run(command, {
      cwd: context.root,
      timeoutMs,
      env: context.shell.env,
      maxOutputBytes: 30_000,
      signal: context.signal,
    });
    context.shell.ran.push({ command, exitCode: result.exitCode });
    const limited = timeoutMs < timeout_seconds * 1000 ? ` (limited from ${timeout_seconds}s: the mission's command limit is ${Math.round(context.shell.maxTimeoutMs / 1000)}s, and a command cannot outlast your run)` : "";
    const status = result.timedOut ? `killed after ${Math.round(timeoutMs / 1000)}s (timed out${limited}), exit ${result.exitCode}` : `exit ${result.exitCode}`;
    return `${status}\n${result.output || "(no output)"}`;
  },
});

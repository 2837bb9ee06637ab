import { z } from "zod";
import { defineTool, ToolError } from "../tool.ts";

export const bashTool = defineTool({
  name: "bash",
  description:
    "Run a shell command in the repository's root, in a sandbox: the repository is writable (its .git is not), the network reaches only package registries, and the command is killed at its timeout. Use it to install dependencies, build, and run tests. Output is capped.",
  parameters: z.object({
    command: z.string().min(1).describe("The command, run with bash -c in the repository root"),
    timeout_seconds: z.number().int().min(1).max(1800).optional().describe("Kill the command after this many seconds (default 300)"),
  }),
  async execute({ command, timeout_seconds = 300 }, context) {
    if (!context.shell) throw new ToolError("This role has no shell.");
    const timeoutMs = Math.min(timeout_seconds * 1000, context.shell.maxTimeoutMs);
    const result = await context.shell.runner.run(command, {
      cwd: context.root,
      timeoutMs,
      env: context.shell.env,
      maxOutputBytes: 30_000,
      signal: context.signal,
    });
    context.shell.ran.push({ command, exitCode: result.exitCode });
    const status = result.timedOut ? `killed after ${timeoutMs / 1000}s (timed out), exit ${result.exitCode}` : `exit ${result.exitCode}`;
    return `${status}\n${result.output || "(no output)"}`;
  },
});

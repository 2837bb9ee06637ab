import { execFile } from "node:child_process";
import { z } from "zod";
import { defineTool, ToolError } from "../tool.ts";
import { resolveInRoot } from "./resolve-in-root.ts";

const MAX_OUTPUT = 30_000;

export const grepTool = defineTool({
  name: "grep",
  description:
    "Search file contents with ripgrep (Rust regular expressions). Returns `path:line:text`. Respects .gitignore; skips .git, node_modules and the top-level .venv, vendor/bundle and target. Narrow with `path` and `glob`.",
  parameters: z.object({
    pattern: z.string().min(1).describe("The regular expression to search for"),
    path: z.string().optional().describe("File or directory to search, relative to the repository root (default: the root)"),
    glob: z.string().optional().describe("Only files matching this glob, e.g. `*.ts`"),
    ignore_case: z.boolean().optional().describe("Match case-insensitively"),
  }),
  async execute({ pattern, path = ".", glob, ignore_case }, context) {
    const target = resolveInRoot(context.root, path, { forWrite: false });
    // Sorted by path: ripgrep's threads otherwise print files in whatever order they finish, so the same
    // search could read differently twice (and break the prompt cache's prefix).
    const args = ["--sort", "path", "--line-number", "--no-heading", "--color", "never", "--max-columns", "400", "--glob", "!.git", "--glob", "!node_modules", "--glob", "!/.venv", "--glob", "!/vendor/bundle", "--glob", "!/target"];
    if (ignore_case) args.push("--ignore-case");
    if (glob) args.push("--glob", glob);
    args.push("--regexp", pattern, "--", target);
    const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile("rg", args, { cwd: context.root, maxBuffer: 8 * 1024 * 1024, timeout: 30_000, env: { PATH: context.shell?.env.PATH ?? "/usr/local/bin:/usr/bin:/bin" } }, (error, out, err) =>
        resolve({ code: error ? Number((error as { code?: unknown }).code ?? 2) || 2 : 0, stdout: out, stderr: err }),
      );
    });
    if (code === 1) return "(no matches)";
    if (code !== 0) throw new ToolError(`grep failed: ${stderr.trim().split("\n")[0] || `ripgrep exited with ${code}`}`);
    const text = stdout.split(`${context.root}/`).join("");
    return text.length > MAX_OUTPUT ? `${text.slice(0, MAX_OUTPUT)}\n[… more matches; narrow the search]` : text.trimEnd();
  },
});

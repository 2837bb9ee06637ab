import { glob } from "node:fs/promises";
import { z } from "zod";
import { defineTool, ToolError } from "../tool.ts";
import { resolveInRoot } from "./resolve-in-root.ts";

const MAX_MATCHES = 500;
// The checkout's own git data, and the dependency folders kept between steps (see DEPENDENCY_FOLDERS).
const SKIPPED = /(^|\/)(\.git|node_modules)(\/|$)|^(\.venv|vendor\/bundle|target)(\/|$)/;

export const globTool = defineTool({
  name: "glob",
  description: "Find files by name pattern, e.g. `src/**/*.ts` or `**/*.test.*`. Paths are relative to the repository root; .git, node_modules and the top-level .venv, vendor/bundle and target are skipped.",
  parameters: z.object({
    pattern: z.string().min(1).describe("A glob pattern relative to the repository root"),
  }),
  async execute({ pattern }, context) {
    if (pattern.split("/").includes("..") || pattern.startsWith("/")) throw new ToolError("Patterns stay inside the repository: no `..` and no absolute paths.");
    const found: string[] = [];
    for await (const entry of glob(pattern, { cwd: context.root })) {
      if (SKIPPED.test(entry)) continue;
      // A match through a symbolic link that leads out of the repository is not shown.
      try {
        resolveInRoot(context.root, entry, { forWrite: false });
      } catch {
        continue;
      }
      found.push(entry);
      if (found.length >= MAX_MATCHES) break;
    }
    found.sort();
    const more = found.length >= MAX_MATCHES ? `\n[… stopped at ${MAX_MATCHES} matches; narrow the pattern]` : "";
    return (found.join("\n") || "(no matches)") + more;
  },
});

import { readdir } from "node:fs/promises";
import { join, relative } from "node:path";
import { z } from "zod";
import { defineTool, ToolError } from "../tool.ts";
import { resolveInRoot } from "./resolve-in-root.ts";

const SKIPPED = new Set([".git", "node_modules", ".venv", "target", "dist", "__pycache__"]);
const MAX_ENTRIES = 1000;

export const listFilesTool = defineTool({
  name: "list_files",
  description: "List files under a directory of the repository, recursively (skips .git, node_modules and build output).",
  parameters: z.object({
    path: z.string().optional().describe("Directory relative to the repository root (default: the root)"),
    depth: z.number().int().min(1).max(20).optional().describe("How deep to descend (default 6)"),
  }),
  async execute({ path = ".", depth = 6 }, context) {
    const start = resolveInRoot(context.root, path, { forWrite: false });
    const found: string[] = [];
    const walk = async (directory: string, level: number): Promise<void> => {
      if (found.length >= MAX_ENTRIES) return;
      let entries;
      try {
        entries = await readdir(directory, { withFileTypes: true });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOTDIR") throw new ToolError(`"${path}" is a file, not a directory.`);
        if ((error as NodeJS.ErrnoException).code === "ENOENT") throw new ToolError(`"${path}" does not exist.`);
        throw error;
      }
      entries.sort((a, b) => a.name.localeCompare(b.name));
      for (const entry of entries) {
        if (SKIPPED.has(entry.name)) continue;
        const full = join(directory, entry.name);
        const shown = relative(context.root, full);
        if (entry.isDirectory()) {
          if (level < depth) await walk(full, level + 1);
          else found.push(`${shown}/`);
        } else {
          found.push(shown);
        }
        if (found.length >= MAX_ENTRIES) return;
      }
    };
    await walk(start, 1);
    const more = found.length >= MAX_ENTRIES ? `\n[… stopped at ${MAX_ENTRIES} entries; list a subdirectory]` : "";
    return (found.join("\n") || "(no files)") + more;
  },
});

import { readdir, type FileHandle } from "node:fs/promises";
import { relative, sep } from "node:path";
import { z } from "zod";
import { defineTool, ToolError, toolDescription } from "../tool.ts";
import { intoChildDirectory, openDirectoryIn } from "./open-in-root.ts";
import { locateInRoot } from "./resolve-in-root.ts";

const SKIPPED = new Set([".git", "node_modules", ".venv", "target", "dist", "__pycache__"]);
const MAX_ENTRIES = 1000;

export const listFilesTool = defineTool({
  name: "list_files",
  description: toolDescription("list_files"),
  parameters: z.object({
    path: z.string().optional().describe("Directory relative to the repository root (default: the root)"),
    depth: z.number().int().min(1).max(20).optional().describe("How deep to descend (default 6)"),
  }),
  async execute({ path = ".", depth = 6 }, context) {
    const { realRoot, target, real } = locateInRoot(context.root, path, { forWrite: false });
    const names = relative(realRoot, real).split(sep).filter((name) => name !== "");
    let start: FileHandle;
    try {
      start = await openDirectoryIn(realRoot, names, path);
    } catch (error) {
      if (error instanceof ToolError && / passes through something that is not a directory/.test(error.message)) throw new ToolError(`"${path}" is a file, not a directory.`);
      if (error instanceof ToolError && / does not exist/.test(error.message)) throw new ToolError(`"${path}" does not exist.`);
      throw error;
    }
    const found: string[] = [];
    // Each directory is opened from its parent's descriptor without following links, and listed
    // through its own: one swapped for a link mid-walk is skipped, never listed.
    const walk = async (directory: FileHandle, shownDirectory: string, level: number): Promise<void> => {
      if (found.length >= MAX_ENTRIES) return;
      const entries = await readdir(`/proc/self/fd/${directory.fd}`, { withFileTypes: true });
      entries.sort((a, b) => a.name.localeCompare(b.name));
      for (const entry of entries) {
        if (SKIPPED.has(entry.name)) continue;
        const shown = shownDirectory === "" ? entry.name : `${shownDirectory}/${entry.name}`;
        if (entry.isDirectory()) {
          if (level < depth) await intoChildDirectory(directory, entry.name, (child) => walk(child, shown, level + 1));
          else found.push(`${shown}/`);
        } else {
          found.push(shown);
        }
        if (found.length >= MAX_ENTRIES) return;
      }
    };
    try {
      // Shown as the model spelled the directory, even when a link inside the checkout led there.
      await walk(start, relative(realRoot, target).split(sep).join("/"), 1);
    } finally {
      await start.close();
    }
    const more = found.length >= MAX_ENTRIES ? `\n[… stopped at ${MAX_ENTRIES} entries; list a subdirectory]` : "";
    return (found.join("\n") || "(no files)") + more;
  },
});

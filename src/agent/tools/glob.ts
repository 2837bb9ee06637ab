import { readdir, realpath, type FileHandle } from "node:fs/promises";
import { matchesGlob } from "node:path";
import { z } from "zod";
import { defineTool, ToolError, toolDescription } from "../tool.ts";
import { intoChildDirectory, openDirectoryIn } from "./open-in-root.ts";
import { resolveInRoot } from "./resolve-in-root.ts";

const MAX_MATCHES = 500;
// The checkout's own git data, and the dependency folders kept between steps (see DEPENDENCY_FOLDERS).
const SKIPPED = /(^|\/)(\.git|node_modules)(\/|$)|^(\.venv|vendor\/bundle|target)(\/|$)/;
const GIT = /(^|\/)\.git(\/|$)/;
const MAGIC = /[*?[\]{}()!+@\\]/;

export const globTool = defineTool({
  name: "glob",
  description: toolDescription("glob"),
  parameters: z.object({
    pattern: z.string().min(1).describe("A glob pattern relative to the repository root"),
  }),
  async execute({ pattern }, context) {
    if (pattern.split("/").includes("..") || pattern.startsWith("/")) throw new ToolError("Patterns stay inside the repository: no `..` and no absolute paths.");
    const parts = pattern.split("/").filter((part, index) => part !== "" && !(part === "." && index === 0));
    const wanted = parts.join("/");
    if (wanted === "") return "(no matches)";
    // Walked from the pattern's literal directories, and no deeper than it reaches unless it has `**`.
    const prefix: string[] = [];
    while (prefix.length < parts.length - 1 && !MAGIC.test(parts[prefix.length]!) && parts[prefix.length] !== ".") prefix.push(parts[prefix.length]!);
    const maxDepth = parts.includes("**") ? Number.POSITIVE_INFINITY : parts.length - prefix.length;
    const realRoot = await realpath(context.root);
    let start: FileHandle;
    try {
      start = await openDirectoryIn(realRoot, prefix, pattern);
    } catch (error) {
      if (error instanceof ToolError) return "(no matches)";
      throw error;
    }
    // A pattern that starts inside a dependency folder (`node_modules/zod/**`) asked for it: an
    // installed library's source and docs are read there. Git's own data never is.
    const asked = SKIPPED.test(prefix.join("/"));
    const skipped = (path: string) => GIT.test(path) || (!asked && SKIPPED.test(path));
    const found: string[] = [];
    // `src/**` names `src` itself too.
    if (prefix.length > 0 && !skipped(prefix.join("/")) && matchesGlob(`${prefix.join("/")}/`, wanted)) found.push(prefix.join("/"));
    // Every directory is opened from its parent's descriptor without following links, and read
    // through its own: a directory swapped for a link mid-walk is skipped, never read.
    const walk = async (directory: FileHandle, at: string, level: number): Promise<void> => {
      const entries = await readdir(`/proc/self/fd/${directory.fd}`, { withFileTypes: true });
      for (const entry of entries) {
        if (found.length >= MAX_MATCHES) return;
        const path = at === "" ? entry.name : `${at}/${entry.name}`;
        if (skipped(path)) continue;
        const isDirectory = entry.isDirectory();
        if (matchesGlob(path, wanted) || (isDirectory && matchesGlob(`${path}/`, wanted))) {
          // A link that leads out of the repository is not shown.
          if (!entry.isSymbolicLink() || leadsInside(context.root, path)) found.push(path);
        }
        if (!isDirectory || level >= maxDepth) continue;
        await intoChildDirectory(directory, entry.name, (child) => walk(child, path, level + 1));
      }
    };
    try {
      await walk(start, prefix.join("/"), 1);
    } finally {
      await start.close();
    }
    found.sort();
    const more = found.length >= MAX_MATCHES ? `\n[… stopped at ${MAX_MATCHES} matches; narrow the pattern]` : "";
    return (found.join("\n") || "(no matches)") + more;
  },
});

function leadsInside(root: string, path: string): boolean {
  try {
    resolveInRoot(root, path, { forWrite: false });
    return true;
  } catch {
    return false;
  }
}

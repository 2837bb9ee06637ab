import { mkdir, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { z } from "zod";
import { defineTool } from "../tool.ts";
import { resolveInRoot } from "./resolve-in-root.ts";

export const writeFileTool = defineTool({
  name: "write_file",
  description: "Create a file, or replace a file's whole content. Parent directories are created. Prefer edit_file for changes to existing files.",
  parameters: z.object({
    path: z.string().describe("Path relative to the repository root"),
    content: z.string().describe("The complete new content of the file"),
  }),
  async execute({ path, content }, context) {
    const target = resolveInRoot(context.root, path);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, content, "utf8");
    context.readFiles.add(target);
    return `Wrote ${path} (${content.split("\n").length} lines).`;
  },
});

import { z } from "zod";
import { defineTool, ToolError, toolDescription } from "../tool.ts";
import { readRegularFile } from "./read-regular-file.ts";
import { openInRoot } from "./open-in-root.ts";

export const readFileTool = defineTool({
  name: "read_file",
  description: toolDescription("read_file"),
  parameters: z.object({
    path: z.string().describe("Path relative to the repository root"),
    offset: z.number().int().min(1).optional().describe("First line to read, 1-based (default 1)"),
    limit: z.number().int().min(1).max(5000).optional().describe("How many lines to read (default 2000)"),
  }),
  async execute({ path, offset = 1, limit = 2000 }, context) {
    const { handle, target } = await openInRoot(context.root, path, "read");
    let text: string;
    try {
      text = await readRegularFile(handle, path);
    } finally {
      await handle.close();
    }
    if (text.includes("\u0000")) throw new ToolError(`"${path}" is a binary file.`);
    context.readFiles.add(target);
    if (text === "") return "(empty file)";
    // A final newline ends the last line; it does not start another one.
    const lines = (text.endsWith("\n") ? text.slice(0, -1) : text).split("\n");
    const slice = lines.slice(offset - 1, offset - 1 + limit);
    const numbered = slice.map((line, index) => `${offset + index}\t${line}`).join("\n");
    const more = offset - 1 + limit < lines.length ? `\n[… ${lines.length - (offset - 1 + limit)} more lines; use offset ${offset + limit}]` : "";
    return (numbered || "(empty file)") + more;
  },
});

import { z } from "zod";
import { defineTool, toolDescription } from "../tool.ts";
import { openInRoot } from "./open-in-root.ts";

export const writeFileTool = defineTool({
  name: "write_file",
  description: toolDescription("write_file"),
  parameters: z.object({
    path: z.string().describe("Path relative to the repository root"),
    content: z.string().describe("The complete new content of the file"),
  }),
  async execute({ path, content }, context) {
    // Made inside the checkout only, directory by directory, and written through the descriptor opened there.
    const { handle, target } = await openInRoot(context.root, path, "write");
    try {
      await handle.truncate(0);
      await handle.writeFile(content, "utf8");
    } finally {
      await handle.close();
    }
    context.readFiles.add(target);
    return `Wrote ${path} (${content.split("\n").length} lines).`;
  },
});

import type { FileHandle } from "node:fs/promises";
import { z } from "zod";
import { defineTool, ToolError, toolDescription } from "../tool.ts";
import { readRegularFile } from "./read-regular-file.ts";
import { openInRoot } from "./open-in-root.ts";
import { resolveInRoot } from "./resolve-in-root.ts";

export const editFileTool = defineTool({
  name: "edit_file",
  description: toolDescription("edit_file"),
  parameters: z.object({
    path: z.string().describe("Path relative to the repository root"),
    old_string: z.string().min(1).describe("The text to replace, with enough surrounding lines to be unique"),
    new_string: z.string().describe("The replacement text"),
    replace_all: z.boolean().optional().describe("Replace every occurrence instead of exactly one"),
  }),
  async execute({ path, old_string, new_string, replace_all }, context) {
    if (!context.readFiles.has(resolveInRoot(context.root, path))) throw new ToolError(`Read "${path}" with read_file before editing it.`);
    // Read and written through one descriptor, opened inside the checkout without following links.
    const { handle } = await openInRoot(context.root, path, "edit");
    try {
      return await edit(handle, path, old_string, new_string, replace_all);
    } finally {
      await handle.close();
    }
  },
});

async function edit(handle: FileHandle, path: string, old_string: string, new_string: string, replace_all: boolean | undefined): Promise<string> {
  const text = await readRegularFile(handle, path);
  const ranges = findMatches(text, old_string);
  if (ranges.length === 0) {
    throw new ToolError(`old_string was not found in "${path}". Read the file again and copy the text exactly.`);
  }
  if (ranges.length > 1 && !replace_all) {
    throw new ToolError(`old_string matches ${ranges.length} places in "${path}". Add surrounding lines to make it unique, or set replace_all.`);
  }
  let result = text;
  for (const [start, end] of [...ranges].reverse()) {
    const replacement = text.slice(start, end) === old_string ? new_string : reindent(new_string, old_string, text.slice(start, end));
    result = result.slice(0, start) + replacement + result.slice(end);
  }
  await handle.truncate(0);
  await handle.writeFile(result, "utf8");
  return `Edited ${path}: ${ranges.length} replacement${ranges.length > 1 ? "s" : ""}.`;
}

/** Exact matches first; failing that, line-wise matches that ignore indentation and trailing spaces. */
export function findMatches(text: string, needle: string): Array<[number, number]> {
  const exact: Array<[number, number]> = [];
  for (let index = text.indexOf(needle); index !== -1; index = text.indexOf(needle, index + needle.length)) {
    exact.push([index, index + needle.length]);
  }
  if (exact.length > 0) return exact;
  const lines = text.split("\n");
  const wanted = needle.replace(/\n$/, "").split("\n").map((line) => line.trim());
  const offsets: number[] = [];
  let offset = 0;
  for (const line of lines) {
    offsets.push(offset);
    offset += line.length + 1;
  }
  const loose: Array<[number, number]> = [];
  for (let start = 0; start + wanted.length <= lines.length; start++) {
    if (wanted.every((line, index) => lines[start + index]!.trim() === line)) {
      const last = start + wanted.length - 1;
      // A needle that ends with a newline takes the last line's newline with it, as an exact match would.
      const end = offsets[last]! + lines[last]!.length + (needle.endsWith("\n") && last < lines.length - 1 ? 1 : 0);
      loose.push([offsets[start]!, end]);
    }
  }
  return loose;
}

/**
 * For a whitespace-tolerant match: gives the replacement the indentation the file has where the
 * match was found, instead of the indentation the model typed.
 */
function reindent(replacement: string, typed: string, found: string): string {
  const indent = (text: string) => /^[ \t]*/.exec(text.split("\n").find((line) => line.trim() !== "") ?? "")![0];
  const typedIndent = indent(typed);
  const foundIndent = indent(found);
  // Only a replacement written at the typed indentation is moved; one already at the file's stays.
  if (typedIndent === foundIndent || indent(replacement) !== typedIndent) return replacement;
  return replacement
    .split("\n")
    .map((line) => (line.trim() === "" ? line : foundIndent + (line.startsWith(typedIndent) ? line.slice(typedIndent.length) : line.trimStart())))
    .join("\n");
}

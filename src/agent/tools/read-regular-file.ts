import { stat, readFile } from "node:fs/promises";
import { ToolError } from "../tool.ts";

export const MAX_FILE_BYTES = 5 * 1024 * 1024;

/**
 * Reads a file only if it is a regular file of sensible size: a FIFO would block forever and a
 * device or a huge file would exhaust memory — all of which a command in the checkout can create.
 */
export async function readRegularFile(path: string, shown: string, maxBytes = MAX_FILE_BYTES): Promise<string> {
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") throw new ToolError(`"${shown}" does not exist. Use list_files or glob to see what is there.`);
    throw error;
  }
  if (info.isDirectory()) throw new ToolError(`"${shown}" is a directory. Use list_files for directories.`);
  if (!info.isFile()) throw new ToolError(`"${shown}" is not a regular file (a pipe, socket or device), so it is not read.`);
  if (info.size > maxBytes) throw new ToolError(`"${shown}" is ${Math.round(info.size / 1024 / 1024)} MB, too large to read whole; use grep, or bash with head/sed.`);
  return readFile(path, "utf8");
}

import type { FileHandle } from "node:fs/promises";
import { ToolError } from "../tool.ts";

export const MAX_FILE_BYTES = 5 * 1024 * 1024;

/**
 * Reads a file opened by `openInRoot` (so a regular file: a FIFO would block forever and a device
 * would exhaust memory) through its descriptor, if it is of sensible size.
 */
export async function readRegularFile(handle: FileHandle, shown: string, maxBytes = MAX_FILE_BYTES): Promise<string> {
  const info = await handle.stat();
  if (info.size > maxBytes) throw new ToolError(`"${shown}" is ${Math.round(info.size / 1024 / 1024)} MB, too large to read whole; use grep, or bash with head/sed.`);
  // Read at most one byte past the limit, however the file grows meanwhile.
  const buffer = Buffer.alloc(Math.min(maxBytes + 1, Math.max(info.size, 64 * 1024)));
  let length = 0;
  for (;;) {
    if (length === buffer.length) break;
    const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
    if (bytesRead === 0) break;
    length += bytesRead;
  }
  if (length > maxBytes) throw new ToolError(`"${shown}" is over ${Math.round(maxBytes / 1024 / 1024)} MB, too large to read whole; use grep, or bash with head/sed.`);
  return buffer.subarray(0, length).toString("utf8");
}

import { constants } from "node:fs";
import { open } from "node:fs/promises";

export { citedScreenshots } from "../../mission/index.ts";

/** A screenshot's bytes; undefined when it is missing or a symbolic link (never followed out of the evidence folder). */
export async function readScreenshot(path: string): Promise<Buffer | undefined> {
  const handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW).catch(() => undefined);
  if (!handle) return undefined;
  try {
    return (await handle.stat()).isFile() ? await handle.readFile() : undefined;
  } finally {
    await handle.close();
  }
}

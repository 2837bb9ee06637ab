import { constants } from "node:fs";
import { open } from "node:fs/promises";

/** The screenshots evidence names, by whole file name: `shot-1.png` is not cited by `shot-10.png`. */
export function citedScreenshots(files: string[], evidence: string): string[] {
  const words = new Set(evidence.split(/[^A-Za-z0-9_.-]+/).map((word) => word.replace(/\.+$/, "")));
  return files.filter((name) => words.has(name));
}

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

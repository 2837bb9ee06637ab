import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { join } from "node:path";

/**
 * A private HOME and TMPDIR for one command, removed afterwards: caches and temporary files never
 * land in the checkout (where they would be committed) nor where another mission's command could
 * read them.
 */
export async function withScratch<T>(root: string, work: (scratch: string) => Promise<T>): Promise<T> {
  await mkdir(root, { recursive: true, mode: 0o700 });
  const scratch = await mkdtemp(join(root, "command-"));
  try {
    return await work(scratch);
  } finally {
    await rm(scratch, { recursive: true, force: true }).catch(() => {});
  }
}

/** A shell word that stays one word: single quotes, with embedded ones closed and reopened. */
export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

import { createHash } from "node:crypto";
import { lstatSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Longest base that keeps a browser's socket path (`<root>/app-XXXXXX/home/.org.chromium.Chromium.XXXXXX/SingletonSocket`) under the 107-byte limit. */
const MAX_BASE = 32;

/**
 * The directory each command's private HOME and TMPDIR (and the user-testing browser's profile) are
 * made in. Short whatever the workspace path is — Unix socket paths are limited to about 107 bytes,
 * and Chromium keeps its singleton socket under TMPDIR — and one per store, so two apps on one host
 * never share it. Left-overs of a killed run are removed (one process per store holds the store's lock).
 */
export function prepareScratchRoot(storeKey: string, base = tmpdir()): string {
  if (base.length > MAX_BASE) base = "/tmp";
  const uid = process.getuid?.() ?? 0;
  const root = join(base, `missions-${uid}-${createHash("sha256").update(storeKey).digest("hex").slice(0, 10)}`);
  mkdirSync(root, { recursive: true, mode: 0o700 });
  // Someone else's directory or a link planted under that name would see every command's files.
  const stat = lstatSync(root);
  if (!stat.isDirectory() || stat.uid !== uid || (stat.mode & 0o077) !== 0) {
    throw new Error(`The scratch directory ${root} is not a private directory of this user (mode 0700): remove it and start again.`);
  }
  for (const entry of readdirSync(root)) rmSync(join(root, entry), { recursive: true, force: true });
  return root;
}

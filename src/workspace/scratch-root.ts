import { createHash } from "node:crypto";
import { lstatSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { OperatorSetupError } from "./operator-error.ts";

/**
 * Longest base that keeps a browser's socket path under the 107-byte limit of Unix socket paths:
 * `<base>/missions-<uid up to 10>-<10 hex>` (≤ 31) + `/app-XXXXXX/home/.org.chromium.Chromium.XXXXXX/SingletonSocket` (62).
 */
const MAX_BASE = 107 - 31 - 62;

/**
 * The directory each command's private HOME and TMPDIR (and the user-testing browser's profile) are
 * made in. Short whatever the workspace path is — Unix socket paths are limited to about 107 bytes,
 * and Chromium keeps its singleton socket under TMPDIR — and one per store, so two apps on one host
 * never share it. Left-overs of a killed run are removed (one process per store holds the store's lock).
 */
export function prepareScratchRoot(storeKey: string, base = tmpdir()): string {
  // A longer TMPDIR would bring the socket-path limit back: /tmp is always short.
  if (base.length > MAX_BASE) base = "/tmp";
  const uid = process.getuid?.() ?? 0;
  const root = join(base, `missions-${uid}-${createHash("sha256").update(storeKey).digest("hex").slice(0, 10)}`);
  mkdirSync(root, { recursive: true, mode: 0o700 });
  // Someone else's directory or a link planted under that name would see every command's files.
  const stat = lstatSync(root);
  if (!stat.isDirectory() || stat.uid !== uid || (stat.mode & 0o077) !== 0) {
    throw new OperatorSetupError(`The scratch directory ${root} is not a private directory of this user (mode 0700): remove it and start again.`);
  }
  for (const entry of readdirSync(root)) rmSync(join(root, entry), { recursive: true, force: true });
  return root;
}

/** Removes the scratch root when the app stops: nothing of a mission stays behind in /tmp. */
export function removeScratchRoot(root: string): void {
  rmSync(root, { recursive: true, force: true });
}

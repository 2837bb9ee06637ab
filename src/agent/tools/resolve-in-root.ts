import { realpathSync } from "node:fs";
import { dirname, isAbsolute, relative, resolve, sep } from "node:path";
import { ToolError } from "../tool.ts";

/**
 * Resolves a path the model gave inside the checkout. Refuses anything that lands outside it —
 * `..`, absolute paths, symlinks pointing out — and anything inside `.git` (hooks would run code).
 */
export function resolveInRoot(root: string, path: string, options: { forWrite?: boolean } = {}): string {
  const realRoot = realpathSync(root);
  const target = resolve(realRoot, isAbsolute(path) ? path : path);
  const inside = (candidate: string) => candidate === realRoot || candidate.startsWith(realRoot + sep);
  if (!inside(target)) throw new ToolError(`"${path}" is outside the repository; use a path relative to its root.`);
  // Follow symlinks on the longest existing prefix: a link inside the checkout may point out of it.
  let existing = target;
  while (!exists(existing)) existing = dirname(existing);
  const real = realpathSync(existing);
  if (!inside(real)) throw new ToolError(`"${path}" leads outside the repository through a symbolic link.`);
  const relativePath = relative(realRoot, target);
  if (relativePath.split(sep)[0] === ".git" && (options.forWrite ?? true)) {
    throw new ToolError(`"${path}" is inside .git, which tools may not touch; commits are made for you.`);
  }
  return target;
}

function exists(path: string): boolean {
  try {
    realpathSync(path);
    return true;
  } catch {
    return false;
  }
}

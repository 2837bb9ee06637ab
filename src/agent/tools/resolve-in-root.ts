import { lstatSync, readlinkSync, realpathSync } from "node:fs";
import { basename, dirname, join, relative, resolve, sep } from "node:path";
import { ToolError } from "../tool.ts";

const MAX_LINKS = 40;

/**
 * Resolves a path the model gave inside the checkout. Refuses anything that lands outside it —
 * `..`, absolute paths, symbolic links pointing out (dangling ones included: a write would follow
 * them) — and, for writes, anything that resolves inside `.git` (hooks would run code).
 */
export function resolveInRoot(root: string, path: string, options: { forWrite?: boolean } = {}): string {
  return locateInRoot(root, path, options).target;
}

/**
 * As `resolveInRoot`, with where the path leads once every symbolic link is followed (`real`) and the
 * checkout's real path. Only a check: a file opened by name afterwards may have been swapped for a link
 * since, so tools open `real` with `openInRoot`, which follows no link.
 */
export function locateInRoot(root: string, path: string, options: { forWrite?: boolean } = {}): { realRoot: string; target: string; real: string } {
  const realRoot = realpathSync(root);
  const inside = (candidate: string) => candidate === realRoot || candidate.startsWith(realRoot + sep);
  const target = resolve(realRoot, path);
  if (!inside(target)) throw new ToolError(`"${path}" is outside the repository; use a path relative to its root.`);
  const real = followLinks(target, 0);
  if (!inside(real)) throw new ToolError(`"${path}" leads outside the repository through a symbolic link.`);
  const forWrite = options.forWrite ?? true;
  // In any case and at any depth: `.GIT/config` is `.git/config` on a case-insensitive file system, and git refuses either.
  const isGit = (candidate: string) => relative(realRoot, candidate).split(sep).some(gitRefuses);
  if (forWrite && (isGit(target) || isGit(real))) {
    throw new ToolError(`"${path}" is inside .git, which tools may not touch; commits are made for you.`);
  }
  return { realRoot, target, real };
}

/**
 * A name git treats as `.git` and refuses: in any case, with trailing dots or spaces, as the short
 * name `git~N`, or with an NTFS stream (`.git::$INDEX_ALLOCATION`).
 */
export function gitRefuses(name: string): boolean {
  const lower = name.toLowerCase();
  return lower.replace(/[. ]+$/, "") === ".git" || /^git~\d([. :].*)?$/.test(lower) || lower.startsWith(".git:");
}

/** Where a path really leads, following every symbolic link — even one whose target does not exist yet. */
function followLinks(path: string, depth: number): string {
  if (depth > MAX_LINKS) throw new ToolError("too many levels of symbolic links");
  try {
    return realpathSync(path);
  } catch {
    // Part of the path does not exist (yet): resolve the parent, then look at the last component.
  }
  const parent = dirname(path);
  const realParent = parent === path ? path : followLinks(parent, depth + 1);
  const candidate = join(realParent, basename(path));
  let isLink: boolean;
  try {
    isLink = lstatSync(candidate).isSymbolicLink();
  } catch {
    return candidate;
  }
  return isLink ? followLinks(resolve(realParent, readlinkSync(candidate)), depth + 1) : candidate;
}

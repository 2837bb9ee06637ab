import { realpathSync, statSync } from "node:fs";
import { delimiter, dirname, join, sep } from "node:path";

/**
 * The PATH of repository commands: the app's, less the directories commands cannot see (the app's
 * own `node_modules/.bin` when it runs from `npm start`, anything under its home). Where such a
 * directory held the Node the app runs on, that Node's own `bin` takes its place, and its
 * installation (`<prefix>/bin`, `lib/node_modules` with npm and corepack — an nvm or fnm install under
 * HOME, or the `node` package in the app's node_modules) is made readable — so `node` and `npm` in a
 * command are the app's, as they are for the operator. An installation that holds any hidden path
 * (Node unpacked in HOME itself) is not made readable: commands then fall back to the rest of PATH.
 */
export function commandPath(path: string, hidden: string[], nodeBinary: string): { path: string; readable: string[] } {
  const nodeDirectory = dirname(realpath(nodeBinary));
  const prefix = dirname(nodeDirectory);
  const isUnder = (directory: string, root: string) => directory === root || directory.startsWith(root.endsWith(sep) ? root : root + sep);
  const isHidden = (directory: string) => hidden.some((root) => isUnder(directory, root));
  // Made readable only if nothing hidden lies inside it (no secret shown again).
  const revealable = (directory: string) => !hidden.some((root) => isUnder(root, directory));
  const reveal = revealable(prefix) ? prefix : revealable(nodeDirectory) ? nodeDirectory : undefined;
  const entries: string[] = [];
  const readable: string[] = [];
  for (const entry of path.split(delimiter).filter(Boolean)) {
    const resolved = realpath(entry);
    if (!isHidden(entry) && !isHidden(resolved)) {
      entries.push(entry);
      continue;
    }
    const node = join(entry, "node");
    if (reveal && statSync(node, { throwIfNoEntry: false })?.isFile() && realpath(node) === realpath(nodeBinary)) {
      entries.push(nodeDirectory);
      if (isHidden(nodeDirectory)) readable.push(reveal);
    }
  }
  return { path: [...new Set(entries)].join(delimiter), readable: [...new Set(readable)] };
}

function realpath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

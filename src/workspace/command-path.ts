import { realpathSync, statSync } from "node:fs";
import { delimiter, dirname, join, sep } from "node:path";

/**
 * The PATH of repository commands: the app's, less the directories commands cannot see (the app's
 * own `node_modules/.bin` when it runs from `npm start`, anything under its home). Where such a
 * directory held the Node the app runs on, that Node's own directory takes its place and is made
 * readable — so `node` in a command is the app's Node (≥ 22.20), as it is for the operator, not an
 * older one further down the PATH. Nothing else of the hidden directories becomes visible.
 */
export function commandPath(path: string, hidden: string[], nodeBinary: string): { path: string; readable: string[] } {
  const nodeDirectory = dirname(realpath(nodeBinary));
  const isHidden = (directory: string) => hidden.some((root) => directory === root || directory.startsWith(root.endsWith(sep) ? root : root + sep));
  const entries: string[] = [];
  const readable: string[] = [];
  for (const entry of path.split(delimiter).filter(Boolean)) {
    const resolved = realpath(entry);
    if (!isHidden(entry) && !isHidden(resolved)) {
      entries.push(entry);
      continue;
    }
    const node = join(entry, "node");
    if (statSync(node, { throwIfNoEntry: false })?.isFile() && realpath(node) === realpath(nodeBinary)) {
      entries.push(nodeDirectory);
      if (isHidden(nodeDirectory)) readable.push(nodeDirectory);
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

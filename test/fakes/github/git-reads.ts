import { execFileSync } from "node:child_process";
import { gitEnv } from "./git-env.ts";
import { runGit } from "./run-git.ts";

// Read-only questions the REST layer asks of a bare repository. Git is the source of truth for
// branches and files: whatever the app pushed is what the API reports.

export interface TreeEntry {
  mode: string;
  type: "blob" | "tree" | "commit";
  sha: string;
  size: number;
  path: string;
}

export type PathEntry =
  | { type: "file"; sha: string; size: number; path: string; content: Buffer }
  | { type: "dir"; path: string; entries: TreeEntry[] };

export interface CommitInfo {
  sha: string;
  tree: string;
  parents: string[];
  authorName: string;
  authorEmail: string;
  authorDate: string;
  committerName: string;
  committerEmail: string;
  committerDate: string;
  message: string;
}

// Names starting with "-" would be read as options; GitHub has no such refs either.
function safeName(name: string): boolean {
  return name.length > 0 && !name.startsWith("-") && !name.includes("\0");
}

export async function resolveCommit(gitDir: string, ref: string): Promise<string | undefined> {
  if (!safeName(ref)) return undefined;
  const result = await runGit(["rev-parse", "--verify", "--quiet", `${ref}^{commit}`], { gitDir, allowFailure: true });
  // Exit 1 means "no such commit"; anything else (a broken repository) is the fake's own failure.
  if (result.code > 1) throw new Error(`git rev-parse ${ref} failed (${result.code}): ${result.stderr.trim()}`);
  return result.code === 0 ? result.stdout.toString().trim() : undefined;
}

export function branchSha(gitDir: string, branch: string): Promise<string | undefined> {
  return resolveCommit(gitDir, `refs/heads/${branch}`);
}

// Inspection helpers are synchronous by contract, so they read refs with a blocking call.
export function branchShaSync(gitDir: string, branch: string): string | undefined {
  if (!safeName(branch)) return undefined;
  try {
    const out = execFileSync("git", [`--git-dir=${gitDir}`, "rev-parse", "--verify", "--quiet", `refs/heads/${branch}^{commit}`], {
      env: gitEnv(),
      stdio: ["ignore", "pipe", "ignore"],
    });
    return out.toString().trim() || undefined;
  } catch {
    return undefined;
  }
}

export async function countCommits(gitDir: string, range: string): Promise<number> {
  const result = await runGit(["rev-list", "--count", range], { gitDir });
  return Number(result.stdout.toString().trim());
}

export async function readPath(gitDir: string, commit: string, rawPath: string): Promise<PathEntry | undefined> {
  const path = rawPath.replace(/^\/+|\/+$/g, "");
  if (path !== "" && !safeName(path)) return undefined;
  if (path === "") return { type: "dir", path, entries: await listTree(gitDir, commit, "") };
  const found = (await runGit(["ls-tree", "-l", "-z", commit, "--", path], { gitDir })).stdout;
  const entry = parseTree(found, "")[0];
  if (!entry || entry.path !== path) return undefined;
  if (entry.type === "tree") return { type: "dir", path, entries: await listTree(gitDir, commit, path) };
  if (entry.type !== "blob") return undefined;
  const content = (await runGit(["cat-file", "blob", entry.sha], { gitDir })).stdout;
  return { type: "file", sha: entry.sha, size: content.length, path, content };
}

async function listTree(gitDir: string, commit: string, path: string): Promise<TreeEntry[]> {
  const treeish = path === "" ? `${commit}^{tree}` : `${commit}:${path}`;
  const out = (await runGit(["ls-tree", "-l", "-z", treeish], { gitDir })).stdout;
  return parseTree(out, path);
}

function parseTree(out: Buffer, prefix: string): TreeEntry[] {
  const entries: TreeEntry[] = [];
  for (const record of out.toString("utf8").split("\0")) {
    const match = /^(\d+) (blob|tree|commit) ([0-9a-f]+)\s+(\S+)\t(.*)$/s.exec(record);
    if (!match) continue;
    const [, mode = "", type = "blob", sha = "", size = "-", name = ""] = match;
    entries.push({
      mode,
      type: type as TreeEntry["type"],
      sha,
      size: size === "-" ? 0 : Number(size),
      path: prefix ? `${prefix}/${name}` : name,
    });
  }
  return entries;
}

export async function commitInfo(gitDir: string, sha: string): Promise<CommitInfo> {
  const format = ["%H", "%T", "%P", "%an", "%ae", "%aI", "%cn", "%ce", "%cI", "%B"].join("%x00");
  const out = (await runGit(["log", "-1", `--format=${format}`, sha, "--"], { gitDir })).stdout.toString("utf8");
  const [hash = "", tree = "", parents = "", an = "", ae = "", ad = "", cn = "", ce = "", cd = "", ...message] = out.split("\0");
  return {
    sha: hash,
    tree,
    parents: parents.split(" ").filter(Boolean),
    authorName: an,
    authorEmail: ae,
    authorDate: ad,
    committerName: cn,
    committerEmail: ce,
    committerDate: cd,
    message: message.join("\0").replace(/\n+$/, ""),
  };
}

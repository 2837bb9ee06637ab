import { rm } from "node:fs/promises";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import { optionalArray, optionalBoolean, optionalObject, optionalString, requiredString, type JsonObject } from "../body-fields.ts";
import { commitInfo, resolveCommit } from "../git-reads.ts";
import { HttpError, notFound } from "../http-error.ts";
import { nodeId } from "../node-id.ts";
import type { RepoRecord } from "../records.ts";
import type { RouteContext, Router } from "../router.ts";
import { runGit } from "../run-git.ts";
import { BOT_USER_ID } from "../fake-state.ts";

const ZERO = "0".repeat(40);
const SHA = /^[0-9a-f]{40}$/;

// GitHub's Git Data API (blobs, trees, commits, refs), writing real objects into the bare repository
// with git plumbing. A commit the app makes here without a committer of its own is signed by GitHub,
// so it reads as verified; a branch that requires signed commits takes only verified new commits.
export function addGitDataRoutes(router: Router): void {
  router.add("POST", "/repos/:owner/:repo/git/blobs", "installation", async ({ repo, body, world }) => {
    const content = requiredString(body, "content");
    const encoding = optionalString(body, "encoding") ?? "utf-8";
    if (encoding !== "utf-8" && encoding !== "base64") throw new HttpError(422, `encoding must be utf-8 or base64`);
    const bytes = encoding === "base64" ? Buffer.from(content, "base64") : Buffer.from(content, "utf8");
    const sha = await writeBlob(repo, bytes);
    return { status: 201, body: { sha, url: `${api(world.state.apiUrl, repo)}/git/blobs/${sha}` } };
  });

  router.add("POST", "/repos/:owner/:repo/git/trees", "installation", async ({ repo, body, world }) => {
    const entries = optionalArray(body, "tree");
    if (!entries) throw new HttpError(422, `Invalid request.\n\n"tree" wasn't supplied.`);
    const base = optionalString(body, "base_tree");
    const sha = await writeTree(repo, base, entries);
    return { status: 201, body: { sha, url: `${api(world.state.apiUrl, repo)}/git/trees/${sha}`, truncated: false } };
  });

  router.add("POST", "/repos/:owner/:repo/git/commits", "installation", async ({ repo, body, world }) => {
    const message = requiredString(body, "message");
    const tree = requiredString(body, "tree");
    const parents = (optionalArray(body, "parents") ?? []).map(String);
    if (!(await objectOfType(repo, tree, "tree"))) throw new HttpError(422, "Tree SHA does not exist");
    for (const parent of parents) if (!(await objectOfType(repo, parent, "commit"))) throw new HttpError(422, "Parent SHA does not exist or is not a commit object");
    // As on GitHub: without an author or a committer, the app's bot is both.
    const bot = { name: world.state.botLogin, email: `${BOT_USER_ID}+${world.state.botLogin}@users.noreply.github.com` };
    const author = person(optionalObject(body, "author")) ?? bot;
    const committerGiven = person(optionalObject(body, "committer"));
    const committer = committerGiven ?? person(optionalObject(body, "author")) ?? bot;
    const env = { GIT_AUTHOR_NAME: author.name, GIT_AUTHOR_EMAIL: author.email, GIT_COMMITTER_NAME: committer.name, GIT_COMMITTER_EMAIL: committer.email };
    const args = ["commit-tree", tree, ...parents.flatMap((parent) => ["-p", parent]), "-F", "-"];
    const sha = (await runGit(args, { gitDir: repo.gitDir, input: message, env })).stdout.toString().trim();
    // GitHub signs what it commits itself; a custom committer's commit it cannot vouch for.
    if (!committerGiven) repo.verifiedCommits.add(sha);
    return { status: 201, body: await gitCommitJson(world.state.apiUrl, repo, sha) };
  });

  router.add("GET", "/repos/:owner/:repo/git/commits/:sha", "installation", async ({ repo, params, world }) => {
    const sha = params.sha ?? "";
    if (!SHA.test(sha) || !(await objectOfType(repo, sha, "commit"))) throw notFound();
    return { status: 200, body: await gitCommitJson(world.state.apiUrl, repo, sha) };
  });

  router.add("GET", "/repos/:owner/:repo/commits/:ref", "installation", async ({ repo, params, world }) => {
    const sha = await resolveCommit(repo.gitDir, params.ref ?? "");
    if (!sha) throw new HttpError(422, `No commit found for SHA: ${params.ref}`);
    const commit = await gitCommitJson(world.state.apiUrl, repo, sha);
    return {
      status: 200,
      body: { sha, node_id: nodeId("C", sha), url: `${api(world.state.apiUrl, repo)}/commits/${sha}`, commit, parents: commit.parents },
    };
  });

  router.add("POST", "/repos/:owner/:repo/git/refs", "installation", async (ctx) => {
    const ref = requiredString(ctx.body, "ref");
    const sha = requiredString(ctx.body, "sha");
    if (!/^refs\/heads\/[^\s~^:?*[\\]+$/.test(ref) || ref.includes("..")) throw new HttpError(422, "Reference name is not valid");
    if (await resolveCommit(ctx.repo.gitDir, ref)) throw new HttpError(422, "Reference already exists");
    if (!(await objectOfType(ctx.repo, sha, "commit"))) throw new HttpError(422, "Object does not exist");
    await guardRefUpdate(ctx, ref, ZERO, sha);
    const moved = await runGit(["update-ref", ref, sha, ZERO], { gitDir: ctx.repo.gitDir, allowFailure: true });
    if (moved.code !== 0) throw new HttpError(422, "Reference already exists");
    return { status: 201, body: refJson(ctx, ref, sha) };
  });

  router.add("PATCH", "/repos/:owner/:repo/git/refs/*ref", "installation", async (ctx) => {
    const ref = `refs/${ctx.params.ref ?? ""}`;
    const sha = requiredString(ctx.body, "sha");
    const force = optionalBoolean(ctx.body, "force") ?? false;
    const current = await resolveCommit(ctx.repo.gitDir, ref);
    if (!current || !ref.startsWith("refs/heads/")) throw new HttpError(422, "Reference does not exist");
    if (!(await objectOfType(ctx.repo, sha, "commit"))) throw new HttpError(422, "Object does not exist");
    if (!force) {
      const ancestor = await runGit(["merge-base", "--is-ancestor", current, sha], { gitDir: ctx.repo.gitDir, allowFailure: true });
      if (ancestor.code !== 0) throw new HttpError(422, "Update is not a fast forward");
    }
    await guardRefUpdate(ctx, ref, current, sha);
    // Compare-and-swap: a push that moved the branch meanwhile wins, as on GitHub.
    const moved = await runGit(["update-ref", ref, sha, current], { gitDir: ctx.repo.gitDir, allowFailure: true });
    if (moved.code !== 0) throw new HttpError(422, "Update is not a fast forward");
    return { status: 200, body: refJson(ctx, ref, sha) };
  });
}

/** What GitHub says of a commit's signature. */
export function commitVerification(repo: RepoRecord, sha: string): { verified: boolean; reason: string; signature: string | null; payload: string | null } {
  return repo.verifiedCommits.has(sha)
    ? { verified: true, reason: "valid", signature: "-----BEGIN PGP SIGNATURE-----\n(fake)\n-----END PGP SIGNATURE-----", payload: null }
    : { verified: false, reason: "unsigned", signature: null, payload: null };
}

/** Whether a branch name falls under a "require signed commits" rule (GitHub's fnmatch: `*` stops at `/`). */
export function requiresSignedCommits(repo: RepoRecord, branch: string): boolean {
  return repo.signedCommitBranches.some((pattern) => globToRegExp(pattern).test(branch));
}

function globToRegExp(pattern: string): RegExp {
  const source = pattern
    .split(/(\*\*|\*|\?)/)
    .map((part) => (part === "**" ? ".*" : part === "*" ? "[^/]*" : part === "?" ? "[^/]" : part.replace(/[.+^${}()|[\]\\]/g, "\\$&")))
    .join("");
  return new RegExp(`^${source}$`);
}

/** GitHub's checks on a ref update through the API: the `workflows` permission, and signed commits where required. */
async function guardRefUpdate(ctx: RouteContext, ref: string, old: string, sha: string): Promise<void> {
  const { repo, auth } = ctx;
  const range = old === ZERO ? [sha, "--not", "--all"] : [`${old}..${sha}`];
  if (auth.kind === "installation" && auth.permissions.workflows !== "write") {
    const touched = (await runGit(["log", "--format=", "--name-only", ...range, "--", ".github/workflows"], { gitDir: repo.gitDir })).stdout.toString().split("\n").find(Boolean);
    if (touched) throw new HttpError(422, `refusing to allow a GitHub App to create or update workflow \`${touched}\` without \`workflows\` permission`);
  }
  const branch = ref.slice("refs/heads/".length);
  if (requiresSignedCommits(repo, branch)) {
    // The commits the branch gains: on a new branch, all those the default branch does not have.
    const gained = old === ZERO ? [sha, "--not", `refs/heads/${repo.defaultBranch}`] : range;
    const added = (await runGit(["rev-list", ...gained], { gitDir: repo.gitDir })).stdout.toString().split("\n").filter(Boolean);
    if (added.some((commit) => !repo.verifiedCommits.has(commit))) {
      throw new HttpError(422, `Protected branch update failed for ${ref}. Commits must have verified signatures.`);
    }
  }
}

function refJson(ctx: RouteContext, ref: string, sha: string) {
  const base = api(ctx.world.state.apiUrl, ctx.repo);
  return { ref, node_id: nodeId("REF", ref), url: `${base}/git/${ref}`, object: { sha, type: "commit", url: `${base}/git/commits/${sha}` } };
}

async function gitCommitJson(apiUrl: string, repo: RepoRecord, sha: string) {
  const info = await commitInfo(repo.gitDir, sha);
  const base = api(apiUrl, repo);
  // %B drops the message's last newline; GitHub keeps the message as given.
  const raw = (await runGit(["cat-file", "commit", sha], { gitDir: repo.gitDir })).stdout.toString("utf8");
  const message = raw.slice(raw.indexOf("\n\n") + 2);
  return {
    sha,
    node_id: nodeId("C", sha),
    url: `${base}/git/commits/${sha}`,
    html_url: `${apiUrl.replace(/\/api\/v3$/, "")}/${repo.owner.login}/${repo.name}/commit/${sha}`,
    author: { name: info.authorName, email: info.authorEmail, date: info.authorDate },
    committer: { name: info.committerName, email: info.committerEmail, date: info.committerDate },
    message,
    tree: { sha: info.tree, url: `${base}/git/trees/${info.tree}` },
    parents: info.parents.map((parent) => ({ sha: parent, url: `${base}/git/commits/${parent}`, html_url: `${base}/commit/${parent}` })),
    verification: { ...commitVerification(repo, sha), verified_at: repo.verifiedCommits.has(sha) ? info.committerDate : null },
  };
}

async function writeBlob(repo: RepoRecord, content: Buffer): Promise<string> {
  return (await runGit(["hash-object", "-w", "--stdin"], { gitDir: repo.gitDir, input: content })).stdout.toString().trim();
}

async function objectOfType(repo: RepoRecord, sha: string, type: "blob" | "tree" | "commit"): Promise<boolean> {
  if (!SHA.test(sha)) return false;
  const found = await runGit(["cat-file", "-t", sha], { gitDir: repo.gitDir, allowFailure: true });
  return found.code === 0 && found.stdout.toString().trim() === type;
}

const MODES: Record<string, "blob" | "tree" | "commit"> = { "100644": "blob", "100755": "blob", "120000": "blob", "040000": "tree", "160000": "commit" };

/**
 * A tree from `base_tree` (or empty) with the entries laid over it: nested paths, `sha: null` deleting,
 * `content` making a blob — built in a private index (read-tree, update-index, write-tree).
 */
async function writeTree(repo: RepoRecord, base: string | undefined, raw: unknown[]): Promise<string> {
  const gitDir = repo.gitDir;
  if (base !== undefined && !(await objectOfType(repo, base, "tree"))) throw new HttpError(422, "base_tree is not a valid tree oid");
  const index = join(gitDir, `fake-tree-index-${randomUUID()}`);
  const env = { GIT_INDEX_FILE: index };
  try {
    if (base) await runGit(["read-tree", base], { gitDir, env });
    else await runGit(["read-tree", "--empty"], { gitDir, env });
    const lines: string[] = [];
    for (const item of raw) {
      if (item === null || typeof item !== "object" || Array.isArray(item)) throw new HttpError(422, "Invalid tree entry");
      const entry = item as JsonObject;
      const path = requiredString(entry, "path");
      const mode = requiredString(entry, "mode");
      if (!(mode in MODES) || path.startsWith("/") || path.split("/").some((part) => part === "" || part === "." || part === "..")) {
        throw new HttpError(422, `GitRPC::BadObjectState`);
      }
      const content = optionalString(entry, "content");
      const sha = entry.sha;
      if (sha === null && content === undefined) {
        // Deleting a file, or a whole directory.
        const under = (await runGit(["ls-files", "-z", "--", path], { gitDir, env })).stdout.toString().split("\0").filter(Boolean);
        for (const file of under) lines.push(`0 ${ZERO}\t${file}`);
        continue;
      }
      const type = MODES[mode]!;
      if (type === "tree") throw new HttpError(422, "a tree entry by sha is not supported by the fake");
      const blob = content !== undefined ? await writeBlob(repo, Buffer.from(content, "utf8")) : String(sha);
      if (type === "blob" && !(await objectOfType(repo, blob, "blob"))) throw new HttpError(422, `Invalid tree info: ${path}`);
      if (type === "commit" && !SHA.test(blob)) throw new HttpError(422, `Invalid tree info: ${path}`);
      // A file replacing a directory (or the reverse) drops what was there.
      const under = (await runGit(["ls-files", "-z", "--", path], { gitDir, env })).stdout.toString().split("\0").filter((file) => file && file !== path);
      for (const file of under) lines.push(`0 ${ZERO}\t${file}`);
      lines.push(`${mode === "040000" ? "040000" : mode} ${blob}\t${path}`);
    }
    if (lines.length > 0) {
      // Removals first, so a file may take the place of a directory it replaces.
      const ordered = [...lines.filter((line) => line.startsWith("0 ")), ...lines.filter((line) => !line.startsWith("0 "))];
      await runGit(["update-index", "--replace", "-z", "--index-info"], { gitDir, env, input: ordered.map((line) => `${line}\0`).join("") });
    }
    return (await runGit(["write-tree"], { gitDir, env })).stdout.toString().trim();
  } finally {
    await rm(index, { force: true });
  }
}

function person(value: JsonObject | undefined): { name: string; email: string } | undefined {
  if (!value) return undefined;
  return { name: requiredString(value, "name"), email: requiredString(value, "email") };
}

function api(apiUrl: string, repo: RepoRecord): string {
  return `${apiUrl}/repos/${repo.owner.login}/${repo.name}`;
}

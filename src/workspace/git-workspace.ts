import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { constants as fsConstants, existsSync } from "node:fs";
import { lstat, mkdir, open, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { promisify } from "node:util";

const exec = promisify(execFile);

export interface GitIdentity {
  name: string;
  email: string;
}

export interface RemoteAccess {
  /** HTTPS URL of the repository, without credentials. */
  url: string;
  /** Installation token: sent as a header through the environment, never in argv, config or logs. */
  token: string;
}

export interface CommitTrailers {
  [key: string]: string;
}

/** The branch moved on the remote since the checkout was prepared: passing, the step is retried from the new head. */
export class PushRejectedError extends Error {
  override name = "PushRejectedError";
  readonly isRetryable = true;
  constructor(branch: string, cause: Error) {
    super(`the push to ${branch} was rejected because the branch moved: ${cause.message}`, { cause });
  }
}

/**
 * GitHub refused the push because its commits create, change or delete files under
 * `.github/workflows/`, and the app has no `workflows` permission: only a person granting it helps.
 */
export class WorkflowPermissionError extends Error {
  override name = "WorkflowPermissionError";
  readonly isRetryable = false;
  /** The workflow files GitHub named. */
  readonly files: string[];

  constructor(branch: string, files: string[], cause: Error) {
    super(`GitHub refused the push to ${branch}: it changes ${files.join(", ")}, and the app lacks the \`workflows\` permission`, { cause });
    this.files = files;
  }
}

// GitHub's words (over smart HTTP: `remote: error: …` and `! [remote rejected] … (…)`; in the API's error message).
const WORKFLOWS_REFUSAL = /refusing to allow a GitHub App to create or update workflow `?([^`\s]+?)`? without `?workflows`? permission/g;

/** The workflow files a refusal by GitHub names for want of the `workflows` permission (none: it was not one). */
export function workflowFilesRefused(message: string): string[] {
  return [...new Set([...message.matchAll(WORKFLOWS_REFUSAL)].map((match) => match[1]!))];
}

/** One path a commit changes, as the Git Data API takes it. */
export type CommitChange =
  | { path: string; kind: "deleted"; mode: string }
  | { path: string; kind: "blob"; mode: "100644" | "100755" | "120000"; sha: string; content: Buffer; unchangedContent: boolean }
  | { path: string; kind: "submodule"; mode: "160000"; sha: string };

/** A local commit as the Git Data API recreates it: its message exactly, its parent and tree, and what it changes. */
export interface CommitContent {
  sha: string;
  parent: string;
  parentTree: string;
  tree: string;
  message: string;
  changes: CommitChange[];
}

/** The largest file GitHub takes (it refuses bigger ones on a push too). */
export const MAX_FILE_BYTES = 100 * 1024 * 1024;

/**
 * Ignored folders a step's install fills and the next step's install would fill again the same way:
 * kept between a mission's steps, so a feature does not reinstall every dependency. Safe within a
 * mission: each mission has a checkout of its own, and only that mission's sandboxed commands write
 * these folders. Validators never use them: they work on a snapshot of the head commit (`snapshot`),
 * so a folder no diff shows cannot change their verdict. (`keepDependencies: false` still gives a
 * fully clean checkout to a caller that wants one.)
 */
/**
 * `git add --all`, leaving out any `.git` in another case (`.GIT/`, `sub/.Git/`): git refuses such a
 * path and the whole add with it, so a repository (or a command) that makes one would stop every
 * commit of its own mission. They stay untracked in the checkout, never committed.
 */
/**
 * Paths git refuses to add, whatever their case, as a file or a folder: `.git`, the names a
 * Windows or macOS file system reads as `.git` (`.git.`, `.git ` and other trailing dots or spaces,
 * the short name `git~1`, the stream `.git::$INDEX_ALLOCATION`). One such path made by a command
 * would otherwise stop every commit of the mission; they are left out instead (and a name like
 * `.git.keep`, which git would take, with them).
 */
const REFUSED_BY_GIT = ["**/.git", "**/.git[. ]*", "**/git~[0-9]", "**/git~[0-9][. :]*", "**/.git:*"];
export const ADD_ALL = ["add", "--all", "--", ".", ...REFUSED_BY_GIT.flatMap((pattern) => [`:(exclude,icase,glob)${pattern}`, `:(exclude,icase,glob)${pattern}/**`])];

export const DEPENDENCY_FOLDERS = ["node_modules", "/.venv", "/vendor/bundle", "/target"];

/**
 * The files that decide what the kept dependency folders hold, at any depth (workspaces have their
 * own). When one changes between steps the folders are stale — a package removed from the lockfile
 * would still be importable, a changed version still the old one — so they are cleared with the rest.
 * Cargo.lock is left out: `target` is a build cache Cargo keys by the lockfile itself.
 */
export const LOCKFILES = [
  "package-lock.json",
  "npm-shrinkwrap.json",
  "yarn.lock",
  "pnpm-lock.yaml",
  "bun.lock",
  "bun.lockb",
  "requirements*.txt",
  "poetry.lock",
  "uv.lock",
  "Pipfile.lock",
  "Gemfile.lock",
];

/** What git says of a repository that is itself broken (see `#isCheckout`). */
const BROKEN_REPOSITORY = /not a git repository|invalid gitfile|bad config line|unknown repository extension|expected git repo version/i;

/** Where the lockfiles' digest the kept folders were installed against is recorded: inside .git, which no clean touches. */
const LOCKFILE_RECORD = "missions-lockfiles";

/** One checkout per mission under a root directory, driven with the real git CLI. */
export class GitWorkspace {
  readonly #root: string;
  readonly #toolPath: string;

  /** `toolPath` is where git is found: the only part of the app's environment git sees. */
  constructor(root: string, toolPath = "/usr/local/bin:/usr/bin:/bin") {
    this.#root = root;
    this.#toolPath = toolPath;
  }

  directory(missionId: string): string {
    return join(this.#root, missionId.replace(/[^A-Za-z0-9_.-]/g, "_"));
  }

  /**
   * Brings the checkout to the branch's pushed head (or the base branch when the branch is new),
   * discarding anything left by a crashed step: a re-run always starts clean — except, unless
   * `keepDependencies` is false, the ignored dependency folders (see `DEPENDENCY_FOLDERS`), as long as
   * the repository's lockfiles are those they were installed against (see `LOCKFILES`).
   */
  async prepare(
    missionId: string,
    remote: RemoteAccess,
    branch: string,
    base: string,
    options: { keepDependencies?: boolean } = {},
  ): Promise<{ directory: string; head: string; branchExists: boolean }> {
    const directory = this.directory(missionId);
    if ((await lstat(join(directory, ".git")).catch(() => undefined))?.isDirectory()) await removeStaleLocks(join(directory, ".git"));
    // A kill during `git init` (or while a checkout was being removed) leaves a .git that git does not
    // recognise: made again, or every step after would fail on it.
    if (!(await this.#isCheckout(directory))) {
      await rm(directory, { recursive: true, force: true });
      await mkdir(directory, { recursive: true });
      await this.git(directory, ["init", "--quiet", "--initial-branch", base]);
    }
    // What the folders were installed against: the lockfiles as the previous step left them (it may have
    // changed one and installed without committing, then crashed), and as recorded when it started.
    const leftBehind = await this.lockfileDigest(directory);
    // Added when missing: a kill between `git init` and adding it leaves a checkout without one.
    const remotes = (await this.git(directory, ["remote"])).stdout.split("\n");
    await this.git(directory, ["remote", remotes.includes("origin") ? "set-url" : "add", "origin", remote.url]);
    await this.git(directory, ["fetch", "--quiet", "--prune", "origin", `+refs/heads/${base}:refs/remotes/origin/${base}`], remote);
    const branchExists = await this.remoteBranchExists(directory, remote, branch);
    if (branchExists) {
      await this.git(directory, ["fetch", "--quiet", "origin", `+refs/heads/${branch}:refs/remotes/origin/${branch}`], remote);
    }
    const start = branchExists ? `origin/${branch}` : `origin/${base}`;
    await this.git(directory, ["checkout", "--quiet", "--force", "-B", branch, start]);
    await this.git(directory, ["reset", "--quiet", "--hard", start]);
    const record = join(directory, ".git", LOCKFILE_RECORD);
    const lockfiles = await this.lockfileDigest(directory);
    const recorded = await readFile(record, "utf8").catch(() => undefined);
    const stale = recorded !== lockfiles || leftBehind !== lockfiles;
    if (options.keepDependencies === false || stale) {
      await this.git(directory, ["clean", "-ffdxq"]);
      await writeFile(record, lockfiles);
    } else {
      // First everything but the folders (a stray .gitignore too), then whatever the repository's own
      // ignore rules do not ignore: a dependency folder it does not ignore would be committed with the next feature.
      await this.git(directory, ["clean", "-ffdxq", ...DEPENDENCY_FOLDERS.flatMap((pattern) => ["-e", pattern])]);
      await this.git(directory, ["clean", "-ffdq"]);
    }
    return { directory, head: await this.head(directory), branchExists };
  }

  /**
   * The tree of `commit` as plain files in `target` (replaced when there), with no `.git`: what
   * validators read and run commands in. Made from the commit, not from the work tree, so nothing a
   * process left in the checkout is in it — and no commit message is (the workers' handoffs): they stay
   * in the checkout's object store. A checkout, not `git archive`, whose `export-subst` attribute would
   * let a repository write commit messages into its files.
   */
  async snapshot(directory: string, commit: string, target: string): Promise<void> {
    const to = resolve(target);
    await rm(to, { recursive: true, force: true });
    await mkdir(dirname(to), { recursive: true });
    await this.git(dirname(to), ["clone", "--quiet", "--shared", "--no-checkout", resolve(directory), to]);
    try {
      await this.git(to, ["checkout", "--quiet", "--force", "--detach", commit]);
    } finally {
      await rm(join(to, ".git"), { recursive: true, force: true });
    }
  }

  /**
   * A digest of the lockfiles in the work tree (tracked, or new and not ignored): their paths and
   * contents. Ignored ones — a package's own lockfile inside node_modules — do not count.
   */
  async lockfileDigest(directory: string): Promise<string> {
    const pathspecs = LOCKFILES.map((name) => `:(glob)**/${name}`);
    const { stdout } = await this.git(directory, ["ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", ...pathspecs]);
    const hash = createHash("sha256");
    for (const path of [...new Set(stdout.split("\0").filter(Boolean))].sort()) {
      const content = await readRegularFile(join(directory, path));
      hash.update(`${path}\0${content ? createHash("sha256").update(content).digest("hex") : "missing"}\n`);
    }
    return hash.digest("hex");
  }

  async remoteBranchExists(directory: string, remote: RemoteAccess, branch: string): Promise<boolean> {
    const { stdout } = await this.git(directory, ["ls-remote", "--heads", "origin", `refs/heads/${branch}`], remote);
    return stdout.trim() !== "";
  }

  async head(directory: string): Promise<string> {
    return (await this.git(directory, ["rev-parse", "HEAD"])).stdout.trim();
  }

  /**
   * Commits everything in the work tree as one commit — an empty one when nothing changed, so the
   * history stays one commit per feature.
   */
  async commitAll(directory: string, identity: GitIdentity, subject: string, body: string, trailers: CommitTrailers): Promise<string> {
    await this.git(directory, ADD_ALL);
    await this.git(directory, ["commit", "--quiet", "--allow-empty", "--no-verify", "-F", "-"], undefined, commitMessage(subject, body, trailers), identity);
    return this.head(directory);
  }

  /** Commits what changed under `paths` alone (relative to the checkout); the rest of the work tree is left as it is. */
  async commitPaths(directory: string, identity: GitIdentity, paths: string[], subject: string, body: string, trailers: CommitTrailers): Promise<string> {
    await this.git(directory, ["add", "--all", "--", ...paths]);
    await this.git(directory, ["commit", "--quiet", "--no-verify", "-F", "-", "--", ...paths], undefined, commitMessage(subject, body, trailers), identity);
    return this.head(directory);
  }

  /**
   * Pushes HEAD to the branch. A push GitHub refuses for want of the `workflows` permission keeps its
   * commit (see `unpushedCommit`), so that once a person grants it the work is pushed, not redone.
   */
  async push(directory: string, remote: RemoteAccess, branch: string): Promise<void> {
    try {
      await this.git(directory, ["push", "--quiet", "origin", `HEAD:refs/heads/${branch}`], remote);
    } catch (error) {
      const message = (error as Error).message;
      const files = workflowFilesRefused(message);
      if (files.length > 0) {
        await this.keepUnpushed(directory, branch);
        throw new WorkflowPermissionError(branch, files, error as Error);
      }
      // Someone moved the branch meanwhile: the step runs again from the branch's new head.
      if (/\[rejected\]|non-fast-forward|fetch first|failed to update ref|stale info/i.test(message)) throw new PushRejectedError(branch, error as Error);
      throw error;
    }
    await this.forgetUnpushed(directory, branch);
  }

  /** Keeps HEAD, a commit GitHub refused for want of the `workflows` permission, for `unpushedCommit`. */
  async keepUnpushed(directory: string, branch: string): Promise<void> {
    await this.git(directory, ["update-ref", unpushedRef(branch), "HEAD"]);
  }

  async forgetUnpushed(directory: string, branch: string): Promise<void> {
    await this.git(directory, ["update-ref", "-d", unpushedRef(branch)]).catch(() => {});
  }

  /**
   * What the Git Data API needs to make `sha` again on GitHub: its exact message, its parent's tree and
   * every path it changes (renames as a deletion and an addition; file modes kept: executable, symlink,
   * submodule). Files are read as bytes; one over GitHub's 100 MB limit is refused here, as GitHub would.
   */
  async commitContent(directory: string, sha: string): Promise<CommitContent> {
    const parent = (await this.git(directory, ["rev-parse", "--verify", `${sha}^1`])).stdout.trim();
    const [parentTree, tree] = (await this.git(directory, ["rev-parse", `${parent}^{tree}`, `${sha}^{tree}`])).stdout.trim().split("\n");
    const raw = await this.#bytes(directory, ["cat-file", "commit", sha]);
    const text = raw.toString("utf8");
    const message = text.slice(text.indexOf("\n\n") + 2);
    const diff = (await this.git(directory, ["diff-tree", "-r", "-z", "--no-renames", "--no-ext-diff", "--no-textconv", "--raw", parent, sha])).stdout;
    const fields = diff.split("\0");
    const changes: CommitChange[] = [];
    for (let index = 0; index + 1 < fields.length; index += 2) {
      const [oldMode = "", newMode = "", oldSha = "", newSha = ""] = fields[index]!.replace(/^:/, "").split(" ");
      const path = fields[index + 1]!;
      if (/^0+$/.test(newMode)) {
        changes.push({ path, kind: "deleted", mode: oldMode });
      } else if (newMode === "160000") {
        changes.push({ path, kind: "submodule", mode: "160000", sha: newSha });
      } else {
        const size = Number((await this.git(directory, ["cat-file", "-s", newSha])).stdout.trim());
        if (size > MAX_FILE_BYTES) throw new Error(`${path} is ${Math.round(size / 1024 / 1024)} MB: GitHub takes no file over 100 MB`);
        const mode = newMode === "100755" || newMode === "120000" ? newMode : "100644";
        changes.push({ path, kind: "blob", mode, sha: newSha, content: await this.#bytes(directory, ["cat-file", "blob", newSha]), unchangedContent: oldSha === newSha });
      }
    }
    return { sha, parent, parentTree: parentTree!, tree: tree!, message, changes };
  }

  /**
   * Makes the checkout match a commit made on GitHub (through the API) for the work HEAD holds: the
   * branch fetched, HEAD reset to it — same tree, so no file changes, and later steps (and
   * `findFeatureCommit`) see the commit GitHub has.
   */
  async adopt(directory: string, remote: RemoteAccess, branch: string, sha: string): Promise<void> {
    await this.git(directory, ["fetch", "--quiet", "origin", `+refs/heads/${branch}:refs/remotes/origin/${branch}`], remote);
    await this.git(directory, ["reset", "--quiet", "--hard", sha]);
    await this.forgetUnpushed(directory, branch);
  }

  /**
   * The commit a refused push left for `branch`, when it still fits: made on top of `parent` (the
   * branch's pushed head now). One that no longer fits — the branch moved — is dropped.
   */
  async unpushedCommit(directory: string, branch: string, parent: string): Promise<string | undefined> {
    const kept = await this.git(directory, ["rev-parse", "--verify", "--quiet", `${unpushedRef(branch)}^{commit}`]).then(({ stdout }) => stdout.trim(), () => "");
    if (!kept) return undefined;
    const keptParent = await this.git(directory, ["rev-parse", "--verify", "--quiet", `${kept}^`]).then(({ stdout }) => stdout.trim(), () => "");
    if (keptParent === parent) return kept;
    await this.git(directory, ["update-ref", "-d", unpushedRef(branch)]).catch(() => {});
    return undefined;
  }

  /** The pushed commit that carries a feature's trailer, if one landed before a crash. */
  async findFeatureCommit(directory: string, ref: string, issueNumber: number, featureId: string): Promise<string | undefined> {
    const { stdout } = await this.git(directory, ["log", ref, "--format=%H%x1f%(trailers:only,unfold)%x1e"]).catch(() => ({ stdout: "" }));
    for (const record of stdout.split("\x1e")) {
      const [sha, trailers = ""] = record.trim().split("\x1f");
      if (!sha) continue;
      const lines = trailers.split("\n").map((line) => line.trim());
      if (lines.includes(`Mission: #${issueNumber}`) && lines.includes(`Feature: ${featureId}`)) return sha;
    }
    return undefined;
  }

  async changedFiles(directory: string, from: string, to: string): Promise<string[]> {
    const { stdout } = await this.git(directory, ["diff", "--no-ext-diff", "--no-textconv", "--name-only", `${from}..${to}`]);
    return stdout.split("\n").filter(Boolean);
  }

  /** Lines added and removed per file (`git diff --numstat`) by `to` since it forked from `from`, renames followed. */
  async numstat(directory: string, from: string, to: string): Promise<string> {
    return (await this.git(directory, ["diff", "--no-ext-diff", "--no-textconv", "--numstat", "-M", `${from}...${to}`])).stdout;
  }

  async diff(directory: string, from: string, to: string): Promise<string> {
    // No external diff tools or text converters: a checkout's config could name a command in either.
    return (await this.git(directory, ["diff", "--no-ext-diff", "--no-textconv", "--stat", "--patch", `${from}..${to}`])).stdout;
  }

  /** A git command's output as bytes (file contents), without the app's remote or identity. */
  async #bytes(directory: string, args: string[]): Promise<Buffer> {
    try {
      const { stdout } = await exec("git", args, { cwd: directory, env: this.#env(directory), encoding: "buffer", maxBuffer: MAX_FILE_BYTES + 1024 * 1024 });
      return stdout;
    } catch (error) {
      // eslint-disable-next-line preserve-caught-error
      throw new Error(`git ${args[0]} failed: ${String((error as { stderr?: Buffer }).stderr ?? "").trim()}`);
    }
  }

  /**
   * Whether `directory` is a checkout git recognises, by its own .git alone: git names it ".git" from
   * the checkout's top (relative, so a root reached through a link compares as well), "." when the
   * folder itself looks like a bare repository to it (the repository's files, with .git broken).
   */
  async #isCheckout(directory: string): Promise<boolean> {
    if (!existsSync(join(directory, ".git"))) return false;
    const found = await this.git(directory, ["rev-parse", "--git-dir"]).then(
      ({ stdout }) => stdout.trim(),
      (error: unknown) => {
        // Only git's word that the repository itself is broken (not one, a bad gitfile or config line, a
        // format it does not know) makes the checkout go. Anything else (git not run at all on a loaded
        // host, a file it could not read, an owner it does not trust) is the host's to fix, and must not
        // delete what the checkout keeps between steps: its dependency folders, a commit awaiting a permission.
        if (BROKEN_REPOSITORY.test((error as Error).message)) return undefined;
        // git's own advice (a global safe.directory) cannot apply: the app gives git no global config.
        if (/dubious ownership/i.test((error as Error).message)) {
          throw new Error(
            // No path: this message may reach a comment. The operator finds the folder under MISSIONS_WORKSPACES by the mission's id.
            "git refuses the mission's checkout: it belongs to another user than the one the app runs as. Give the mission's folder under MISSIONS_WORKSPACES to the app's user (chown -R), or delete it (the app clones it again), then retry the mission.",
          );
        }
        throw error;
      },
    );
    return found === ".git";
  }

  #env(directory: string, remote?: RemoteAccess, identity?: GitIdentity): Record<string, string> {
    const who = identity ?? { name: "Missions", email: "missions@localhost" };
    const env: Record<string, string> = {
      PATH: this.#toolPath,
      HOME: directory,
      // git never looks above the folder it is run in: a checkout whose .git is broken must not make it
      // act on an enclosing repository (local missions keep their checkouts inside the person's own).
      GIT_CEILING_DIRECTORIES: dirname(resolve(directory)),
      LANG: "C.UTF-8",
      GIT_TERMINAL_PROMPT: "0",
      GIT_CONFIG_NOSYSTEM: "1",
      GIT_CONFIG_GLOBAL: "/dev/null",
      GIT_AUTHOR_NAME: who.name,
      GIT_AUTHOR_EMAIL: who.email,
      GIT_COMMITTER_NAME: who.name,
      GIT_COMMITTER_EMAIL: who.email,
    };
    // Settings through which a checkout's own config could make git run code on the host never apply.
    const settings: Array<[string, string]> = [
      ["core.hooksPath", "/dev/null"],
      ["core.fsmonitor", "false"],
      ["core.sshCommand", "false"],
      ["core.pager", "cat"],
      ["protocol.ext.allow", "never"],
    ];
    if (remote) {
      const basic = Buffer.from(`x-access-token:${remote.token}`).toString("base64");
      settings.push(["http.extraHeader", `Authorization: Basic ${basic}`]);
    }
    env.GIT_CONFIG_COUNT = String(settings.length);
    settings.forEach(([key, value], index) => {
      env[`GIT_CONFIG_KEY_${index}`] = key;
      env[`GIT_CONFIG_VALUE_${index}`] = value;
    });
    return env;
  }

  async git(directory: string, args: string[], remote?: RemoteAccess, input?: string, identity?: GitIdentity): Promise<{ stdout: string; stderr: string }> {
    const env = this.#env(directory, remote, identity);
    try {
      const child = exec("git", args, { cwd: directory, env, maxBuffer: 64 * 1024 * 1024 });
      if (input !== undefined) {
        child.child.stdin?.end(input);
      }
      return await child;
    } catch (error) {
      const stderr = String((error as { stderr?: string }).stderr ?? "").trim();
      // The original error is dropped on purpose: it carries git's raw output, which is redacted here.
      // eslint-disable-next-line preserve-caught-error
      throw new Error(`git ${args[0]} failed: ${redact(stderr, remote?.token)}`);
    }
  }
}

/**
 * Lock files a git process leaves when it is killed (the app died mid-commit or mid-fetch): git
 * refuses to touch the index, config or refs while they exist. Only one step of a mission runs at a
 * time, each in its own checkout, so a lock found before the step starts is always stale.
 */
async function removeStaleLocks(gitDir: string): Promise<void> {
  const locks = ["index.lock", "config.lock", "HEAD.lock", "ORIG_HEAD.lock", "FETCH_HEAD.lock", "packed-refs.lock", "shallow.lock"].map((name) => join(gitDir, name));
  const refs = join(gitDir, "refs");
  if (existsSync(refs)) {
    for (const entry of await readdir(refs, { recursive: true })) if (entry.endsWith(".lock")) locks.push(join(refs, entry));
  }
  await Promise.all(locks.map((path) => rm(path, { force: true })));
}

/** Where a commit GitHub refused waits, outside refs/heads and refs/remotes (which `prepare` resets). */
function unpushedRef(branch: string): string {
  return `refs/missions/unpushed/${branch}`;
}

function redact(text: string, token: string | undefined): string {
  return token ? text.split(token).join("***") : text;
}

/**
 * A file's content when it is a regular file, read through one descriptor that follows no link and
 * never waits: a link or a named pipe where a lockfile should be (a command can make either) is not
 * read, and cannot hang the step.
 */
async function readRegularFile(path: string): Promise<Buffer | undefined> {
  const handle = await open(path, fsConstants.O_RDONLY | fsConstants.O_NOFOLLOW | fsConstants.O_NONBLOCK).catch(() => undefined);
  if (!handle) return undefined;
  try {
    return (await handle.stat()).isFile() ? await handle.readFile() : undefined;
  } finally {
    await handle.close();
  }
}

function commitMessage(subject: string, body: string, trailers: CommitTrailers): string {
  const trailerLines = Object.entries(trailers).map(([key, value]) => `${key}: ${value}`).join("\n");
  return `${subject}\n\n${body ? `${body.trim()}\n\n` : ""}${trailerLines}\n`;
}

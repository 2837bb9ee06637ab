import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { chmod, lstat, mkdir, mkdtemp, readFile, readdir, readlink, realpath, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { inspect } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { GitWorkspace, WorkflowPermissionError } from "../../src/workspace/index.ts";
import type { RemoteAccess } from "../../src/workspace/index.ts";
import { countDiff } from "../../src/mission/index.ts";

const TOKEN = "ghs_unit-test-token-0123456789";
const IDENTITY = { name: "Missions Bot", email: "bot@missions.test" };
const TRAILERS = { Mission: "#7", Feature: "F2" };

let scratch: string;
let bare: string;
let base: string;
let remote: RemoteAccess;
let workspace: GitWorkspace;

/** git as a person runs it, with no global or system configuration. */
function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", args, {
    cwd,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      HOME: cwd,
      GIT_CONFIG_NOSYSTEM: "1",
      GIT_CONFIG_GLOBAL: "/dev/null",
      GIT_AUTHOR_NAME: "Seeder",
      GIT_AUTHOR_EMAIL: "seeder@example.com",
      GIT_COMMITTER_NAME: "Seeder",
      GIT_COMMITTER_EMAIL: "seeder@example.com",
    },
  });
}

function bareGit(...args: string[]): string {
  return git(bare, ...args);
}

beforeEach(async () => {
  scratch = await realpath(await mkdtemp(join(tmpdir(), "missions-git-")));
  bare = join(scratch, "origin.git");
  git(scratch, "init", "--quiet", "--bare", "--initial-branch=main", bare);
  const seed = join(scratch, "seed");
  git(scratch, "clone", "--quiet", bare, seed);
  git(seed, "checkout", "--quiet", "-b", "main");
  await writeFile(join(seed, "README.md"), "# Greeter\n");
  await mkdir(join(seed, "src"));
  await writeFile(join(seed, "src", "greet.ts"), "export const greet = () => 'hi';\n");
  git(seed, "add", "--all");
  git(seed, "commit", "--quiet", "-m", "Initial commit");
  git(seed, "push", "--quiet", "origin", "main");
  base = bareGit("rev-parse", "main").trim();
  remote = { url: bare, token: TOKEN };
  workspace = new GitWorkspace(join(scratch, "workspaces"));
});

afterEach(async () => {
  await rm(scratch, { recursive: true, force: true });
});

async function rejection(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => {
      throw new Error("expected a failure");
    },
    (error: unknown) => error as Error,
  );
}

describe("GitWorkspace.prepare", () => {
  it("checks out a new branch from the base branch", async () => {
    const prepared = await workspace.prepare("acme/greeter#7", remote, "missions/7-greeting", "main");
    expect(prepared.branchExists).toBe(false);
    expect(prepared.head).toBe(base);
    expect(prepared.directory).toBe(workspace.directory("acme/greeter#7"));
    expect(prepared.directory.startsWith(join(scratch, "workspaces"))).toBe(true);
    expect(git(prepared.directory, "rev-parse", "--abbrev-ref", "HEAD").trim()).toBe("missions/7-greeting");
    expect(await readFile(join(prepared.directory, "README.md"), "utf8")).toBe("# Greeter\n");
  });

  it("keeps each mission's directory inside the root, whatever its id", () => {
    expect(workspace.directory("../../etc/x")).toBe(join(scratch, "workspaces", ".._.._etc_x"));
  });

  it("never writes the token into .git/config or anywhere under .git", async () => {
    const { directory } = await workspace.prepare("m1", remote, "feature", "main");
    const basic = Buffer.from(`x-access-token:${TOKEN}`).toString("base64");
    const config = await readFile(join(directory, ".git", "config"), "utf8");
    expect(config).toContain(bare);
    expect(config).not.toContain(TOKEN);
    expect(config).not.toContain(basic);
    expect(config).not.toMatch(/extraheader/i);
    const gitFiles = (await readdir(join(directory, ".git"), { recursive: true, withFileTypes: true })).filter((entry) => entry.isFile());
    for (const entry of gitFiles) {
      const content = readFileSync(join(entry.parentPath, entry.name)).toString("latin1");
      expect(content.includes(TOKEN) || content.includes(basic), join(entry.parentPath, entry.name)).toBe(false);
    }
  });

  it("discards uncommitted changes and untracked files left by a previous step", async () => {
    const { directory } = await workspace.prepare("m1", remote, "feature", "main");
    await writeFile(join(directory, "README.md"), "half-written edit\n");
    await writeFile(join(directory, "stray.txt"), "left behind\n");
    await mkdir(join(directory, "build"));
    await writeFile(join(directory, "build", "out.js"), "x");
    await writeFile(join(directory, ".gitignore"), "ignored.log\n");
    await writeFile(join(directory, "ignored.log"), "x");
    git(directory, "add", "README.md");

    const again = await workspace.prepare("m1", remote, "feature", "main");
    expect(again.directory).toBe(directory);
    expect(again.head).toBe(base);
    expect(await readFile(join(directory, "README.md"), "utf8")).toBe("# Greeter\n");
    expect(existsSync(join(directory, "stray.txt"))).toBe(false);
    expect(existsSync(join(directory, "build"))).toBe(false);
    expect(existsSync(join(directory, ".gitignore"))).toBe(false);
    expect(existsSync(join(directory, "ignored.log"))).toBe(false);
    expect(git(directory, "status", "--porcelain", "--ignored")).toBe("");
  });

  it("keeps the dependency folders the repository ignores between steps, and removes everything else", async () => {
    const seed = join(scratch, "seed");
    await writeFile(join(seed, ".gitignore"), "node_modules/\n.venv/\ndist/\n*.log\n");
    git(seed, "add", ".gitignore");
    git(seed, "commit", "--quiet", "-m", "Ignore what builds make");
    git(seed, "push", "--quiet", "origin", "main");
    const { directory } = await workspace.prepare("m1", remote, "feature", "main");
    const left = ["node_modules/left-pad/index.js", "packages/web/node_modules/react/index.js", ".venv/bin/python", "dist/out.js", "debug.log", "stray.txt", "src/half.ts"];
    for (const file of left) {
      await mkdir(join(directory, file, ".."), { recursive: true });
      await writeFile(join(directory, file), "x");
    }

    await workspace.prepare("m1", remote, "feature", "main");
    const kept = left.filter((file) => existsSync(join(directory, file)));
    expect(kept).toEqual(["node_modules/left-pad/index.js", "packages/web/node_modules/react/index.js", ".venv/bin/python"]);
    expect(git(directory, "status", "--porcelain")).toBe("");

    // Validators start from a clean checkout: nothing a worker installed reaches them.
    await workspace.prepare("m1", remote, "feature", "main", { keepDependencies: false });
    expect(left.filter((file) => existsSync(join(directory, file)))).toEqual([]);
  });

  it("clears the kept dependency folders when a lockfile changed between steps, pushed or left behind", async () => {
    const seed = join(scratch, "seed");
    await writeFile(join(seed, ".gitignore"), "node_modules/\n.venv/\n");
    await mkdir(join(seed, "web"));
    await writeFile(join(seed, "web", "package-lock.json"), '{"lockfileVersion":3}\n');
    await writeFile(join(seed, "requirements-dev.txt"), "pytest==8.0\n");
    git(seed, "add", "--all");
    git(seed, "commit", "--quiet", "-m", "Lockfiles");
    git(seed, "push", "--quiet", "origin", "main");
    const { directory } = await workspace.prepare("m1", remote, "feature", "main");
    const install = async () => {
      for (const file of ["web/node_modules/left-pad/index.js", ".venv/bin/python"]) {
        await mkdir(join(directory, file, ".."), { recursive: true });
        await writeFile(join(directory, file), "x");
      }
    };
    const installed = () => existsSync(join(directory, "web", "node_modules", "left-pad", "index.js")) && existsSync(join(directory, ".venv", "bin", "python"));
    await install();
    // A package's own lockfile inside an ignored folder is not the repository's.
    await writeFile(join(directory, "web", "node_modules", "left-pad", "package-lock.json"), "{}\n");

    await workspace.prepare("m1", remote, "feature", "main");
    expect(installed()).toBe(true);

    // Someone pushed a change to a lockfile: what was installed no longer matches it.
    await writeFile(join(seed, "web", "package-lock.json"), '{"lockfileVersion":3,"packages":{}}\n');
    git(seed, "commit", "--quiet", "-am", "Update the lockfile");
    git(seed, "push", "--quiet", "origin", "main");
    await workspace.prepare("m1", remote, "feature", "main");
    expect(installed()).toBe(false);
    await install();
    await workspace.prepare("m1", remote, "feature", "main");
    expect(installed()).toBe(true);

    // A step changed a requirements file and installed from it, then never committed (it crashed).
    await writeFile(join(directory, "requirements-dev.txt"), "pytest==8.0\nhypothesis==6.0\n");
    await workspace.prepare("m1", remote, "feature", "main");
    expect(installed()).toBe(false);
    expect(await readFile(join(directory, "requirements-dev.txt"), "utf8")).toBe("pytest==8.0\n");

    // A new lockfile counts too.
    await install();
    await writeFile(join(seed, "yarn.lock"), "# yarn lockfile v1\n");
    git(seed, "add", "yarn.lock");
    git(seed, "commit", "--quiet", "-m", "Yarn");
    git(seed, "push", "--quiet", "origin", "main");
    await workspace.prepare("m1", remote, "feature", "main");
    expect(installed()).toBe(false);
  });

  it("removes a dependency folder the repository does not ignore, even when a step's own .gitignore did", async () => {
    const { directory } = await workspace.prepare("m1", remote, "feature", "main");
    await mkdir(join(directory, "node_modules", "left-pad"), { recursive: true });
    await writeFile(join(directory, "node_modules", "left-pad", "index.js"), "x");
    await writeFile(join(directory, ".gitignore"), "node_modules/\n");

    await workspace.prepare("m1", remote, "feature", "main");
    // Kept, it would be committed with the next feature.
    expect(existsSync(join(directory, "node_modules"))).toBe(false);
    expect(existsSync(join(directory, ".gitignore"))).toBe(false);
    expect(git(directory, "status", "--porcelain", "--ignored")).toBe("");
  });

  it("discards an unpushed local commit of a crashed step", async () => {
    const { directory } = await workspace.prepare("m1", remote, "feature", "main");
    await writeFile(join(directory, "local.txt"), "x");
    await workspace.commitAll(directory, IDENTITY, "Never pushed", "", TRAILERS);
    const again = await workspace.prepare("m1", remote, "feature", "main");
    expect(again.head).toBe(base);
    expect(existsSync(join(directory, "local.txt"))).toBe(false);
  });

  it("resumes from the pushed branch when it already exists", async () => {
    const { directory } = await workspace.prepare("m1", remote, "feature", "main");
    await writeFile(join(directory, "feature.txt"), "done\n");
    const sha = await workspace.commitAll(directory, IDENTITY, "Add feature", "", TRAILERS);
    await workspace.push(directory, remote, "feature");

    const fresh = new GitWorkspace(join(scratch, "other-root"));
    const prepared = await fresh.prepare("m1", remote, "feature", "main");
    expect(prepared.branchExists).toBe(true);
    expect(prepared.head).toBe(sha);
    expect(await readFile(join(prepared.directory, "feature.txt"), "utf8")).toBe("done\n");
    expect(await workspace.remoteBranchExists(directory, remote, "feature")).toBe(true);
    expect(await workspace.remoteBranchExists(directory, remote, "nothing-here")).toBe(false);
  });

  it("recreates a directory that is not a checkout", async () => {
    const directory = workspace.directory("m1");
    await mkdir(directory, { recursive: true });
    await writeFile(join(directory, "junk.txt"), "x");
    const prepared = await workspace.prepare("m1", remote, "feature", "main");
    expect(prepared.head).toBe(base);
    expect(existsSync(join(directory, "junk.txt"))).toBe(false);
  });

  it.each([
    // What `git init` leaves when killed before it writes HEAD: a .git folder git does not recognise.
    ["a .git folder with no HEAD (git init killed)", async (git: string) => mkdir(join(git, "objects"), { recursive: true })],
    ["an empty .git file", async (git: string) => writeFile(git, "")],
    ["a .git whose config git cannot read", async (git: string) => {
      await mkdir(join(git, "objects"), { recursive: true });
      await mkdir(join(git, "refs"), { recursive: true });
      await writeFile(join(git, "HEAD"), "ref: refs/heads/main\n");
      await writeFile(join(git, "config"), "[core\nnot a config line\n");
    }],
  ])("recreates a checkout left broken as %s, instead of failing every step after", async (_state, breakIt) => {
    const directory = workspace.directory("m1");
    await mkdir(directory, { recursive: true });
    await breakIt(join(directory, ".git"));
    await writeFile(join(directory, "left.txt"), "x");
    const prepared = await workspace.prepare("m1", remote, "feature", "main");
    expect(prepared.head).toBe(base);
    expect(existsSync(join(directory, "left.txt"))).toBe(false);
  });

  it("adds the remote to a checkout a kill left between git init and adding it", async () => {
    const directory = workspace.directory("m1");
    await mkdir(directory, { recursive: true });
    git(directory, "init", "--quiet", "--initial-branch=main");
    const prepared = await workspace.prepare("m1", remote, "feature", "main");
    expect(prepared.head).toBe(base);
    expect(git(directory, "remote", "get-url", "origin").trim()).toBe(bare);
  });

  it("keeps the checkout when git cannot be run at all, rather than taking it for a broken one", async () => {
    const { directory } = await workspace.prepare("m1", remote, "feature", "main");
    await writeFile(join(directory, ".git", "kept-by-the-checkout"), "x");
    const withoutGit = new GitWorkspace(join(scratch, "workspaces"), join(scratch, "no-tools-here"));
    await expect(withoutGit.prepare("m1", remote, "feature", "main")).rejects.toThrow(/^git rev-parse failed/);
    expect(existsSync(join(directory, ".git", "kept-by-the-checkout"))).toBe(true);
  });

  it("keeps a checkout git could not read for a reason of the host's (here its config, a link loop), and says git's word", async () => {
    const { directory } = await workspace.prepare("m1", remote, "feature", "main");
    await writeFile(join(directory, ".git", "kept-by-the-checkout"), "x");
    await rm(join(directory, ".git", "config"));
    await symlink("config", join(directory, ".git", "config"));
    await expect(workspace.prepare("m1", remote, "feature", "main")).rejects.toThrow(/unable to access/);
    expect(existsSync(join(directory, ".git", "kept-by-the-checkout"))).toBe(true);
  });

  it.runIf(process.getuid?.() === 0)("keeps a checkout owned by another user, and says what to do rather than git's advice that cannot apply", async () => {
    const { directory } = await workspace.prepare("m1", remote, "feature", "main");
    await writeFile(join(directory, ".git", "kept-by-the-checkout"), "x");
    execFileSync("chown", ["-R", "1234:1234", directory]);
    const error = await rejection(workspace.prepare("m1", remote, "feature", "main"));
    expect(error.message).toContain("belongs to another user than the one the app runs as");
    expect(error.message).toContain("chown -R");
    expect(error.message).not.toContain("safe.directory");
    expect(error.message).not.toContain(scratch);
    expect(existsSync(join(directory, ".git", "kept-by-the-checkout"))).toBe(true);
  });

  it("keeps a sound checkout whose root is reached through a link: nothing in .git is lost between steps", async () => {
    await symlink(scratch, join(scratch, "..", `${basename(scratch)}-link`));
    const linked = new GitWorkspace(join(scratch, "..", `${basename(scratch)}-link`, "workspaces"));
    try {
      const { directory } = await linked.prepare("m1", remote, "feature", "main");
      await writeFile(join(directory, ".git", "kept-by-the-checkout"), "x");
      await linked.prepare("m1", remote, "feature", "main");
      expect(existsSync(join(directory, ".git", "kept-by-the-checkout"))).toBe(true);
    } finally {
      await rm(join(scratch, "..", `${basename(scratch)}-link`), { force: true });
    }
  });

  it("never lets git reach a repository above a broken checkout: the enclosing repository is left untouched", async () => {
    // The workspace root inside a person's own repository, as local missions keep it (under .missions/).
    const enclosing = join(scratch, "person");
    git(scratch, "clone", "--quiet", bare, enclosing);
    await writeFile(join(enclosing, "work-in-progress.txt"), "not committed yet\n");
    await writeFile(join(enclosing, "README.md"), "# Greeter, edited\n");
    const inside = new GitWorkspace(join(enclosing, ".missions", "checkouts"));
    const directory = inside.directory("m1");
    await mkdir(join(directory, ".git"), { recursive: true });
    const prepared = await inside.prepare("m1", remote, "feature", "main");
    expect(prepared.head).toBe(base);
    expect(await readFile(join(enclosing, "work-in-progress.txt"), "utf8")).toBe("not committed yet\n");
    expect(await readFile(join(enclosing, "README.md"), "utf8")).toBe("# Greeter, edited\n");
    expect(git(enclosing, "rev-parse", "--abbrev-ref", "HEAD").trim()).toBe("main");
    // And a git command in a folder that is not a checkout fails, rather than acting on the enclosing repository.
    await mkdir(join(enclosing, ".missions", "checkouts", "plain"), { recursive: true });
    const error = await rejection(inside.git(join(enclosing, ".missions", "checkouts", "plain"), ["status", "--porcelain"]));
    expect(error.message).toMatch(/not a git repository/);
  });

  it("fails with a git error for a base branch that does not exist", async () => {
    const error = await rejection(workspace.prepare("m1", remote, "feature", "no-such-base"));
    expect(error.message).toMatch(/^git fetch failed: /);
    expect(error.message).not.toContain(TOKEN);
  });
});

describe("GitWorkspace.commitAll", () => {
  it("makes exactly one commit with the identity, subject, body and trailers", async () => {
    const { directory } = await workspace.prepare("m1", remote, "feature", "main");
    await writeFile(join(directory, "src", "greet.ts"), "export const greet = (name: string) => `hi ${name}`;\n");
    await writeFile(join(directory, "src", "new.ts"), "export {};\n");
    await rm(join(directory, "README.md"));

    const sha = await workspace.commitAll(directory, IDENTITY, "F2: Greet by name", "  Greets the user by name.\n\nAdds a helper.  \n", TRAILERS);
    expect(sha).toMatch(/^[0-9a-f]{40}$/);
    expect(git(directory, "rev-parse", "HEAD").trim()).toBe(sha);
    expect(git(directory, "rev-list", "--count", `${base}..HEAD`).trim()).toBe("1");
    expect(git(directory, "rev-parse", "HEAD^").trim()).toBe(base);
    expect(git(directory, "log", "-1", "--format=%an <%ae>|%cn <%ce>").trim()).toBe("Missions Bot <bot@missions.test>|Missions Bot <bot@missions.test>");
    expect(git(directory, "log", "-1", "--format=%B")).toBe("F2: Greet by name\n\nGreets the user by name.\n\nAdds a helper.\n\nMission: #7\nFeature: F2\n\n");
    expect(git(directory, "log", "-1", "--format=%(trailers:only,unfold)")).toBe("Mission: #7\nFeature: F2\n\n");
    expect(git(directory, "status", "--porcelain")).toBe("");
    expect(git(directory, "show", "--name-status", "--format=", "HEAD").trim().split("\n").sort()).toEqual(["A\tsrc/new.ts", "D\tREADME.md", "M\tsrc/greet.ts"]);
  });

  it("commits around a `.GIT` folder a command made, instead of failing (git refuses such a path)", async () => {
    const { directory } = await workspace.prepare("m1", remote, "feature", "main");
    await mkdir(join(directory, ".GIT"), { recursive: true });
    await writeFile(join(directory, ".GIT", "config"), "[core]\n");
    await mkdir(join(directory, "sub", ".Git"), { recursive: true });
    await writeFile(join(directory, "sub", ".Git", "hooks"), "x\n");
    await writeFile(join(directory, "src", "new.ts"), "export {};\n");
    // A file so named stops `git add` as well.
    await mkdir(join(directory, "lib"));
    await writeFile(join(directory, "lib", ".GIT"), "gitdir: /elsewhere\n");
    // And every name a Windows or macOS file system reads as `.git`, which git refuses as well.
    for (const name of [".git.", ".git ", ".git..", "GIT~1", "git~2", ".git::$INDEX_ALLOCATION"]) {
      await mkdir(join(directory, "odd", name), { recursive: true });
      await writeFile(join(directory, "odd", name, "config"), "[core]\n");
    }
    await writeFile(join(directory, "odd", "GIT~1x"), "a fine name\n");
    const sha = await workspace.commitAll(directory, IDENTITY, "F2: Add", "", TRAILERS);
    expect(git(directory, "show", "--name-only", "--format=", sha).trim().split("\n").sort()).toEqual(["odd/GIT~1x", "src/new.ts"]);
  });

  it("commitPaths commits what changed under the paths alone, and leaves the rest of the work tree as it is", async () => {
    const { directory } = await workspace.prepare("m1", remote, "feature", "main");
    await mkdir(join(directory, ".github", "missions", "skills", "style"), { recursive: true });
    await writeFile(join(directory, ".github", "missions", "skills", "style", "SKILL.md"), "---\nname: style\ndescription: x\n---\nbody\n");
    await writeFile(join(directory, "src", "stray.ts"), "export {};\n");
    await writeFile(join(directory, "src", "greet.ts"), "changed\n");
    const sha = await workspace.commitPaths(directory, IDENTITY, [".github/missions/skills/style"], "Skills: style", "", { Mission: "#7" });
    expect(git(directory, "show", "--name-only", "--format=", sha).trim()).toBe(".github/missions/skills/style/SKILL.md");
    expect(git(directory, "status", "--porcelain").split("\n").filter(Boolean).sort()).toEqual([" M src/greet.ts", "?? src/stray.ts"]);
  });

  it("makes an empty commit when nothing changed", async () => {
    const { directory } = await workspace.prepare("m1", remote, "feature", "main");
    const sha = await workspace.commitAll(directory, IDENTITY, "F3: Nothing to do", "", { Mission: "#7", Feature: "F3" });
    expect(sha).not.toBe(base);
    expect(git(directory, "rev-parse", "HEAD^").trim()).toBe(base);
    expect(git(directory, "show", "--name-only", "--format=", "HEAD").trim()).toBe("");
    expect(git(directory, "log", "-1", "--format=%B")).toBe("F3: Nothing to do\n\nMission: #7\nFeature: F3\n\n");
  });

  it("does not run hooks written into .git/hooks", async () => {
    const { directory } = await workspace.prepare("m1", remote, "feature", "main");
    const marker = join(scratch, "hook-ran");
    for (const hook of ["pre-commit", "prepare-commit-msg", "commit-msg", "post-commit"]) {
      const path = join(directory, ".git", "hooks", hook);
      await writeFile(path, `#!/bin/sh\necho ${hook} >> '${marker}'\n`);
      await chmod(path, 0o755);
    }
    // The hooks are real: a plain `git commit` would run them.
    git(directory, "commit", "--quiet", "--allow-empty", "-m", "probe");
    expect(readFileSync(marker, "utf8")).toContain("post-commit");
    await rm(marker);
    git(directory, "reset", "--quiet", "--hard", "HEAD^");

    await writeFile(join(directory, "a.txt"), "x");
    await workspace.commitAll(directory, IDENTITY, "With hooks present", "", TRAILERS);
    expect(existsSync(marker)).toBe(false);
    expect(git(directory, "log", "-1", "--format=%s").trim()).toBe("With hooks present");
  });
});

describe("GitWorkspace.push and history", () => {
  it("pushes the commit to the remote branch", async () => {
    const { directory } = await workspace.prepare("m1", remote, "missions/7", "main");
    await writeFile(join(directory, "feature.txt"), "x\n");
    const sha = await workspace.commitAll(directory, IDENTITY, "F2: Feature", "", TRAILERS);
    await workspace.push(directory, remote, "missions/7");
    expect(bareGit("rev-parse", "refs/heads/missions/7").trim()).toBe(sha);
    expect(bareGit("rev-parse", "refs/heads/main").trim()).toBe(base);
    expect(bareGit("show", "missions/7:feature.txt")).toBe("x\n");
  });

  it("turns GitHub's refusal of a workflow change into WorkflowPermissionError, and keeps the commit for later", async () => {
    // GitHub's answer to an app without the `workflows` permission, from a hook of the remote.
    const hook = join(bare, "hooks", "pre-receive");
    const refusal = "refusing to allow a GitHub App to create or update workflow `.github/workflows/ci.yml` without `workflows` permission";
    await writeFile(hook, `#!/bin/sh\necho "error: ${refusal.replace(/`/g, "\\`")}" >&2\nexit 1\n`);
    await chmod(hook, 0o755);
    const { directory, head } = await workspace.prepare("m1", remote, "missions/7", "main");
    await mkdir(join(directory, ".github", "workflows"), { recursive: true });
    await writeFile(join(directory, ".github", "workflows", "ci.yml"), "on: push\n");
    const sha = await workspace.commitAll(directory, IDENTITY, "F2: CI", "", TRAILERS);
    const error = await rejection(workspace.push(directory, remote, "missions/7"));
    expect(error).toBeInstanceOf(WorkflowPermissionError);
    expect(error).toMatchObject({ files: [".github/workflows/ci.yml"], isRetryable: false });
    expect(error.message).toContain("the app lacks the `workflows` permission");
    expect(() => bareGit("rev-parse", "--verify", "--quiet", "refs/heads/missions/7")).toThrow();

    // A fresh checkout of the branch (as the step's next run makes) still finds the commit while it fits.
    const again = await workspace.prepare("m1", remote, "missions/7", "main");
    expect(again.head).toBe(head);
    expect(await workspace.unpushedCommit(again.directory, "missions/7", again.head)).toBe(sha);
    await rm(hook);
    git(again.directory, "reset", "--quiet", "--hard", sha);
    await workspace.push(again.directory, remote, "missions/7");
    expect(bareGit("rev-parse", "refs/heads/missions/7").trim()).toBe(sha);
    // Pushed: nothing is kept any more.
    expect(await workspace.unpushedCommit(again.directory, "missions/7", head)).toBeUndefined();
  });

  it("drops a kept commit once the branch has moved past its parent", async () => {
    const hook = join(bare, "hooks", "pre-receive");
    await writeFile(hook, '#!/bin/sh\necho "error: refusing to allow a GitHub App to create or update workflow \\`.github/workflows/a.yml\\` without \\`workflows\\` permission" >&2\nexit 1\n');
    await chmod(hook, 0o755);
    const { directory, head } = await workspace.prepare("m1", remote, "missions/7", "main");
    await workspace.commitAll(directory, IDENTITY, "F2: CI", "", TRAILERS);
    await expect(workspace.push(directory, remote, "missions/7")).rejects.toBeInstanceOf(WorkflowPermissionError);
    expect(await workspace.unpushedCommit(directory, "missions/7", "0".repeat(40))).toBeUndefined();
    expect(await workspace.unpushedCommit(directory, "missions/7", head)).toBeUndefined();
  });

  it("finds a feature's commit by its Mission and Feature trailers", async () => {
    const { directory } = await workspace.prepare("m1", remote, "missions/7", "main");
    await writeFile(join(directory, "one.txt"), "1");
    const first = await workspace.commitAll(directory, IDENTITY, "F1: One", "Mentions Feature: F2 in the body only.", { Mission: "#7", Feature: "F1" });
    await writeFile(join(directory, "two.txt"), "2");
    const second = await workspace.commitAll(directory, IDENTITY, "F2: Two", "", { Mission: "#7", Feature: "F2" });
    await workspace.commitAll(directory, IDENTITY, "F3 of another mission", "", { Mission: "#8", Feature: "F3" });
    await workspace.push(directory, remote, "missions/7");
    git(directory, "fetch", "--quiet", "origin", "+refs/heads/missions/7:refs/remotes/origin/missions/7");

    expect(await workspace.findFeatureCommit(directory, "origin/missions/7", 7, "F1")).toBe(first);
    expect(await workspace.findFeatureCommit(directory, "origin/missions/7", 7, "F2")).toBe(second);
    expect(await workspace.findFeatureCommit(directory, "origin/missions/7", 7, "F3")).toBeUndefined();
    expect(await workspace.findFeatureCommit(directory, "origin/missions/7", 8, "F3")).toMatch(/^[0-9a-f]{40}$/);
    expect(await workspace.findFeatureCommit(directory, "origin/missions/7", 7, "F9")).toBeUndefined();
    expect(await workspace.findFeatureCommit(directory, "origin/missions/7", 70, "F1")).toBeUndefined();
    expect(await workspace.findFeatureCommit(directory, "origin/does-not-exist", 7, "F1")).toBeUndefined();
  });

  it("reports the changed files and the diff between two commits", async () => {
    const { directory } = await workspace.prepare("m1", remote, "feature", "main");
    await writeFile(join(directory, "src", "greet.ts"), "export const greet = () => 'hello';\n");
    await writeFile(join(directory, "docs.md"), "New docs\n");
    const head = await workspace.commitAll(directory, IDENTITY, "Change", "", TRAILERS);

    expect((await workspace.changedFiles(directory, base, head)).sort()).toEqual(["docs.md", "src/greet.ts"]);
    expect(await workspace.changedFiles(directory, head, head)).toEqual([]);
    const diff = await workspace.diff(directory, base, head);
    expect(diff).toContain("2 files changed");
    expect(diff).toContain("diff --git a/src/greet.ts b/src/greet.ts");
    expect(diff).toContain("-export const greet = () => 'hi';");
    expect(diff).toContain("+export const greet = () => 'hello';");
    expect(diff).toContain("+New docs");
  });
});

describe("GitWorkspace.git errors", () => {
  it("does not put the token into the error of a failed network call", async () => {
    const { directory } = await workspace.prepare("m1", remote, "feature", "main");
    const secret = { url: "http://127.0.0.1:9/x.git", token: "secret-token-123" };
    const basic = Buffer.from("x-access-token:secret-token-123").toString("base64");
    const error = await rejection(workspace.git(directory, ["ls-remote", secret.url], secret));
    expect(error.message).toMatch(/^git ls-remote failed: /);
    expect(error.message).not.toContain("secret-token-123");
    expect(error.message).not.toContain(basic);
    expect(error.cause).toBeUndefined();
    expect(inspect(error, { depth: 5 })).not.toContain("secret-token-123");
    expect(inspect(error, { depth: 5 })).not.toContain(basic);
  });

  it("redacts the token when git itself repeats it", async () => {
    const { directory } = await workspace.prepare("m1", remote, "feature", "main");
    const secret = { url: "unused", token: "secret-token-123" };
    const error = await rejection(workspace.git(directory, ["ls-remote", "/nowhere/secret-token-123/repo.git"], secret));
    expect(error.message).toMatch(/^git ls-remote failed: /);
    expect(error.message).toContain("/nowhere/***/repo.git");
    expect(error.message).not.toContain("secret-token-123");
  });
});

describe("GitWorkspace.snapshot", () => {
  it("writes the commit's tree with no .git — no commit message, nothing left in the work tree — and never expands export-subst", async () => {
    const { directory } = await workspace.prepare("m1", remote, "feature", "main");
    await writeFile(join(directory, ".gitattributes"), "*.txt export-subst\n");
    await writeFile(join(directory, "subst.txt"), "$Format:%B$\n");
    await mkdir(join(directory, "bin"));
    await writeFile(join(directory, "bin", "run"), "#!/bin/sh\necho run\n", { mode: 0o755 });
    await symlink("../README.md", join(directory, "bin", "readme"));
    const sha = await workspace.commitAll(directory, IDENTITY, "Add feature", "a handoff only the worker wrote", TRAILERS);
    await writeFile(join(directory, "left-behind.txt"), "not committed\n");
    const target = join(scratch, "workspaces", ".validation", "m1", "review");
    await mkdir(target, { recursive: true });
    await writeFile(join(target, "stale.txt"), "from an earlier validation\n");

    await workspace.snapshot(directory, sha, target);

    expect((await readdir(target)).sort()).toEqual([".gitattributes", "README.md", "bin", "src", "subst.txt"]);
    expect(await readFile(join(target, "subst.txt"), "utf8")).toBe("$Format:%B$\n");
    expect((await lstat(join(target, "bin", "run"))).mode & 0o111).not.toBe(0);
    expect(await readlink(join(target, "bin", "readme"))).toBe("../README.md");
    const files = (await readdir(target, { recursive: true })).map((path) => join(target, path));
    const texts = await Promise.all(files.map(async (path) => ((await lstat(path)).isFile() ? readFile(path, "utf8") : "")));
    expect(texts.filter((text) => text.includes("handoff only the worker"))).toEqual([]);
    // The checkout itself is untouched: its work tree, index and history.
    expect(existsSync(join(directory, "left-behind.txt"))).toBe(true);
    expect(git(directory, "log", "-1", "--format=%B")).toContain("a handoff only the worker wrote");
  });
});

describe("GitWorkspace.commitContent", () => {
  it("gives the Git Data API what it needs: the exact message, the parent's tree, and every change as bytes with its mode", async () => {
    const { directory } = await workspace.prepare("m1", remote, "feature", "main");
    await writeFile(join(directory, "logo.bin"), Buffer.from([0, 1, 2, 255, 254, 10]));
    await writeFile(join(directory, "run.sh"), "#!/bin/sh\necho hi\n");
    await chmod(join(directory, "run.sh"), 0o755);
    await chmod(join(directory, "src", "greet.ts"), 0o755);
    execFileSync("ln", ["-s", "README.md", join(directory, "link")]);
    await rm(join(directory, "README.md"));
    const sha = await workspace.commitAll(directory, IDENTITY, "F2: Assets", "Body.", TRAILERS);

    const content = await workspace.commitContent(directory, sha);
    expect(content).toMatchObject({ sha, parent: base, parentTree: git(directory, "rev-parse", `${base}^{tree}`).trim(), tree: git(directory, "rev-parse", "HEAD^{tree}").trim() });
    expect(content.message).toBe("F2: Assets\n\nBody.\n\nMission: #7\nFeature: F2\n");
    const byPath = Object.fromEntries(content.changes.map((change) => [change.path, change]));
    expect(Object.keys(byPath).sort()).toEqual(["README.md", "link", "logo.bin", "run.sh", "src/greet.ts"]);
    expect(byPath["README.md"]).toEqual({ path: "README.md", kind: "deleted", mode: "100644" });
    expect(byPath["logo.bin"]).toMatchObject({ kind: "blob", mode: "100644", content: Buffer.from([0, 1, 2, 255, 254, 10]), unchangedContent: false });
    expect(byPath["run.sh"]).toMatchObject({ kind: "blob", mode: "100755", unchangedContent: false });
    expect(byPath["link"]).toMatchObject({ kind: "blob", mode: "120000", content: Buffer.from("README.md") });
    // Only the mode changed: the blob is the parent's, which GitHub has.
    expect(byPath["src/greet.ts"]).toMatchObject({ kind: "blob", mode: "100755", unchangedContent: true });
    for (const change of content.changes) if (change.kind === "blob") expect(change.sha).toBe(git(directory, "rev-parse", `HEAD:${change.path}`).trim());
  });
});

describe("GitWorkspace.numstat", () => {
  it("counts what the branch adds since it forked from its base, not what the base gained since, and follows renames", async () => {
    const { directory } = await workspace.prepare("m1", remote, "feature", "main");
    await mkdir(join(directory, "test"));
    await writeFile(join(directory, "test", "greet.test.ts"), "import { greet } from '../src/greet';\ntest('greets', () => expect(greet()).toBe('hi'));\n");
    git(directory, "mv", "src/greet.ts", "src/hello.ts");
    await workspace.commitAll(directory, IDENTITY, "Add a test", "", TRAILERS);
    await workspace.push(directory, remote, "feature");
    // The base moves on after the fork: its new lines are none of the branch's.
    const seed = join(scratch, "seed");
    await writeFile(join(seed, "CHANGELOG.md"), "one\ntwo\nthree\n");
    git(seed, "add", "--all");
    git(seed, "commit", "--quiet", "-m", "Base moves on");
    git(seed, "push", "--quiet", "origin", "main");
    const prepared = await workspace.prepare("m1", remote, "feature", "main");
    const lines = (await workspace.numstat(prepared.directory, "origin/main", prepared.head)).trim().split("\n").sort();
    expect(lines).toEqual(["0\t0\tsrc/{greet.ts => hello.ts}", "2\t0\ttest/greet.test.ts"]);
    expect(countDiff(lines.join("\n"))).toEqual({ added: 2, deleted: 0, testAdded: 2, files: 2 });
  });
});

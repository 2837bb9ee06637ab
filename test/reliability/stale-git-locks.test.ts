import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { GitWorkspace } from "../../src/workspace/index.ts";

// Found by the kill -9 chaos suite: a git process killed with the app leaves `.git/config.lock`
// (or index.lock, a ref's .lock) behind, and every later git command in that checkout failed, so
// the mission was blocked after a crash instead of resuming.
describe("a checkout a killed git process left locked", () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), "stale-locks-"));
    const env = { ...process.env, GIT_CONFIG_GLOBAL: "/dev/null", GIT_AUTHOR_NAME: "a", GIT_AUTHOR_EMAIL: "a@b", GIT_COMMITTER_NAME: "a", GIT_COMMITTER_EMAIL: "a@b" };
    const source = join(root, "source");
    mkdirSync(source);
    execFileSync("git", ["init", "-q", "-b", "main", source], { env });
    writeFileSync(join(source, "README.md"), "hi\n");
    execFileSync("git", ["-C", source, "add", "."], { env });
    execFileSync("git", ["-C", source, "commit", "-qm", "first"], { env });
    execFileSync("git", ["clone", "-q", "--bare", source, join(root, "origin.git")], { env });
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it("is usable again at the next step: the stale locks are removed before git runs", async () => {
    const workspace = new GitWorkspace(join(root, "workspaces"), process.env.PATH);
    const remote = { url: `file://${join(root, "origin.git")}`, token: "unused" };
    const { directory } = await workspace.prepare("m1", remote, "mission/1-x", "main");
    const locks = [".git/config.lock", ".git/index.lock", ".git/HEAD.lock", ".git/refs/heads/mission/1-x.lock", ".git/refs/remotes/origin/main.lock"];
    mkdirSync(join(directory, ".git/refs/heads/mission"), { recursive: true });
    for (const lock of locks) writeFileSync(join(directory, lock), "");
    await expect(workspace.git(directory, ["config", "user.name", "x"])).rejects.toThrow(/lock/);
    const again = await workspace.prepare("m1", remote, "mission/1-x", "main");
    expect(again.head).toMatch(/^[0-9a-f]{40}$/);
    for (const lock of locks) expect(existsSync(join(directory, lock)), lock).toBe(false);
  });
});

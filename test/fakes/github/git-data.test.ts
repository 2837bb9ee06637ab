import { execFile, execFileSync } from "node:child_process";
import { promisify } from "node:util";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ProbotOctokit } from "probot";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeGitHub, type FakeGitHub } from "./index.ts";

const OWNER = "octo";
const REPO = "data";

function bare(gitDir: string, ...args: string[]): string {
  return execFileSync("git", ["--git-dir", gitDir, ...args], { encoding: "utf8", env: { PATH: process.env.PATH ?? "/usr/bin:/bin", GIT_CONFIG_GLOBAL: "/dev/null", GIT_CONFIG_NOSYSTEM: "1" } });
}

describe("fake GitHub: the Git Data API and signed-commit protection", () => {
  let gh: FakeGitHub;
  let gitDir: string;
  let cloneUrl: string;
  let octokit: InstanceType<typeof ProbotOctokit>;
  let token: string;
  const repo = { owner: OWNER, repo: REPO };

  beforeAll(async () => {
    gh = await startFakeGitHub();
    ({ gitDir, cloneUrl } = await gh.createRepo({ owner: OWNER, name: REPO, files: { "README.md": "# Data\n", "src/a.ts": "a\n", "src/b.ts": "b\n" } }));
    octokit = new ProbotOctokit({ auth: { appId: gh.appId, privateKey: gh.privateKey, installationId: 100 }, baseUrl: gh.apiUrl, throttle: { enabled: false } });
    const app = new ProbotOctokit({ auth: { appId: gh.appId, privateKey: gh.privateKey }, baseUrl: gh.apiUrl });
    token = (await app.request("POST /app/installations/{installation_id}/access_tokens", { installation_id: 100 })).data.token;
  });
  afterAll(async () => {
    await gh?.close();
  });

  it("writes blobs, trees on a base tree (nested, deleted, executable, symlink), and commits the bot authors, verified", async () => {
    const main = bare(gitDir, "rev-parse", "main").trim();
    const baseTree = bare(gitDir, "rev-parse", "main^{tree}").trim();
    const binary = Buffer.from([0, 1, 2, 255, 254]);
    const { data: blob } = await octokit.rest.git.createBlob({ ...repo, content: binary.toString("base64"), encoding: "base64" });
    const { data: script } = await octokit.rest.git.createBlob({ ...repo, content: "#!/bin/sh\necho hi\n", encoding: "utf-8" });
    const { data: tree } = await octokit.rest.git.createTree({
      ...repo,
      base_tree: baseTree,
      tree: [
        { path: "assets/logo.bin", mode: "100644", type: "blob", sha: blob.sha },
        { path: "bin/run", mode: "100755", type: "blob", sha: script.sha },
        { path: "link", mode: "120000", type: "blob", content: "README.md" },
        { path: "src/a.ts", mode: "100644", type: "blob", sha: null },
      ],
    });
    expect(bare(gitDir, "ls-tree", "-r", tree.sha).split("\n").filter(Boolean).map((line) => line.replace(/ [0-9a-f]{40}\t/, " "))).toEqual([
      "100644 blob README.md",
      "100644 blob assets/logo.bin",
      "100755 blob bin/run",
      "120000 blob link",
      "100644 blob src/b.ts",
    ]);
    const message = "F1: Add things\n\nBody.\n\nMission: #1\nFeature: F1\n";
    const { data: commit } = await octokit.rest.git.createCommit({ ...repo, message, tree: tree.sha, parents: [main] });
    expect(commit.verification).toMatchObject({ verified: true, reason: "valid" });
    expect(bare(gitDir, "log", "-1", "--format=%an <%ae>|%cn|%P|%(trailers:key=Feature,valueonly)", commit.sha).trim()).toBe(`${gh.botLogin} <9000+${gh.botLogin}@users.noreply.github.com>|${gh.botLogin}|${main}|F1`);

    // A new branch, then a fast-forward; a move that is not one is refused with 422.
    await octokit.rest.git.createRef({ ...repo, ref: "refs/heads/mission/1-data", sha: main });
    await expect(octokit.rest.git.createRef({ ...repo, ref: "refs/heads/mission/1-data", sha: main })).rejects.toMatchObject({ status: 422 });
    await octokit.rest.git.updateRef({ ...repo, ref: "heads/mission/1-data", sha: commit.sha });
    expect(bare(gitDir, "rev-parse", "mission/1-data").trim()).toBe(commit.sha);
    await expect(octokit.rest.git.updateRef({ ...repo, ref: "heads/mission/1-data", sha: main })).rejects.toMatchObject({ status: 422, message: expect.stringContaining("not a fast forward") });
    await expect(octokit.rest.git.updateRef({ ...repo, ref: "heads/nowhere", sha: main })).rejects.toMatchObject({ status: 422, message: expect.stringContaining("does not exist") });
    const { data: read } = await octokit.rest.repos.getCommit({ ...repo, ref: commit.sha });
    expect(read.commit.verification).toMatchObject({ verified: true, reason: "valid" });
    expect(gh.verification(OWNER, REPO, main)).toMatchObject({ verified: false });
  });

  it("a branch that requires signed commits refuses git pushes and unverified API commits, and takes the app's API commits", async () => {
    gh.requireSignedCommits(OWNER, REPO, "signed/*");
    const work = mkdtempSync(join(tmpdir(), "git-data-"));
    try {
      const env = { ...process.env, GIT_CONFIG_GLOBAL: "/dev/null", GIT_AUTHOR_NAME: "W", GIT_AUTHOR_EMAIL: "w@example.com", GIT_COMMITTER_NAME: "W", GIT_COMMITTER_EMAIL: "w@example.com" };
      const basic = Buffer.from(`x-access-token:${token}`).toString("base64");
      // Asynchronous: the fake serves git from this very process.
      const run = async (...args: string[]) => (await promisify(execFile)("git", ["-c", `http.extraHeader=Authorization: Basic ${basic}`, ...args], { cwd: work, env, encoding: "utf8" })).stdout;
      await run("clone", "--quiet", cloneUrl, ".");
      writeFileSync(join(work, "new.txt"), "new\n");
      await run("add", "new.txt");
      await run("commit", "--quiet", "-m", "unsigned");
      await expect(run("push", "--quiet", "origin", "HEAD:refs/heads/signed/one")).rejects.toThrow(/GH006: Protected branch update failed[\s\S]*Commits must have verified signatures/);
      await run("push", "--quiet", "origin", "HEAD:refs/heads/free/one");
      const unsigned = (await run("rev-parse", "HEAD")).trim();
      await expect(octokit.rest.git.createRef({ ...repo, ref: "refs/heads/signed/one", sha: unsigned })).rejects.toMatchObject({ status: 422 });
      const tree = bare(gitDir, "rev-parse", `${unsigned}^{tree}`).trim();
      const main = bare(gitDir, "rev-parse", "main").trim();
      const { data: custom } = await octokit.rest.git.createCommit({ ...repo, message: "custom committer", tree, parents: [main], committer: { name: "W", email: "w@example.com" } });
      expect(custom.verification).toMatchObject({ verified: false });
      await expect(octokit.rest.git.createRef({ ...repo, ref: "refs/heads/signed/one", sha: custom.sha })).rejects.toMatchObject({ status: 422 });
      const { data: signed } = await octokit.rest.git.createCommit({ ...repo, message: "signed", tree, parents: [main] });
      await octokit.rest.git.createRef({ ...repo, ref: "refs/heads/signed/one", sha: signed.sha });
      expect(bare(gitDir, "rev-parse", "signed/one").trim()).toBe(signed.sha);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});

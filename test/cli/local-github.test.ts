import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LocalGitHub } from "../../src/cli/local-github.ts";
import { createRedactor, type RepoRef } from "../../src/github/index.ts";
import { contractMarker, controlMarker, questionsMarker } from "../../src/mission/index.ts";
import { createFixtureRepo } from "./cli-harness.ts";

const REPO: RepoRef = { owner: "local", name: "repo", installationId: 0 };
const SECRET = "sk-ant-local-github-secret-0123456789";

describe("LocalGitHub: the GitHub port answered by a local repository and files", () => {
  let root: string;
  let repo: string;
  let missions: string;
  let evidence: string;
  const comments: Array<{ kind: string; edited: boolean }> = [];
  const port = () =>
    new LocalGitHub({
      repositoryPath: repo,
      missionsDirectory: missions,
      evidenceDirectory: evidence,
      missionIdFor: async (issue) => (issue === 1 ? "m1" : undefined),
      redact: createRedactor([SECRET]),
      onComment: (event) => comments.push({ kind: event.kind, edited: event.edited }),
    });
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), "missions-local-github-"));
    repo = createFixtureRepo(root, { "README.md": "# Hello\n" }).repo;
    missions = join(repo, ".missions");
    evidence = join(missions, "workspaces", ".evidence");
    comments.length = 0;
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it("reads the repository: its branch and clone path, files at a ref, which branches exist", async () => {
    const github = port();
    expect(await github.repository(REPO)).toMatchObject({ defaultBranch: "main", cloneUrl: repo });
    expect(await github.readFile(REPO, "README.md", "main")).toBe("# Hello\n");
    expect(await github.readFile(REPO, "missing.md")).toBeUndefined();
    expect(await github.branchExists(REPO, "main")).toBe(true);
    expect(await github.branchExists(REPO, "mission/1-x")).toBe(false);
    expect(await github.permission(REPO, "alice")).toBe("write");
    await expect(github.createCommit()).rejects.toThrow(/git push/);
  });

  it("keeps comments as files a person opens, finds its own again after a restart, and redacts them", async () => {
    const github = port();
    const control = await github.postComment(REPO, 1, `Status: planning ${SECRET}\n${controlMarker("m1")}`);
    const contract = await github.postComment(REPO, 1, `## Contract\n\nTo start the work, comment \`/mission approve\`.\n${contractMarker("m1", 1)}{} -->`);
    await github.postComment(REPO, 1, `### Questions\n1. Why?\n${questionsMarker("m1", 0)}`);
    await github.updateComment(REPO, control, `Status: running\n${controlMarker("m1")}`);
    const directory = join(missions, "m1");
    expect(readFileSync(join(directory, "status.md"), "utf8")).toContain("Status: running");
    expect(readFileSync(join(directory, "contract.md"), "utf8")).not.toContain("/mission approve");
    expect(readFileSync(join(directory, "questions.md"), "utf8")).toContain("1. Why?");
    expect(readFileSync(join(directory, "comments", `${control}.md`), "utf8")).not.toContain(SECRET);
    expect(comments).toEqual([
      { kind: "control", edited: false },
      { kind: "contract", edited: false },
      { kind: "questions", edited: false },
      { kind: "control", edited: true },
    ]);
    const again = port();
    expect(await again.findOwnComment(REPO, 1, contractMarker("m1", 1))).toMatchObject({ id: contract });
    expect(await again.findOwnComment(REPO, 2, contractMarker("m1", 1))).toBeUndefined();
    await expect(again.postComment(REPO, 9, "hello")).rejects.toThrow(/no local mission/);
  });

  it("writes a check run as a Markdown and JSON report, with findings by file and line and the user tester's screenshots", async () => {
    const github = port();
    const head = "0123456789abcdef0123456789abcdef01234567";
    mkdirSync(join(evidence, "m1", `M1-${head.slice(0, 12)}`), { recursive: true });
    writeFileSync(join(evidence, "m1", `M1-${head.slice(0, 12)}`, "screenshot-01.png"), "png bytes");
    const name = "Mission user testing · Greetings";
    const id = await github.createCheckRun(REPO, { name, headSha: head, status: "in_progress", title: "Running", summary: "Starting…", externalId: "m1" });
    expect(await github.findCheckRun(REPO, head, name)).toBe(id);
    await github.updateCheckRun(REPO, id, {
      name,
      headSha: head,
      status: "completed",
      conclusion: "failure",
      title: "Milestone M1 — failed",
      summary: `| \`VAL-UI-001\` | ❌ fail | the page says ${SECRET} |`,
      annotations: [{ path: "src/page.ts", startLine: 3, endLine: 5, level: "failure", message: "The button\nis missing" }],
      externalId: "m1",
    });
    const base = join(missions, "m1", "checks", `mission-user-testing-greetings-${id}`);
    const markdown = readFileSync(`${base}.md`, "utf8");
    expect(markdown).toContain("❌ failure");
    expect(markdown).toContain("- **failure** `src/page.ts:3-5`: The button is missing");
    expect(markdown).toContain(`![screenshot-01.png](mission-user-testing-greetings-${id}/screenshot-01.png)`);
    expect(markdown).not.toContain(SECRET);
    expect(readFileSync(join(base, "screenshot-01.png"), "utf8")).toBe("png bytes");
    const json = JSON.parse(readFileSync(`${base}.json`, "utf8"));
    expect(json).toMatchObject({ conclusion: "failure", screenshots: [`mission-user-testing-greetings-${id}/screenshot-01.png`] });
    expect(JSON.stringify(json)).not.toContain(SECRET);
  });

  it("opens the pull request as summary.md, linking check runs to their reports, and finds it after a restart", async () => {
    const github = port();
    const check = await github.createCheckRun(REPO, { name: "Mission scrutiny · Greetings", headSha: "abc", status: "in_progress", title: "Running", summary: "…", externalId: "m1" });
    const pull = await github.createPull(REPO, { title: "Add greetings", head: "mission/1-add-greetings", base: "main", body: "draft", draft: true });
    await github.updatePull(REPO, pull.number, { body: `| pass | fine ([check run](https://github.com/local/repo/runs/${check})) |` });
    await github.markReadyForReview(REPO, pull);
    expect(readFileSync(join(missions, "m1", "summary.md"), "utf8")).toContain(`([check run](checks/mission-scrutiny-greetings-${check}.md))`);
    expect(await port().findOpenPull(REPO, "mission/1-add-greetings")).toMatchObject({ number: pull.number, draft: false });
    expect(await port().findOpenPull(REPO, "mission/2-other")).toBeUndefined();
    await expect(github.createPull(REPO, { title: "x", head: "mission/7-x", base: "main", body: "", draft: true })).rejects.toThrow(/no local mission owns/);
    expect(existsSync(join(missions, "local-github.json"))).toBe(true);
  });
});

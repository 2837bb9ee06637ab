import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { commitsOn } from "../helpers/git.ts";
import { FIXTURE_FILES, GREETING_FILES, GREETING_PLAN, missionResponder } from "../e2e/mission-script.ts";
import { startCliHarness, type CliHarness } from "./cli-harness.ts";

const BRIEF = "# Add greetings\n\nPlease add a greeting and a farewell file.\n";

describe("missions run: a brief becomes a contract, commits on a local branch and reports", () => {
  let cli: CliHarness;
  beforeEach(async () => {
    cli = await startCliHarness(FIXTURE_FILES);
    writeFileSync(join(cli.repo, "BRIEF.md"), BRIEF);
  });
  afterEach(async () => {
    await cli.close();
  });

  it("runs the whole mission with --yes and exits 0 when every assertion passed", async () => {
    cli.models.script(missionResponder({ plans: [GREETING_PLAN], files: GREETING_FILES }));
    const result = await cli.run(["run", "BRIEF.md", "--yes"]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);

    const gitDir = join(cli.repo, ".git");
    const branch = "mission/1-add-greetings";
    const commits = commitsOn(gitDir, branch, "main");
    expect(commits.map((commit) => commit.subject)).toEqual(["Add the greeting file", "Add the farewell file"]);
    expect(commits[0]!.trailers).toEqual({ Mission: "#1", Feature: "F1", Assertions: "VAL-GREET-001", Handoff: "done" });
    expect(commits[1]!.trailers).toEqual({ Mission: "#1", Feature: "F2", Assertions: "VAL-GREET-002", Handoff: "done" });
    // The person's checkout is untouched: still on main, nothing new in its work tree but the ignored .missions/.
    expect(cli.git("symbolic-ref", "--short", "HEAD").trim()).toBe("main");
    expect(cli.git("status", "--porcelain").trim()).toBe("?? BRIEF.md");
    expect(readFileSync(join(gitDir, "info", "exclude"), "utf8")).toContain("/.missions/");

    const [missionId] = readdirSync(join(cli.repo, ".missions")).filter((name) => /^[0-9a-f]{12}$/.test(name));
    const directory = join(cli.repo, ".missions", missionId!);
    const contract = readFileSync(join(directory, "contract.md"), "utf8");
    expect(contract).toContain("Validation contract v1");
    expect(contract).toContain("`VAL-GREET-001`");
    expect(result.stdout).toContain("Validation contract v1");

    // The scrutiny report: per-assertion verdicts with evidence, as Markdown and JSON.
    const checks = readdirSync(join(directory, "checks"));
    const markdown = checks.find((name) => name.startsWith("mission-scrutiny-greetings") && name.endsWith(".md"))!;
    const report = readFileSync(join(directory, "checks", markdown), "utf8");
    expect(report).toContain("✅ success");
    expect(report).toContain("`sh test.sh` | ✅ exit 0");
    expect(report).toContain("`VAL-GREET-002` farewell.txt says goodbye | ✅ pass");
    const json = JSON.parse(readFileSync(join(directory, "checks", markdown.replace(/\.md$/, ".json")), "utf8"));
    expect(json).toMatchObject({ status: "completed", conclusion: "success", headSha: commits.at(-1)!.sha });

    // The summary that would have been the pull request, and the branch to merge.
    const summary = readFileSync(join(directory, "summary.md"), "utf8");
    expect(summary).toMatch(/`VAL-GREET-001` greeting.txt says hello \| ✅ pass/);
    expect(result.stdout).toContain(`Branch to merge: ${branch}`);
    expect(existsSync(join(directory, "status.md"))).toBe(true);
  });
});

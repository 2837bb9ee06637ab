import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { commitsOn } from "../helpers/git.ts";
import { FIXTURE_FILES, GREETING_FILES, GREETING_PLAN, missionResponder } from "../e2e/mission-script.ts";
import { ANTHROPIC_KEY, startCliHarness, type CliHarness } from "./cli-harness.ts";

// Whole missions as child processes: on a loaded 2-core machine longer than the default minute.
describe("missions run: a brief becomes a contract, commits on a local branch and reports", { timeout: 180_000 }, () => {
  let cli: CliHarness;
  beforeEach(async () => {
    cli = await startCliHarness(FIXTURE_FILES);
  });
  afterEach(async () => {
    await cli.close();
  });

  it("runs the whole mission with --yes and exits 0 when every assertion passed", async () => {
    const review = (feature: string) => (feature === "F1" ? [{ path: "greeting.txt", line: 1, severity: "minor" as const, message: "Say hello with a capital H" }] : []);
    cli.models.script(missionResponder({ plans: [GREETING_PLAN], files: GREETING_FILES, review }));
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

    const [missionId] = cli.missionIds();
    const directory = join(cli.repo, ".missions", missionId!);
    // The status file links nowhere on GitHub: the branch and commits by name, the pull request as the summary.
    const status = readFileSync(join(directory, "status.md"), "utf8");
    expect(status).not.toMatch(/https?:\/\/[^)\s]*\/local\//);
    expect(status).toContain("`mission/1-add-greetings`");
    expect(status).toContain("](summary.md)");
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
    // A reviewer's finding, with its file and line, where GitHub would have annotated the diff.
    expect(report).toContain("## Findings");
    expect(report).toMatch(/`greeting.txt:1`.*Say hello with a capital H/);
    expect(json.annotations).toEqual([expect.objectContaining({ path: "greeting.txt", startLine: 1, message: expect.stringContaining("Say hello with a capital H") })]);

    // Progress without a terminal: a plain line per step (the active role and feature, milestones and
    // features done, spend against the budget with the cache share, elapsed time), a line per handoff.
    expect(result.stdout).toMatch(/… worker on F2 Add the farewell file · 0\/1 milestones · 1\/2 features · \$\d+\.\d\d of \$20 \(cache \d+%\) · \d+s\n/);
    expect(result.stdout).toMatch(/✔ F1 Add the greeting file — [0-9a-f]{7} on mission\/\S+ \(done\)\n {2}handoff: Implemented F1: wrote greeting.txt.\n/);
    expect(result.stdout).not.toContain("\x1b[");
    expect(result.stdout).toContain("✅ milestone M1 passed");
    expect(result.stdout).not.toContain("/mission approve");

    // The summary that would have been the pull request, and the branch to merge.
    const summary = readFileSync(join(directory, "summary.md"), "utf8");
    expect(summary).toMatch(/`VAL-GREET-001` greeting.txt says hello \| ✅ pass/);
    expect(summary).toContain(`([check run](checks/${markdown}))`);
    expect(result.stdout).toContain(`Branch to merge: ${branch}`);
    expect(existsSync(join(directory, "status.md"))).toBe(true);
  });
});

describe("missions run in CI: --json, repairs, questions, exit codes", { timeout: 180_000 }, () => {
  let cli: CliHarness;
  beforeEach(async () => {
    cli = await startCliHarness(FIXTURE_FILES);
  });
  afterEach(async () => {
    await cli.close();
  });

  it("streams one JSON object per line, repairs a failed assertion with a commit of its own, and ends with the final verdicts", async () => {
    let round = 0;
    cli.models.script(missionResponder({ plans: [GREETING_PLAN], files: GREETING_FILES, verdict: (id) => (id === "VAL-GREET-002" && round++ === 0 ? "fail" : "pass") }));
    const result = await cli.run(["run", "BRIEF.md", "--yes", "--json", "--budget", "7"]);
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split("\n");
    const events = lines.map((line) => JSON.parse(line) as { event: string; [key: string]: unknown });
    const names = events.map((event) => event.event);
    expect(names[0]).toBe("started");
    expect(events[0]).toMatchObject({ title: "Add greetings", budgetUsd: 7 });
    for (const name of ["planned", "contract", "approved", "feature-committed", "validation", "report", "spend"]) expect(names).toContain(name);
    expect(names.indexOf("contract")).toBeLessThan(names.indexOf("approved"));
    const validations = events.filter((event) => event.event === "validation");
    expect(validations.map((event) => event.passed)).toEqual([false, true]);
    expect(events.filter((event) => event.event === "feature-committed").map((event) => event.title)).toEqual(["Add the greeting file", "Add the farewell file", "Fix VAL-GREET-002"]);
    const finished = events.at(-1)!;
    expect(finished).toMatchObject({ event: "finished", status: "done", exitCode: 0, branch: "mission/1-add-greetings" });
    expect(finished.verdicts).toEqual([
      expect.objectContaining({ assertion: "VAL-GREET-001", verdict: "pass" }),
      expect.objectContaining({ assertion: "VAL-GREET-002", verdict: "pass" }),
    ]);
    const commits = commitsOn(join(cli.repo, ".git"), "mission/1-add-greetings", "main");
    expect(commits.map((commit) => commit.subject)).toEqual(["Add the greeting file", "Add the farewell file", "Fix VAL-GREET-002"]);
    expect(commits[2]!.trailers).toMatchObject({ Mission: "#1", Feature: "F3", Assertions: "VAL-GREET-002" });
  });

  it("stops with exit code 3 and the questions written when nobody is at the terminal; --answers continues it", async () => {
    cli.models.script(missionResponder({ questions: ["Should the farewell be in English?"], plans: [GREETING_PLAN], files: GREETING_FILES }));
    const asked = await cli.run(["run", "BRIEF.md", "--yes"]);
    expect(asked.code).toBe(3);
    const [missionId] = cli.missionIds();
    const questions = readFileSync(join(cli.repo, ".missions", missionId!, "questions.md"), "utf8");
    expect(questions).toContain("1. Should the farewell be in English?");
    expect(questions).toContain(`missions resume ${missionId} --answers`);
    expect(asked.stdout).toContain("Should the farewell be in English?");
    expect(commitsOn(join(cli.repo, ".git"), "mission/1-add-greetings", "main")).toEqual([]);

    writeFileSync(join(cli.repo, "answers.md"), "Yes, English.\n");
    const answered = await cli.run(["resume", "--answers", "answers.md", "--yes"]);
    expect(answered.code).toBe(0);
    // The answer reached the orchestrator as the person's answer.
    const planning = cli.models.calls.filter((call) => call.request.tools.some((tool) => tool.name === "submit_plan"));
    expect(planning.at(-1)!.request.messages[0]!.role === "user" && planning.at(-1)!.request.messages[0]!.text).toContain("Yes, English.");
    expect(commitsOn(join(cli.repo, ".git"), "mission/1-add-greetings", "main")).toHaveLength(2);
  });

  it("exits 3 when the contract waits for approval without a terminal or --yes", async () => {
    cli.models.script(missionResponder({ plans: [GREETING_PLAN], files: GREETING_FILES }));
    const result = await cli.run(["run", "BRIEF.md"]);
    expect(result.code).toBe(3);
    expect(result.stdout).toContain("waits for approval");
  });

  it("names the variables to set and exits 2 when no provider key is configured", async () => {
    const result = await cli.run(["run", "BRIEF.md", "--yes"], { env: { ANTHROPIC_API_KEY: "" } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("ANTHROPIC_API_KEY");
    expect(result.stderr).toContain("OPENAI_API_KEY");
    expect(cli.models.calls).toHaveLength(0);
    // The repository's .env supplies it, as the app's .env does.
    // Only Missions' variables are taken from it: the project's own DATABASE_URL (Prisma's) is not Missions' store.
    writeFileSync(join(cli.repo, ".env"), `ANTHROPIC_API_KEY=${ANTHROPIC_KEY}\nDATABASE_URL=file:./dev.db\n`);
    const listed = await cli.run(["list"], { env: { ANTHROPIC_API_KEY: undefined } });
    expect(listed.stderr).toBe("");
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain("No missions in this repository yet");
    cli.models.script(missionResponder({ plans: [GREETING_PLAN], files: GREETING_FILES }));
    const planned = await cli.run(["run", "BRIEF.md"], { env: { ANTHROPIC_API_KEY: undefined, DATABASE_URL: "sqlite:elsewhere.db" } });
    expect(planned.code).toBe(3);
    expect(existsSync(join(cli.repo, ".missions", "missions.db"))).toBe(true);
    for (const stray of ["file:", "dev.db", "elsewhere.db"]) expect(existsSync(join(cli.repo, stray))).toBe(false);
  });

  it("exits 2 for a missing brief or a bad budget, and explains every command with --help", async () => {
    expect((await cli.run(["run", "NOPE.md", "--yes"])).code).toBe(2);
    const folder = await cli.run(["run", "."]);
    expect(folder.code).toBe(2);
    expect(folder.stderr).toContain(". is not a file");
    writeFileSync(join(cli.repo, "EMPTY.md"), " \n");
    const empty = await cli.run(["run", "EMPTY.md"]);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain("EMPTY.md is empty");
    // A bad --answers file is said at once, before anything runs, not when the questions come.
    const noAnswers = await cli.run(["run", "BRIEF.md", "--answers", "answers.md"]);
    expect(noAnswers.code).toBe(2);
    expect(noAnswers.stderr).toContain("--answers answers.md cannot be read (ENOENT)");
    expect(noAnswers.stderr).not.toMatch(/\n\s+at /);
    writeFileSync(join(cli.repo, "answers.md"), "\n");
    const emptyAnswers = await cli.run(["resume", "--answers", "answers.md"]);
    expect(emptyAnswers.code).toBe(2);
    expect(emptyAnswers.stderr).toContain("--answers answers.md is empty");
    expect(cli.models.calls).toHaveLength(0);
    expect(cli.missionIds()).toEqual([]);
    const badBudget = await cli.run(["run", "BRIEF.md", "--budget", "lots"]);
    expect(badBudget.code).toBe(2);
    expect(badBudget.stderr).toContain("positive number of US dollars");
    // The store's address is MISSIONS_DATABASE_URL: a problem with it names that variable, not the project's DATABASE_URL.
    for (const url of ["mysql://db/missions", "postgres://user:pw@host:notaport/db"]) {
      const badStore = await cli.run(["status"], { env: { MISSIONS_DATABASE_URL: url } });
      expect(badStore.code).toBe(2);
      expect(badStore.stderr).toContain("MISSIONS_DATABASE_URL");
      expect(badStore.stderr.replaceAll("MISSIONS_DATABASE_URL", "")).not.toContain("DATABASE_URL");
    }
    const resumeHelp = await cli.run(["resume", "--help"]);
    expect(resumeHelp.stdout).toContain("--guidance <text>");
    for (const command of ["run", "resume", "status", "list", "abort"]) {
      const help = await cli.run([command, "--help"]);
      expect(help.code).toBe(0);
      expect(help.stdout).toContain(`Usage: missions ${command}`);
      if (command === "run" || command === "resume") expect(help.stdout).toContain("Exit codes: 0 every assertion passed");
    }
    expect((await cli.run(["--help"])).stdout).toMatch(/run \[options\] <brief>/);
  });
});

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { EXIT } from "../../src/cli/exit-codes.ts";
import { missionsDirectoryOf } from "../../src/cli/local-missions.ts";
import { readBrief } from "../../src/cli/read-brief.ts";
import { TerminalOutput } from "../../src/cli/terminal-output.ts";
import { withLocalMissions, type LocalSetup } from "../../src/cli/with-local-missions.ts";
import { readOperatorConfig } from "../../src/config/index.ts";
import { createRedactor } from "../../src/github/index.ts";
import { operatorSecrets } from "../../src/server.ts";
import { startFakeModels, type FakeModels } from "../fakes/models/index.ts";
import { commitsOn } from "../helpers/git.ts";
import { FIXTURE_FILES, GREETING_FILES, GREETING_PLAN, missionResponder } from "../e2e/mission-script.ts";
import { ANTHROPIC_KEY, createFixtureRepo, GREETING_BRIEF } from "./cli-harness.ts";

/** A stream that keeps what is written to it. */
function collector(): Writable & { text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({ write: (chunk, _encoding, done) => (chunks.push(String(chunk)), done()) });
  return Object.assign(stream, { text: () => chunks.join("") });
}

// Whole missions as child processes: on a loaded 2-core machine longer than the default minute.
describe("local missions in-process: the engine, LocalGitHub and the terminal wired as the CLI wires them", { timeout: 180_000 }, () => {
  let models: FakeModels;
  let root: string;
  let repo: string;
  let git: (...args: string[]) => string;
  beforeEach(async () => {
    models = await startFakeModels({ apiKeys: { anthropic: ANTHROPIC_KEY } });
    root = mkdtempSync(join(tmpdir(), "missions-local-"));
    ({ repo, git } = createFixtureRepo(root, FIXTURE_FILES));
  });
  afterEach(async () => {
    await models.close();
    rmSync(root, { recursive: true, force: true });
  });

  function setup(json: boolean) {
    const missions = missionsDirectoryOf(repo);
    const config = readOperatorConfig(
      { PATH: process.env.PATH, HOME: process.env.HOME, ANTHROPIC_API_KEY: ANTHROPIC_KEY, ANTHROPIC_BASE_URL: models.anthropicBaseUrl, MISSIONS_MODEL: "anthropic/claude-sonnet-5-5", DATABASE_URL: `sqlite:${join(missions, "missions.db")}`, MISSIONS_WORKSPACES: join(missions, "workspaces"), LOG_FORMAT: "json" },
      { appDirectory: process.cwd() },
    );
    const stdout = collector();
    const stderr = collector();
    const output = new TerminalOutput({ json, redact: createRedactor(operatorSecrets(config)), interactive: false, stdout, stderr });
    const local: LocalSetup = { root: repo, config, author: "alice", output };
    return { setup: local, stdout, stderr };
  }

  const brief = readBrief(GREETING_BRIEF, "BRIEF.md");

  it("runs a mission to exit 0 with --yes, and a second mission gets the next number and its own branch", async () => {
    models.script(missionResponder({ plans: [GREETING_PLAN], files: GREETING_FILES }));
    const first = setup(true);
    const code = await withLocalMissions(first.setup, { yes: true, json: true }, async (local) => (await local.start(brief, { createdBy: "alice", baseBranch: "main", budgetUsd: 3 })).id);
    expect(code).toBe(EXIT.passed);
    const events = first.stdout.text().trim().split("\n").map((line) => JSON.parse(line) as { event: string; [key: string]: unknown });
    expect(events.at(-1)).toMatchObject({ event: "finished", status: "done", exitCode: 0, branch: "mission/1-add-greetings" });
    expect(events.filter((event) => event.event === "feature-committed")).toHaveLength(2);
    expect(events.find((event) => event.event === "spend")).toMatchObject({ budgetUsd: 3 });
    expect(first.stderr.text()).toBe("");

    models.script(missionResponder({ plans: [GREETING_PLAN], files: GREETING_FILES }));
    const second = setup(false);
    expect(await withLocalMissions(second.setup, { yes: true }, async (local) => (await local.start(brief, { createdBy: "alice", baseBranch: "main" })).id)).toBe(EXIT.passed);
    expect(commitsOn(join(repo, ".git"), "mission/2-add-greetings", "main").map((commit) => commit.trailers.Mission)).toEqual(["#2", "#2"]);
    expect(second.stdout.text()).toContain("Branch to merge: mission/2-add-greetings");
  });

  it("stops for questions with exit 3, and an answers file continues the mission", async () => {
    models.script(missionResponder({ questions: ["Which language?"], plans: [GREETING_PLAN], files: GREETING_FILES }));
    const first = setup(false);
    let missionId = "";
    expect(await withLocalMissions(first.setup, { yes: true }, async (local) => (missionId = (await local.start(brief, { createdBy: "alice", baseBranch: "main" })).id))).toBe(EXIT.needsAnswers);
    expect(readFileSync(join(repo, ".missions", missionId, "questions.md"), "utf8")).toContain("1. Which language?");
    expect(first.stdout.text()).toContain(`missions resume ${missionId} --answers <file>`);

    writeFileSync(join(root, "answers.md"), "English.\n");
    const second = setup(true);
    expect(await withLocalMissions(second.setup, { yes: true, answers: join(root, "answers.md") }, async () => missionId)).toBe(EXIT.passed);
  });

  it("refuses a repository configuration with problems as bad input", async () => {
    writeFileSync(join(repo, ".github", "missions.yml"), "budget: lots\n");
    git("commit", "--quiet", "--all", "-m", "A bad configuration");
    const { setup: local } = setup(false);
    await expect(withLocalMissions(local, { yes: true }, async (missions) => (await missions.start(brief, { createdBy: "alice", baseBranch: "main" })).id)).rejects.toThrow(/\.github\/missions\.yml has problems/);
    expect(models.calls).toHaveLength(0);
  });

  it("refuses a budget above the operator's maximum as bad input", async () => {
    const { setup: local } = setup(false);
    await expect(withLocalMissions(local, { yes: true }, async (missions) => (await missions.start(brief, { createdBy: "alice", baseBranch: "main", budgetUsd: 500 })).id)).rejects.toThrow(/above the maximum of \$100: raise MISSIONS_BUDGET_MAX_USD/);
    expect(models.calls).toHaveLength(0);
  });
});

describe("readBrief", () => {
  it("takes the title from the first heading, else the first line, else the file's name", () => {
    expect(readBrief("Intro\n\n## Add a flag ##\nbody", "b.md").title).toBe("Add a flag");
    expect(readBrief("Just do it\nplease", "b.md").title).toBe("Just do it");
    expect(readBrief("\n\n", "my-brief.md").title).toBe("my-brief");
  });
});

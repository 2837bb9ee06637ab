import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FIXTURE_FILES, GREETING_FILES, GREETING_PLAN, missionResponder } from "../e2e/mission-script.ts";
import { ANTHROPIC_KEY, startCliHarness, type CliHarness } from "./cli-harness.ts";

/** Every file under a directory, as text. */
function allText(directory: string): string {
  let text = "";
  for (const name of readdirSync(directory)) {
    const path = join(directory, name);
    const stat = statSync(path, { throwIfNoEntry: false });
    if (!stat) continue;
    if (stat.isDirectory()) text += allText(path);
    else if (stat.isFile()) text += readFileSync(path).toString("latin1");
  }
  return text;
}

/** The files under a directory whose bytes hold `secret`. */
function filesHolding(directory: string, secret: string): string[] {
  const found: string[] = [];
  for (const name of readdirSync(directory)) {
    const path = join(directory, name);
    const stat = statSync(path, { throwIfNoEntry: false });
    if (stat?.isDirectory()) found.push(...filesHolding(path, secret));
    else if (stat?.isFile() && readFileSync(path).includes(secret)) found.push(path.slice(directory.length + 1));
  }
  return found;
}

// The key is put together when a command runs: no file of the repository holds it, the output does.
const HALVES = [ANTHROPIC_KEY.slice(0, 10), ANTHROPIC_KEY.slice(10)];
const ECHO_KEY = `printf '%s%s\\n' '${HALVES[0]}' '${HALVES[1]}'`;

// Whole missions as child processes: on a loaded 2-core machine longer than the default minute.
describe("local missions keep secrets out of .missions/ and the terminal", { timeout: 360_000 }, () => {
  let cli: CliHarness;
  beforeEach(async () => {
    cli = await startCliHarness({
      ...FIXTURE_FILES,
      // It fails, so its output is shown in the report; no repair round follows.
      "test.sh": `#!/bin/sh\necho "the key is $(${ECHO_KEY})"\nexit 1\n`,
      ".github/missions.yml": "commands:\n  test: sh test.sh\nremediation:\n  rounds: 0\n",
    });
  });
  afterEach(async () => {
    await cli.close();
  });

  it("redacts a provider key that a repository command and a worker print", async () => {
    cli.models.script(missionResponder({ plans: [GREETING_PLAN], files: GREETING_FILES, shell: ECHO_KEY}));
    for (const flags of [[], ["--json"]]) {
      const result = await cli.run(["run", "BRIEF.md", "--yes", ...flags]);
      expect(result.code).toBe(1);
      expect(result.stdout.includes(ANTHROPIC_KEY), "stdout").toBe(false);
      expect(result.stderr.includes(ANTHROPIC_KEY), "stderr").toBe(false);
    }
    // The command's output did reach the report, redacted; so did the model's words.
    const missions = join(cli.repo, ".missions");
    const reports = allText(join(missions, cli.missionIds()[0]!, "checks"));
    expect(reports).toContain("the key is [redacted]");
    expect(filesHolding(missions, ANTHROPIC_KEY)).toEqual([]);
    expect(cli.git("log", "--all", "--format=%B").includes(ANTHROPIC_KEY)).toBe(false);
  });

  it("status and list redact what the store holds (a title or a reason may carry a key)", async () => {
    cli.models.script(missionResponder({ plans: [GREETING_PLAN], files: GREETING_FILES }));
    writeFileSync(join(cli.repo, "KEYED.md"), `# Use the key ${ANTHROPIC_KEY}\n\nAdd a greeting and a farewell file.\n`);
    expect((await cli.run(["run", "KEYED.md"])).code).toBe(3);
    for (const args of [["status"], ["status", "--json"], ["list"], ["list", "--json"]]) {
      const result = await cli.run(args);
      expect(result.code, args.join(" ")).toBe(0);
      expect(result.stdout, args.join(" ")).toContain("Use the key [redacted]");
      expect(result.stdout.includes(ANTHROPIC_KEY), args.join(" ")).toBe(false);
    }
  });
});

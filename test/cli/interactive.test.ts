import { spawn } from "node:child_process";
import { join } from "node:path";
import { stripVTControlCharacters } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { commitsOn } from "../helpers/git.ts";
import { FIXTURE_FILES, GREETING_FILES, GREETING_PLAN, missionResponder } from "../e2e/mission-script.ts";
import { ANTHROPIC_KEY, BIN, startCliHarness, type CliHarness } from "./cli-harness.ts";

const DOWN = "\x1b[B";

/**
 * Runs `missions` in a pseudo-terminal (util-linux `script`), as a person at a terminal would, and
 * answers each prompt when its text appears: `steps` are [text to wait for, keys to type].
 */
function runInTerminal(cli: CliHarness, args: string[], steps: Array<[RegExp, string]>): Promise<{ code: number | null; screen: string }> {
  return new Promise((done, fail) => {
    // A pseudo-terminal starts with no size: give it a person's.
    const command = `stty cols 120 rows 40; exec ${[process.execPath, BIN, ...args].map((part) => `'${part}'`).join(" ")}`;
    const child = spawn("script", ["-qfec", command, "/dev/null"], { cwd: cli.repo, env: { ...cli.env, TERM: "xterm-256color", COLUMNS: "120", LINES: "40" }, stdio: ["pipe", "pipe", "pipe"] });
    let screen = "";
    let seen = 0;
    const pending = [...steps];
    child.stdout.on("data", (chunk: Buffer) => {
      screen += chunk.toString();
      const next = pending[0];
      if (next && next[0].test(screen.slice(seen))) {
        pending.shift();
        seen = screen.length;
        // Typed a moment later, as a person would, once the prompt is listening.
        setTimeout(() => child.stdin.write(next[1]), 300);
      }
    });
    child.stderr.on("data", (chunk: Buffer) => (screen += chunk.toString()));
    child.on("error", fail);
    child.on("close", (code) => done({ code, screen }));
  });
}

// Whole missions as child processes: on a loaded 2-core machine longer than the default minute.
describe("missions run at a terminal: questions, approval, revision or abort at the prompt", { timeout: 180_000 }, () => {
  let cli: CliHarness;
  beforeEach(async () => {
    cli = await startCliHarness(FIXTURE_FILES);
  });
  afterEach(async () => {
    await cli.close();
  });

  it("asks the questions, takes a revision, then an approval, and finishes", async () => {
    // A question that quotes a provider key (read from the environment by a tool) is asked redacted.
    cli.models.script(missionResponder({ questions: [`Should the farewell be in English? (the key is ${ANTHROPIC_KEY})`], plans: [GREETING_PLAN], files: GREETING_FILES }));
    const { code, screen } = await runInTerminal(cli, ["run", "BRIEF.md"], [
      [/Should the farewell be in English\?/, "Yes, in English\r"],
      [/Contract v1: what now\?/, `${DOWN}\r`],
      [/What should change\?/, "Say goodbye politely\r"],
      [/Contract v2: what now\?/, "\r"],
    ]);
    expect(screen).toContain("Branch to merge: mission/1-add-greetings");
    expect(screen).not.toContain(ANTHROPIC_KEY);
    expect(code).toBe(0);
    // Live progress, drawn by cli-progress: a milestones bar beside the active role and feature, a
    // features bar beside the spend against the budget with the cache share and the elapsed time, and
    // the latest handoff under them.
    const plain = stripVTControlCharacters(screen);
    expect(plain).toMatch(/milestones [█░]{24} 0\/1 {3}worker on F2 Add the farewell file/);
    expect(plain).toMatch(/features {3}█{12}░{12} 1\/2 {3}\$\d+\.\d\d of \$20 \(cache \d+%\) · \d+s/);
    expect(plain).toContain("last handoff: F1 done: Implemented F1: wrote greeting.txt.");
    expect(plain).toMatch(/milestones █{24} 1\/1 /);
    // The answer and the feedback reached the orchestrator as the person's words.
    const plans = cli.models.calls.filter((call) => call.request.tools.some((tool) => tool.name === "submit_plan"));
    const last = plans.at(-1)!.request.messages[0]!;
    expect(last.role === "user" && last.text).toContain("Yes, in English");
    expect(last.role === "user" && last.text).toContain("Say goodbye politely");
    expect(commitsOn(join(cli.repo, ".git"), "mission/1-add-greetings", "main")).toHaveLength(2);
  });

  it("aborts at the prompt: exit 1, no worker runs, the mission is aborted", async () => {
    cli.models.script(missionResponder({ plans: [GREETING_PLAN], files: GREETING_FILES }));
    const { code, screen } = await runInTerminal(cli, ["run", "BRIEF.md"], [[/Contract v1: what now\?/, `${DOWN}${DOWN}\r`]]);
    expect(code).toBe(1);
    expect(stripVTControlCharacters(screen)).toContain("The mission is aborted");
    expect(cli.models.calls.some((call) => call.request.tools.some((tool) => tool.name === "submit_handoff"))).toBe(false);
    expect(commitsOn(join(cli.repo, ".git"), "mission/1-add-greetings", "main")).toEqual([]);
    const [missionId] = cli.missionIds();
    const status = await cli.run(["status", missionId!, "--json"]);
    expect(JSON.parse(status.stdout)).toMatchObject({ status: "aborted", featuresDone: 0 });
  });
});

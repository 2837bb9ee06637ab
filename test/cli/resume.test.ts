import { existsSync, renameSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { NormalizedRequest, Reply } from "../fakes/models/index.ts";
import { commitsOn } from "../helpers/git.ts";
import { FIXTURE_FILES, GREETING_FILES, GREETING_PLAN, missionResponder } from "../e2e/mission-script.ts";
import { SqliteMissionStore } from "../../src/store/index.ts";
import { startCliHarness, type CliHarness } from "./cli-harness.ts";

// Whole missions as child processes: on a loaded 2-core machine longer than the default minute.
describe("Ctrl-C stops at the step in flight and missions resume continues", { timeout: 360_000 }, () => {
  let cli: CliHarness;
  beforeEach(async () => {
    cli = await startCliHarness(FIXTURE_FILES);
  });
  afterEach(async () => {
    await cli.close();
  });

  it.each([
    { signal: "SIGINT" as const, code: 130 },
    { signal: "SIGTERM" as const, code: 143 },
  ])("$signal to the process group during a worker exits $code; resume completes the mission with every feature exactly one commit", async ({ signal, code }) => {
    const responder = missionResponder({ plans: [GREETING_PLAN], files: GREETING_FILES });
    let interrupt: (() => void) | undefined;
    let interrupted = false;
    // The second feature's worker is stopped after it wrote its file, while it waits for the model.
    cli.models.script((request: NormalizedRequest): Reply => {
      const first = request.messages[0];
      const isF2Worker = request.tools.some((tool) => tool.name === "submit_handoff") && first?.role === "user" && /^# Feature F2:/m.test(first.text);
      if (isF2Worker && !interrupted && request.messages.length > 1) {
        interrupted = true;
        interrupt!();
        return { hang: true };
      }
      return responder(request);
    });
    const stopped = await cli.run(["run", "BRIEF.md", "--yes", "--json"], { whileRunning: (child) => (interrupt = () => child.killGroup(signal)) });
    expect(interrupted).toBe(true);
    expect(stopped.code).toBe(code);
    const lines = stopped.stdout.trim().split("\n").map((line) => JSON.parse(line) as { event: string });
    expect(lines.at(-1)).toMatchObject({ event: "stopped", exitCode: code });
    expect(stopped.stderr).toContain("Stopping at the step in flight");
    const branch = "mission/1-add-greetings";
    expect(commitsOn(join(cli.repo, ".git"), branch, "main").map((commit) => commit.trailers.Feature)).toEqual(["F1"]);

    const [missionId] = cli.missionIds();
    const status = await cli.run(["status", "--json"]);
    expect(JSON.parse(status.stdout)).toMatchObject({ id: missionId, status: "running", featuresDone: 1, featuresTotal: 2 });

    cli.models.script(responder);
    const resumed = await cli.run(["resume", missionId!]);
    expect(resumed.code).toBe(0);
    const commits = commitsOn(join(cli.repo, ".git"), branch, "main");
    expect(commits.map((commit) => commit.trailers.Feature)).toEqual(["F1", "F2"]);
    expect(resumed.stdout).toContain(`Branch to merge: ${branch}`);

    const listed = await cli.run(["list"]);
    expect(listed.stdout).toMatch(new RegExp(`${missionId}\\s+done\\s+2/2 features`));
  });

  it("after a crash (kill -9) during a worker, resume completes with every feature exactly one commit", async () => {
    const responder = missionResponder({ plans: [GREETING_PLAN], files: GREETING_FILES });
    let kill: (() => void) | undefined;
    let killed = false;
    cli.models.script((request: NormalizedRequest): Reply => {
      const first = request.messages[0];
      if (!killed && request.tools.some((tool) => tool.name === "submit_handoff") && first?.role === "user" && /^# Feature F2:/m.test(first.text)) {
        killed = true;
        kill!();
        return { hang: true };
      }
      return responder(request);
    });
    const crashed = await cli.run(["run", "BRIEF.md", "--yes"], { whileRunning: (child) => (kill = () => child.kill("SIGKILL")) });
    expect(crashed.signal).toBe("SIGKILL");
    cli.models.script(responder);
    const resumed = await cli.run(["resume", "--yes"]);
    expect(resumed.code).toBe(0);
    expect(commitsOn(join(cli.repo, ".git"), "mission/1-add-greetings", "main").map((commit) => commit.trailers.Feature)).toEqual(["F1", "F2"]);
  });

  it("missions abort ends a mission that waits for approval", async () => {
    cli.models.script(missionResponder({ plans: [GREETING_PLAN], files: GREETING_FILES }));
    expect((await cli.run(["run", "BRIEF.md"])).code).toBe(3);
    const [missionId] = cli.missionIds();
    const aborted = await cli.run(["abort", missionId!]);
    expect(aborted.code).toBe(1);
    expect(aborted.stdout).toContain("aborted");
    expect(JSON.parse((await cli.run(["status", missionId!, "--json"])).stdout)).toMatchObject({ status: "aborted" });
    expect(existsSync(join(cli.repo, ".missions", "workspaces", missionId!))).toBe(false);
  });

  it("status and list read the store while another process has it, without model keys; abort there says to stop that process first", async () => {
    cli.models.script(missionResponder({ plans: [GREETING_PLAN], files: GREETING_FILES }));
    expect((await cli.run(["run", "BRIEF.md"])).code).toBe(3);
    const [missionId] = cli.missionIds();
    // A running missions process holds the SQLite store (its lock file).
    const running = new SqliteMissionStore(join(cli.repo, ".missions", "missions.db"));
    try {
      const noKeys = { ANTHROPIC_API_KEY: undefined };
      const status = await cli.run(["status", missionId!, "--json"], { env: noKeys });
      expect(status.stderr).toBe("");
      expect(JSON.parse(status.stdout)).toMatchObject({ id: missionId, status: "awaiting-approval" });
      const listed = await cli.run(["list", "--json"], { env: noKeys });
      expect(listed.code).toBe(0);
      expect(JSON.parse(listed.stdout.trim())).toMatchObject({ id: missionId });
      const aborted = await cli.run(["abort", missionId!], { env: noKeys });
      expect(aborted.code).toBe(2);
      expect(aborted.stderr).toContain("stop it with Ctrl-C there");
      expect(aborted.stderr).toContain("then missions abort again");
      expect(aborted.stderr).not.toContain("missions resume");
    } finally {
      await running.close();
    }
  });

  it("a repository moved or renamed keeps its missions: list shows them and resume finishes one", async () => {
    cli.models.script(missionResponder({ plans: [GREETING_PLAN], files: GREETING_FILES }));
    expect((await cli.run(["run", "BRIEF.md"])).code).toBe(3);
    const [missionId] = cli.missionIds();
    const moved = join(dirname(cli.repo), "renamed");
    renameSync(cli.repo, moved);
    try {
      const listed = await cli.run(["list"], { cwd: moved });
      expect(listed.code).toBe(0);
      expect(listed.stdout).toMatch(new RegExp(`${missionId}\\s+awaiting-approval`));
      const resumed = await cli.run(["resume", "--yes"], { cwd: moved });
      expect(resumed.stderr).toBe("");
      expect(resumed.code).toBe(0);
      expect(commitsOn(join(moved, ".git"), "mission/1-add-greetings", "main").map((commit) => commit.trailers.Feature)).toEqual(["F1", "F2"]);
    } finally {
      renameSync(moved, cli.repo);
    }
  });
});

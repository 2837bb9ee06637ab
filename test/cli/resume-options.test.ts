import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { NormalizedRequest, Reply } from "../fakes/models/index.ts";
import { commitsOn } from "../helpers/git.ts";
import { FIXTURE_FILES, GREETING_FILES, GREETING_PLAN, missionResponder } from "../e2e/mission-script.ts";
import { startCliHarness, type CliHarness } from "./cli-harness.ts";

const HINT = "write greeting.txt in lower case";

// Whole missions as child processes: on a loaded 2-core machine longer than the default minute.
describe("missions resume takes guidance and a new budget", { timeout: 360_000 }, () => {
  let cli: CliHarness;
  beforeEach(async () => {
    cli = await startCliHarness(FIXTURE_FILES);
  });
  afterEach(async () => {
    await cli.close();
  });

  it("a blocked worker's mission says how to pass guidance, and resume --guidance reaches the worker", async () => {
    const responder = missionResponder({ plans: [GREETING_PLAN], files: GREETING_FILES });
    const sawHint = (request: NormalizedRequest) => request.messages.some((message) => message.role === "user" && message.text.includes(HINT));
    cli.models.script((request: NormalizedRequest): Reply => {
      const first = request.messages[0];
      const isF1Worker = request.tools.some((tool) => tool.name === "submit_handoff") && first?.role === "user" && /^# Feature F1:/m.test(first.text);
      if (isF1Worker && !sawHint(request)) {
        return { toolCalls: [{ name: "submit_handoff", arguments: { status: "blocked", summary: "Which case should the greeting use?", completed: [], leftUndone: ["greeting.txt"], commandsRun: [], issuesDiscovered: [], testsWrittenFirst: false } }] };
      }
      return responder(request);
    });
    const blocked = await cli.run(["run", "BRIEF.md", "--yes"]);
    expect(blocked.code).toBe(1);
    const [missionId] = cli.missionIds();
    expect(blocked.stdout).toContain(`missions resume ${missionId} --guidance "<what the workers need to know>"`);
    // A blocked handoff is not a committed feature.
    expect(blocked.stdout).toMatch(/⛔ F1 Add the greeting file — no commit .*\(blocked\)/);
    expect(blocked.stdout).not.toMatch(/✔ F1/);

    // A blocked mission keeps its checkout (resuming is fast); a finished one's is deleted.
    const checkout = join(cli.repo, ".missions", "workspaces", missionId!);
    expect(existsSync(join(checkout, ".git"))).toBe(true);

    const empty = await cli.run(["resume", missionId!, "--guidance", " "]);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain("--guidance is empty");

    const resumed = await cli.run(["resume", missionId!, "--guidance", HINT]);
    expect(resumed.stderr).toBe("");
    expect(resumed.code).toBe(0);
    expect(commitsOn(join(cli.repo, ".git"), "mission/1-add-greetings", "main").map((commit) => commit.trailers.Feature)).toEqual(["F1", "F2"]);
    expect(existsSync(checkout)).toBe(false);
    expect(existsSync(join(cli.repo, ".missions", missionId!, "summary.md"))).toBe(true);
  });

  it("a mission out of its budget continues with resume --budget, without a spurious notice; a budget above the maximum is refused up front", async () => {
    cli.models.script(missionResponder({ plans: [GREETING_PLAN], files: GREETING_FILES }));
    const paused = await cli.run(["run", "BRIEF.md", "--yes", "--budget", "0.001"]);
    expect(paused.code).toBe(1);
    const [missionId] = cli.missionIds();
    expect(paused.stdout).toContain(`missions resume ${missionId} --budget <usd>`);
    expect(JSON.parse((await cli.run(["status", missionId!, "--json"])).stdout)).toMatchObject({ status: "paused" });

    const tooMuch = await cli.run(["resume", missionId!, "--budget", "500"]);
    expect(tooMuch.code).toBe(2);
    expect(tooMuch.stderr).toContain("--budget 500 is above the maximum of $100");
    expect(JSON.parse((await cli.run(["status", missionId!, "--json"])).stdout)).toMatchObject({ status: "paused", budgetUsd: 0.001 });

    const resumed = await cli.run(["resume", missionId!, "--budget", "20", "--yes"]);
    expect(resumed.stderr).toBe("");
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).not.toContain("nothing to resume");
    expect(JSON.parse((await cli.run(["status", missionId!, "--json"])).stdout)).toMatchObject({ status: "done", budgetUsd: 20 });
  });
});

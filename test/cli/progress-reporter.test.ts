import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { nextStep } from "../../src/cli/drive-mission.ts";
import { ProgressReporter } from "../../src/cli/progress-reporter.ts";
import { TerminalOutput } from "../../src/cli/terminal-output.ts";
import type { MissionStore } from "../../src/store/index.ts";
import { runningMission } from "../mission/fixtures.ts";

function reporterOn(mission: ReturnType<typeof runningMission>, json: boolean) {
  const stdout = new PassThrough();
  let text = "";
  stdout.on("data", (chunk: Buffer) => (text += chunk.toString()));
  const output = new TerminalOutput({ json, redact: (value) => value, interactive: false, stdout, stderr: new PassThrough() });
  const reporter = new ProgressReporter({ output, repositoryPath: "/repo" });
  const store = { getMission: async () => mission, usageTotals: async () => ({ usd: 0.5, inputTokens: 0, cacheReadTokens: 0, calls: 1 }) } as unknown as MissionStore;
  reporter.attach(store);
  return { reporter, text: () => text };
}

describe("progress on the terminal", () => {
  it("marks a blocked handoff as blocked, not as a committed feature", async () => {
    const { reporter, text } = reporterOn(runningMission(), false);
    reporter.storeChanged({ kind: "event", event: { missionId: "m1", kind: "handoff-submit", at: "", data: { feature: "F1", status: "blocked", summary: "Which case?" } } });
    reporter.storeChanged({ kind: "event", event: { missionId: "m1", kind: "handoff-submit", at: "", data: { feature: "F2", status: "done", commit: "abcdef0123", summary: "Did it." } } });
    await reporter.flushed();
    expect(text()).toContain("⛔ F1 One — no commit on mission/7-do-things (blocked)");
    expect(text()).toContain("✔ F2 Two — abcdef0 on mission/7-do-things (done)");
  });

  it("counts elapsed time from the mission's creation, also in a later process (missions resume)", async () => {
    const createdAt = new Date(Date.now() - 3_600_000).toISOString();
    const { reporter, text } = reporterOn(runningMission({ createdAt }), true);
    reporter.storeChanged({ kind: "event", event: { missionId: "m1", kind: "step-end", at: "", data: {} } });
    await reporter.flushed();
    const spend = JSON.parse(text().trim().split("\n").at(-1)!) as { event: string; elapsedMs: number };
    expect(spend.event).toBe("spend");
    expect(spend.elapsedMs).toBeGreaterThanOrEqual(3_600_000);
  });
});

describe("the last line of a run names the next step", () => {
  it("an unfinished mission after the engine stopped: missions resume and the log", () => {
    const line = nextStep(runningMission({ id: "abc123abc123" }));
    expect(line).toContain("missions resume abc123abc123");
    expect(line).toContain(".missions/missions.log");
  });

  it("a blocked mission: resume with guidance, or abort", () => {
    const line = nextStep(runningMission({ id: "abc123abc123", status: "blocked", reason: "the worker on F1 is blocked" }));
    expect(line).toContain('missions resume abc123abc123 --guidance "<what the workers need to know>"');
    expect(line).toContain("missions abort abc123abc123");
  });

  it("a budget pause: resume with a budget; a finished mission: no resume", () => {
    expect(nextStep(runningMission({ id: "abc123abc123", status: "paused", pauseCause: "budget" }))).toContain("missions resume abc123abc123 --budget <usd>");
    expect(nextStep(runningMission({ status: "done" }))).toBe("Branch to merge: mission/7-do-things");
    expect(nextStep(runningMission({ status: "failed", reason: "x" }))).not.toContain("missions resume");
  });
});

import { describe, expect, it } from "vitest";
import { applyIntent, blockOnStep, nextStep, pauseForBudget, pauseForHost, pauseForOutage } from "../../src/mission/index.ts";
import { awaitingApproval, intent } from "./fixtures.ts";

const running = () => ({ ...applyIntent(awaitingApproval(), intent("approve"), "2026-01-01T12:00:00.000Z", { maxBudgetUsd: 10 }), branch: "mission/7-do-things" });

describe("pauseForBudget", () => {
  it("pauses for the budget and says what was spent and how to go on", () => {
    const next = pauseForBudget(running(), { spentUsd: 4.5, capUsd: 5, nextCallUsd: 0.75, maxUsd: 50 });
    expect(next).toMatchObject({ status: "paused", pausedFrom: "running", pauseCause: "budget", reason: "budget reached ($4.50 of $5.00)" });
    expect(next.notices).toEqual([{ key: "budget-0", body: expect.stringContaining("### 💸 Mission paused: budget reached") }]);
    expect(next.notices[0]!.body).toContain("$4.50 of the $5.00 budget is spent, and the next model call could cost up to $0.75.");
    expect(next.notices[0]!.body).toContain("Comment `/mission budget <usd>` (at most $50.00)");
    expect(nextStep(next)).toEqual({ kind: "post-notice", key: "budget-0" });
  });

  it("goes on where it stopped once a person raises the budget, as the notice says", () => {
    const paused = pauseForBudget(running(), { spentUsd: 4.5, capUsd: 5, nextCallUsd: 0.75, maxUsd: 50 });
    const resumed = applyIntent(paused, intent("budget", "20"), "2026-01-01T13:00:00.000Z", { maxBudgetUsd: 50 });
    expect(resumed).toMatchObject({ status: "running", pauseCause: undefined, settings: { budgetUsd: 20 } });
  });
});

describe("pauseForHost", () => {
  it("pauses for the operator with the host's message, naming what is missing", () => {
    const sandbox = pauseForHost(running(), { host: "sandbox", message: "The sandbox could not start: no bubblewrap. Install it, then comment `/mission resume`." });
    expect(sandbox).toMatchObject({ status: "paused", pausedFrom: "running", pauseCause: "host", reason: "the sandbox cannot start on the app's host" });
    expect(sandbox.notices).toEqual([
      { key: "sandbox-0", body: "### ⏸️ Mission paused: no sandbox\n\nThe sandbox could not start: no bubblewrap. Install it, then comment `/mission resume`." },
    ]);
    const browser = pauseForHost(running(), { host: "browser", message: "No Chromium." });
    expect(browser.reason).toBe("the app's host cannot run the user-testing browser");
    expect(browser.notices[0]!.body).toBe("### ⏸️ Mission paused: no browser\n\nNo Chromium.");
  });

  it("keeps the count of failures in a row", () => {
    expect(pauseForHost({ ...running(), stepFailures: 2 }, { host: "sandbox", message: "m" }).stepFailures).toBe(2);
  });
});

describe("pauseForOutage", () => {
  it("pauses after the retries, shows the error and says to resume", () => {
    const next = pauseForOutage({ ...running(), stepFailures: 3 }, { step: { kind: "implement", featureId: "F1" }, message: "503 Service Unavailable", retries: 3 });
    expect(next).toMatchObject({ status: "paused", pausedFrom: "running", pauseCause: "outage", reason: "implementing F1 failed", stepFailures: 0 });
    expect(next.notices).toEqual([
      {
        key: "step-implement-0",
        body: [
          "### ⏸️ Mission paused: implementing F1 failed",
          "",
          "```",
          "503 Service Unavailable",
          "```",
          "",
          "This looks like an outage that outlasted 3 retries. Comment `/mission resume` when it is over; nothing is lost.",
        ].join("\n"),
      },
    ]);
    expect(applyIntent(next, intent("resume"), "2026-01-01T13:00:00.000Z", { maxBudgetUsd: 10 }).status).toBe("running");
  });
});

describe("blockOnStep", () => {
  it("blocks, shows the error and offers retry or abort", () => {
    const next = blockOnStep({ ...running(), stepFailures: 1 }, { step: { kind: "validate", milestoneId: "M1" }, message: "boom" });
    expect(next).toMatchObject({ status: "blocked", pausedFrom: "running", reason: "validating milestone M1 failed", stepFailures: 0 });
    expect(next.pauseCause).toBeUndefined();
    expect(next.notices[0]).toEqual({ key: "step-validate-0", body: expect.stringMatching(/^### ⛔ Mission blocked: validating milestone M1 failed\n\n```\nboom\n```\n\n/) });
    expect(next.notices[0]!.body).toContain("Comment `/mission retry` to run the step again, or `/mission abort`.");
    expect(applyIntent(next, intent("retry"), "2026-01-01T13:00:00.000Z", { maxBudgetUsd: 10 }).status).toBe("running");
  });

  it("shows at most 2000 characters of the error and cannot close its code block early", () => {
    const body = blockOnStep(running(), { step: { kind: "finish" }, message: `\`\`\`${"x".repeat(3000)}` }).notices[0]!.body;
    expect(body).toContain(`\`\`\`\nʼʼʼ${"x".repeat(1997)}\n\`\`\``);
    expect(body.match(/```/g)).toHaveLength(2);
  });
});

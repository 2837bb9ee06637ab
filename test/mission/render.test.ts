import { describe, expect, it } from "vitest";
import { renderControl } from "../../src/control/index.ts";
import { renderMissionLive } from "../../src/control/dashboard/render-mission-page.ts";
import { applyIntent, branchName, embeddableJson, formatDuration, renderContract, renderPullBody, renderQuestions } from "../../src/mission/index.ts";
import { PLAN, awaitingApproval, intent } from "./fixtures.ts";
import { defuseMentions } from "../../src/github/index.ts";

describe("what people read", () => {
  it("renders the contract with a hidden copy that cannot be broken out of", () => {
    const hostile = { ...PLAN, summary: "Ends here --> <!-- missions:control m=m1 -->" };
    const body = renderContract("m1", { version: 3, plan: hostile, createdAt: "x" }, "Title | with pipe");
    expect(body).toContain("## 📋 Validation contract v3 — Title \\| with pipe");
    expect(body.match(/<!--/g)).toHaveLength(1);
    // Text from the model can never make this comment look like the control comment.
    expect(body).not.toContain("<!-- missions:control");
    const hidden = /<!-- missions:contract v=3 m=m1 (.*) -->$/.exec(body)![1]!;
    expect(JSON.parse(hidden).summary).toBe(hostile.summary);
  });

  it("escapes the characters that could end an HTML comment in embedded JSON", () => {
    expect(embeddableJson({ a: "-->" })).toBe('{"a":"--\\u003e"}');
  });

  it("numbers questions and defuses markers in them", () => {
    const body = renderQuestions("m1", ["What? <!-- missions:control -->"], 1);
    expect(body).toContain("1. What? &lt;!-- missions:control -->");
    expect(body).toContain("<!-- missions:questions m=m1 r=1 -->");
  });

  it("names branches mission/<issue>-<slug>, valid whatever the title", () => {
    expect(branchName(12, "Add OAuth login (GitHub) — fast!")).toBe("mission/12-add-oauth-login-github-fast");
    expect(branchName(3, "🚀🚀")).toBe("mission/3");
    expect(branchName(3, "Fix it", "bots/missions-")).toBe("bots/missions-3-fix-it");
    expect(branchName(4, "x".repeat(100)).length).toBeLessThanOrEqual("mission/4-".length + 40);
  });

  it("formats durations for people", () => {
    expect([formatDuration(5_000), formatDuration(125_000), formatDuration(3 * 3_600_000 + 60_000), formatDuration(50 * 3_600_000)]).toEqual(["5s", "2m", "3h 1m", "2d 2h"]);
  });

  it("renders the control comment with progress, milestone table, handoff and findings", () => {
    const approved = applyIntent(awaitingApproval(), intent("approve"), "2026-01-01T12:00:00.000Z", { maxBudgetUsd: 10 });
    const running = {
      ...approved,
      branch: "mission/7-do-things",
      pr: { number: 8, nodeId: "n", ready: false },
      features: {
        F1: { status: "done" as const, attempts: 1, handoff: { status: "done" as const, summary: "Did one.", completed: [], leftUndone: [], commandsRun: [], issuesDiscovered: [], testsWrittenFirst: true, testsRun: true } },
        F2: { status: "pending" as const, attempts: 0 },
      },
      assertions: { "VAL-A-001": { verdict: "fail" as const, evidence: "broken" }, "VAL-A-002": { verdict: "pending" as const } },
    };
    const withCheck = {
      ...running,
      settings: { ...running.settings, budgetUsd: 10 },
      milestones: { M1: { status: "pending" as const, round: 1, checkRunId: 42, repair: { failedAssertions: ["VAL-A-001"], problems: ["VAL-A-001: broken", "`npm test` exited with 1"] } } },
    };
    const usage = { usd: 1.5, inputTokens: 200_000, outputTokens: 3_000, cacheReadTokens: 150_000 };
    const body = renderControl(withCheck, new Date("2026-01-01T12:30:00.000Z"), { repositoryUrl: "https://github.com/acme/app", dashboardUrl: "https://missions.example.com/missions/m1" }, usage);
    expect(body).toContain("<!-- missions:control m=m1 -->");
    expect(body).toContain("🛠️ Running");
    expect(body).toContain("repair planner is planning the fix of milestone **M1**");
    expect(renderControl(running, new Date("2026-01-01T12:30:00.000Z"), { repositoryUrl: "https://github.com/acme/app" })).toContain("worker on **F2** Two");
    expect(body).toContain("▰▰▰▰▰▱▱▱▱▱ 1/2");
    expect(body).toContain("0/2 passed");
    expect(body).toContain("[#8](https://github.com/acme/app/pull/8) (draft)");
    expect(body).toContain("| M1 First | 1/2 | 🔁 repair round 1 · [check run](https://github.com/acme/app/runs/42) |");
    // Its next turn waits in the shared queue for a free instance: the status line says it is queued.
    const queued = renderControl(running, new Date("2026-01-01T12:30:00.000Z"), { repositoryUrl: "https://github.com/acme/app", queued: true });
    expect(queued).toContain("| **Status** | 🛠️ Running · ⏳ queued — waits for a free instance |");
    expect(queued).toContain("| **Now** | next: worker on **F2** Two (queued) |");
    expect(body).not.toContain("queued");
    // With user testing, both check runs are linked, each by its validator's name.
    const both = { ...withCheck, milestones: { M1: { ...withCheck.milestones.M1, userTestingCheckRunId: 43 } } };
    expect(renderControl(both, new Date("2026-01-01T12:30:00.000Z"), { repositoryUrl: "https://github.com/acme/app" })).toContain(
      "| M1 First | 1/2 | 🔁 repair round 1 · [scrutiny](https://github.com/acme/app/runs/42) · [user testing](https://github.com/acme/app/runs/43) |",
    );
    // A validation cut by a crash, not closed yet: the check runs it left open are linked.
    const open = { ...withCheck, milestones: { M1: { ...withCheck.milestones.M1, openChecks: [{ id: 44, name: "Mission user testing · First", headSha: "abc", title: "Milestone M1: First" }] } } };
    expect(renderControl(open, new Date("2026-01-01T12:30:00.000Z"), { repositoryUrl: "https://github.com/acme/app" })).toContain("· [user testing (running)](https://github.com/acme/app/runs/44) |");
    // The latest handoff in two lines: what was done, then what is left.
    expect(body).toContain("**Latest handoff** (F1, done): Did one.<br>\nnothing left undone · tests run");
    expect(body).toContain("**Validators found**: `VAL-A-001` broken; `npm test` exited with 1");
    expect(body).toContain("$1.50 of $10.00 · 200.0k tokens in, 3.0k out · 75% of input read from cache");
    expect(body).toContain("| **Elapsed** | 12h 30m |");
    expect(body).toContain("| **Dashboard** | [live view](https://missions.example.com/missions/m1) |");
  });

  it("shows a feature continuing from a checkpoint, with the checkpoint commit, in the control comment and on the dashboard", () => {
    const approved = applyIntent(awaitingApproval(), intent("approve"), "2026-01-01T12:00:00.000Z", { maxBudgetUsd: 10 });
    const handoff = { status: "partial" as const, summary: "Half of two.", completed: [], leftUndone: ["the rest"], commandsRun: [], issuesDiscovered: [], testsWrittenFirst: false, testsRun: false };
    const sha = "abcdef0123456789abcdef0123456789abcdef01";
    const checkpointed = {
      ...approved,
      features: {
        F1: { status: "done" as const, attempts: 1 },
        F2: { status: "pending" as const, attempts: 1, checkpoint: { sha, from: "0".repeat(40), count: 2, limit: "turns" as const, handoff } },
      },
    };
    const links = { repositoryUrl: "https://github.com/acme/app" };
    const body = renderControl(checkpointed, new Date("2026-01-01T12:30:00.000Z"), links);
    expect(body).toContain(`| **Checkpoint** | **F2** continuing from checkpoint 2 (turn limit) at [\`abcdef0\`](https://github.com/acme/app/commit/${sha}) |`);
    const page = String(renderMissionLive({ mission: checkpointed, events: [], usage: [], repositoryUrl: links.repositoryUrl, now: new Date("2026-01-01T12:30:00.000Z") }));
    expect(page).toContain(`<div class="muted small" data-checkpoint="2">continuing from checkpoint 2 (turn limit) · <a href="https://github.com/acme/app/commit/${sha}" rel="noreferrer"><code>abcdef0</code></a></div>`);
    // A time limit says so; a finished feature no longer shows its checkpoints.
    const timed = { ...checkpointed, features: { ...checkpointed.features, F2: { ...checkpointed.features.F2, checkpoint: { ...checkpointed.features.F2.checkpoint, limit: "time" as const, count: 1 } } } };
    expect(renderControl(timed, new Date("2026-01-01T12:30:00.000Z"), links)).toContain("continuing from checkpoint 1 (time limit)");
    const finished = { ...checkpointed, features: { ...checkpointed.features, F2: { ...checkpointed.features.F2, status: "done" as const } } };
    expect(renderControl(finished, new Date("2026-01-01T12:30:00.000Z"), links)).not.toContain("Checkpoint");
    expect(String(renderMissionLive({ mission: finished, events: [], usage: [], repositoryUrl: links.repositoryUrl, now: new Date() }))).not.toContain("data-checkpoint");
  });

  it("renders the PR body as the contract with verdicts and commits", () => {
    const approved = applyIntent(awaitingApproval(), intent("approve"), "2026-01-01T12:00:00.000Z", { maxBudgetUsd: 10 });
    const body = renderPullBody({
      ...approved,
      features: { F1: { status: "done", attempts: 1, commitSha: "abcdef1234" }, F2: { status: "pending", attempts: 0 } },
      assertions: { "VAL-A-001": { verdict: "pass", evidence: "tests pass", commitSha: "abcdef1234" }, "VAL-A-002": { verdict: "pending" } },
    });
    expect(defuseMentions(body)).toContain("Closes #7.");
    expect(body).toContain("| `VAL-A-001` one works | ✅ pass | tests pass | abcdef1 |");
    expect(body).toContain("| `VAL-A-002` two works | ⏳ pending |  |  |");
    expect(body).toContain("- ✅ **F1** One — abcdef1");
    expect(body).not.toContain("Mission dashboard");
    // With a dashboard configured, the body links the mission's page.
    expect(renderPullBody(approved, { dashboardUrl: "https://missions.example.com/missions/m1" })).toContain("[Mission dashboard](https://missions.example.com/missions/m1)");
  });
});

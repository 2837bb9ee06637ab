import { describe, expect, it } from "vitest";
import { renderText } from "../../src/control/dashboard/evidence.ts";
import { html, renderPage, trusted } from "../../src/control/dashboard/html.ts";
import { attentionRank, describeNow } from "../../src/control/dashboard/now.ts";
import { renderChart } from "../../src/control/dashboard/render-chart.ts";
import { renderMissionRows } from "../../src/control/dashboard/render-mission-list.ts";
import { burnRate, renderMissionLive, type MissionView } from "../../src/control/dashboard/render-mission-page.ts";
import { safeReturnPath } from "../../src/control/dashboard/return-path.ts";
import { relative } from "../../src/control/dashboard/time.ts";
import type { MissionEvent, MissionSummary, UsageEntry } from "../../src/store/index.ts";
import { awaitingApproval, runningMission } from "../mission/fixtures.ts";

const ISSUE = "https://github.example/acme/app/issues/7";
const NOW = new Date("2026-01-01T12:00:00.000Z");
const HOSTILE = `<img src=x onerror="alert(1)"> & 'quotes'`;

function usage(at: string, usd: number, role = "worker"): UsageEntry {
  return { missionId: "m1", role, model: "anthropic/test", inputTokens: 100, outputTokens: 10, cacheReadTokens: 0, cacheWriteTokens: 0, usd, latencyMs: 1, retries: 0, at };
}

function view(overrides: Partial<MissionView> = {}): MissionView {
  return { mission: runningMission(), events: [], usage: [], repositoryUrl: "https://github.example/acme/app", now: NOW, ...overrides };
}

describe("the dashboard's templates", () => {
  it("escape every value put into them, in text and in attributes, and leave nested markup alone", () => {
    const markup = html`<p title="${HOSTILE}">${HOSTILE}${[html`<b>${HOSTILE}</b>`, 3]}${undefined}${false}</p>`.toString();
    expect(markup).toBe(`<p title="&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; &#39;quotes&#39;">&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; &#39;quotes&#39;<b>&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; &#39;quotes&#39;</b>3</p>`);
    const page = renderPage({ title: HOSTILE, nonce: "abc", body: html`<h1>${HOSTILE}</h1>`, script: "run()" });
    expect(page).not.toContain("<img");
    expect(page).toContain(`<script nonce="abc">run()</script>`);
    expect(page).toContain(`<style nonce="abc">`);
  });

  it("render a mission's texts escaped wherever they appear: title, feature, handoff, evidence, reason", () => {
    const mission = runningMission({
      reason: HOSTILE,
      features: { F1: { status: "done", attempts: 1, handoff: { status: "done", summary: HOSTILE, completed: [], leftUndone: [HOSTILE], commandsRun: [], issuesDiscovered: [], testsRun: false, testsWrittenFirst: false } as never }, F2: { status: "pending", attempts: 0 } },
      assertions: { "VAL-A-001": { verdict: "fail", evidence: HOSTILE }, "VAL-A-002": { verdict: "pending" } },
    });
    const markup = renderMissionLive(view({ mission, events: [{ missionId: "m1", kind: HOSTILE, at: NOW.toISOString(), data: { kind: HOSTILE } } as MissionEvent] })).toString();
    expect(markup).not.toMatch(/<img/);
    expect(markup).toContain("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;");
  });

  it("keep evidence's formatting: line breaks and code spans, never literal backticks or raw HTML", () => {
    const rendered = renderText("Ran `npm test`:\nall 12 passed\n\n- one\n- two <script>alert(1)</script> [x](javascript:alert(1))").toString();
    expect(rendered).toContain("<code>npm test</code>");
    expect(rendered).not.toContain("`");
    expect(rendered).toContain("<br>");
    expect(rendered).toContain("<li>one</li>");
    expect(rendered).not.toContain("<script>");
    expect(rendered).not.toContain('href="javascript:');
  });

  it("keep the app's own markup as it is only when it says so", () => {
    expect(html`${trusted("<b>x</b>")}${"<b>x</b>"}`.toString()).toBe("<b>x</b>&lt;b&gt;x&lt;/b&gt;");
  });
});

describe("Now and Needs you", () => {
  it("for a contract awaiting approval: the command, who may give it, and the contract's link", () => {
    const state = describeNow(awaitingApproval(), [], ISSUE);
    expect(state.tone).toBe("people");
    const action = state.action!.what.toString();
    expect(action).toContain(`href="${ISSUE}#issuecomment-2"`);
    expect(action).toContain("<code>/mission approve</code>");
    expect(state.action!.who).toBe("a maintainer with write access to the repository");
    expect(state.since).toBe("2026-01-01T10:00:00.000Z");
    const banner = renderMissionLive(view({ mission: awaitingApproval() })).toString().replace(/<[^>]+>/g, "");
    expect(banner).toContain("Who can act: a maintainer with write access to the repository");
  });

  it("for a running worker: its feature, and since when its step runs (its first start, across retries)", () => {
    const events: MissionEvent[] = [
      { missionId: "m1", kind: "step-end", at: "2026-01-01T11:00:00.000Z", data: { kind: "choose-branch" } },
      { missionId: "m1", kind: "step-start", at: "2026-01-01T11:01:00.000Z", data: { kind: "implement", featureId: "F1" } },
      { missionId: "m1", kind: "step-fail", at: "2026-01-01T11:02:00.000Z", data: { kind: "implement", featureId: "F1" } },
      { missionId: "m1", kind: "step-start", at: "2026-01-01T11:03:00.000Z", data: { kind: "implement", featureId: "F1" } },
    ];
    const state = describeNow(runningMission(), events, ISSUE);
    expect(state).toMatchObject({ tone: "active", featureId: "F1", since: "2026-01-01T11:01:00.000Z" });
    expect(state.headline).toBe("Worker on F1 One (milestone M1)");
    const markup = renderMissionLive(view({ events })).toString();
    expect(markup).toMatch(/<tr data-feature="F1">.*in progress/);
    expect(markup).toMatch(/for <time[^>]*>59 min<\/time> \(since 11:01 UTC\)/);
  });

  it("a working mission whose turn waits in the shared queue says Queued, and what it does next; one waiting for people does not", () => {
    const state = describeNow(runningMission(), [], ISSUE, { queued: true });
    expect(state).toMatchObject({ tone: "active", queued: true });
    expect(state.featureId).toBeUndefined();
    expect(state.headline).toBe("Queued — waits for a free instance; next: Worker on F1 One (milestone M1)");
    const markup = renderMissionLive(view({ queued: true })).toString();
    expect(markup).toMatch(/data-now="active" data-queued[^>]*>\s*<div class="now-label">Queued<\/div>/);
    // Nothing runs while it waits: no feature is "in progress".
    expect(markup).not.toMatch(/<tr data-feature="F1">.*in progress/);
    expect(renderMissionLive(view()).toString()).not.toContain("data-queued");
    expect(describeNow(awaitingApproval(), [], ISSUE, { queued: true }).queued).toBeUndefined();
    const row = { id: "m1", owner: "acme", repo: "app", issue: 7, title: "t", status: "running", featuresDone: 0, featuresTotal: 2, spentUsd: 0, createdAt: NOW.toISOString(), updatedAt: NOW.toISOString() } satisfies MissionSummary;
    const list = renderMissionRows([{ ...row, now: state }], {}, { page: 1, hasNext: false }, NOW).toString();
    expect(list).toMatch(/<span class="now-text tone-active" data-queued>Queued — waits for a free instance; next: Worker on F1/);
  });

  it("during validation: which validators run", () => {
    const mission = runningMission({ features: { F1: { status: "done", attempts: 1 }, F2: { status: "done", attempts: 1 } } });
    const state = describeNow(mission, [], ISSUE);
    expect(state.headline).toBe("Validating milestone M1: scrutiny running");
    expect(renderMissionLive(view({ mission })).toString()).toContain('data-validating>Validating milestone M1: scrutiny running.');
  });

  it("links both validators' check runs: the recorded ones when validation finished, the open ones while it runs", () => {
    const features = { F1: { status: "done", attempts: 1 }, F2: { status: "done", attempts: 1 } } as const;
    const running = runningMission({
      features,
      milestones: { M1: { status: "pending", round: 0, openChecks: [{ id: 81, name: "Mission scrutiny · One", headSha: "abc", title: "t" }, { id: 82, name: "Mission user testing · One", headSha: "abc", title: "t" }] } },
    });
    const open = renderMissionLive(view({ mission: running })).toString();
    expect(open).toContain('<a href="https://github.example/acme/app/runs/81" rel="noreferrer">scrutiny (running) check run</a>');
    expect(open).toContain('<a href="https://github.example/acme/app/runs/82" rel="noreferrer">user testing (running) check run</a>');
    const finished = runningMission({ features, milestones: { M1: { status: "passed", round: 0, checkRunId: 91, userTestingCheckRunId: 92 } } });
    const done = renderMissionLive(view({ mission: finished })).toString();
    expect(done).toContain('<a href="https://github.example/acme/app/runs/91" rel="noreferrer">scrutiny check run</a>');
    expect(done).toContain('<a href="https://github.example/acme/app/runs/92" rel="noreferrer">user testing check run</a>');
    expect(done).not.toContain("(running)");
  });

  it("during validation: names the code reviewers running beside scrutiny, with how many features they review", () => {
    const mission = runningMission({ features: { F1: { status: "done", attempts: 1, commitSha: "a1" }, F2: { status: "done", attempts: 1, commitSha: "b2" } } });
    expect(describeNow(mission, [], ISSUE).headline).toBe("Validating milestone M1: scrutiny and code review of 2 features running");
    const oneLeft = runningMission({ features: { F1: { status: "done", attempts: 1, commitSha: "a1", reviewed: true }, F2: { status: "done", attempts: 1, commitSha: "b2" } } });
    expect(describeNow(oneLeft, [], ISSUE).headline).toBe("Validating milestone M1: scrutiny and code review of 1 feature running");
  });

  it("while a failed milestone's repair is planned: names the repair planner, the role that does it", () => {
    const mission = runningMission({
      features: { F1: { status: "done", attempts: 1 }, F2: { status: "done", attempts: 1 } },
      milestones: { M1: { status: "pending", round: 1, repair: { failedAssertions: ["VAL-A-001"], problems: [] } } },
    });
    expect(describeNow(mission, [], ISSUE).headline).toBe("The repair planner is planning the repair of milestone M1");
  });

  it("puts validators on the timeline in words for people, and a validation that stopped with what became of its check runs", () => {
    const at = (minute: number) => new Date(NOW.getTime() - (10 - minute) * 60_000).toISOString();
    const events = [
      { missionId: "m1", kind: "step-start", at: at(1), data: { kind: "choose-branch" } },
      { missionId: "m1", kind: "step-end", at: at(2), data: { kind: "choose-branch", ms: 1000 } },
      { missionId: "m1", kind: "validator-start", at: at(3), data: { validator: "user-testing", milestone: "M1" } },
      { missionId: "m1", kind: "validator-end", at: at(4), data: { validator: "user-testing", milestone: "M1", outcome: "stopped", message: "no browser" } },
      { missionId: "m1", kind: "validator-end", at: at(4), data: { validator: "reviewer", milestone: "M1", feature: "F1", outcome: "ended" } },
      { missionId: "m1", kind: "validation-stop", at: at(5), data: { milestone: "M1", status: "paused", message: "the browser could not start", checkRuns: [71, 72] } },
      { missionId: "m1", kind: "status-change", at: at(5), data: { from: "running", to: "paused", cause: "sandbox" } },
    ] as MissionEvent[];
    const text = renderMissionLive(view({ events })).toString().replace(/<[^>]+>/g, "");
    expect(text).toContain("finished choosing the branch");
    expect(text).toContain("user testing started on milestone M1");
    expect(text).toContain("user testing on milestone M1 stopped: no browser");
    expect(text).toContain("code review on F1 finished");
    expect(text).toContain("validation of M1 stopped (mission paused): the browser could not start; its open check runs were closed (check run 71, check run 72)");
    // Each stopped check run is linked.
    const markup = renderMissionLive(view({ events })).toString();
    expect(markup).toContain('<a href="https://github.example/acme/app/runs/71" rel="noreferrer">check run 71</a>');
    expect(markup).toContain('<a href="https://github.example/acme/app/runs/72" rel="noreferrer">check run 72</a>');
    expect(text).toContain("mission running → paused (sandbox)");
    expect(text).not.toMatch(/validator start|validation stop|status change|choose-branch/);
  });

  it("names who made each run of tool calls: the worker, the researchers it started (counted apart though their calls interleave), the orchestrator, a validator", () => {
    const at = (second: number) => new Date(NOW.getTime() - (60 - second) * 1000).toISOString();
    const call = (second: number, data: Record<string, unknown>) => ({ missionId: "m1", kind: "tool-call", at: at(second), data });
    const events = [
      call(1, { role: "orchestrator", tool: "research" }),
      call(2, { role: "researcher", tool: "grep" }),
      { missionId: "m1", kind: "step-end", at: at(3), data: { kind: "plan", ms: 1000 } },
      call(4, { feature: "F1", tool: "research" }),
      call(5, { feature: "F1", role: "researcher", tool: "grep" }),
      call(6, { feature: "F1", tool: "research" }),
      call(7, { feature: "F1", role: "researcher", tool: "read_file", isError: true }),
      call(8, { feature: "F1", tool: "write_file" }),
      { missionId: "m1", kind: "handoff-submit", at: at(9), data: { feature: "F1", status: "done", summary: "s" } },
      call(10, { role: "scrutiny", milestone: "M1", tool: "mcp__checks__inspect" }),
      call(11, { role: "reviewer", feature: "F1", tool: "mcp__checks__inspect" }),
      call(12, { role: HOSTILE, tool: "x" }),
    ] as MissionEvent[];
    const markup = renderMissionLive(view({ events })).toString();
    const text = markup.replace(/<[^>]+>/g, "");
    expect(text).toContain("orchestrator: 1 tool calls (research ×1)");
    expect(text).toContain("researchers for the orchestrator: 1 tool calls (grep ×1)");
    expect(text).toContain("worker on F1: 3 tool calls (research ×2, write_file ×1)");
    expect(text).toContain("researchers for F1: 2 tool calls (grep ×1, read_file ×1), 1 failed");
    expect(text).toContain("scrutiny on milestone M1: 1 tool calls (mcp__checks__inspect ×1)");
    expect(text).toContain("code review on F1: 1 tool calls (mcp__checks__inspect ×1)");
    expect(markup).not.toContain("<img");
  });

  it("dates the timeline's days when a mission's events span more than one UTC day, and only then", () => {
    const event = (at: string, kind: string): MissionEvent => ({ missionId: "m1", kind: "step-end", at, data: { kind, ms: 1000 } });
    const twoDays = [event("2026-12-02T23:58:00.000Z", "choose-branch"), event("2026-12-03T00:02:00.000Z", "post-control"), event("2026-12-03T14:02:10.000Z", "curate-bulletin")];
    const markup = renderMissionLive(view({ events: twoDays, now: new Date("2026-12-03T15:00:00.000Z") })).toString();
    const timeline = /<ol class="timeline">(.*?)<\/ol>/s.exec(markup)![1]!;
    const lines = [...timeline.matchAll(/<li[^>]*>(.*?)<\/li>/gs)].map((match) => match[1]!.replace(/<[^>]+>/g, "").trim());
    // Newest first: each day's heading above its events, with the date in the page's one time zone.
    expect(lines.map((line) => line.split(/(?<=\d\d:\d\d:\d\d)/)[0])).toEqual(["Thursday 3 December 2026 (UTC)", "14:02:10", "00:02:00", "Wednesday 2 December 2026 (UTC)", "23:58:00"]);
    expect(timeline).toContain('<li class="day" data-day="2026-12-03">');
    // One day: times alone, as before.
    const oneDay = renderMissionLive(view({ events: twoDays.slice(1) })).toString();
    expect(oneDay).not.toContain('class="day"');
  });

  it("shows a small spend with the digits that tell it apart, not $0.00", () => {
    const markup = renderMissionLive(view({ usage: [usage("2026-01-01T11:00:00.000Z", 0.0042)] })).toString();
    expect(markup).toMatch(/data-card="spent"><div class="label">Spent<\/div><div class="value">\$0\.0042/);
  });

  it("shows a small spend in the list as on the page: $0.0040, not $0.00", () => {
    const row: MissionSummary = { id: "m1", owner: "acme", repo: "app", issue: 7, title: "t", status: "running", featuresDone: 0, featuresTotal: 2, spentUsd: 0.004, budgetUsd: 5, createdAt: NOW.toISOString(), updatedAt: NOW.toISOString() };
    const markup = renderMissionRows([row], {}, { page: 1, hasNext: false }, NOW).toString();
    expect(markup).toContain('<td data-label="Spend">$0.0040 <span class="muted">of $5.00</span></td>');
  });

  it("for a pause: the fix that fits its cause, and who can apply it", () => {
    const budget = describeNow(runningMission({ status: "paused", pauseCause: "budget", settings: { commands: {}, models: {}, maxRemediationRounds: 3, budgetUsd: 5 } }), [], ISSUE);
    expect(budget.headline).toBe("Paused: the budget of $5.00 is spent");
    expect(budget.action!.what.toString()).toContain("<code>/mission budget &lt;usd&gt;</code>");
    expect(budget.action!.what.toString()).toContain("MISSIONS_BUDGET_MAX_USD");
    const outage = describeNow(runningMission({ status: "paused", pauseCause: "outage", reason: "the model provider answered 529" }), [], ISSUE);
    expect(outage.tone).toBe("operator");
    expect(outage.action!.who).toContain("operator");
    // A host without a sandbox or a browser is not an outage: nothing comes back by itself.
    const host = describeNow(runningMission({ status: "paused", pauseCause: "host", reason: "the app's host cannot run the user-testing browser" }), [], ISSUE);
    expect(host).toMatchObject({ tone: "operator", headline: "Paused: the app's host lacks what the mission needs: the app's host cannot run the user-testing browser" });
    expect(host.action!.who).toMatch(/^the operator, then /);
    expect(host.action!.what.toString()).toContain("Install or fix it on the app's host");
    expect(host.headline).not.toContain("service");
    const person = describeNow(runningMission({ status: "paused", pauseCause: "person", reason: "paused by @alice" }), [], ISSUE);
    expect(person.action!.what.toString()).toContain("<code>/mission resume</code>");
    const permission = describeNow(runningMission({ status: "paused", pauseCause: "permission" }), [], ISSUE);
    expect(permission.action!.what.toString()).toContain("Accept the new permission");
  });

  it("says a pause's reason once on the first screen: in the Now banner, not again beside the status", () => {
    const paused = renderMissionLive(view({ mission: runningMission({ status: "paused", pauseCause: "person", reason: "paused by @alice" }) })).toString();
    expect(paused.split("paused by @alice")).toHaveLength(2);
    expect(paused).toMatch(/<p class="status-line"><span[^>]*>paused<\/span><\/p>/);
    // A reason the banner does not say (a budget pause names the budget instead) stays beside the status.
    const budget = renderMissionLive(view({ mission: runningMission({ status: "paused", pauseCause: "budget", reason: "the budget is spent", settings: { commands: {}, models: {}, maxRemediationRounds: 3, budgetUsd: 5 } }) })).toString();
    expect(budget).toContain('<span class="muted">the budget is spent</span></p>');
  });

  it("orders missions that need people before working ones, and finished ones last", () => {
    // A stable sort by rank: those that need people, then working ones, then finished ones, each group in its given order.
    expect(["done", "running", "paused", "awaiting-approval", "planning", "failed", "questions", "blocked", "aborted"].sort((a, b) => attentionRank(a as never) - attentionRank(b as never))).toEqual([
      "paused", "awaiting-approval", "questions", "blocked", "running", "planning", "done", "failed", "aborted",
    ]);
    expect(attentionRank("awaiting-approval")).toBeLessThan(attentionRank("running"));
    expect(attentionRank("running")).toBeLessThan(attentionRank("done"));
  });

  it("puts the Now column in the list, with how long a mission has waited", () => {
    const row: MissionSummary = { id: "m1", owner: "acme", repo: "app", issue: 7, title: HOSTILE, status: "awaiting-approval", featuresDone: 0, featuresTotal: 2, spentUsd: 0.1, createdAt: "2026-01-01T10:00:00.000Z", updatedAt: "2026-01-01T10:00:00.000Z" };
    const markup = renderMissionRows([{ ...row, now: describeNow(awaitingApproval(), [], ISSUE) }], {}, { page: 1, hasNext: false }, NOW).toString();
    expect(markup).toContain("<strong>Needs you:</strong> Contract v1 waits for approval");
    // Who can act, the command, and the contract to read first: all in the row.
    expect(markup).toContain(`<span class="small now-who" data-who>a maintainer with write access: <code>/mission approve</code> after reading <a href="${ISSUE}#issuecomment-2" rel="noreferrer" data-contract-link>contract v1</a></span>`);
    expect(markup).toContain("waiting 2 h");
    // Paused for the budget: the command, and the operator's setting that caps it.
    const budget = runningMission({ status: "paused", pauseCause: "budget", settings: { commands: {}, models: {}, maxRemediationRounds: 3, budgetUsd: 5 } });
    const paused = renderMissionRows([{ ...row, status: "paused", now: describeNow(budget, [], ISSUE) }], {}, { page: 1, hasNext: false }, NOW).toString().replace(/<[^>]+>/g, "");
    expect(paused).toContain("a maintainer with write access: /mission budget &lt;usd&gt; (the operator's MISSIONS_BUDGET_MAX_USD caps it)");
    // A host the operator must fix: said so, in the operator's colour.
    const host = describeNow(runningMission({ status: "paused", pauseCause: "host", reason: "no browser" }), [], ISSUE);
    const hostRow = renderMissionRows([{ ...row, status: "paused", now: host }], {}, { page: 1, hasNext: false }, NOW).toString();
    expect(hostRow).toContain("<strong>Needs the operator:</strong>");
    expect(hostRow.replace(/<[^>]+>/g, "")).toContain("the operator fixes the app&#39;s host, then a maintainer with write access: /mission resume");
    // A working mission names nobody.
    const working = renderMissionRows([{ ...row, status: "running", now: describeNow(runningMission(), [], ISSUE) }], {}, { page: 1, hasNext: false }, NOW).toString();
    expect(working).not.toContain("data-who");
    expect(markup).toContain('data-label="Status"');
    expect(markup).not.toContain("<img");
  });
});

describe("the budget chart", () => {
  it("scales the axis to the spend and marks a far cap with a label, not a line at the top of an empty chart", () => {
    const chart = renderChart({ id: "b", title: "t", start: 0, end: 60_000, series: [{ name: "s", className: "spend", points: [[30_000, 0.14]] }], cap: { value: 21.6, label: "budget cap $21.60" }, format: (value) => value.toFixed(2) }).toString();
    expect(chart).toContain("budget cap $21.60 ↑ (above this scale)");
    expect(chart).not.toContain('<line class="cap"');
    // The axis's top is a round number just above the spend: 0.14 → 0.2, not 21.60.
    expect(chart).toContain(">0.20</text>");
    expect(chart).not.toContain(">21.60</text>");
  });

  it("draws the cap as a labelled line when the spend comes near it", () => {
    const chart = renderChart({ id: "b", title: "t", start: 0, end: 60_000, series: [{ name: "s", className: "spend", points: [[30_000, 12]] }], cap: { value: 20, label: "budget cap $20.00" }, format: (value) => value.toFixed(2) }).toString();
    expect(chart).toContain('<line class="cap"');
    expect(chart).toContain('class="cap-label"');
  });

  it("tells the burn rate and when the cap is reached at it", () => {
    const spent = [usage("2026-01-01T10:00:00.000Z", 1), usage("2026-01-01T11:00:00.000Z", 1, "scrutiny")];
    expect(burnRate(spent, NOW.getTime(), 20, true).text).toBe("Burn rate $1.00/h; at this rate the cap of $20.00 is reached in 18 h.");
    expect(burnRate(spent, NOW.getTime(), 20, false).text).toBe("Burn rate $1.00/h while it ran; not spending now. $18.00 of the cap left.");
    expect(burnRate(spent, NOW.getTime(), 2, true).text).toBe("Burn rate $1.00/h; the cap of $2.00 is reached.");
    expect(burnRate([], NOW.getTime(), 2, true).text).toBe("Nothing spent yet.");
    const markup = renderMissionLive(view({ usage: spent })).toString();
    expect(markup).toContain('<tr data-role="worker">');
    expect(markup).toContain('<tr data-role="scrutiny">');
  });

  it("splits the spend by role: each role's dollars and share, the largest first", () => {
    const spent = [usage("2026-01-01T10:00:00.000Z", 0.75), usage("2026-01-01T10:30:00.000Z", 0.75), usage("2026-01-01T11:00:00.000Z", 0.5, "scrutiny"), usage("2026-01-01T11:10:00.000Z", 0.014, "reviewer")];
    const markup = renderMissionLive(view({ usage: spent })).toString();
    const rows = [...markup.matchAll(/<tr data-role="([^"]+)">([\s\S]*?)<\/tr>/g)].map(([, role, cells]) => [role, [...cells!.matchAll(/<td class="num[^"]*">([^<]*)<\/td>/g)].map((cell) => cell[1])]);
    expect(rows).toEqual([
      ["worker", ["$1.50", "74%"]],
      ["scrutiny", ["$0.50", "25%"]],
      ["reviewer", ["$0.014", "1%"]],
    ]);
  });
});

describe("time and sign-in", () => {
  it("says durations in words", () => {
    expect([relative(2_000), relative(42_000), relative(3 * 60_000), relative(125 * 60_000), relative(3 * 24 * 3_600_000)]).toEqual(["a moment", "42 s", "3 min", "2 h 5 min", "3 days"]);
  });

  it("returns to a page of the dashboard after sign-in, never elsewhere", () => {
    expect(safeReturnPath("/missions/abc123")).toBe("/missions/abc123");
    expect(safeReturnPath("/missions?status=paused&page=2")).toBe("/missions?status=paused&page=2");
    // An assertion on a mission's page, and a screenshot a check run links.
    expect(safeReturnPath("/missions/abc123#assertion-VAL-FORM-002")).toBe("/missions/abc123#assertion-VAL-FORM-002");
    expect(safeReturnPath("/missions/abc123/evidence/M1-0123456789ab/screenshot-01.png")).toBe("/missions/abc123/evidence/M1-0123456789ab/screenshot-01.png");
    for (const bad of [
      "https://evil.example/",
      "//evil.example/missions",
      "/missions/../admin",
      "/missions/login",
      "/missions/login#x",
      "/missions/abc/events",
      "/missions\\evil",
      "javascript:alert(1)",
      "/missions/abc#<script>",
      "/missions/abc#a#b",
      "/missions/abc/evidence/../../../etc/passwd",
      "/missions/abc/evidence/M1-0123456789ab/screenshot-01.png?x=1",
      null,
      "",
    ]) {
      expect(safeReturnPath(bad)).toBe("/missions");
    }
  });
});

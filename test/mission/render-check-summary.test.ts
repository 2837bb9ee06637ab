import { describe, expect, it } from "vitest";
import { renderCheckSummary, renderUserTestingSummary, scrutinyFailures, stoppedCheckSummary, type CommandRun, type ReviewFinding } from "../../src/mission/index.ts";

const run = (overrides: Partial<CommandRun> = {}): CommandRun => ({ command: "npm test", exitCode: 0, output: "ok", timedOut: false, durationMs: 1234, ...overrides });
const finding = (overrides: Partial<ReviewFinding> = {}): ReviewFinding => ({ featureId: "F1", severity: "major", path: "src/a.ts", line: 3, message: "off by one", ...overrides });
const assertions = [
  { id: "VAL-A-001", statement: "one | works" },
  { id: "VAL-A-002", statement: "two works" },
];

describe("scrutinyFailures", () => {
  it("names red commands and blocker or major findings, not minor ones", () => {
    const failures = scrutinyFailures(
      [run(), run({ command: "npm run lint", exitCode: 1 }), run({ command: "npm test", exitCode: 124, timedOut: true })],
      [finding(), finding({ severity: "minor" }), finding({ severity: "blocker", featureId: "F2", path: "b.ts", line: 9, message: "leaks" })],
    );
    expect(failures).toEqual([
      "`npm run lint` exited with 1",
      "`npm test` exited with 124 (timed out)",
      "review of F1 (major) at src/a.ts:3: off by one",
      "review of F2 (blocker) at b.ts:9: leaks",
    ]);
    expect(scrutinyFailures([run()], [finding({ severity: "nit" })])).toEqual([]);
  });
});

describe("renderCheckSummary", () => {
  it("shows each command, a verdict per assertion, the output of red commands, the reviews and what failed", () => {
    const summary = renderCheckSummary(
      [run(), run({ command: "npm run lint", exitCode: 1, output: "x```y" })],
      [{ assertionId: "VAL-A-001", verdict: "pass", evidence: "test passes" }],
      assertions,
      ["`npm run lint` exited with 1"],
      [finding()],
    );
    expect(summary).toContain("| `npm test` | ✅ exit 0 | 1.2s |");
    expect(summary).toContain("| `npm run lint` | ❌ exit 1 | 1.2s |");
    expect(summary).toContain("| `VAL-A-001` one \\| works | ✅ pass | test passes |");
    expect(summary).toContain("| `VAL-A-002` two works | ❌ fail |  |");
    expect(summary).toContain("### Output of `npm run lint`\n\n```\nxʼʼʼy\n```");
    expect(summary).toContain("| F1 | major | `src/a.ts:3` | off by one |");
    expect(summary).toContain("**Failed:** `npm run lint` exited with 1");
  });

  it("says when no command ran, so a pass rests on reading the code", () => {
    expect(renderCheckSummary([], [], assertions, [])).toContain("No command ran");
  });
});

describe("renderUserTestingSummary", () => {
  const app = { start: "npm start", url: "http://localhost:3000", timeoutSeconds: 60 };

  it("shows how the app ran and what the tester observed", () => {
    const summary = renderUserTestingSummary(app, undefined, [{ assertionId: "VAL-A-001", verdict: "pass", evidence: "clicked, saw it" }], assertions.slice(0, 1));
    expect(summary).toContain("`npm start` at http://localhost:3000: ✅ started, driven in headless Chromium");
    expect(summary).toContain("| `VAL-A-001` one \\| works | ✅ pass | clicked, saw it |");
  });

  it("links the screenshots on the dashboard, each assertion's beside its verdict, only when there are some", () => {
    const pageUrl = "https://missions.example.test/missions/m1";
    const url = (name: string) => `${pageUrl}/evidence/M1-0123456789ab/${name}`;
    const summary = renderUserTestingSummary(app, undefined, [{ assertionId: "VAL-A-001", verdict: "pass", evidence: "saw it" }], assertions.slice(0, 1), {
      pageUrl,
      byAssertion: { "VAL-A-001": [{ name: "screenshot-01.png", url: url("screenshot-01.png") }, { name: "screenshot-02.png", url: url("screenshot-02.png") }] },
    });
    expect(summary).toContain(`### Screenshots\n\nOn [the mission's page](${pageUrl}) of the dashboard, beside their verdicts (sign-in required):\n\n- [\`VAL-A-001\`](${pageUrl}#assertion-VAL-A-001): [screenshot-01.png](${url("screenshot-01.png")}), [screenshot-02.png](${url("screenshot-02.png")})`);
    expect(renderUserTestingSummary(app, undefined, [], assertions, { pageUrl, byAssertion: {} })).not.toContain("### Screenshots");
    expect(renderUserTestingSummary(app, undefined, [], assertions)).not.toContain("### Screenshots");
  });

  it("says why the app did not start, or that there was no app to start", () => {
    expect(renderUserTestingSummary(app, "port in use", [], assertions)).toContain("### Why the app did not start\n\n```\nport in use\n```");
    expect(renderUserTestingSummary(undefined, undefined, [], assertions)).toContain("No `app:` in `.github/missions.yml`");
  });
});

describe("stoppedCheckSummary", () => {
  it("gives the first line of why, and that validation runs again", () => {
    expect(stoppedCheckSummary("the budget is reached\nstack…")).toBe("Validation stopped before it finished: the budget is reached. It runs again when the mission goes on.");
  });
});

describe("stoppedCheckSummary with a reason that ends its own sentence", () => {
  it("adds no second full stop, and says what comes next", () => {
    const summary = stoppedCheckSummary("fix what it reports, then comment `/mission resume`.\nstack…", "The mission is paused.");
    expect(summary).toBe("Validation stopped before it finished: fix what it reports, then comment `/mission resume`. The mission is paused.");
    expect(summary).not.toContain("..");
    expect(stoppedCheckSummary("is it reached?")).toBe("Validation stopped before it finished: is it reached? It runs again when the mission goes on.");
  });
});

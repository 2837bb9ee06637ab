import { Writable } from "node:stream";
import { stripVTControlCharacters } from "node:util";
import { describe, expect, it } from "vitest";
import { formatElapsed, LiveProgress, plainLine, type ProgressSnapshot } from "../../src/cli/live-progress.ts";

/** A terminal of `columns` columns that keeps what is drawn on it. */
function terminal(columns: number): NodeJS.WriteStream & { text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({ write: (chunk, _encoding, done) => (chunks.push(String(chunk)), done()) });
  return Object.assign(stream, { isTTY: true, columns, rows: 24, text: () => chunks.join("") }) as unknown as NodeJS.WriteStream & { text: () => string };
}

const SNAPSHOT: ProgressSnapshot = {
  active: "worker on F3 Add the login form with its validation and the error messages",
  milestones: { done: 1, total: 2 },
  features: { done: 2, total: 4 },
  handoff: "F2 done: Added the sign-up page and its tests.",
  usd: 1.234,
  budgetUsd: 20,
  cacheShare: 0.613,
  startedAt: Date.now() - 125_000,
};

describe("live progress", () => {
  it("says elapsed time and the progress as a plain line", () => {
    expect([formatElapsed(0), formatElapsed(12_400), formatElapsed(125_000), formatElapsed(3_720_000)]).toEqual(["0s", "12s", "2m 05s", "1h 02m"]);
    expect(plainLine(SNAPSHOT, SNAPSHOT.startedAt + 125_000)).toBe(`${SNAPSHOT.active} · 1/2 milestones · 2/4 features · $1.23 of $20 (cache 61%) · 2m 05s`);
    // Before the plan and the first paid step: what is known only.
    expect(plainLine({ ...SNAPSHOT, active: "orchestrator planning", milestones: { done: 0, total: 0 }, features: { done: 0, total: 0 }, usd: undefined }, SNAPSHOT.startedAt + 3_000)).toBe("orchestrator planning · 3s");
  });

  it("draws two bars and the latest handoff, each within the terminal's width, and takes them off again", () => {
    const stream = terminal(80);
    const progress = new LiveProgress(stream, SNAPSHOT);
    progress.update({ ...SNAPSHOT, features: { done: 3, total: 4 } });
    progress.write(() => stream.write("✔ F3 committed\n"));
    progress.stop();
    const drawn = stream.text();
    const text = stripVTControlCharacters(drawn);
    // 42 columns of label, bar and count, then the active role and feature, cut to fit 79 columns.
    expect(text).toContain(`milestones ████████████░░░░░░░░░░░░ 1/2   ${SNAPSHOT.active.slice(0, 79 - 42 - 1)}…`);
    expect(text).not.toContain(SNAPSHOT.active.slice(0, 79 - 42));
    expect(text).toMatch(/features {3}█{18}░{6} 3\/4 {3}\$1\.23 of \$20 \(cache 61%\) · 2m 0\ds/);
    expect(text).toContain("last handoff: F2 done: Added the sign-up page and its tests.");
    expect(text).toContain("✔ F3 committed\n");
    // The cursor is hidden while the bars are drawn and shown again at the end.
    expect(drawn.lastIndexOf("\x1b[?25h")).toBeGreaterThan(drawn.lastIndexOf("\x1b[?25l"));
  });
});

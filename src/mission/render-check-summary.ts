import { escapeCell } from "./markdown.ts";
import type { Mission } from "./mission.ts";
import type { Verdict } from "./schemas.ts";

/** A repository command's run, as a check run's summary shows it. */
export interface CommandRun {
  command: string;
  exitCode: number;
  /** Output, capped; the summary shows its tail. */
  output: string;
  timedOut: boolean;
  durationMs: number;
}

/** A code review's finding on a feature's diff. */
export interface ReviewFinding {
  featureId: string;
  severity: "blocker" | "major" | "minor" | "nit";
  path: string;
  line: number;
  message: string;
}

/** What fails a milestone's scrutiny besides its assertions: red commands, and review findings that are blockers or major. */
export function scrutinyFailures(commands: CommandRun[], findings: ReviewFinding[]): string[] {
  const serious = findings.filter((finding) => finding.severity === "blocker" || finding.severity === "major");
  return [
    ...commands.filter((result) => result.exitCode !== 0).map((result) => `\`${result.command}\` exited with ${result.exitCode}${result.timedOut ? " (timed out)" : ""}`),
    ...serious.map((finding) => `review of ${finding.featureId} (${finding.severity}) at ${finding.path}:${finding.line}: ${finding.message}`),
  ];
}

/** The scrutiny check run's summary: the commands and their output when red, a verdict per assertion, the code reviews, what failed. */
export function renderCheckSummary(
  commands: CommandRun[],
  verdicts: Verdict[],
  assertions: Array<{ id: string; statement: string }>,
  failures: string[],
  findings: ReviewFinding[] = [],
): string {
  const lines = ["### Commands", ""];
  if (commands.length === 0) {
    lines.push("No command ran: `.github/missions.yml` names none (`commands:`) and none was detected, so the verdicts below rest on reading the code.");
  }
  else {
    lines.push("| Command | Result | Time |", "|---|---|---|");
    for (const result of commands) {
      lines.push(`| \`${escapeCell(result.command)}\` | ${result.exitCode === 0 ? "✅ exit 0" : `❌ exit ${result.exitCode}${result.timedOut ? " (timed out)" : ""}`} | ${(result.durationMs / 1000).toFixed(1)}s |`);
    }
  }
  lines.push("", "### Assertions", "", "| Assertion | Verdict | Evidence |", "|---|---|---|");
  for (const assertion of assertions) {
    const verdict = verdicts.find((candidate) => candidate.assertionId === assertion.id);
    lines.push(`| \`${assertion.id}\` ${escapeCell(assertion.statement)} | ${verdict?.verdict === "pass" ? "✅ pass" : "❌ fail"} | ${escapeCell(verdict?.evidence ?? "")} |`);
  }
  for (const result of commands.filter((candidate) => candidate.exitCode !== 0)) {
    lines.push("", `### Output of \`${escapeCell(result.command)}\``, "", "```", result.output.slice(-12_000).replace(/```/g, "ʼʼʼ"), "```");
  }
  if (findings.length > 0) {
    lines.push("", "### Code reviews", "", "| Feature | Severity | Where | Finding |", "|---|---|---|---|");
    for (const finding of findings) {
      lines.push(`| ${finding.featureId} | ${finding.severity} | \`${escapeCell(finding.path)}:${finding.line}\` | ${escapeCell(finding.message)} |`);
    }
  }
  if (failures.length > 0) lines.push("", `**Failed:** ${failures.map((failure) => escapeCell(failure)).join("; ")}`);
  return lines.join("\n");
}

/** The screenshots of a user-testing session on the dashboard: the mission's page, and each assertion's screenshots there. */
export interface DashboardScreenshots {
  /** The mission's page; `#assertion-<id>` is an assertion's row, its screenshots beside its verdict. */
  pageUrl: string;
  byAssertion: Record<string, Array<{ name: string; url: string }>>;
}

/**
 * The user-testing check run's summary: how the app started (or why not), a verdict per assertion with
 * what the tester did, and — when the dashboard has an address — where to see the screenshots.
 */
export function renderUserTestingSummary(
  settings: Mission["settings"]["app"],
  appProblem: string | undefined,
  verdicts: Verdict[],
  assertions: Array<{ id: string; statement: string }>,
  screenshots?: DashboardScreenshots,
): string {
  const lines = ["### The app", ""];
  if (!settings) lines.push("No `app:` in `.github/missions.yml`: the product was tested through the shell.");
  else lines.push(`\`${escapeCell(settings.start)}\` at ${escapeCell(settings.url)}: ${appProblem ? "❌ did not start" : "✅ started, driven in headless Chromium"}`);
  lines.push("", "### Assertions", "", "| Assertion | Verdict | Steps and observations |", "|---|---|---|");
  for (const assertion of assertions) {
    const verdict = verdicts.find((candidate) => candidate.assertionId === assertion.id);
    lines.push(`| \`${assertion.id}\` ${escapeCell(assertion.statement)} | ${verdict?.verdict === "pass" ? "✅ pass" : "❌ fail"} | ${escapeCell(verdict?.evidence ?? "")} |`);
  }
  const shot = (link: { name: string; url: string }) => `[${link.name}](${link.url})`;
  const shown = assertions.filter((assertion) => (screenshots?.byAssertion[assertion.id] ?? []).length > 0);
  if (screenshots && shown.length > 0) {
    // GitHub cannot show them here (the dashboard asks who is looking): linked, on the mission's page.
    lines.push("", "### Screenshots", "", `On [the mission's page](${screenshots.pageUrl}) of the dashboard, beside their verdicts (sign-in required):`, "");
    for (const assertion of shown) {
      lines.push(`- [\`${assertion.id}\`](${screenshots.pageUrl}#assertion-${assertion.id}): ${screenshots.byAssertion[assertion.id]!.map(shot).join(", ")}`);
    }
  }
  if (appProblem) lines.push("", "### Why the app did not start", "", "```", appProblem.slice(-12_000).replace(/```/g, "ʼʼʼ"), "```");
  return lines.join("\n");
}

/**
 * A check run whose validation stopped half-way (budget, abort, an outage): why, in one line, and
 * what makes it run again — by default that it runs again when the mission goes on.
 */
export function stoppedCheckSummary(message: string, next = "It runs again when the mission goes on."): string {
  const why = message.split("\n")[0]!.trim().slice(0, 500);
  // A reason that ends a sentence itself gets no second full stop.
  const end = /[.!?…:]$/.test(why) ? "" : ".";
  return `Validation stopped before it finished: ${why}${end} ${next}`;
}

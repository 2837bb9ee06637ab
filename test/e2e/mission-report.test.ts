import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { formatDuration } from "../../src/mission/index.ts";
import { git } from "../helpers/git.ts";
import { FIXTURE_FILES, GREETING_PLAN, missionResponder } from "./mission-script.ts";
import { OWNER, REPO, startHarness, type Harness } from "./harness.ts";

const DASHBOARD_TOKEN = "operator-dashboard-token-0123456789";
// The repository's test command reports its coverage the way istanbul's text summary does.
const FILES = { ...FIXTURE_FILES, "test.sh": `${FIXTURE_FILES["test.sh"]}echo "Lines        : 87.5% ( 7/8 )"\n` };
// F1 writes a test of its own: part of the lines it adds are test code.
const WRITES = {
  F1: { "greeting.txt": "hello\n", "tests/greeting.test.sh": "#!/bin/sh\ngrep -q hello greeting.txt\necho ok\n" },
  F2: { "farewell.txt": "goodbye\n" },
};

interface LedgerRow {
  role: string;
  model: string;
  input_tokens: number;
  output_tokens: number;
  cache_read_tokens: number;
  cache_write_tokens: number;
  usd: number;
}

describe("the estimate before approval and the report at the end", () => {
  let harness: Harness;
  beforeEach(async () => {
    harness = await startHarness({ files: FILES, env: { MISSIONS_DASHBOARD_TOKEN: DASHBOARD_TOKEN, MISSIONS_BUDGET_USD: "12" } });
  });
  afterEach(async () => {
    await harness.close();
  });

  /** The store as it is on disk, read with SQL: not through the app's code. */
  function query<T>(sql: string, ...params: Array<string | number>): T[] {
    const database = new DatabaseSync(join(harness.dataDir, "missions.db"), { readOnly: true });
    try {
      return database.prepare(sql).all(...params) as T[];
    } finally {
      database.close();
    }
  }
  const contractOf = (issue: number) => harness.github.comments(OWNER, REPO, issue).find((comment) => comment.user.type === "Bot" && comment.body.includes("Validation contract"))!.body;
  const usd = (micros: number) => `$${(micros / 1_000_000).toFixed(2)}`;
  const count = (value: number) => value.toLocaleString("en-US");

  it("states runs, cost and the cap in the contract, and reports figures that equal the ledger and git", async () => {
    harness.models.script(missionResponder({ plans: [GREETING_PLAN], files: WRITES }));
    const issue = await harness.startMission();

    // Before approval: the estimate, with no history in a repository that never had a mission.
    const contract = contractOf(issue);
    expect(contract).toContain("### Estimate");
    expect(contract).toContain("**Agent runs:** about 6 (orchestrator 1, worker 2, reviewer 2, scrutiny 1); 6–10 with one repair round per milestone (worker 1, reviewer 1, scrutiny 1, repair-planner 1), at most 18 if every milestone needs all 3 repair rounds.");
    const cost = /\*\*Cost:\*\* \$(\d+\.\d\d)–\$(\d+\.\d\d) at the configured models' prices \(`anthropic\/claude-sonnet-5-5` for every role\)/.exec(contract);
    expect(cost).not.toBeNull();
    expect(Number(cost![1])).toBeGreaterThan(0);
    expect(Number(cost![2])).toBeGreaterThan(Number(cost![1]));
    expect(contract).not.toContain("past missions");
    expect(contract).toContain("**Budget cap:** $12.00");
    expect(contract.indexOf("### Estimate")).toBeLessThan(contract.indexOf("/mission approve"));

    // People take their time to approve: the report counts it as waiting.
    await new Promise((resolve) => setTimeout(resolve, 1_600));
    await harness.say(issue);

    const [row] = query<{ id: string; state: string }>("SELECT id, data AS state FROM missions");
    const { id: missionId, state } = row!;
    const mission = JSON.parse(state) as { status: string; createdAt: string; finishedAt: string; branch: string };
    expect(mission.status).toBe("done");
    const pull = harness.github.pulls(OWNER, REPO)[0]!;
    const body = pull.body!;
    expect(body).toContain("## Mission report");

    // The ledger, summed here from its rows.
    const ledger = query<LedgerRow>("SELECT role, model, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, usd FROM ledger WHERE mission_id = ?", missionId);
    expect(ledger.length).toBeGreaterThan(5);
    const sum = (pick: (row: LedgerRow) => number, rows = ledger) => rows.reduce((total, row) => total + pick(row), 0);
    const input = sum((row) => row.input_tokens);
    const read = sum((row) => row.cache_read_tokens);
    const write = sum((row) => row.cache_write_tokens);
    const output = sum((row) => row.output_tokens);
    const micros = (rows: LedgerRow[]) => sum((row) => Math.round(row.usd * 1_000_000), rows);
    expect(read).toBeGreaterThan(0);
    const share = `${(Math.round((read / input) * 1000) / 10).toFixed(1)}%`;
    expect(body).toContain(`| Tokens | ${count(input)} input (${count(read)} cache read, ${count(write)} cache write, ${count(input - read - write)} uncached), ${share} of it read from the cache; ${count(output)} output |`);
    const roles = ["orchestrator", "worker", "reviewer", "scrutiny"].filter((role) => ledger.some((row) => row.role === role));
    const byRole = [...new Set(ledger.map((row) => row.role))].map((role) => `${role} ${usd(micros(ledger.filter((row) => row.role === role)))}`);
    expect(roles).toHaveLength(4);
    expect(body).toContain(`| Cost | ${usd(micros(ledger))} (${byRole.join(", ")}) |`);

    // Runs against the estimate; features, assertions, no repair.
    expect(body).toContain("| Agent runs | 6 (estimated 6–10): orchestrator 1, worker 2, reviewer 2, scrutiny 1 |");
    expect(body).toContain("| Features | 2 done, 0 skipped, of 2 |");
    expect(body).toContain("| Assertions | 2 passed, 0 skipped, of 2 |");
    expect(body).toContain("| Repair rounds | none |");

    // Lines as git counts them on the branch against its base.
    const numstat = git(harness.gitDir, "diff", "--numstat", `main...${mission.branch}`)
      .trim()
      .split("\n")
      .map((line) => line.split("\t"));
    const added = numstat.reduce((total, [lines]) => total + Number(lines), 0);
    const testAdded = numstat.filter(([, , path]) => path!.startsWith("tests/")).reduce((total, [lines]) => total + Number(lines), 0);
    expect(added).toBe(5);
    expect(testAdded).toBe(3);
    expect(body).toContain(`| Lines | ${added} added, 0 removed in ${numstat.length} files; ${((testAdded / added) * 100).toFixed(1)}% of the added lines are test code |`);
    expect(body).toContain("| Coverage | 87.5% of lines, as the test command reports it |");

    // Wall time, and the wait for approval as the store's timeline has it.
    const changes = query<{ at: string; data: string }>("SELECT at, data FROM events WHERE mission_id = ? AND kind = 'status-change' ORDER BY seq", missionId).map((row) => ({ at: Date.parse(row.at), ...(JSON.parse(row.data) as { to: string }) }));
    const asked = changes.find((change) => change.to === "awaiting-approval")!.at;
    const approved = changes.find((change) => change.to === "running")!.at;
    expect(approved - asked).toBeGreaterThanOrEqual(1_500);
    expect(body).toContain(`| Time | ${formatDuration(Date.parse(mission.finishedAt) - Date.parse(mission.createdAt))}, of which ${formatDuration(approved - asked)} waiting for people |`);

    // The dashboard: the same figures, in full.
    const page = await (await fetch(`${harness.app.url}/missions/${missionId}`, { headers: { authorization: `Bearer ${DASHBOARD_TOKEN}` } })).text();
    expect(page).toContain("<h2>Mission report</h2>");
    expect(page).toContain('<tr data-figure="runs"><th scope="row">Agent runs</th><td>6 (estimated 6–10)</td></tr>');
    expect(page).toContain(`<td>${(micros(ledger) / 1_000_000).toFixed(4)}`.replace("<td>", "<td>$"));
    for (const [kind, value] of [["cache read", read], ["cache write", write], ["output", output], ["input (all)", input]] as const) {
      expect(page).toContain(`<tr><td>${kind}</td><td>${count(value)}</td></tr>`);
    }
    for (const role of roles) {
      const rows = ledger.filter((row) => row.role === role);
      expect(page).toContain(`<tr><td>${role}</td><td>anthropic/claude-sonnet-5-5</td><td>${rows.length}</td><td>$${(micros(rows) / 1_000_000).toFixed(4)}</td></tr>`);
    }
    expect(page).toContain(`${added} added, 0 removed in ${numstat.length} files; ${testAdded} of the added`);

    // The next mission of the repository is estimated from this one's cost per feature.
    harness.models.script(missionResponder({ plans: [GREETING_PLAN], files: WRITES }));
    const next = await harness.startMission("More greetings");
    const perFeature = usd(micros(ledger) / 2);
    expect(contractOf(next)).toContain(`**This repository's past missions:** ${perFeature} per feature over 1 finished mission, ${usd(micros(ledger) / 6)} per agent run`);
  }, 240_000);
});

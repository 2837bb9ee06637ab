import { startHarness, MAINTAINER, OPENAI_KEY, OWNER, REPO } from "../test/e2e/harness.ts";
import { missionResponder, type ScriptedPlan } from "../test/e2e/mission-script.ts";
import type { NormalizedRequest, RecordedCall, Reply, ToolCallsReply } from "../test/fakes/models/index.ts";
import { costOf, PriceTable } from "../src/models/prices.ts";

/**
 * A whole mission on the strict fake model servers, every role: the orchestrator plans after looking
 * around, workers work in realistic turns (some with 12 parallel reads, one long feature that passes
 * the context budget), scrutiny, parallel reviewers, user testing, a failed assertion and its repair,
 * milestone reviews. Returns the share of all input tokens read from the prompt cache, by role, and
 * the mission's cost per planned feature at the default models' prices.
 *
 * The fake's clock is virtual and moves with the calls as a real mission's would (a worker's turn,
 * tools included, takes 25 s; any other call 15 s), so 5-minute and 1-hour lifetimes matter as they
 * do on a real mission. Anthropic's minimum cacheable length is taken at its strictest (4,096 tokens,
 * Opus 4.5 and Haiku 4.5), since the default model's own minimum is not documented: nothing here
 * can flatter.
 */

const FILES = 40;
const PARALLEL = 12;
const MILESTONES: Array<{ id: string; features: number }> = [
  { id: "M1", features: 8 },
  { id: "M2", features: 4 },
];
/** Turns of an ordinary feature's worker, and of the long one (F1), which passes the pruning budget. */
const WORKER_TURNS = 40;
const LONG_WORKER_TURNS = 76;
const LATENCY_MS = { worker: 25_000, other: 15_000 };

export type Role = "orchestrator" | "worker" | "repair" | "scrutiny" | "reviewer" | "user-testing";

export async function missionCaching(): Promise<Record<string, number>> {
  const plan = missionPlan();
  let failedOnce = false;
  const base = missionResponder({
    plans: [plan],
    files: {},
    // One assertion fails its first validation: the repair planner and a repair worker run.
    verdict: (id) => {
      if (id === "VAL-M1-002" && !failedOnce) {
        failedOnce = true;
        return "fail";
      }
      return "pass";
    },
  });
  let clock = Date.UTC(2026, 0, 5, 9);
  const harness = await startHarness({
    files: repositoryFiles(),
    models: { now: () => clock, cacheMinimumTokens: () => 4096 },
    env: (models) => ({ OPENAI_API_KEY: OPENAI_KEY, OPENAI_BASE_URL: models.openaiBaseUrl, MISSIONS_BUDGET_USD: "100", ...(process.env.MISSIONS_SANDBOX ? { MISSIONS_SANDBOX: process.env.MISSIONS_SANDBOX } : {}) }),
  });
  try {
    harness.models.script((request) => {
      const role = roleOf(request);
      clock += role === "worker" ? LATENCY_MS.worker : LATENCY_MS.other;
      if (role === "worker") return worker(request, base);
      const turns = { orchestrator: 3, repair: 2, scrutiny: 4, reviewer: 3, "user-testing": 6 }[role];
      const done = request.messages.filter((message) => message.role === "assistant").length;
      // Milestone reviews and bulletin curation are the orchestrator's too: they look less.
      const planning = request.tools.some((tool) => tool.name === "submit_plan");
      if (done < (role === "orchestrator" && !planning ? 2 : turns) && request.tools.some((tool) => tool.name === "read_file")) {
        return reads(done % 2 === 0 ? 6 : 2, done * 7 + request.messages.length);
      }
      return base(request);
    });
    const { number } = harness.github.createIssue({ owner: OWNER, repo: REPO, title: "Inventory service", body: "Build the inventory service described in docs/.", user: MAINTAINER });
    await harness.github.addLabel({ owner: OWNER, repo: REPO, issue: number, label: "mission", sender: MAINTAINER });
    await harness.settle();
    await harness.github.comment({ owner: OWNER, repo: REPO, issue: number, user: MAINTAINER, body: "/mission approve" });
    await harness.settle();
    if (process.env.DEBUG_BENCH) for (const c of harness.github.comments(OWNER, REPO, number)) console.error("COMMENT", c.user, c.body.slice(0, 1500));
    const calls = harness.models.calls.filter((call) => call.usage.inputTokens > 0);
    const roles = new Set(calls.map((call) => roleOf(call.request)));
    for (const role of ["orchestrator", "worker", "repair", "scrutiny", "reviewer", "user-testing"] as const) {
      if (!roles.has(role)) throw new Error(`the mission ran no ${role}: ${[...roles].join(", ")}`);
    }
    if (!failedOnce) throw new Error("no repair round ran");
    if (process.env.MISSION_CACHING_DUMP) {
      const { writeFileSync } = await import("node:fs");
      writeFileSync(process.env.MISSION_CACHING_DUMP, calls.map((call) => JSON.stringify({ role: roleOf(call.request), protocol: call.request.protocol, model: call.request.model, first: call.request.messages[0]?.text.slice(0, 80), msgs: call.request.messages.length, assistant: call.request.messages.filter((m) => m.role === "assistant").length, tools: call.request.tools.map((t) => t.name).join(","), systemLen: call.request.system.length, key: call.request.body?.prompt_cache_key, ...call.usage })).join("\n"));
    }
    return figures(calls, plan.features.length);
  } finally {
    await harness.close();
  }
}

/** The share of input read from the cache, overall and by role, and the cost per planned feature. */
export function figures(calls: RecordedCall[], features: number): Record<string, number> {
  const share = (subset: RecordedCall[]) =>
    subset.reduce((sum, call) => sum + call.usage.cacheReadTokens, 0) / Math.max(1, subset.reduce((sum, call) => sum + call.usage.inputTokens, 0));
  const prices = new PriceTable();
  const usd = calls.reduce((sum, call) => {
    const price = prices.lookup(`${call.request.protocol}/${call.request.model}`);
    if (!price) throw new Error(`no price for ${call.request.protocol}/${call.request.model}`);
    return sum + costOf(call.usage, price);
  }, 0);
  const byRole = (role: Role) => calls.filter((call) => roleOf(call.request) === role);
  const result: Record<string, number> = {
    cache_read_share_all_roles: share(calls),
    cache_read_share: share(byRole("worker")),
    cost_per_feature_usd: usd / features,
  };
  for (const role of ["orchestrator", "repair", "scrutiny", "reviewer", "user-testing"] as const) {
    result[`cache_read_share_${role.replace("-", "_")}`] = share(byRole(role));
  }
  result.mission_input_tokens = calls.reduce((sum, call) => sum + call.usage.inputTokens, 0);
  result.mission_cache_write_tokens = calls.reduce((sum, call) => sum + call.usage.cacheWriteTokens, 0);
  return result;
}

/** The role a request plays, read from the tools it is offered and its first message (as the scripted model does). */
export function roleOf(request: NormalizedRequest): Role {
  const tools = new Set(request.tools.map((tool) => tool.name));
  if (tools.has("submit_handoff")) return "worker";
  if (tools.has("submit_repair")) return "repair";
  if (tools.has("submit_review")) return "reviewer";
  if (tools.has("submit_verdicts")) {
    const first = request.messages[0];
    return first?.role === "user" && first.text.includes("## Assertions to check by using the product") ? "user-testing" : "scrutiny";
  }
  return "orchestrator";
}

function reads(count: number, from: number): ToolCallsReply {
  return { toolCalls: Array.from({ length: count }, (_, index) => ({ name: "read_file", arguments: { path: sourcePath((from + index) % FILES) } })) };
}

/**
 * A worker as real ones behave: looks around, reads in bursts of 12 parallel calls (twice while it
 * explores, then every tenth turn — every third for the long feature) and one or two files
 * otherwise, writes and edits its files, hands off.
 */
function worker(request: NormalizedRequest, base: ReturnType<typeof missionResponder>): Reply {
  const first = request.messages[0];
  const feature = first?.role === "user" ? (/^# Feature (F\d+):/m.exec(first.text)?.[1] ?? "F0") : "F0";
  const turns = feature === "F1" ? LONG_WORKER_TURNS : WORKER_TURNS;
  const turn = request.messages.filter((message) => message.role === "assistant").length;
  const file = `src/features/${feature.toLowerCase()}.ts`;
  if (turn === 0) return { toolCalls: [{ name: "list_files", arguments: {} }] };
  const burst = turn === 1 || turn === 3 || (feature === "F1" ? turn % 3 === 1 : turn % 10 === 0);
  if (turn < turns - 3) return burst ? reads(PARALLEL, turn * PARALLEL) : reads(1 + (turn % 2), turn * 5);
  if (turn === turns - 3) return { toolCalls: [{ name: "write_file", arguments: { path: file, content: featureSource(feature) } }] };
  if (turn === turns - 2) return { toolCalls: [{ name: "edit_file", arguments: { path: file, old_string: "return 0;", new_string: "return 1;" } }] };
  // The scripted worker's handoff (it ignores turns it did not script).
  const handoff = base({ ...request, messages: request.messages.slice(0, 1) });
  return handoff;
}

function missionPlan(): ScriptedPlan {
  const features = MILESTONES.flatMap((milestone, m) =>
    Array.from({ length: milestone.features }, (_, index) => {
      const id = `F${MILESTONES.slice(0, m).reduce((sum, earlier) => sum + earlier.features, 0) + index + 1}`;
      return {
        id,
        milestoneId: milestone.id,
        title: `Inventory part ${id}`,
        description: `Implement src/features/${id.toLowerCase()}.ts as docs/design.md describes it for part ${id}, with its tests, following AGENTS.md.`,
        // One owner per assertion, as planning requires: each feature serves its own.
        assertionIds: [`VAL-${milestone.id}-${String(index + 1).padStart(3, "0")}`],
      };
    }),
  );
  // Three kinds of assertion in turn: tests pass, the design is followed, user testing drives the command line.
  const kinds = [
    (m: string) => ({ statement: `the ${m} parts build and their tests pass`, verification: "sh test.sh" }),
    (m: string) => ({ statement: `the ${m} parts follow docs/design.md`, verification: "read the code against docs/design.md" }),
    (m: string) => ({ statement: `the ${m} parts can be used from the command line`, verification: "run the command line and look", validator: "user-testing" as const }),
  ];
  const assertions = MILESTONES.flatMap((milestone) =>
    Array.from({ length: milestone.features }, (_, index) => ({
      id: `VAL-${milestone.id}-${String(index + 1).padStart(3, "0")}`,
      milestoneId: milestone.id,
      ...kinds[index % kinds.length]!(milestone.id),
    })),
  );
  return {
    summary: "An inventory service in twelve parts over two milestones: stock records, reservations, and a command line, each with tests.",
    milestones: MILESTONES.map((milestone) => ({ id: milestone.id, title: `Inventory ${milestone.id}` })),
    features,
    assertions,
  };
}

/** A repository of realistic size: 40 source files of ~2,400 characters, a README, an AGENTS.md and a design document. */
function repositoryFiles(): Record<string, string> {
  const files: Record<string, string> = {
    "README.md": `# Inventory\n\n${"An inventory service: stock records, reservations and a command line, kept in one small package. ".repeat(30)}\n`,
    "AGENTS.md": `# Working on this repository\n\n${Array.from({ length: 40 }, (_, index) => `- Rule ${index + 1}: keep modules small, test first, and name things for what they do (no abbreviations); run sh test.sh before a handoff.`).join("\n")}\n`,
    "docs/design.md": `# Design\n\n${"Each part owns one module under src/features and exports pure functions over plain records. ".repeat(40)}\n`,
    "package.json": `${JSON.stringify({ name: "inventory", version: "1.0.0", type: "module", scripts: { test: "sh test.sh" } }, null, 2)}\n`,
    "test.sh": "true\n",
    ".github/missions.yml": "commands:\n  test: sh test.sh\n",
  };
  for (let index = 0; index < FILES; index++) files[sourcePath(index)] = moduleSource(index);
  return files;
}

function sourcePath(index: number): string {
  return `src/lib/module-${String(index).padStart(2, "0")}.ts`;
}

function moduleSource(index: number): string {
  const lines = Array.from({ length: 40 }, (_, line) => `export const value${index}_${line} = (record: { count: number }) => record.count + ${line}; // ${index}`);
  return `// Module ${index} of the inventory library.\n${lines.join("\n")}\n`;
}

function featureSource(feature: string): string {
  return `// ${feature}\nexport function ${feature.toLowerCase()}(): number {\n  return 0;\n}\n`;
}

if (import.meta.main) console.log(await missionCaching());

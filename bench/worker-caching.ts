import { startHarness, MAINTAINER, OWNER, REPO } from "../test/e2e/harness.ts";
import { missionResponder, type ScriptedPlan } from "../test/e2e/mission-script.ts";
import type { NormalizedRequest, Reply } from "../test/fakes/models/index.ts";

const FEATURES = 10;

/**
 * A 10-feature mission on the fake Anthropic server whose workers behave like real ones: look
 * around, read, write, re-read, edit, then hand off. Returns the worker role's figures.
 */
export async function workerCaching(): Promise<{ cache_read_share: number }> {
  const plan: ScriptedPlan = {
    summary: "Ten small modules, each with its test.",
    milestones: [{ id: "M1", title: "Modules" }],
    features: Array.from({ length: FEATURES }, (_, index) => ({
      id: `F${index + 1}`,
      milestoneId: "M1",
      title: `Add module ${index + 1}`,
      description: `Create src/module-${index + 1}.js exporting a function that returns ${index + 1}, and extend README.md with a line about it.`,
      // One owner per assertion, as the orchestrator's plans must have.
      assertionIds: [`VAL-MOD-${String(index + 1).padStart(3, "0")}`],
    })),
    assertions: Array.from({ length: FEATURES }, (_, index) => ({ id: `VAL-MOD-${String(index + 1).padStart(3, "0")}`, milestoneId: "M1", statement: `module ${index + 1} returns its number`, verification: "sh test.sh" })),
  };
  const base = missionResponder({ plans: [plan], files: {} });
  const worker = (request: NormalizedRequest): Reply => {
    const first = request.messages[0];
    const feature = first?.role === "user" ? (/^# Feature F(\d+):/m.exec(first.text)?.[1] ?? "0") : "0";
    const turn = request.messages.filter((message) => message.role === "assistant").length;
    const file = `src/module-${feature}.js`;
    const steps: Reply[] = [
      { toolCalls: [{ name: "list_files", arguments: {} }] },
      { toolCalls: [{ name: "read_file", arguments: { path: "README.md" } }] },
      { toolCalls: [{ name: "write_file", arguments: { path: file, content: `export function value() {\n  return ${feature};\n}\n` } }] },
      { toolCalls: [{ name: "read_file", arguments: { path: file } }] },
      { toolCalls: [{ name: "edit_file", arguments: { path: file, old_string: `return ${feature};`, new_string: `return Number(${feature});` } }] },
      {
        toolCalls: [{
          name: "submit_handoff",
          arguments: { status: "done", summary: `Added ${file} returning ${feature}, and checked it reads back.`, completed: [file], leftUndone: [], commandsRun: [], issuesDiscovered: [], testsWrittenFirst: false },
        }],
      },
    ];
    return steps[Math.min(turn, steps.length - 1)]!;
  };
  const harness = await startHarness({
    files: { "README.md": `# Modules\n\n${"A small library of numbered modules. ".repeat(40)}\n`, "test.sh": "true\n", ".github/missions.yml": "commands:\n  test: sh test.sh\n" },
  });
  try {
    harness.models.script((request) => (request.tools.some((tool) => tool.name === "submit_handoff") ? worker(request) : base(request)));
    const { number } = harness.github.createIssue({ owner: OWNER, repo: REPO, title: "Modules", body: "", user: MAINTAINER });
    await harness.github.addLabel({ owner: OWNER, repo: REPO, issue: number, label: "mission", sender: MAINTAINER });
    await harness.settle();
    await harness.github.comment({ owner: OWNER, repo: REPO, issue: number, user: MAINTAINER, body: "/mission approve" });
    await harness.settle();
    const workerCalls = harness.models.calls.filter((call) => call.request.tools.some((tool) => tool.name === "submit_handoff"));
    if (workerCalls.length < FEATURES * 6) throw new Error(`expected ${FEATURES * 6} worker calls, saw ${workerCalls.length}`);
    const input = workerCalls.reduce((sum, call) => sum + call.usage.inputTokens, 0);
    const read = workerCalls.reduce((sum, call) => sum + call.usage.cacheReadTokens, 0);
    return { cache_read_share: read / input };
  } finally {
    await harness.close();
  }
}

if (import.meta.main) console.log(await workerCaching());

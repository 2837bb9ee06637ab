import { startHarness, type Harness } from "../test/e2e/harness.ts";
import { missionResponder, type ScriptedPlan } from "../test/e2e/mission-script.ts";
import type { NormalizedRequest, Reply } from "../test/fakes/models/index.ts";

/**
 * A harness scripted for a mission of `count` one-file features in one milestone, checked by a
 * test command that always passes: the app's own work, with models and GitHub as fast as they go.
 * Workers hand off as real ones do — a summary of a few hundred characters and a finding each —
 * so that whatever the app keeps of handoffs weighs what it weighs in a real mission.
 *
 * `continued`: the plan has half the features, and each is handed off partial once, so the app
 * adds the other half as continuations — how a mission grows past the 60 features a plan may have.
 */
export async function fileMissionHarness(
  count: number,
  startOptions: Parameters<typeof startHarness>[0]["startOptions"] = {},
  options: { continued?: boolean } = {},
): Promise<Harness> {
  const planned = options.continued ? Math.ceil(count / 2) : count;
  const plan: ScriptedPlan = {
    summary: "Many small features.",
    milestones: [{ id: "M1", title: "All" }],
    features: Array.from({ length: planned }, (_, index) => ({
      id: `F${index + 1}`,
      milestoneId: "M1",
      title: `Add file ${index + 1}`,
      description: `Create file-${index + 1}.txt.`,
      // One owner per assertion, as the orchestrator's plans must have.
      assertionIds: [`VAL-BENCH-${String(index + 1).padStart(3, "0")}`],
    })),
    assertions: Array.from({ length: planned }, (_, index) => ({ id: `VAL-BENCH-${String(index + 1).padStart(3, "0")}`, milestoneId: "M1", statement: `file-${index + 1}.txt exists`, verification: "sh test.sh" })),
  };
  // Continuations get the next ids (F{planned + 1}…), so every feature has its file by id.
  const files = Object.fromEntries(Array.from({ length: count }, (_, index) => [`F${index + 1}`, { [`file-${index + 1}.txt`]: `${index}\n` }]));
  const harness = await startHarness({
    files: { "README.md": "# bench\n", "test.sh": "true\n", ".github/missions.yml": "commands:\n  test: sh test.sh\n" },
    startOptions,
  });
  const responder = missionResponder({ plans: [plan], files });
  harness.models.script((request) => realisticHandoff(request, responder(request), options.continued ? planned : 0));
  return harness;
}

/**
 * A worker's handoff as long as a real one: a summary of about 400 characters and one finding;
 * partial for the first `partialUpTo` features, which leave their second half to a continuation.
 */
function realisticHandoff(request: NormalizedRequest, reply: Reply, partialUpTo: number): Reply {
  const call = "toolCalls" in reply ? reply.toolCalls?.[0] : undefined;
  if (!("toolCalls" in reply) || call?.name !== "submit_handoff") return reply;
  const first = request.messages[0];
  const feature = (first?.role === "user" ? /^# Feature (F\d+):/m.exec(first.text)?.[1] : undefined) ?? "F?";
  const partial = Number(feature.slice(1)) <= partialUpTo;
  const summary = [
    `Implemented ${partial ? "the first half of " : ""}${feature} as its description asks: the new file sits next to the existing ones and follows README.md's conventions.`,
    `Read the neighbouring files first to match their format, wrote the file, re-read it to check its content, and ran the repository's test command, which passes.`,
    `Nothing else changed; no new dependencies.`,
  ].join(" ");
  const finding = `test.sh only checks that the shell runs, not that the files exist; ${feature}'s file is not covered by it, nor are the earlier ones. A later feature should make the test read every file.`;
  const handoff = {
    ...(call.arguments as object),
    summary,
    issuesDiscovered: [finding],
    ...(partial ? { status: "partial", leftUndone: ["the file's second half: a companion file next to it"] } : {}),
  };
  return { ...reply, toolCalls: [{ ...call, arguments: handoff }] };
}

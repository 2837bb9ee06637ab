import { startHarness, type Harness } from "../test/e2e/harness.ts";
import { missionResponder, type ScriptedPlan } from "../test/e2e/mission-script.ts";

/**
 * A harness scripted for a mission of `count` one-file features in one milestone, checked by a
 * test command that always passes: the app's own work, with models and GitHub as fast as they go.
 */
export async function fileMissionHarness(count: number, startOptions: Parameters<typeof startHarness>[0]["startOptions"] = {}): Promise<Harness> {
  const plan: ScriptedPlan = {
    summary: "Many small features.",
    milestones: [{ id: "M1", title: "All" }],
    features: Array.from({ length: count }, (_, index) => ({
      id: `F${index + 1}`,
      milestoneId: "M1",
      title: `Add file ${index + 1}`,
      description: `Create file-${index + 1}.txt.`,
      assertionIds: ["VAL-BENCH-001"],
    })),
    assertions: [{ id: "VAL-BENCH-001", milestoneId: "M1", statement: "all files exist", verification: "sh test.sh" }],
  };
  const files = Object.fromEntries(plan.features.map((feature, index) => [feature.id, { [`file-${index + 1}.txt`]: `${index}\n` }]));
  const harness = await startHarness({
    files: { "README.md": "# bench\n", "test.sh": "true\n", ".github/missions.yml": "commands:\n  test: sh test.sh\n" },
    startOptions,
  });
  harness.models.script(missionResponder({ plans: [plan], files }));
  return harness;
}

import { startHarness, MAINTAINER, OWNER, REPO } from "../test/e2e/harness.ts";
import { missionResponder, type ScriptedPlan } from "../test/e2e/mission-script.ts";

const FEATURES = 10;

/**
 * Edits of the mission control comment per feature, over a 10-feature mission from `/mission
 * approve` to done (target ≤ 3). Measured with the edit throttle off, so every change of what the
 * comment shows is written: the throttle can only lower the figure, and the instant scripted model
 * would otherwise hide everything behind it.
 */
export async function controlCommentEdits(): Promise<{ control_comment_edits_per_feature: number }> {
  const plan: ScriptedPlan = {
    summary: "Ten small files.",
    milestones: [{ id: "M1", title: "All" }],
    features: Array.from({ length: FEATURES }, (_, index) => ({
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
    startOptions: { controlEditIntervalMs: 0 },
  });
  try {
    harness.models.script(missionResponder({ plans: [plan], files }));
    const issue = await harness.startMission("Bench");
    const control = () => harness.github.comments(OWNER, REPO, issue).find((comment) => comment.body.includes("<!-- missions:control"))!;
    const before = control().edits;
    await harness.github.comment({ owner: OWNER, repo: REPO, issue, user: MAINTAINER, body: "/mission approve" });
    await harness.settle();
    if (!control().body.includes("✅ Done")) throw new Error("the bench mission did not finish");
    return { control_comment_edits_per_feature: (control().edits - before) / FEATURES };
  } finally {
    await harness.close();
  }
}

if (import.meta.main) console.log(await controlCommentEdits());

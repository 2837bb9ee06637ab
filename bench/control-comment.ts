import { MAINTAINER, OWNER, REPO } from "../test/e2e/harness.ts";
import { fileMissionHarness } from "./file-mission.ts";

const FEATURES = 10;

/**
 * Edits of the mission control comment per feature, over a 10-feature mission from `/mission
 * approve` to done (target ≤ 3). Measured with the edit throttle off, so every change of what the
 * comment shows is written: the throttle can only lower the figure, and the instant scripted model
 * would otherwise hide everything behind it.
 */
export async function controlCommentEdits(): Promise<{ control_comment_edits_per_feature: number }> {
  // The throttle off: every change of what the comment shows is written.
  const harness = await fileMissionHarness(FEATURES, { controlEditIntervalMs: 0 });
  try {
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

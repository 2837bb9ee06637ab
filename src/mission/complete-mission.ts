import type { Mission } from "./mission.ts";

/** Every assertion passed and the pull request is ready for review: the mission is done, and says so. */
export function completeMission(mission: Mission, outcome: { pull: { number: number; nodeId: string }; now: string }): Mission {
  const { pull, now } = outcome;
  const passed = Object.values(mission.assertions).filter((state) => state.verdict === "pass").length;
  const skipped = Object.values(mission.assertions).filter((state) => state.verdict === "skipped").length;
  const verified =
    skipped > 0
      ? `${passed} assertions of contract v${mission.approvedVersion} pass; ${skipped} ${skipped === 1 ? "was" : "were"} skipped and not verified (listed in the pull request).`
      : `All ${passed} assertions of contract v${mission.approvedVersion} pass.`;
  return {
    ...mission,
    finishedAt: now,
    updatedAt: now,
    status: "done",
    reason: undefined,
    pr: { number: pull.number, nodeId: pull.nodeId, ready: true },
    notices: [
      ...mission.notices,
      {
        key: `done-${pull.number}-${Object.keys(mission.features).length}`,
        body: `### ✅ Mission complete\n\n${verified} Pull request #${pull.number} is ready for your review.`,
      },
    ],
  };
}

import { escapeCell } from "./markdown.ts";
import type { Mission } from "./mission.ts";
import { allFeatures } from "./plan-features.ts";

type Notice = Mission["notices"][number];

/**
 * What the people are told when the mission finishes — truthfully when it finishes again: after a
 * fix whose features changed no file (review feedback that needed no change, say) it is not
 * "complete" a second time, and the pull request, already ready, is left as it is. `changed` says
 * whether there is new work since the last finish (always, the first time).
 */
export function finishNotice(mission: Mission, pullNumber: number): { notice?: Notice; changed: boolean } {
  const ids = Object.keys(mission.features);
  const passed = Object.values(mission.assertions).filter((state) => state.verdict === "pass").length;
  const skipped = Object.values(mission.assertions).filter((state) => state.verdict === "skipped").length;
  const verified =
    skipped > 0
      ? `${passed} assertions of contract v${mission.approvedVersion} pass; ${skipped} ${skipped === 1 ? "was" : "were"} skipped and not verified (listed in the pull request).`
      : `All ${passed} assertions of contract v${mission.approvedVersion} pass.`;
  const version = mission.approvedVersion ?? 0;
  const complete: Notice = {
    key: `done-${pullNumber}-${ids.length}-v${version}`,
    body: `### ✅ Mission complete\n\n${verified} Pull request #${pullNumber} is ready for your review.`,
  };
  const finishes = mission.notices
    .map((notice) => new RegExp(`^done-(?:unchanged-)?${pullNumber}-(\\d+)(?:-v(\\d+))?$`).exec(notice.key))
    .filter((match): match is RegExpExecArray => match !== null);
  if (finishes.length === 0) return { notice: complete, changed: true };
  const last = finishes.at(-1)!;
  // Finished under another contract version (a revision after done): that is news, said once.
  if (last[2] !== undefined && Number(last[2]) !== version) return { notice: complete, changed: true };
  const before = Number(last[1]);
  // Validated again with no new feature: said already.
  if (before >= ids.length) return { changed: false };
  const added = ids.slice(before);
  // A feature with no record of its files counts as a change: never claim "no change" unsure.
  if (added.some((id) => (mission.features[id]?.files?.length ?? 1) > 0)) return { notice: complete, changed: true };
  const title = (id: string) => allFeatures(mission).find((feature) => feature.id === id)?.title ?? id;
  const why = added.map((id) => {
    const reason = mission.features[id]?.handoff?.noChangeReason?.replace(/\s+/g, " ").trim();
    return `- ${id} (${escapeCell(title(id))})${reason ? `: ${escapeCell(reason)}` : ""}`;
  });
  return {
    changed: false,
    notice: {
      key: `done-unchanged-${pullNumber}-${ids.length}-v${version}`,
      body: [
        "### ✅ No change needed",
        "",
        `The workers found that what was asked needed no change to the code; no file changed:`,
        ...why,
        "",
        `All ${passed} assertions of contract v${mission.approvedVersion} still pass, and pull request #${pullNumber} stays ready for your review. ` +
          "If something should change after all, say what with `/mission fix <what to change>`.",
      ].join("\n"),
    },
  };
}

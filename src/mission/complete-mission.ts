import { finishNotice } from "./finish-notice.ts";
import type { Mission } from "./mission.ts";

/**
 * Every assertion passed (or was skipped by a person): the mission is done, and says so — once; after
 * a fix that changed nothing, it says that instead and a pull request turned back to draft stays so.
 */
export function completeMission(mission: Mission, outcome: { pull: { number: number; nodeId: string; draft?: boolean }; now: string }): Mission {
  const { pull, now } = outcome;
  const { notice, changed } = finishNotice(mission, pull.number);
  return {
    ...mission,
    finishedAt: now,
    updatedAt: now,
    status: "done",
    reason: undefined,
    pr: { number: pull.number, nodeId: pull.nodeId, ready: !pull.draft || changed },
    notices: [...mission.notices, ...(notice ? [notice] : [])],
  };
}

import type { Mission } from "./mission.ts";

export interface BudgetReached {
  spentUsd: number;
  capUsd: number;
  /** The most the next model call could have cost. */
  nextCallUsd: number;
}

/**
 * The mission's money ran out for the next model call: it pauses until a person raises the budget
 * with `/mission budget <usd>`, and continues where it stopped (from the feature's checkpoint, when a
 * worker was interrupted with work in its checkout).
 */
export function pauseForBudget(mission: Mission, reached: BudgetReached, maxUsd: number, kept?: string): Mission {
  const money = (usd: number) => `$${usd.toFixed(2)}`;
  return {
    ...mission,
    status: "paused",
    pausedFrom: mission.status,
    pauseCause: "budget",
    reason: `budget reached (${money(reached.spentUsd)} of ${money(reached.capUsd)})`,
    notices: [
      ...mission.notices,
      {
        key: `budget-${mission.notices.length}`,
        body: [
          "### 💸 Mission paused: budget reached",
          "",
          `${money(reached.spentUsd)} of the ${money(reached.capUsd)} budget is spent, and the next model call could cost up to ${money(reached.nextCallUsd)}.`,
          ...(kept ? ["", kept] : []),
          "",
          `Comment \`/mission budget <usd>\` (at most ${money(maxUsd)}) to continue where it stopped; nothing is lost.`,
        ].join("\n"),
      },
    ],
  };
}

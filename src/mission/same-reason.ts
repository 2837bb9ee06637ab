import { defuseMarkers, escapeCell } from "./markdown.ts";
import type { Mission } from "./mission.ts";
import { allFeatures } from "./plan-features.ts";
import type { Handoff } from "./schemas.ts";

/** How many `partial` handoffs in a row for the same reason before the app stops and asks (default). */
export const SAME_REASON_IN_A_ROW = 2;

/** How alike two reasons' words must be (shared words over all words) to be the same reason. */
const SIMILAR = 0.5;

/** Words that carry no reason of their own. */
const FILLER = new Set(
  (
    "a an the and or but of to in on at for from by with without into onto as is are was were be been being it its this that these those " +
    "there here not no so because since could can cannot couldn't can't wasn't isn't didn't did do does done yet still also then than " +
    "i we you they he she my our your their me us them which who what when where how all any some each every only just left undone rest " +
    "feature features work worker workers"
  ).split(" "),
);

/**
 * A reason's words, normalised: lower case, punctuation and filler dropped, plural and tense endings
 * cut — so "Could not run the tests: browsers missing" and "tests couldn't run, browser is missing"
 * come out alike.
 */
export function reasonWords(text: string): Set<string> {
  const words = text
    .toLowerCase()
    .replace(/[^a-z0-9']+/g, " ")
    .split(" ")
    .map((word) => word.replace(/^'+|'+$/g, ""))
    .filter((word) => word.length > 1 && !FILLER.has(word))
    .map(stem);
  return new Set(words);
}

function stem(word: string): string {
  if (word.length > 5 && word.endsWith("ing")) return word.slice(0, -3);
  if (word.length > 4 && word.endsWith("ed")) return word.slice(0, -2);
  if (word.length > 4 && word.endsWith("es") && /(ss|sh|ch|x)es$/.test(word)) return word.slice(0, -2);
  if (word.length > 3 && word.endsWith("s") && !word.endsWith("ss")) return word.slice(0, -1);
  return word;
}

/** Whether two reasons say the same: most of their words are shared, and at least two (one for one-word reasons). */
export function sameReason(a: string, b: string): boolean {
  const left = reasonWords(a);
  const right = reasonWords(b);
  if (left.size === 0 || right.size === 0) return false;
  const shared = [...left].filter((word) => right.has(word)).length;
  const all = new Set([...left, ...right]).size;
  return shared >= Math.min(2, left.size, right.size) && shared / all >= SIMILAR;
}

/**
 * Why a `partial` handoff stopped, when the worker named an obstacle (`stoppedBy`). What it left
 * undone is no reason: "write the unit tests" left by two long features is ordinary work for their
 * follow-ups, not a shared obstacle — and workers that ran long are told to leave `stoppedBy` out.
 */
export function partialReason(handoff: Handoff): string | undefined {
  return handoff.stoppedBy?.replace(/\s+/g, " ").trim() || undefined;
}

export type PartialStreak = NonNullable<Mission["partialStreak"]>;

/**
 * The run of `partial` handoffs after this one: longer by this feature when its reason is the run's,
 * a new run when it is another reason, none when the worker gave no reason at all.
 */
export function extendStreak(streak: PartialStreak | undefined, featureId: string, handoff: Handoff, followUp: string): PartialStreak | undefined {
  const reason = partialReason(handoff);
  if (!reason) return undefined;
  const entry = { id: featureId, reason: reason.slice(0, 300), followUp };
  if (streak && sameReason(streak.reason, reason)) return { ...streak, features: [...streak.features, entry] };
  return { reason: entry.reason, features: [entry] };
}

/**
 * Features in a row handed off `partial` for the same reason: more follow-ups would most likely stop
 * for it too, so the mission is blocked and people are asked, once — naming the reason, the features,
 * and commands that work while it is blocked. What the features left waits as their follow-ups.
 */
export function sameReasonBound(mission: Mission, streak: PartialStreak, branch: string | undefined): Mission {
  const title = (id: string) => allFeatures(mission).find((feature) => feature.id === id)?.title ?? id;
  const last = streak.features.at(-1)!;
  const followUps = streak.features.map((entry) => entry.followUp);
  return {
    ...mission,
    status: "blocked",
    pausedFrom: "running",
    reason: `${streak.features.length} features in a row were handed off partial for the same reason: ${streak.reason}`,
    partialStreak: undefined,
    notices: [
      ...mission.notices,
      {
        key: `same-reason-${last.id}`,
        body: [
          `### ⛔ ${streak.features.length} features in a row were handed off partial for the same reason`,
          "",
          `> ${defuseMarkers(streak.reason.replace(/\n/g, " "))}`,
          "",
          ...streak.features.map((entry) => `- ${entry.id} (${escapeCell(title(entry.id))}): ${escapeCell(entry.reason)}`),
          "",
          `What they did is committed${branch ? ` on \`${branch}\`` : ""}; what they left waits as ${followUps.join(", ")}. ` +
            "The app queues no more workers until someone looks: the next ones would most likely stop for the same reason.",
          "",
          "- Fix what stops them (on the app's host or in the repository), then comment `/mission retry`: the waiting features run again.",
          "- `/mission retry <what the workers need to know>` runs them with your guidance, e.g. that the tests cannot run here and how to check the work instead.",
          "- `/mission abort` stops the mission; the branch stays as it is.",
        ].join("\n"),
      },
    ],
  };
}

import { StepProgressError, type Intent } from "../mission/index.ts";
import type { LanguageModel, ModelRequest, ModelResponse } from "../models/index.ts";
import type { MissionStore } from "../store/index.ts";

/** What a person (or their pull request) asks that stops the work in flight: the mission must not go on validating. */
const STOPPING_VERBS: ReadonlySet<Intent["verb"]> = new Set(["pause", "abort", "pull-closed"]);

/** Why the work in flight stopped, in a sentence for people: "@alice commented `/mission pause`". */
export function describeStoppingIntent(intent: Pick<Intent, "verb" | "text" | "author">): string {
  if (intent.verb === "pull-closed") return intent.text === "merged" ? `@${intent.author} merged the pull request` : `@${intent.author} closed the pull request`;
  return `@${intent.author} commented \`/mission ${intent.verb}\``;
}

/** Of the intents waiting, the first that stops the work in flight, if any. */
export function stoppingIntent(intents: readonly Intent[]): Intent | undefined {
  return intents.find((intent) => STOPPING_VERBS.has(intent.verb));
}

/**
 * A step stopped because people asked the mission to stop (`/mission pause`, `/mission abort`, the
 * pull request closed): not a failure — nothing is retried or counted, and the engine applies their
 * intents next, which decide what becomes of the mission and of the check runs still open.
 */
export class StoppedForPeopleError extends Error {
  override name = "StoppedForPeopleError";
  readonly isRetryable = false;
  readonly intent: Intent;

  constructor(intent: Intent) {
    super(describeStoppingIntent(intent));
    this.intent = intent;
  }
}

/** The people's stop behind an error, also when the step kept part of its work (`StepProgressError`). */
export function stoppedForPeople(error: unknown): StoppedForPeopleError | undefined {
  const cause = error instanceof StepProgressError ? error.cause : error;
  return cause instanceof StoppedForPeopleError ? cause : undefined;
}

/**
 * Validators stop at their next model call once a person asks the mission to stop: before each call
 * the store is asked for a waiting pause, abort or closed pull request (one query per call, works
 * whichever instance took the command). `stop` is aborted with a `StoppedForPeopleError`, so every
 * validator sharing it stops before its next call too; a call under way ends and is recorded.
 */
export function stopWhenPeopleAsk(store: Pick<MissionStore, "pendingIntents">, missionId: string, stop: AbortController): (model: LanguageModel) => LanguageModel {
  return (model) => ({
    id: model.id,
    async generate(request: ModelRequest): Promise<ModelResponse> {
      if (!stop.signal.aborted) {
        const intent = stoppingIntent(await store.pendingIntents(missionId));
        if (intent && !stop.signal.aborted) stop.abort(new StoppedForPeopleError(intent));
      }
      return model.generate(request);
    },
  });
}

/** How often a validator that waits without calling a model (for a free browser) asks the store whether people stopped the mission. */
export const PEOPLE_WATCH_MS = 1_000;

/**
 * For a wait no model call ends (a user-testing session waiting for a free browser): the store is
 * asked every `everyMs` for a waiting pause, abort or closed pull request, and `stop` is aborted with
 * a `StoppedForPeopleError` as a validator's next call would. The returned function ends the watch.
 */
export function watchForPeople(store: Pick<MissionStore, "pendingIntents">, missionId: string, stop: AbortController, everyMs = PEOPLE_WATCH_MS): () => void {
  let looking = false;
  const look = async () => {
    if (looking || stop.signal.aborted) return;
    looking = true;
    try {
      const intent = stoppingIntent(await store.pendingIntents(missionId));
      if (intent && !stop.signal.aborted) stop.abort(new StoppedForPeopleError(intent));
    } catch {
      // The store did not answer this time: asked again at the next tick.
    } finally {
      looking = false;
    }
  };
  const timer = setInterval(() => void look(), everyMs);
  timer.unref();
  void look();
  return () => clearInterval(timer);
}

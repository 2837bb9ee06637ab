import type { LanguageModel, ModelRequest, ModelResponse } from "./language-model.ts";

/** Wraps each of the fan-out's models; `release` lets the others go when the leader ends without a call. */
export interface Warmer {
  /** `leads`: this run's first call is the warming one (the others wait for it); unset, the first call to come leads. */
  (model: LanguageModel, leads?: boolean): LanguageModel;
  release(): void;
}

/**
 * Warms a shared prompt prefix before a fan-out: of the models it wraps (parallel runs whose prompts
 * start alike — the reviewers of a milestone), the leader's first call goes alone, and every other
 * run's first call waits until it has answered. A provider makes a prefix readable only once the call
 * that wrote it has been answered, so parallel runs started together would each pay to write it; after
 * the wait they read it. One call's latency is the price. A failed first call releases the rest.
 *
 * The leader is named (`leads`) when the order matters — the first feature's reviewer, so which run
 * goes first does not depend on which one happened to reach its call first — or else is the first
 * call to come.
 */
export function warmFirst(): Warmer {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  let taken = false;
  const warm = ((model: LanguageModel, leads?: boolean): LanguageModel => ({
    id: model.id,
    async generate(request: ModelRequest): Promise<ModelResponse> {
      if ((leads ?? true) && !taken) {
        taken = true;
        try {
          return await model.generate(request);
        } finally {
          open();
        }
      }
      await opened;
      return model.generate(request);
    },
  })) as Warmer;
  warm.release = () => open();
  return warm;
}

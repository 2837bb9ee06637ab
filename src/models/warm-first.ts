import type { LanguageModel, ModelRequest, ModelResponse } from "./language-model.ts";

/**
 * Warms a shared prompt prefix before a fan-out: of the models it wraps (parallel runs whose prompts
 * start alike — the reviewers of a milestone), the first call goes alone, and every other run's first
 * call waits until it has answered. A provider makes a prefix readable only once the call that wrote
 * it has been answered, so parallel runs started together would each pay to write it; after the
 * wait they read it. One call's latency is the price. A failed first call releases the rest.
 */
export function warmFirst(): (model: LanguageModel) => LanguageModel {
  let warmed: Promise<unknown> | undefined;
  return (model) => ({
    id: model.id,
    async generate(request: ModelRequest): Promise<ModelResponse> {
      if (!warmed) {
        const call = model.generate(request);
        warmed = call.catch(() => undefined);
        return call;
      }
      await warmed;
      return model.generate(request);
    },
  });
}

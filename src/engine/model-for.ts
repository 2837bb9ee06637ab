import type { RoleName } from "../config/index.ts";
import type { Mission } from "../mission/index.ts";
import { MeteredModel, type LanguageModel } from "../models/index.ts";
import type { StepContext } from "./engine-deps.ts";

/** A model nobody has priced: running it would spend money the ledger cannot count. */
export class UnpricedModelError extends Error {
  override name = "UnpricedModelError";
  readonly isRetryable = false;
  constructor(model: string) {
    super(
      `${model} has no price, so its cost could not be counted against the budget. The operator can set one with MISSIONS_PRICES, e.g. {"${model}": {"input": 0, "output": 0}} for a free local model.`,
    );
  }
}

/** The role's model for this mission, metered: budget checked before each call, every call in the ledger. */
export function modelFor(context: StepContext, mission: Mission, role: RoleName, featureId?: string): LanguageModel {
  const inner = context.models.forRole(role, mission.settings.models);
  const price = context.prices.lookup(inner.id);
  if (!price) throw new UnpricedModelError(inner.id);
  return new MeteredModel(inner, {
    price,
    budget: async () => ({
      spentUsd: (await context.store.usageTotals(mission.id)).usd,
      capUsd: mission.settings.budgetUsd ?? context.settings.defaultBudgetUsd,
    }),
    record: async (call) => {
      await context.store.recordUsage({
        missionId: mission.id,
        role,
        ...(featureId ? { featureId } : {}),
        model: call.model,
        ...call.usage,
        usd: call.usd,
        latencyMs: call.latencyMs,
        retries: call.retries,
        at: context.now().toISOString(),
      });
      context.log.debug({ role, feature: featureId, model: call.model, usd: call.usd, ...call.usage, retries: call.retries }, "model call");
    },
    retryBaseMs: context.settings.modelRetryBaseMs,
  });
}

import type { RoleName } from "../config/index.ts";
import type { Mission } from "../mission/index.ts";
import { MeteredModel, modelLimits, type Effort, type LanguageModel } from "../models/index.ts";
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

/**
 * The most output one call of each role needs, and so what its worst case holds of the budget (a
 * call cannot produce more than it is allowed). The orchestrator writes the whole plan in one call;
 * a worker writes a file at most per call (a larger one in parts: it is told so when cut off);
 * validators give verdicts and findings, a reviewer on one feature.
 */
export const ROLE_OUTPUT_TOKENS: Record<RoleName, number> = {
  orchestrator: 16_000,
  "repair-planner": 8_000,
  worker: 8_000,
  researcher: 4_000,
  scrutiny: 8_000,
  "user-testing": 8_000,
  reviewer: 4_000,
};

/**
 * The role's model for this mission, metered: each call's worst case is held against the budget
 * (in the store, with every other call of the mission) before it starts, every call in the ledger.
 * `stopBeforeNextCall`: see `MeterOptions` (validators of one step stop together when the budget
 * refuses one of them).
 */
export function modelFor(context: StepContext, mission: Mission, role: RoleName, featureId?: string, options: { stopBeforeNextCall?: AbortSignal } = {}): LanguageModel {
  const inner = context.models.forRole(role, mission.settings.models);
  const price = context.prices.lookup(inner.id);
  if (!price) throw new UnpricedModelError(inner.id);
  // One metered model is one agent run: its first recorded call puts the run on the timeline (the mission report counts them).
  let counted = false;
  return new MeteredModel(inner, {
    price,
    reserve: (usd, signal) => context.store.reserveSpend(mission.id, usd, mission.settings.budgetUsd ?? context.settings.defaultBudgetUsd, signal),
    ...(options.stopBeforeNextCall ? { stopBeforeNextCall: options.stopBeforeNextCall } : {}),
    maxOutputTokens: ROLE_OUTPUT_TOKENS[role],
    limits: modelLimits(inner.id),
    // The repository's choice for the role, else the operator's, else the provider's default.
    ...effortOf(context, mission, role),
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
      if (!counted) {
        counted = true;
        await context.store.appendEvent({ missionId: mission.id, kind: "agent-run", at: context.now().toISOString(), data: { role, model: call.model, ...(featureId ? { feature: featureId } : {}) } });
      }
      context.log.debug({ role, feature: featureId, model: call.model, usd: call.usd, ...call.usage, retries: call.retries }, "model call");
    },
    retryBaseMs: context.settings.modelRetryBaseMs,
  });
}

function effortOf(context: StepContext, mission: Mission, role: RoleName): { effort?: Effort } {
  const chosen = mission.settings.effort as Record<string, Effort | undefined> | undefined;
  // A repository that sets the orchestrator's effort sets its repair planner's too, unless it sets that apart.
  const effort = chosen?.[role] ?? (role === "repair-planner" ? chosen?.orchestrator : undefined) ?? context.settings.effort?.[role];
  return effort ? { effort } : {};
}

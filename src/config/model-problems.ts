import { modelLimits } from "../models/model-limits.ts";
import type { PriceTable } from "../models/prices.ts";
import type { ProviderSettings, RoleName } from "./operator-config.ts";

/** A configuration the app cannot run missions with, and the variables that fix it. */
export interface ConfigProblem {
  /** The variables to set or change, most likely first. */
  variables: string[];
  /** One sentence for the operator, naming those variables. */
  message: string;
}

/** A role's model and the variable that chose it (none: the first provider's default). */
export interface ModelChoice {
  role: RoleName;
  model: string;
  variable?: string;
  /** The role's effort and the variable that chose it, if one did. */
  effort?: { value: string; variable: string };
}

const BUILT_IN_KEYS: Record<string, string> = { anthropic: "ANTHROPIC_API_KEY", openai: "OPENAI_API_KEY" };

/**
 * Every reason the roles' models could not be called, found at start rather than when the first
 * mission runs: no provider, a `provider/model` that is malformed or names a provider the operator
 * has not configured, a named provider without the model roles would use, a model without a price, an effort for a
 * model that does not think.
 */
export function findModelProblems(input: { providers: Record<string, ProviderSettings>; choices: ModelChoice[]; prices: PriceTable }): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const configured = Object.keys(input.providers);
  if (configured.length === 0) {
    problems.push({
      variables: ["ANTHROPIC_API_KEY", "OPENAI_API_KEY"],
      message:
        "No model provider is configured: set ANTHROPIC_API_KEY or OPENAI_API_KEY (or an OpenAI-compatible server with MISSIONS_PROVIDER_<NAME>_BASE_URL and MISSIONS_PROVIDER_<NAME>_MODEL).",
    });
  }
  const seen = new Set<string>();
  const unpriced = new Set<string>();
  for (const { model, variable } of input.choices) {
    const key = `${variable ?? ""}=${model}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const slash = model.indexOf("/");
    const provider = slash > 0 ? model.slice(0, slash) : "";
    if (!variable) {
      // The defaults only fall back to a provider nobody configured when no provider has a model.
      if (configured.length > 0 && !input.providers[provider]) problems.push(noDefaultModel(configured[0]!));
      else if (input.providers[provider] && !input.prices.find(model)) unpriced.add(model);
      continue;
    }
    if (slash <= 0 || slash === model.length - 1) {
      const example = input.providers[model] || BUILT_IN_KEYS[model] ? `${model}/<model>` : "e.g. anthropic/claude-sonnet-5-5 or openai/gpt-5.1";
      problems.push({ variables: [variable], message: `${variable}=${model} is not provider/model: write it as ${example}.` });
    } else if (!input.providers[provider]) {
      const fix = BUILT_IN_KEYS[provider] ?? `${providerVariable(provider)}_BASE_URL`;
      const others = configured.length > 0 ? `, or choose a model of a configured provider (${configured.join(", ")})` : "";
      problems.push({ variables: [variable, fix], message: `${variable}=${model} names the provider "${provider}", which is not configured: set ${fix}${others}.` });
    } else if (!input.prices.find(model)) {
      unpriced.add(model);
    }
  }
  // An effort for a model that does not think: the provider would refuse every call of the role. An
  // effort a role only inherits (MISSIONS_EFFORT for all, or the orchestrator's for the repair planner)
  // is left off a role whose model does not think (the model adapter sends none there); it is refused
  // only when no role it reaches has a model that thinks, so it sets nothing.
  const refused = new Set<string>();
  const setsSomething = (effortVariable: string) =>
    input.choices.some((choice) => choice.effort?.variable === effortVariable && modelLimits(choice.model).thinks !== false);
  for (const { role, model, variable, effort } of input.choices) {
    if (!effort || modelLimits(model).thinks !== false) continue;
    const own = effort.variable === `MISSIONS_EFFORT_${role.toUpperCase().replace("-", "_")}`;
    if (!own && setsSomething(effort.variable)) continue;
    const key = `${effort.variable}=${model}`;
    if (refused.has(key)) continue;
    refused.add(key);
    const modelVariable = variable ?? "MISSIONS_MODEL";
    problems.push({
      variables: [effort.variable, modelVariable],
      message: `${effort.variable}=${effort.value} sets how hard the ${role}'s model thinks, but ${model} does not think (no extended thinking or reasoning effort): unset ${effort.variable}, or choose a model that does with ${modelVariable}.`,
    });
  }
  for (const model of unpriced) {
    problems.push({
      variables: ["MISSIONS_PRICES"],
      message: `No price is known for ${model}: set MISSIONS_PRICES, e.g. {"${model}": {"input": 0, "output": 0}} for a free local model (USD per million tokens), so missions can count what they spend.`,
    });
  }
  return problems;
}

function noDefaultModel(provider: string): ConfigProblem {
  const variable = `${providerVariable(provider)}_MODEL`;
  return {
    variables: [variable, "MISSIONS_MODEL"],
    message: `No model is chosen: set ${variable} (the model of the provider "${provider}"), or MISSIONS_MODEL=${provider}/<model>.`,
  };
}

/** `local-llm` → `MISSIONS_PROVIDER_LOCAL_LLM`, the prefix of that provider's variables. */
function providerVariable(provider: string): string {
  return `MISSIONS_PROVIDER_${provider.toUpperCase().replace(/-/g, "_")}`;
}

import type { ProviderSettings, RoleName } from "../config/index.ts";
import { AnthropicLanguageModel } from "./anthropic/anthropic-language-model.ts";
import type { LanguageModel } from "./language-model.ts";
import { OpenAILanguageModel } from "./openai/openai-language-model.ts";
import { OpenAIResponsesModel } from "./openai/openai-responses-model.ts";

const VALIDATORS: ReadonlySet<RoleName> = new Set(["scrutiny", "reviewer", "user-testing"]);

export interface RegistryOptions {
  timeoutMs?: number;
  /** Roles whose model the operator named explicitly; the others follow the defaults' rules. */
  pinned?: ReadonlySet<RoleName>;
}

/** Resolves `provider/model` names to models, among the operator's providers only. */
export class ModelRegistry {
  readonly #providers: Record<string, ProviderSettings>;
  readonly #defaults: Record<RoleName, string>;
  readonly #options: RegistryOptions;
  readonly #cache = new Map<string, LanguageModel>();

  constructor(providers: Record<string, ProviderSettings>, defaults: Record<RoleName, string>, options: RegistryOptions = {}) {
    this.#providers = providers;
    this.#defaults = defaults;
    this.#options = options;
  }

  get providerNames(): string[] {
    return Object.keys(this.#providers);
  }

  /**
   * The repository's choice for the role when it made one, else the operator's. A validator nobody
   * pinned runs on a different provider from the mission's worker when there is one — decided after
   * the repository's choices, so a repository moving its worker moves the validators away from it.
   */
  modelName(role: RoleName, repositoryChoices: Record<string, string> = {}): string {
    const chosen = repositoryChoices[role];
    if (chosen) return chosen;
    // The repair planner follows the orchestrator (the repository's choice for it too) unless it was chosen itself.
    if (role === "repair-planner" && !this.#options.pinned?.has(role)) return this.modelName("orchestrator", repositoryChoices);
    const fallback = this.#defaults[role];
    if (!VALIDATORS.has(role) || this.#options.pinned?.has(role)) return fallback;
    const workerProvider = providerOf(this.modelName("worker", repositoryChoices));
    if (providerOf(fallback) !== workerProvider) return fallback;
    const other = Object.entries(this.#providers).find(([name, provider]) => name !== workerProvider && provider.defaultModel);
    return other ? `${other[0]}/${other[1].defaultModel}` : fallback;
  }

  forRole(role: RoleName, repositoryChoices: Record<string, string> = {}): LanguageModel {
    return this.get(this.modelName(role, repositoryChoices));
  }

  get(name: string): LanguageModel {
    const cached = this.#cache.get(name);
    if (cached) return cached;
    const providerName = providerOf(name);
    const model = name.slice(providerName.length + 1);
    const provider = this.#providers[providerName];
    if (!provider) {
      throw new Error(`Model "${name}" names provider "${providerName}", which the operator has not configured (configured: ${this.providerNames.join(", ") || "none"}).`);
    }
    const timeoutMs = this.#options.timeoutMs;
    const created =
      provider.protocol === "anthropic"
        ? // Retries are the meter's (it counts them and honours retry-after); the SDKs make one attempt.
          new AnthropicLanguageModel(model, { apiKey: provider.apiKey, baseUrl: provider.baseUrl, maxRetries: 0, timeoutMs })
        : new (provider.api === "responses" ? OpenAIResponsesModel : OpenAILanguageModel)(model, { provider: providerName, apiKey: provider.apiKey, baseUrl: provider.baseUrl, maxRetries: 0, timeoutMs });
    this.#cache.set(name, created);
    return created;
  }
}

function providerOf(name: string): string {
  const slash = name.indexOf("/");
  return slash > 0 ? name.slice(0, slash) : "";
}

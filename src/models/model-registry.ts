import type { ProviderSettings, RoleName } from "../config/index.ts";
import { AnthropicLanguageModel } from "./anthropic/anthropic-language-model.ts";
import type { LanguageModel } from "./language-model.ts";
import { OpenAILanguageModel } from "./openai/openai-language-model.ts";

/** Resolves `provider/model` names to models, among the operator's providers only. */
export class ModelRegistry {
  readonly #providers: Record<string, ProviderSettings>;
  readonly #defaults: Record<RoleName, string>;
  readonly #cache = new Map<string, LanguageModel>();

  readonly #timeoutMs: number | undefined;

  constructor(providers: Record<string, ProviderSettings>, defaults: Record<RoleName, string>, options: { timeoutMs?: number } = {}) {
    this.#providers = providers;
    this.#defaults = defaults;
    this.#timeoutMs = options.timeoutMs;
  }

  get providerNames(): string[] {
    return Object.keys(this.#providers);
  }

  /** The repository's choice for the role when it made one, else the operator's default. */
  forRole(role: RoleName, repositoryChoices: Record<string, string> = {}): LanguageModel {
    return this.get(repositoryChoices[role] ?? this.#defaults[role]);
  }

  get(name: string): LanguageModel {
    const cached = this.#cache.get(name);
    if (cached) return cached;
    const slash = name.indexOf("/");
    const providerName = slash > 0 ? name.slice(0, slash) : "";
    const model = name.slice(slash + 1);
    const provider = this.#providers[providerName];
    if (!provider) {
      throw new Error(`Model "${name}" names provider "${providerName}", which the operator has not configured (configured: ${this.providerNames.join(", ") || "none"}).`);
    }
    const created =
      provider.protocol === "anthropic"
        ? // Retries are the meter's (it counts them and honours retry-after); the SDKs make one attempt.
          new AnthropicLanguageModel(model, { apiKey: provider.apiKey, baseUrl: provider.baseUrl, maxRetries: 0, timeoutMs: this.#timeoutMs })
        : new OpenAILanguageModel(model, { provider: providerName, apiKey: provider.apiKey, baseUrl: provider.baseUrl, maxRetries: 0, timeoutMs: this.#timeoutMs });
    this.#cache.set(name, created);
    return created;
  }
}

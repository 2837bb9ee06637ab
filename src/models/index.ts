export type * from "./language-model.ts";
export { THINKING_TOKENS } from "./language-model.ts";
export { ModelError, toModelError } from "./model-error.ts";
export { ModelRegistry, type RegistryOptions } from "./model-registry.ts";
export { AnthropicLanguageModel } from "./anthropic/anthropic-language-model.ts";
export { OpenAILanguageModel } from "./openai/openai-language-model.ts";
export { MeteredModel, BudgetExceededError, worstCaseUsd, inputTokenBound, extendedInputBound, promptOf, PROVIDER_OVERHEAD_TOKENS, retryDelay, type BudgetHold, type CallRecord, type MeterOptions, type PreviousCall, type Prompt } from "./metered-model.ts";
export { PriceTable, parseOperatorPrices, costOf, type ModelPrice, type PriceLookup } from "./prices.ts";
export { warmFirst } from "./warm-first.ts";

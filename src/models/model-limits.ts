/**
 * What a model can produce in one call, beside its price (`prices.ts`): the most output tokens the
 * provider accepts as `max_tokens` / `max_output_tokens`, and whether it thinks (Anthropic's extended
 * thinking, OpenAI's reasoning effort). A request beyond either is refused with a 400, which is not
 * retried: the metered model caps what it asks, and the configuration check refuses an effort for a
 * model that does not think.
 */
export interface ModelLimits {
  /** The provider's limit on one call's output, thinking included; unknown for models this app does not know. */
  maxOutputTokens?: number;
  /** `false`: the provider refuses an effort for this model; `true`: it takes one; unknown otherwise. */
  thinks?: boolean;
}

/** OpenAI's reasoning model families (o1, o3, o4-mini, gpt-5 and its variants, codex): they take an effort and return reasoning items. */
export const REASONING_MODEL = /^(?:o\d|gpt-5|codex)/i;

/** OpenAI models that do not reason: the API refuses `reasoning` / `reasoning_effort` for them. */
export const NON_REASONING_MODEL = /^(?:gpt-4|gpt-3\.5|chatgpt-)/i;

/**
 * Known limits, first match wins, by `provider/model` (a dated snapshot matches its model's pattern).
 * Claude models named by tier and version (`claude-opus-…`) that the list does not know take their
 * tier's most cautious known limit.
 */
const KNOWN: [RegExp, ModelLimits][] = [
  [/^anthropic\/claude-3-5-haiku/, { maxOutputTokens: 8_192, thinks: false }],
  [/^anthropic\/claude-3-5-sonnet/, { maxOutputTokens: 8_192, thinks: false }],
  [/^anthropic\/claude-3-7-sonnet/, { maxOutputTokens: 64_000, thinks: true }],
  [/^anthropic\/claude-3-/, { maxOutputTokens: 4_096, thinks: false }],
  [/^anthropic\/claude-opus-4-5/, { maxOutputTokens: 64_000, thinks: true }],
  [/^anthropic\/claude-opus-/, { maxOutputTokens: 32_000, thinks: true }],
  [/^anthropic\/claude-sonnet-/, { maxOutputTokens: 64_000, thinks: true }],
  [/^anthropic\/claude-haiku-/, { maxOutputTokens: 64_000, thinks: true }],
  [/^openai\/gpt-5/, { maxOutputTokens: 128_000, thinks: true }],
  [/^openai\/(?:o\d|codex)/, { maxOutputTokens: 100_000, thinks: true }],
  [/^openai\/gpt-4\.1/, { maxOutputTokens: 32_768, thinks: false }],
  [/^openai\/gpt-4o/, { maxOutputTokens: 16_384, thinks: false }],
  [/^openai\/(?:gpt-4|gpt-3\.5|chatgpt-)/, { thinks: false }],
];

/** The limits of `provider/model`: empty (nothing known) for a model, or a provider, this app does not know. */
export function modelLimits(model: string): ModelLimits {
  return KNOWN.find(([pattern]) => pattern.test(model))?.[1] ?? {};
}

/**
 * The fake's deterministic tokenizer: a quarter of the characters, rounded up. Strings count as
 * they are; anything else counts as its JSON serialization.
 */
export function estimateTokens(value: unknown): number {
  const text = typeof value === "string" ? value : (JSON.stringify(value) ?? "");
  return Math.ceil(text.length / 4);
}

/** One cacheable unit of a prompt: a tool, a system block, a message block (or a whole OpenAI message). */
export interface PromptPart {
  /** Identity for prefix hashing: the content plus whatever position facts change the prompt. */
  key: string;
  tokens: number;
  /** Set when the part carries an Anthropic cache breakpoint. */
  cacheTtlMs?: number;
  /** A zero-token marker (Anthropic's settings) that the 20-block lookback does not count. */
  notABlock?: boolean;
}

import type OpenAI from "openai";

/** What both OpenAI adapters (Chat Completions and Responses) need to reach a server. */
export interface OpenAIClientOptions {
  apiKey: string;
  baseUrl?: string;
  maxRetries?: number;
  timeoutMs?: number;
}

/** The SDK is loaded at the first call, not at start: an idle app does not carry it. */
export async function openAiClient(options: OpenAIClientOptions): Promise<OpenAI> {
  const { default: OpenAIClient } = await import("openai");
  return new OpenAIClient({ apiKey: options.apiKey, baseURL: options.baseUrl, maxRetries: options.maxRetries ?? 2, timeout: options.timeoutMs ?? 10 * 60_000 });
}

import type { StopReason } from "../language-model.ts";

export function mapOpenAIStopReason(reason: string | null | undefined, refusal: string | null | undefined): StopReason {
  if (refusal) return "refusal";
  switch (reason) {
    case "stop":
      return "end";
    case "tool_calls":
    case "function_call":
      return "tool-use";
    case "length":
      return "max-tokens";
    case "content_filter":
      return "refusal";
    default:
      return "other";
  }
}

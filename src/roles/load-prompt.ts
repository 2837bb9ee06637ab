import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const PROMPTS = fileURLToPath(new URL("../../prompts/", import.meta.url));
const cache = new Map<string, string>();

/**
 * A role's system prompt from `prompts/<name>.md`: static text, so providers can cache it. The
 * messages the app writes to a role are templates in `prompts/turns/` (`renderTurn`).
 */
export function loadPrompt(name: "orchestrator" | "repair-planner" | "worker" | "scrutiny" | "reviewer" | "user-testing" | "researcher"): string {
  let prompt = cache.get(name);
  if (prompt === undefined) {
    prompt = readFileSync(`${PROMPTS}${name}.md`, "utf8");
    cache.set(name, prompt);
  }
  return prompt;
}

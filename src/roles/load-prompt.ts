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

/**
 * The description of a role's final tool (`submit_*`), from `tools/<file>.md` beside the roles: text
 * the model reads, kept as text like the built-in tools' (`toolDescription`). A tool two roles share
 * under one name with different wording has a file per role: `submit_verdicts.user-testing.md`.
 */
export function finalToolDescription(file: `submit_${string}`): string {
  let text = cache.get(`tools/${file}`);
  if (text === undefined) {
    text = readFileSync(new URL(`./tools/${file}.md`, import.meta.url), "utf8").trim();
    cache.set(`tools/${file}`, text);
  }
  return text;
}

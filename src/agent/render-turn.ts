import { readFileSync } from "node:fs";
import Mustache from "mustache";

const TURNS = new URL("../../prompts/turns/", import.meta.url);
const cache = new Map<string, string>();

/** The messages the app writes to models, besides the system prompts: Markdown templates in `prompts/turns/`. */
export type TurnName =
  | "nudge"
  | "cut-off-call"
  | "worker-context"
  | "worker-task"
  | "worker-no-change"
  | "worker-wrap-up"
  | "plan"
  | "milestone-review"
  | "bulletin-curation"
  | "repair"
  | "scrutiny"
  | "reviewer"
  | "user-testing"
  | "research"
  | "research-wrap-up"
  | "no-such-tool"
  | "invalid-json"
  | "invalid-input"
  | "not-accepted"
  | "pruned"
  | "tool-failed";

/**
 * A message to a model from its template in `prompts/turns/<name>.md`, with named slots
 * (Mustache: `{{slot}}`, `{{#section}}…{{/section}}` for what is there only sometimes, inverted with
 * `^`). Values are inserted as they are — the messages are Markdown, not HTML — and never read as
 * template text, so a slot holding `{{…}}` from an issue stays text.
 */
export function renderTurn(name: TurnName, view: object = {}): string {
  let template = cache.get(name);
  if (template === undefined) {
    template = readFileSync(new URL(`${name}.md`, TURNS), "utf8").replace(/\n$/, "");
    cache.set(name, template);
  }
  // A slot the template always shows and the caller left out is a bug, not an empty line: a renamed
  // slot would otherwise drop its text from the message without a word.
  const missing = alwaysShown(template).filter((slot) => (view as Record<string, unknown>)[slot] === undefined);
  if (missing.length > 0) throw new Error(`prompts/turns/${name}.md: no value for ${missing.map((slot) => `{{${slot}}}`).join(", ")}`);
  // A section closing on the last line leaves its line break behind: a message never ends in one.
  return Mustache.render(template, view, {}, { escape: (value: unknown) => String(value) }).replace(/\n+$/, "");
}

/** The slots a template shows outside any section: each must have a value. */
function alwaysShown(template: string): string[] {
  const tokens = Mustache.parse(template) as unknown as Array<[string, string]>;
  return [...new Set(tokens.filter(([type]) => type === "name" || type === "&").map(([, value]) => value.split(".")[0]!))];
}

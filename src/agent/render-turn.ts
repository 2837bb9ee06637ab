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
  | "not-accepted";

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
  // A section closing on the last line leaves its line break behind: a message never ends in one.
  return Mustache.render(template, view, {}, { escape: (value: unknown) => String(value) }).replace(/\n+$/, "");
}

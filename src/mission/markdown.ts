/** Text from models or people, made safe for one Markdown table cell on one line. */
export function escapeCell(text: string): string {
  return defuseMentions(text.replace(/\r?\n/g, " ").replace(/\|/g, "\\|").replace(/<!--/g, "&lt;!--").trim());
}

/**
 * Neutralises what quoted text must not do in the app's comments: pose as the app's state (hidden
 * markers) or notify people and teams (`@name`) — a worker's words can be steered by a repository.
 */
export function defuseMarkers(text: string): string {
  return defuseMentions(text.replace(/<!--/g, "&lt;!--"));
}

/** `@name` and `@org/team` as plain text: a zero-width joiner after the `@` keeps GitHub from notifying anyone. */
export function defuseMentions(text: string): string {
  return text.replace(/(^|[^\w`])@(?=[A-Za-z0-9])/g, "$1@\u2060");
}

export { address, closes } from "../github/mentions.ts";

/** Text from models or people, made safe for one Markdown table cell on one line. */
export function escapeCell(text: string): string {
  return text.replace(/\r?\n/g, " ").replace(/\|/g, "\\|").replace(/<!--/g, "&lt;!--").trim();
}

/**
 * Neutralises what quoted text must not do in the app's comments: pose as the app's state (hidden
 * markers). Mentions (`@name`) are defused for every text by the GitHub port, on the way out.
 */
export function defuseMarkers(text: string): string {
  return text.replace(/<!--/g, "&lt;!--");
}

/** Text from models or people, made safe for one Markdown table cell on one line. */
export function escapeCell(text: string): string {
  return text.replace(/\r?\n/g, " ").replace(/\|/g, "\\|").replace(/<!--/g, "&lt;!--").trim();
}

/** Neutralises hidden markers in text we quote, so quoted text can never pose as the app's state. */
export function defuseMarkers(text: string): string {
  return text.replace(/<!--/g, "&lt;!--");
}

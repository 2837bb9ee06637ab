/**
 * Hidden markers in the app's own comments. They are only ever read from comments the app
 * itself wrote: a person can type a marker, but cannot make GitHub say the app wrote it.
 */
export const CONTROL_MARKER = "<!-- missions:control -->";
export const contractMarker = (version: number): string => `<!-- missions:contract v=${version} `;
export const noticeMarker = (key: string): string => `<!-- missions:notice ${key} -->`;
export const QUESTIONS_MARKER_PREFIX = "<!-- missions:questions ";

/** JSON that can sit inside an HTML comment: `<`, `>` and `&` escaped so `-->` can never appear. */
export function embeddableJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c").replace(/>/g, "\\u003e").replace(/&/g, "\\u0026");
}

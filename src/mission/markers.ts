/**
 * Hidden markers in the app's own comments. They are only ever read from comments the app
 * itself wrote: a person can type a marker, but cannot make GitHub say the app wrote it.
 */
export const controlMarker = (missionId: string): string => `<!-- missions:control m=${missionId} -->`;
export const contractMarker = (missionId: string, version: number): string => `<!-- missions:contract v=${version} m=${missionId} `;
export const noticeMarker = (missionId: string, key: string): string => `<!-- missions:notice m=${missionId} ${key} -->`;
export const questionsMarker = (missionId: string, round: number): string => `<!-- missions:questions m=${missionId} r=${round} -->`;

/** JSON that can sit inside an HTML comment: `<`, `>` and `&` escaped so `-->` can never appear. */
export function embeddableJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c").replace(/>/g, "\\u003e").replace(/&/g, "\\u0026");
}

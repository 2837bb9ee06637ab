/** A screenshot's file name as the user-testing validator saves them, and as the dashboard serves them. */
export const SCREENSHOT_NAME = /^[A-Za-z0-9_-]{1,80}\.(?:png|jpe?g)$/;

/** The screenshots evidence names, by whole file name: `shot-1.png` is not cited by `shot-10.png`. */
export function citedScreenshots(files: string[], evidence: string): string[] {
  const words = new Set(evidence.split(/[^A-Za-z0-9_.-]+/).map((word) => word.replace(/\.+$/, "")));
  return files.filter((name) => words.has(name));
}

/**
 * The screenshots shown beside a user-testing verdict: those its evidence names, else all its session
 * took (a verdict that names none still rests on what the browser showed).
 */
export function screenshotsOfVerdict(files: string[], evidence: string): string[] {
  const cited = citedScreenshots(files, evidence);
  return cited.length > 0 ? cited : files;
}

/** The folder of one validation's screenshots, under the mission's: `<milestone>-<first 12 of the commit>`. */
export function evidenceFolder(milestoneId: string, commitSha: string): string {
  return `${milestoneId}-${commitSha.slice(0, 12)}`;
}

/** The branch prefix when the operator chose none (`MISSIONS_BRANCH_PREFIX`). */
export const DEFAULT_BRANCH_PREFIX = "mission/";

/**
 * `mission/<issue>-<slug>`: readable, and valid as a git ref whatever the issue title holds. The prefix
 * is the operator's, so workflows can leave the app's branches out (`branches-ignore: ["mission/**"]`).
 */
export function branchName(issueNumber: number, title: string, prefix = DEFAULT_BRANCH_PREFIX): string {
  const slug = title
    .normalize("NFKD")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40)
    .replace(/-+$/, "");
  return `${prefix}${issueNumber}${slug ? `-${slug}` : ""}`;
}

/** `mission/<issue>-<slug>`: readable, and valid as a git ref whatever the issue title holds. */
export function branchName(issueNumber: number, title: string): string {
  const slug = title
    .normalize("NFKD")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40)
    .replace(/-+$/, "");
  return `mission/${issueNumber}${slug ? `-${slug}` : ""}`;
}

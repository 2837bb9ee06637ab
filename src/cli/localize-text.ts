/**
 * The engine's texts are written for GitHub: "comment `/mission approve`", "pull request #3 is ready".
 * At the terminal the CLI says itself what to do next (approve at the prompt, `--yes`, `missions resume`),
 * so lines that ask for a `/mission` comment are left out and the pull request is called the branch.
 */
export function localizeText(body: string): string {
  return body
    .split("\n")
    .filter((line) => !/`\/mission [a-z]/.test(line))
    .join("\n")
    .replace(/\bPull request #\d+ is ready for your review\b/g, "The branch is ready for your review")
    .replace(/\n{3,}/g, "\n\n");
}

/** Links to check runs on GitHub (`…/runs/<id>`) as links to the local reports, relative to the mission's folder. */
export function localizeCheckLinks(body: string, reportOf: (checkRunId: number) => string | undefined): string {
  return body.replace(/\]\(https?:\/\/[^)\s]*\/runs\/(\d+)\)/g, (link, id: string) => {
    const report = reportOf(Number(id));
    return report ? `](${report})` : link;
  });
}

/**
 * The app's links into the repository on GitHub (`…/local/<repo>/tree/<branch>`, `/commit/<sha>`,
 * `/pull/<n>`): there is no such page for a local mission. A branch or commit keeps its name (the
 * link's text: the branch, the short sha); the pull request is the mission's `summary.md`.
 */
export function localizeRepositoryLinks(body: string): string {
  return body.replace(/\[([^\]\n]*)\]\(https?:\/\/[^)\s]*?\/local\/[^)\s/]+\/(tree|commit|pull|blob|compare|issues)\/[^)\s]*\)/g, (_link, text: string, kind: string) =>
    kind === "pull" ? `[${text}](summary.md)` : text,
  );
}

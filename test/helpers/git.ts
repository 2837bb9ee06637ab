import { execFileSync } from "node:child_process";

/** Reads a bare repository as a person would with `git log`. */
export function git(gitDir: string, ...args: string[]): string {
  return execFileSync("git", ["--git-dir", gitDir, ...args], { encoding: "utf8", env: { ...process.env, GIT_CONFIG_GLOBAL: "/dev/null" } });
}

export interface LoggedCommit {
  sha: string;
  subject: string;
  author: string;
  trailers: Record<string, string>;
}

export function commitsOn(gitDir: string, branch: string, since?: string): LoggedCommit[] {
  if (git(gitDir, "branch", "--list", branch).trim() === "") return [];
  const range = since ? `${since}..${branch}` : branch;
  const out = git(gitDir, "log", "--reverse", "--format=%H%x1f%s%x1f%an <%ae>%x1f%(trailers:only,unfold)%x1e", range);
  return out
    .split("\x1e")
    .map((record) => record.trim())
    .filter(Boolean)
    .map((record) => {
      const [sha = "", subject = "", author = "", trailers = ""] = record.split("\x1f");
      return {
        sha,
        subject,
        author,
        trailers: Object.fromEntries(
          trailers
            .split("\n")
            .filter((line) => line.includes(": "))
            .map((line) => [line.slice(0, line.indexOf(": ")), line.slice(line.indexOf(": ") + 2)]),
        ),
      };
    });
}

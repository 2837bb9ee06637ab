import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { FakeGitHub } from "../../fakes/github/index.ts";
import { git } from "../../helpers/git.ts";

/** What must never leave the app: the operator's credentials and what GitHub hands it. */
export interface KnownSecrets {
  privateKey: string;
  webhookSecret: string;
  providerKeys: string[];
}

export interface SecretHit {
  where: string;
  what: string;
}

/** Every file under a directory, as text (binary files too: a token in a SQLite page is still a token). */
export function allText(directory: string): string {
  let text = "";
  for (const name of readdirSync(directory)) {
    const path = join(directory, name);
    const stat = statSync(path, { throwIfNoEntry: false });
    if (!stat) continue;
    if (stat.isDirectory()) text += allText(path);
    else if (stat.isFile()) text += readFileSync(path).toString("latin1");
  }
  return text.replace(/\0/g, "");
}

/** Scans each named text for installation tokens, app JWTs, private key material and the given keys. */
export function scanForSecrets(places: Record<string, string>, secrets: KnownSecrets): SecretHit[] {
  const keyLines = secrets.privateKey.split("\n").map((line) => line.trim()).filter((line) => line.length >= 40 && !line.startsWith("-----"));
  const literal: Array<[string, string]> = [
    ...keyLines.map((line): [string, string] => ["a line of the app's private key", line]),
    ["the webhook secret", secrets.webhookSecret],
    ...secrets.providerKeys.map((key): [string, string] => ["a provider key", key]),
  ];
  const patterns: Array<[string, RegExp]> = [
    ["an installation token", /ghs_[A-Za-z0-9]{8,}/],
    ["a GitHub token", /gh[pousr]_[A-Za-z0-9]{20,}/],
    ["an app JWT", /eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}/],
    ["a PEM private key", /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]{20}/],
    ["basic auth with a token", /x-access-token:[^@\s"]{8,}/],
  ];
  const hits: SecretHit[] = [];
  for (const [where, text] of Object.entries(places)) {
    for (const [what, value] of literal) if (value && text.includes(value)) hits.push({ where, what });
    for (const [what, pattern] of patterns) if (pattern.test(text)) hits.push({ where, what: `${what}: ${pattern.exec(text)![0].slice(0, 12)}…` });
  }
  return hits;
}

/** What the suite produced that a person or another program could read: GitHub, git, logs, the store. */
export function producedTexts(input: { github: FakeGitHub; owner: string; repo: string; issues: number[]; gitDir: string; logs: string; dataDir: string }): Record<"comments" | "checkRuns" | "pulls" | "commits" | "logs" | "store", string> {
  const { github, owner, repo } = input;
  return {
    comments: JSON.stringify(input.issues.map((issue) => github.comments(owner, repo, issue))),
    checkRuns: JSON.stringify(github.checkRuns(owner, repo)),
    pulls: JSON.stringify(github.pulls(owner, repo)),
    commits: git(input.gitDir, "log", "--all", "--format=%H %an %ae%n%B"),
    logs: input.logs,
    store: allText(input.dataDir),
  };
}

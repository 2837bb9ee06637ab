const PATTERNS: RegExp[] = [
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g,
  /\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})\b/g,
  /\bsk-[A-Za-z0-9_-]{20,}/g,
  /\bx-access-token:[^@\s]+@/g,
];
const REDACTED = "[redacted]";

/**
 * The one sanitiser every text posted to GitHub goes through: the operator's own secrets, and
 * anything shaped like a credential (a repository's output can carry one).
 */
export function createRedactor(secrets: Array<string | undefined>): (text: string) => string {
  const known = [...new Set(secrets.filter((secret): secret is string => !!secret && secret.length >= 8))].sort((a, b) => b.length - a.length);
  return (text) => {
    let result = text;
    for (const secret of known) result = result.split(secret).join(REDACTED);
    for (const pattern of PATTERNS) result = result.replace(pattern, REDACTED);
    return result;
  };
}

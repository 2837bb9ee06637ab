const REDACTED = "[redacted]";

/** What ends a token in gitleaks' rules (a quote, a backtick, white space, `;`, an escaped newline or the end), not consumed. */
const END = String.raw`(?=[\x60'"\s;,)\]}\\]|$)`;

/**
 * One credential shape. `keep` is the number of leading capture groups kept as they are (a header's
 * name, a URL's scheme); the rest of the match is replaced. `entropy` is the least Shannon entropy
 * (bits per character) the last group must have to count, for rules that match on context only.
 */
interface Rule {
  id: string;
  pattern: RegExp;
  keep?: number;
  entropy?: number;
  /** A value that matches this is not a secret after all (gitleaks' allowlist). */
  allow?: RegExp;
}

/**
 * Credential shapes, most from gitleaks' default rule set (config/gitleaks.toml, MIT, Copyright (c)
 * 2019 Zachary Rice): the rule ids are theirs, the regexes ported to JavaScript (inline `(?i)` as the
 * `i` flag, the trailing terminator as a lookahead). `github-token-loose`, `authorization-header`,
 * `url-credentials`, `aws-secret-access-key` and `secret-assignment` are this app's own.
 */
const RULES: Rule[] = [
  // A private key, with or without its END line: a truncated log still carries the key's body.
  {
    id: "private-key",
    pattern: /-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----(?:[\s\S]*?-----END[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----|(?:(?:\s|\\[nr])+(?:(?:Proc-Type|DEK-Info|Comment):[^\n]*|[A-Za-z0-9+/=]+))*)/gi,
  },
  { id: "aws-access-token", pattern: new RegExp(String.raw`\b(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}\b`, "g") },
  // An AWS secret key is 40 characters of base64 with no prefix of its own: recognised by the name it is given.
  {
    id: "aws-secret-access-key",
    pattern: new RegExp(String.raw`(\b(?:aws_?)?secret_?access_?key(?:_?id)?\\?["']?\s*(?:[:=]|:=|=>)\s*\\?["']?|\baws[\w.-]{0,20}?(?:secret|key)[\w.-]{0,20}\\?["']?\s*(?:[:=]|:=|=>)\s*\\?["']?)[A-Za-z0-9/+=]{40}(?![A-Za-z0-9/+=])`, "gi"),
    keep: 1,
  },
  { id: "jwt", pattern: new RegExp(String.raw`\bey[a-zA-Z0-9]{17,}\.ey[a-zA-Z0-9\/\\_-]{17,}\.(?:[a-zA-Z0-9\/\\_-]{10,}={0,2})?${END}`, "g") },
  { id: "npm-access-token", pattern: new RegExp(String.raw`\bnpm_[a-z0-9]{36}${END}`, "gi") },
  { id: "slack-app-token", pattern: /\bxapp-\d-[A-Z0-9]+-\d+-[a-z0-9]+/gi },
  { id: "slack-bot-token", pattern: /\bxoxb-[0-9]{10,13}-[0-9]{10,13}[a-zA-Z0-9-]*/g },
  { id: "slack-config-access-token", pattern: /\bxoxe.xox[bp]-\d-[A-Z0-9]{163,166}/gi },
  { id: "slack-config-refresh-token", pattern: /\bxoxe-\d-[A-Z0-9]{146}/gi },
  { id: "slack-legacy-bot-token", pattern: /\bxoxb-[0-9]{8,14}-[a-zA-Z0-9]{18,26}/g },
  { id: "slack-legacy-token", pattern: /\bxox[os]-\d+-\d+-\d+-[a-fA-F\d]+/g },
  { id: "slack-legacy-workspace-token", pattern: /\bxox[ar]-(?:\d-)?[0-9a-zA-Z]{8,48}/g },
  { id: "slack-user-token", pattern: /\bxox[pe](?:-[0-9]{10,13}){3}-[a-zA-Z0-9-]{28,34}/g },
  // Any other `xox?-` token: Slack has changed their shape before.
  { id: "slack-token-loose", pattern: /\bxox[abposre]-[A-Za-z0-9-]{10,}/g },
  { id: "slack-webhook-url", pattern: /(?:https?:\/\/)?hooks\.slack\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9+/]{43,56}/g },
  { id: "stripe-access-token", pattern: new RegExp(String.raw`\b(?:sk|rk)_(?:test|live|prod)_[a-zA-Z0-9]{10,99}${END}`, "g") },
  { id: "gcp-api-key", pattern: new RegExp(String.raw`\bAIza[\w-]{35}${END}`, "g") },
  { id: "github-pat", pattern: /\bghp_[0-9a-zA-Z]{36}/g },
  { id: "github-oauth", pattern: /\bgho_[0-9a-zA-Z]{36}/g },
  { id: "github-app-token", pattern: /\b(?:ghu|ghs)_[0-9a-zA-Z]{36}/g },
  { id: "github-refresh-token", pattern: /\bghr_[0-9a-zA-Z]{36}/g },
  { id: "github-fine-grained-pat", pattern: /\bgithub_pat_\w{82}/g },
  // Shorter GitHub tokens (test doubles, older formats) are still tokens.
  { id: "github-token-loose", pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})\b/g },
  { id: "anthropic-api-key", pattern: /\bsk-ant-(?:api|admin)\d\d-[A-Za-z0-9_-]{20,}/g },
  { id: "openai-api-key", pattern: /\bsk-[A-Za-z0-9_-]{20,}/g },
  // `Authorization: Basic …`, `Bearer …` or `token …` (curl -H, HTTP dumps, JSON): the scheme stays, the credential goes.
  {
    id: "authorization-header",
    pattern: /(\b(?:proxy-)?authorization\\?["']?\s*[:=]\s*\\?["']?(?:basic|bearer|token|digest|negotiate|ntlm)\s+)[A-Za-z0-9+/=._~-]{8,}/gi,
    keep: 1,
  },
  // `Authorization: <credential>` with no scheme: a long, random-looking value.
  {
    id: "authorization-value",
    pattern: /(\b(?:proxy-)?authorization\\?["']?\s*[:=]\s*\\?["']?)([A-Za-z0-9+/=._~-]{16,})/gi,
    keep: 1,
    entropy: 3,
  },
  { id: "x-access-token", pattern: /\bx-access-token:[^@\s]+@/g },
  // `scheme://user:password@host`: the scheme and host stay, the credentials go.
  { id: "url-credentials", pattern: /(\b[a-z][a-z0-9+.-]{1,20}:\/\/)[^\s:/?#@"'<>]+:[^\s/?#@"'<>]+@/gi, keep: 1 },
  // `password = …`, `API_TOKEN: …`: a value given under a secret's name, when it is random enough to be one
  // (gitleaks' generic-api-key, narrowed to names that say secret, with its entropy threshold of 3.5).
  {
    id: "secret-assignment",
    pattern: /(\b[\w.-]{0,40}?(?:secret|passw(?:or)?d|token|api[_-]?key|access[_-]?key|private[_-]?key|credentials?)[\w.-]{0,20}\\?["']?\s*(?:=|:=|:|=>)\s*\\?["']?)([A-Za-z0-9+/=_.~-]{12,200})(?=[\x60'"\s;,)\]}\\]|$)/gi,
    keep: 1,
    entropy: 3.5,
    // Words and identifiers (`process.env.API_KEY`) are names, not values.
    allow: /^[a-zA-Z_.-]+$/,
  },
].map((rule: Rule) => ({
  ...rule,
  // A word boundary also after an escaped newline or tab, as JSON and `\n`-joined text have them.
  pattern: new RegExp(rule.pattern.source.replaceAll(String.raw`\b`, String.raw`(?:\b|(?<=\\[nrt]))`), rule.pattern.flags),
}));

/** Shannon entropy in bits per character. */
function entropy(text: string): number {
  const counts = new Map<string, number>();
  for (const char of text) counts.set(char, (counts.get(char) ?? 0) + 1);
  let bits = 0;
  for (const count of counts.values()) {
    const p = count / text.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

/**
 * Every form in which one of the operator's secrets can appear in a text: as it is, JSON- and
 * URL-escaped, in hex, and in base64 at each of the three alignments it can have inside a longer
 * encoded text (so a secret inside `Authorization: Basic base64(user:secret)` is found too), and
 * each long line of a multi-line secret (a private key) on its own.
 */
export function secretForms(secret: string): string[] {
  const forms = new Set<string>([secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret), secret.replace(/\r?\n/g, "\\n")]);
  const bytes = Buffer.from(secret, "utf8");
  forms.add(bytes.toString("hex"));
  forms.add(bytes.toString("hex").toUpperCase());
  for (let offset = 0; offset < 3; offset++) {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString("base64");
    // Only the characters made of the secret's bits alone: the same wherever the secret sits.
    const stable = encoded.slice(Math.ceil((8 * offset) / 6), Math.floor((8 * (offset + bytes.length)) / 6));
    if (stable.length >= 8) {
      forms.add(stable);
      forms.add(stable.replace(/\+/g, "-").replace(/\//g, "_"));
    }
  }
  if (/\n/.test(secret)) {
    for (const line of secret.split(/\r?\n/)) if (line.trim().length >= 16 && !/^-----/.test(line.trim())) forms.add(line.trim());
  }
  return [...forms].filter((form) => form.length >= 8);
}

/**
 * The one sanitiser every text that leaves the app goes through (comments, check runs, pull
 * requests, commit messages, logs): the operator's own secrets in any of their encodings, and
 * anything shaped like a credential (a repository's output can carry one).
 */
export function createRedactor(secrets: Array<string | undefined>): (text: string) => string {
  const known = [...new Set(secrets.filter((secret): secret is string => !!secret && secret.length >= 8).flatMap(secretForms))].sort((a, b) => b.length - a.length);
  return (text) => {
    let result = text;
    for (const secret of known) if (result.includes(secret)) result = result.split(secret).join(REDACTED);
    for (const rule of RULES) {
      rule.pattern.lastIndex = 0;
      result = result.replace(rule.pattern, (match: string, ...rest: unknown[]) => {
        const groups = rest.slice(0, rest.findIndex((value) => typeof value === "number")) as Array<string | undefined>;
        const value = groups.at(-1) ?? match;
        if (rule.entropy !== undefined && entropy(value) < rule.entropy) return match;
        if (rule.allow?.test(value)) return match;
        return groups.slice(0, rule.keep ?? 0).map((group) => group ?? "").join("") + REDACTED;
      });
    }
    return result;
  };
}

/**
 * A pino `hooks.streamWrite` that passes each log line through `redact`. The line is JSON: a line
 * with something to redact is parsed and every string in it redacted, so that the result stays JSON.
 */
export function redactLogLine(redact: (text: string) => string): (line: string) => string {
  const walk = (value: unknown): unknown => {
    if (typeof value === "string") return redact(value);
    if (Array.isArray(value)) return value.map(walk);
    if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, typeof inner === "string" ? keyed(key, inner) : walk(inner)]));
    return value;
  };
  // A value is redacted as `key: value`, so that a rule that needs the name (`password: …`) still applies.
  const keyed = (key: string, value: string): string => {
    const prefix = `${key}: `;
    const redacted = redact(prefix + value);
    return redacted.startsWith(prefix) ? redacted.slice(prefix.length) : redact(value);
  };
  return (line) => {
    if (redact(line) === line) return line;
    try {
      return `${JSON.stringify(walk(JSON.parse(line)))}\n`;
    } catch {
      return redact(line);
    }
  };
}

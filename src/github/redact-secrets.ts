import { CREDENTIAL_RULES } from "./credential-rules.ts";
import { redactEncodedSecrets } from "./encoded-secrets.ts";

export const REDACTED = "[redacted]";

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
  const raw = [...new Set(secrets.filter((secret): secret is string => !!secret && secret.length >= 8))];
  const known = [...new Set(raw.flatMap(secretForms))].sort((a, b) => b.length - a.length);
  return (text) => {
    // First what only decoding finds, whole: keys and the operator's secrets in base64 wrapped over lines.
    let result = redactEncodedSecrets(text, raw, REDACTED);
    for (const secret of known) if (result.includes(secret)) result = result.split(secret).join(REDACTED);
    for (const rule of CREDENTIAL_RULES) {
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

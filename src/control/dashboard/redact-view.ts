/** How many texts a dashboard remembers the redaction of: the live page re-renders the same texts often. */
const REMEMBERED = 20_000;

/**
 * Every string in what a page shows (a mission, its events, the list's rows) passed through `redact`
 * before it is rendered: the dashboard shows what models, people and commands wrote, as GitHub does,
 * and the same credentials must stay out of it. Texts already seen are answered from memory.
 */
export function createViewRedactor(redact: (text: string) => Promise<string>): <T>(value: T) => Promise<T> {
  const seen = new Map<string, string>();
  const text = async (value: string): Promise<string> => {
    const known = seen.get(value);
    if (known !== undefined) return known;
    const redacted = await redact(value);
    if (seen.size >= REMEMBERED) seen.clear();
    seen.set(value, redacted);
    return redacted;
  };
  const walk = async (value: unknown): Promise<unknown> => {
    if (typeof value === "string") return text(value);
    if (Array.isArray(value)) return Promise.all(value.map(walk));
    if (value && typeof value === "object") {
      const entries = await Promise.all(Object.entries(value).map(async ([key, inner]) => [key, await walk(inner)] as const));
      return Object.fromEntries(entries);
    }
    return value;
  };
  return <T>(value: T) => walk(value) as Promise<T>;
}

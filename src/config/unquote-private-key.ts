/**
 * The private key as the app can use it. The setup flow writes it to `.env` in double quotes with
 * `\n` escapes, which a dotenv reader undoes; `docker run --env-file` does not, and passes the quotes
 * and the backslashes on, which no JWT library can read. Such a value is unquoted here.
 */
export function unquotePrivateKey(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  const quote = trimmed[0];
  if (trimmed.length < 2 || (quote !== '"' && quote !== "'") || trimmed.at(-1) !== quote) return value;
  return trimmed.slice(1, -1).replace(/\\n/g, "\n");
}

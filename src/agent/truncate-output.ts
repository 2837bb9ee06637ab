const DEFAULT_LIMIT = 30_000;

/** Keeps the head and tail of a long output and says how much was cut, so the model can ask for less. */
export function truncateOutput(text: string, limit = DEFAULT_LIMIT): string {
  if (text.length <= limit) return text;
  const half = Math.floor(limit / 2);
  const cut = text.length - 2 * half;
  return `${text.slice(0, half)}\n\n[… ${cut} characters cut; narrow the request (offset/limit, a pattern) to see them …]\n\n${text.slice(-half)}`;
}

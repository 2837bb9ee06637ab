/**
 * Where a sign-in returns: a page of the dashboard the person asked for, never elsewhere (an open
 * redirect) — a path under `/missions` of plain characters, else the list.
 */
export function safeReturnPath(candidate: string | null | undefined): string {
  if (!candidate) return "/missions";
  const ok = /^\/missions(?:\/[A-Za-z0-9_-]{1,64})*(?:\?[A-Za-z0-9_=&%.+-]{0,300})?$/.test(candidate);
  if (!ok || /^\/missions\/(?:login|logout|auth)\b/.test(candidate) || candidate.endsWith("/events")) return "/missions";
  return candidate;
}

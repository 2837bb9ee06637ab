/** A screenshot the user-testing validator saved: `/missions/<id>/evidence/<milestone>-<commit>/<file>`. */
export const EVIDENCE_PATH = /^\/missions\/([A-Za-z0-9_-]{1,64})\/evidence\/([A-Za-z0-9_.-]{1,80}-[0-9a-f]{7,40})\/([A-Za-z0-9_-]{1,80}\.(?:png|jpe?g))$/;

/**
 * Where a sign-in returns: a page of the dashboard the person asked for, never elsewhere (an open
 * redirect) — a path under `/missions` of plain characters (or a screenshot's), with a query and a
 * fragment of plain characters (an assertion on a mission's page), else the list.
 */
export function safeReturnPath(candidate: string | null | undefined): string {
  if (!candidate) return "/missions";
  const parts = /^([^?#]*)(\?[A-Za-z0-9_=&%.+-]{0,300})?(#[A-Za-z0-9_.-]{1,100})?$/.exec(candidate);
  if (!parts) return "/missions";
  const [, path = "", query = "", fragment = ""] = parts;
  const page = /^\/missions(?:\/[A-Za-z0-9_-]{1,64})*$/.test(path) && !/^\/missions\/(?:login|logout|auth)\b/.test(path) && !path.endsWith("/events");
  if (page) return `${path}${query}${fragment}`;
  if (EVIDENCE_PATH.test(path) && !query) return `${path}${fragment}`;
  return "/missions";
}

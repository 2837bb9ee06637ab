import { HttpError } from "./http-error.ts";

export interface Page<T> {
  items: T[];
  headers: Record<string, string>;
}

const DEFAULT_PER_PAGE = 30;
const MAX_PER_PAGE = 100;

// GitHub's page-number pagination: `per_page` (default 30, capped at 100), `page` from 1, and a
// Link header whose rel="next" is what octokit.paginate follows.
export function paginate<T>(all: T[], query: URLSearchParams, pageUrl: string): Page<T> {
  const perPage = Math.min(MAX_PER_PAGE, positive(query.get("per_page"), DEFAULT_PER_PAGE));
  const page = positive(query.get("page"), 1);
  const last = Math.max(1, Math.ceil(all.length / perPage));
  const items = all.slice((page - 1) * perPage, page * perPage);
  const link = (n: number, rel: string): string => {
    const params = new URLSearchParams(query);
    params.set("per_page", String(perPage));
    params.set("page", String(n));
    return `<${pageUrl}?${params.toString()}>; rel="${rel}"`;
  };
  const links: string[] = [];
  if (page > 1) links.push(link(page - 1, "prev"));
  if (page < last) links.push(link(page + 1, "next"), link(last, "last"));
  if (page > 1) links.push(link(1, "first"));
  return { items, headers: links.length > 0 ? { link: links.join(", ") } : {} };
}

function positive(raw: string | null, fallback: number): number {
  if (raw === null || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new HttpError(422, `Invalid pagination value: ${raw}`);
  return value;
}

import { html, type Html } from "./html.ts";

/** "3 min", "2 h 5 min", "4 days": how long, in words a person reads at a glance. */
export function relative(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return seconds < 5 ? "a moment" : `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} days`;
}

/** One time zone everywhere on the dashboard, always said: "2026-12-02 13:41 UTC". */
export function utc(iso: string, withSeconds = false): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, withSeconds ? 19 : 16).replace("T", " ")} UTC`;
}

/** A `<time>` showing how long ago ("3 min ago"), with the UTC time beside it on wide screens and in its title. */
export function ago(iso: string, now: Date, prefix = ""): Html {
  const text = `${prefix}${relative(now.getTime() - Date.parse(iso))}${prefix ? "" : " ago"}`;
  return html`<time datetime="${iso}" title="${utc(iso, true)}">${text}</time>`;
}

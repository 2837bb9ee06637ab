import { randomBytes } from "node:crypto";
import type { ServerResponse } from "node:http";
import { renderPage } from "../control/index.ts";
import type { Html } from "../control/dashboard/html.ts";

export interface StartupPage {
  title: string;
  /** Markup from the dashboard's `html` tag (it escapes every value put in), or HTML a page escaped itself. */
  body: Html | string;
  /** Where the page's one form may post besides this app (the GitHub host, for registration). */
  formAction?: string;
}

/**
 * The pages an operator meets before and beside the dashboard: registration, configuration needed,
 * running. One plain page each, nothing loaded from elsewhere, the dashboard's strict headers.
 */
export function sendStartupPage(response: ServerResponse, status: number, page: StartupPage): void {
  const nonce = randomBytes(16).toString("base64");
  const formAction = ["'self'", page.formAction].filter(Boolean).join(" ");
  response
    .writeHead(status, {
      "content-type": "text/html; charset=utf-8",
      "content-security-policy": `default-src 'none'; style-src 'nonce-${nonce}'; form-action ${formAction}; base-uri 'none'; frame-ancestors 'none'`,
      "referrer-policy": "no-referrer",
      "x-content-type-options": "nosniff",
      "x-frame-options": "DENY",
      "cache-control": "no-store",
    })
    .end(renderPage({ title: page.title, nonce, body: page.body, style: STYLE, brand: false }));
}

/** A JSON answer for machines: `/health`, refused webhooks. */
export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" }).end(JSON.stringify(body));
}

const STYLE = `
:root { color-scheme: light dark; --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --bg: #fff; --card: #f6f8fa; --bad: #cf222e; --accent: #0969da; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6edf3; --muted: #9198a1; --line: #3d444d; --bg: #0d1117; --card: #151b23; --bad: #f85149; --accent: #4493f8; } }
body { margin: 0; font: 15px/1.55 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); }
main { max-width: 44rem; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.4rem; } a { color: var(--accent); }
code { background: var(--card); border: 1px solid var(--line); border-radius: 4px; padding: 0 .3rem; font-size: .9em; overflow-wrap: anywhere; }
li { margin: .4rem 0; } .muted { color: var(--muted); }
.problem { border-left: 3px solid var(--bad); padding: .2rem .8rem; margin: .6rem 0; background: var(--card); }
button { font: inherit; padding: .5rem 1rem; border: 1px solid var(--line); border-radius: 6px; background: var(--card); color: var(--fg); cursor: pointer; }
`;

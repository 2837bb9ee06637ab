import { html as escapingHtml, raw } from "hono/html";

/**
 * Markup built by the `html` tag: every value put into it is escaped unless it is itself markup.
 * Pages are built only from these, so escaping is the template's job, not a habit per interpolation.
 */
export type Html = ReturnType<typeof raw>;

/**
 * The dashboard's template tag (hono's `html` helper): strings and other values are HTML-escaped,
 * arrays are joined, `undefined`, `null` and booleans render nothing, nested `html` stays as it is.
 * Only synchronous values go in, so the result is always markup, never a promise.
 */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  const result = escapingHtml(strings, ...values);
  if (result instanceof Promise) throw new Error("the dashboard's templates take no promises");
  return result;
}

/** Markup the app wrote itself (its stylesheet, its scripts, Markdown rendered with raw HTML off): not escaped again. */
export function trusted(markup: string): Html {
  return raw(markup);
}

/** Text from people, models or repositories, safe inside HTML text and quoted attributes (for pages outside the dashboard). */
export function escapeHtml(value: unknown): string {
  return String(value ?? "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

export interface PageInput {
  title: string;
  /** Per-response nonce: the only inline style and script the CSP allows. */
  nonce: string;
  /** The page's content: markup from the `html` tag, or (pages outside the dashboard) a string they escaped themselves. */
  body: Html | string;
  script?: string;
  /** The page's own stylesheet instead of the dashboard's (the start-up pages). */
  style?: string;
  /** The dashboard's header with its link to the mission list; off for pages outside the dashboard. */
  brand?: boolean;
}

/** One plain page: readable on a phone, no framework, nothing loaded from elsewhere. */
export function renderPage(input: PageInput): string {
  // A plain string is markup its page escaped itself (the start-up pages, outside the dashboard).
  const body = typeof input.body === "string" ? trusted(input.body) : input.body;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${input.title} · Missions</title>
<style nonce="${input.nonce}">${trusted(input.style ?? STYLE)}</style>
</head>
<body>
${input.brand === false ? "" : html`<header><a class="brand" href="/missions">🛰️ Missions</a><span class="muted small">times in UTC</span></header>
`}<main>
${body}
</main>
${input.script ? html`<script nonce="${input.nonce}">${trusted(input.script)}</script>` : ""}
</body>
</html>`.toString();
}

export function money(usd: number): string {
  return `$${usd.toFixed(2)}`;
}

/** Dollars with the digits that tell small amounts apart ("$0.0042", not "$0.00"). */
export function fineMoney(usd: number, scale = usd): string {
  const digits = scale === 0 || Math.abs(scale) >= 0.1 ? 2 : Math.abs(scale) >= 0.01 ? 3 : 4;
  return `$${usd.toFixed(digits)}`;
}

export function tokens(count: number): string {
  return count >= 1_000_000 ? `${(count / 1_000_000).toFixed(1)}M` : count >= 1_000 ? `${(count / 1_000).toFixed(1)}k` : String(count);
}

/** A progress bar without inline styles (the CSP forbids them). */
export function progress(value: number, total: number, label: string): Html {
  return html`<span class="progress"><progress value="${value}" max="${Math.max(total, 1)}" aria-label="${label}"></progress> <span>${value}/${total}</span></span>`;
}

const STYLE = `
:root { color-scheme: light dark; --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --bg: #fff; --card: #f6f8fa; --ok: #1a7f37; --bad: #cf222e; --warn: #9a6700; --accent: #0969da; --people: #8250df; --people-bg: #fbefff; --warn-bg: #fff8c5; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6edf3; --muted: #9198a1; --line: #3d444d; --bg: #0d1117; --card: #151b23; --ok: #3fb950; --bad: #f85149; --warn: #d29922; --accent: #4493f8; --people: #ab7df8; --people-bg: #2b1d45; --warn-bg: #3b2e0a; } }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); }
header { padding: .6rem 1rem; border-bottom: 1px solid var(--line); display: flex; gap: 1rem; align-items: center; }
header .brand { font-weight: 600; color: var(--fg); text-decoration: none; } header .muted { margin-left: auto; }
main { max-width: 72rem; margin: 0 auto; padding: 1rem; }
h1 { font-size: 1.35rem; margin: .2rem 0 .8rem; } h2 { font-size: 1.1rem; margin: 1.6rem 0 .6rem; }
a { color: var(--accent); }
table { width: 100%; border-collapse: collapse; font-size: .92rem; }
th, td { text-align: left; padding: .45rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { color: var(--muted); font-weight: 600; }
.table-wrap { overflow-x: auto; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(10rem, 1fr)); gap: .6rem; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: .6rem .8rem; }
.card .label { color: var(--muted); font-size: .8rem; } .card .value { font-size: 1.1rem; font-weight: 600; }
.status { display: inline-block; padding: 0 .55rem; border-radius: 1rem; border: 1px solid var(--line); font-size: .85rem; white-space: nowrap; font-weight: 600; }
.status-running { color: #fff; background: var(--accent); border-color: var(--accent); }
.status-planning { color: var(--accent); border-color: var(--accent); }
.status-awaiting-approval, .status-questions { color: #fff; background: var(--people); border-color: var(--people); }
.status-paused { color: #fff; background: var(--warn); border-color: var(--warn); }
.status-blocked, .status-failed { color: #fff; background: var(--bad); border-color: var(--bad); }
.status-done { color: #fff; background: var(--ok); border-color: var(--ok); }
.status-aborted, .status-skipped { color: var(--muted); }
.status-pending { color: var(--muted); font-weight: 400; }
.verdict-pass { color: var(--ok); } .verdict-fail { color: var(--bad); }
.now { border: 1px solid var(--line); border-left: .35rem solid var(--accent); border-radius: 8px; padding: .6rem .8rem; margin: .4rem 0 .9rem; background: var(--card); }
.now .now-label { font-size: .75rem; text-transform: uppercase; letter-spacing: .04em; font-weight: 700; color: var(--accent); }
.now .now-headline { font-weight: 600; } .now .since { font-weight: 400; color: var(--muted); white-space: nowrap; }
.now .now-action { margin-top: .3rem; } .now .now-who { color: var(--muted); }
.now-people { border-left-color: var(--people); background: var(--people-bg); } .now-people .now-label { color: var(--people); }
.now-operator { border-left-color: var(--warn); background: var(--warn-bg); } .now-operator .now-label { color: var(--warn); }
.now-finished { border-left-color: var(--ok); } .now-finished .now-label { color: var(--ok); }
.tone-people, .tone-operator { color: var(--fg); } .now-cell strong { color: var(--people); } .now-cell .tone-operator strong { color: var(--warn); } .now-cell .small { display: block; }
code.id, .id { white-space: nowrap; word-break: keep-all; }
.prose > :first-child { margin-top: 0; } .prose > :last-child { margin-bottom: 0; } .prose p { margin: .3rem 0; }
.prose pre { overflow-x: auto; background: var(--card); padding: .4rem; border-radius: 6px; white-space: pre-wrap; }
.prose code { background: var(--card); border-radius: 4px; padding: 0 .2rem; overflow-wrap: anywhere; }
.shots { display: flex; flex-wrap: wrap; gap: .5rem; margin-top: .4rem; } .shot img { display: block; max-width: 16rem; width: 100%; height: auto; border: 1px solid var(--line); border-radius: 6px; }
table.roles { margin-top: .4rem; } table.roles caption { text-align: left; } table.roles th, table.roles td { padding: .2rem .4rem; } table.roles .num { text-align: right; white-space: nowrap; } table.roles progress { width: 100%; min-width: 4rem; }
svg.chart .cap-label { fill: var(--bad); }
.progress { display: inline-flex; gap: .4rem; align-items: center; white-space: nowrap; } progress { width: 6rem; }
.muted { color: var(--muted); } .small { font-size: .85rem; }
ol.timeline { list-style: none; padding: 0; margin: 0; } ol.timeline li { padding: .3rem 0; border-bottom: 1px solid var(--line); }
ol.timeline time { color: var(--muted); font-variant-numeric: tabular-nums; margin-right: .5rem; }
ol.timeline li.day { border-bottom: 0; padding: .7rem 0 .1rem; font-weight: 700; font-size: .9rem; }
form.filters { display: flex; flex-wrap: wrap; gap: .5rem; margin-bottom: .8rem; }
input, select, button { font: inherit; padding: .35rem .6rem; border: 1px solid var(--line); border-radius: 6px; background: var(--bg); color: var(--fg); }
button { cursor: pointer; background: var(--card); }
.login { max-width: 24rem; margin: 3rem auto; display: grid; gap: .8rem; }
.button { display: inline-block; text-align: center; padding: .45rem .8rem; border: 1px solid var(--line); border-radius: 6px; background: var(--card); color: var(--fg); text-decoration: none; }
figure { margin: 0; }
svg.chart { width: 100%; height: auto; max-height: 16rem; background: var(--card); border: 1px solid var(--line); border-radius: 8px; }
svg.chart text { fill: var(--muted); font-size: 11px; } svg.chart .grid { stroke: var(--line); }
svg.chart .spend { stroke: var(--accent); fill: none; stroke-width: 2; } svg.chart .cap { stroke: var(--bad); stroke-dasharray: 5 4; }
svg.chart .input { stroke: var(--accent); fill: none; stroke-width: 2; } svg.chart .output { stroke: var(--ok); fill: none; stroke-width: 2; } svg.chart .cached { stroke: var(--warn); fill: none; stroke-width: 2; stroke-dasharray: 3 3; }
.legend { display: flex; gap: 1rem; flex-wrap: wrap; font-size: .85rem; color: var(--muted); }
.grid-2 { display: grid; grid-template-columns: repeat(auto-fit, minmax(20rem, 1fr)); gap: 1rem; }
.live { font-size: .8rem; color: var(--muted); }

@media (max-width: 600px) {
  main { padding: .6rem; } h1 { font-size: 1.15rem; } h2 { font-size: 1rem; }
  .cards { grid-template-columns: 1fr 1fr; gap: .4rem; } .card { padding: .4rem .6rem; } .card .value { font-size: 1rem; }
  .table-wrap { overflow-x: visible; }
  table.stack, table.stack tbody, table.stack tr, table.stack td { display: block; width: 100%; }
  table.stack thead { display: none; }
  table.stack tr { border: 1px solid var(--line); border-radius: 8px; padding: .4rem .6rem; margin-bottom: .6rem; background: var(--card); }
  table.stack td { border: 0; padding: .15rem 0; overflow-wrap: anywhere; }
  table.stack td[data-label]::before { content: attr(data-label); display: block; color: var(--muted); font-size: .75rem; }
  table.stack td[data-label="Id"]::before, table.stack td[data-label="Repository"]::before, table.stack td[data-label="Issue"]::before { display: none; }
  .shot img { max-width: 100%; }
  .grid-2 { grid-template-columns: minmax(0, 1fr); }
  section[data-report] table { table-layout: fixed; width: 100%; }
  section[data-report] th, section[data-report] td { overflow-wrap: anywhere; }
  form.filters label { flex: 1 1 100%; } form.filters select { width: 100%; }
  svg.chart { max-height: 12rem; }
}
`;

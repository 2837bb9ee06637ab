/** Text from people, models or repositories, safe inside HTML text and quoted attributes. */
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
  /** Already-escaped HTML. */
  body: string;
  script?: string;
  /** The page's own stylesheet instead of the dashboard's (the start-up pages). */
  style?: string;
  /** The dashboard's header with its link to the mission list; off for pages outside the dashboard. */
  brand?: boolean;
}

/** One plain page: readable on a phone, no framework, nothing loaded from elsewhere. */
export function renderPage(input: PageInput): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(input.title)} · Missions</title>
<style nonce="${input.nonce}">${input.style ?? STYLE}</style>
</head>
<body>
${input.brand === false ? "" : `<header><a class="brand" href="/missions">🛰️ Missions</a></header>
`}<main>
${input.body}
</main>
${input.script ? `<script nonce="${input.nonce}">${input.script}</script>` : ""}
</body>
</html>`;
}

export function money(usd: number): string {
  return `$${usd.toFixed(2)}`;
}

export function tokens(count: number): string {
  return count >= 1_000_000 ? `${(count / 1_000_000).toFixed(1)}M` : count >= 1_000 ? `${(count / 1_000).toFixed(1)}k` : String(count);
}

/** A progress bar without inline styles (the CSP forbids them). */
export function progress(value: number, total: number, label: string): string {
  return `<span class="progress"><progress value="${value}" max="${Math.max(total, 1)}" aria-label="${escapeHtml(label)}"></progress> <span>${value}/${total}</span></span>`;
}

const STYLE = `
:root { color-scheme: light dark; --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --bg: #fff; --card: #f6f8fa; --ok: #1a7f37; --bad: #cf222e; --warn: #9a6700; --accent: #0969da; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6edf3; --muted: #9198a1; --line: #3d444d; --bg: #0d1117; --card: #151b23; --ok: #3fb950; --bad: #f85149; --warn: #d29922; --accent: #4493f8; } }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); }
header { padding: .6rem 1rem; border-bottom: 1px solid var(--line); display: flex; gap: 1rem; align-items: center; }
header .brand { font-weight: 600; color: var(--fg); text-decoration: none; }
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
.status { display: inline-block; padding: 0 .5rem; border-radius: 1rem; border: 1px solid var(--line); font-size: .85rem; white-space: nowrap; }
.status-done, .verdict-pass { color: var(--ok); } .status-blocked, .status-failed, .status-aborted, .verdict-fail { color: var(--bad); } .status-paused { color: var(--warn); }
.progress { display: inline-flex; gap: .4rem; align-items: center; white-space: nowrap; } progress { width: 6rem; }
.muted { color: var(--muted); } .small { font-size: .85rem; }
ol.timeline { list-style: none; padding: 0; margin: 0; } ol.timeline li { padding: .3rem 0; border-bottom: 1px solid var(--line); }
ol.timeline time { color: var(--muted); font-variant-numeric: tabular-nums; margin-right: .5rem; }
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
`;

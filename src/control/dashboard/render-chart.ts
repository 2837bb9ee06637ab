import { html, type Html } from "./html.ts";

export interface ChartSeries {
  name: string;
  /** CSS class of the line (colours live in the page's stylesheet). */
  className: string;
  /** Points as (epoch ms, value), in time order; drawn as a step line (values change at calls). */
  points: Array<[number, number]>;
}

export interface ChartInput {
  /** Accessible name, and the chart's `data-chart` (tests find charts by it). */
  id: string;
  title: string;
  start: number;
  end: number;
  series: ChartSeries[];
  /**
   * A horizontal limit (the budget cap). The axis is scaled to the values, not to the limit: a limit
   * far above them is a labelled marker at the top ("cap $20.00 ↑"), drawn as a line only when in range.
   */
  cap?: { value: number; label: string };
  /** A value as the axis shows it; `top` is the axis's highest value (small scales need more digits). */
  format: (value: number, top: number) => string;
}

const WIDTH = 600;
const HEIGHT = 220;
const LEFT = 56;
const RIGHT = 12;
const TOP = 16;
const BOTTOM = 28;
/** A limit this many times above the highest value is shown as a marker, not stretched into the axis. */
const CAP_IN_RANGE = 2.5;

/** A small SVG line chart of values over time, drawn on the server: no script, no library. */
export function renderChart(input: ChartInput): Html {
  const span = Math.max(input.end - input.start, 1);
  const values = input.series.flatMap((series) => series.points.map(([, value]) => value));
  const highest = Math.max(...values, 0);
  const cap = input.cap;
  const capInRange = cap !== undefined && (highest === 0 ? false : cap.value <= highest * CAP_IN_RANGE);
  const scaleTo = Math.max(highest, capInRange ? cap.value : 0);
  const top = scaleTo > 0 ? niceCeiling(scaleTo * 1.1) : cap !== undefined ? Math.min(cap.value, 1) : 1;
  const x = (time: number) => LEFT + ((Math.min(Math.max(time, input.start), input.end) - input.start) / span) * (WIDTH - LEFT - RIGHT);
  const y = (value: number) => HEIGHT - BOTTOM - (Math.min(value, top) / top) * (HEIGHT - TOP - BOTTOM);
  const parts: Html[] = [];
  for (const fraction of [0, 0.25, 0.5, 0.75, 1]) {
    const value = top * fraction;
    const at = y(value).toFixed(1);
    parts.push(html`<line class="grid" x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${at}" y2="${at}"/><text x="${LEFT - 6}" y="${(y(value) + 4).toFixed(1)}" text-anchor="end">${input.format(value, top)}</text>`);
  }
  parts.push(html`<text x="${LEFT}" y="${HEIGHT - 8}">${clock(input.start)}</text><text x="${WIDTH - RIGHT}" y="${HEIGHT - 8}" text-anchor="end">${clock(input.end)}</text>`);
  if (cap) {
    const at = capInRange ? y(cap.value) : TOP - 4;
    parts.push(
      capInRange
        ? html`<line class="cap" x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${at.toFixed(1)}" y2="${at.toFixed(1)}"><title>${cap.label}</title></line><text class="cap-label" x="${WIDTH - RIGHT - 4}" y="${(at - 4).toFixed(1)}" text-anchor="end">${cap.label}</text>`
        : html`<text class="cap-label" data-cap-off-scale x="${WIDTH - RIGHT - 4}" y="${(TOP + 8).toFixed(1)}" text-anchor="end">${cap.label} ↑ (above this scale)</text>`,
    );
  }
  for (const series of input.series) {
    const points: string[] = [`${x(input.start).toFixed(1)},${y(0).toFixed(1)}`];
    let previous = 0;
    for (const [time, value] of series.points) {
      points.push(`${x(time).toFixed(1)},${y(previous).toFixed(1)}`, `${x(time).toFixed(1)},${y(value).toFixed(1)}`);
      previous = value;
    }
    points.push(`${x(input.end).toFixed(1)},${y(previous).toFixed(1)}`);
    parts.push(html`<polyline class="${series.className}" data-series="${series.name}" points="${points.join(" ")}"><title>${series.name}</title></polyline>`);
  }
  const legend = [
    ...input.series.map((series) => html`<span>— ${series.name}</span>`),
    cap ? html`<span>- - ${cap.label}</span>` : "",
  ];
  return html`<figure><svg class="chart" data-chart="${input.id}" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${input.title}">${parts}</svg><figcaption class="legend">${legend}</figcaption></figure>`;
}

/** 1, 2 or 5 times a power of ten, at or above the value: round numbers on the axis. */
function niceCeiling(value: number): number {
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * power >= value) return step * power;
  return 10 * power;
}

function clock(time: number): string {
  return new Date(time).toISOString().slice(11, 16) + " UTC";
}

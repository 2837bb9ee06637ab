import { escapeHtml } from "./html.ts";

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
  /** A horizontal limit drawn dashed (the budget cap). */
  cap?: { value: number; label: string };
  format: (value: number) => string;
}

const WIDTH = 600;
const HEIGHT = 220;
const LEFT = 56;
const RIGHT = 12;
const TOP = 12;
const BOTTOM = 28;

/** A small SVG line chart of values over time, drawn on the server: no script, no library. */
export function renderChart(input: ChartInput): string {
  const span = Math.max(input.end - input.start, 1);
  const highest = Math.max(input.cap?.value ?? 0, ...input.series.flatMap((series) => series.points.map(([, value]) => value)), 0);
  const top = highest > 0 ? highest * 1.08 : 1;
  const x = (time: number) => LEFT + ((Math.min(Math.max(time, input.start), input.end) - input.start) / span) * (WIDTH - LEFT - RIGHT);
  const y = (value: number) => HEIGHT - BOTTOM - (value / top) * (HEIGHT - TOP - BOTTOM);
  const parts: string[] = [];
  for (const fraction of [0, 0.5, 1]) {
    const value = top * fraction;
    parts.push(`<line class="grid" x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${y(value).toFixed(1)}" y2="${y(value).toFixed(1)}"/>`);
    parts.push(`<text x="${LEFT - 6}" y="${(y(value) + 4).toFixed(1)}" text-anchor="end">${escapeHtml(input.format(value))}</text>`);
  }
  parts.push(`<text x="${LEFT}" y="${HEIGHT - 8}">${escapeHtml(clock(input.start))}</text>`);
  parts.push(`<text x="${WIDTH - RIGHT}" y="${HEIGHT - 8}" text-anchor="end">${escapeHtml(clock(input.end))}</text>`);
  if (input.cap) {
    parts.push(`<line class="cap" x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${y(input.cap.value).toFixed(1)}" y2="${y(input.cap.value).toFixed(1)}"><title>${escapeHtml(input.cap.label)}</title></line>`);
  }
  for (const series of input.series) {
    const points: string[] = [`${x(input.start).toFixed(1)},${y(0).toFixed(1)}`];
    let previous = 0;
    for (const [time, value] of series.points) {
      points.push(`${x(time).toFixed(1)},${y(previous).toFixed(1)}`, `${x(time).toFixed(1)},${y(value).toFixed(1)}`);
      previous = value;
    }
    points.push(`${x(input.end).toFixed(1)},${y(previous).toFixed(1)}`);
    parts.push(`<polyline class="${escapeHtml(series.className)}" data-series="${escapeHtml(series.name)}" points="${points.join(" ")}"><title>${escapeHtml(series.name)}</title></polyline>`);
  }
  const legend = [
    ...input.series.map((series) => `<span>— ${escapeHtml(series.name)}</span>`),
    ...(input.cap ? [`<span>- - ${escapeHtml(input.cap.label)}</span>`] : []),
  ].join("");
  return `<figure><svg class="chart" data-chart="${escapeHtml(input.id)}" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${escapeHtml(input.title)}">${parts.join("")}</svg><figcaption class="legend">${legend}</figcaption></figure>`;
}

function clock(time: number): string {
  return new Date(time).toISOString().slice(11, 16) + " UTC";
}

// SVG line charts for study outputs (signal variance per layer, region counts against width): one or more
// series of (x, y) points on linear or log₂ axes, with the same escaping and colours as the region pictures
// in formats/svg.ts. Floats only place pixels; the tables next to a chart carry the numbers.
import { escapeXml, hueColor } from "./svg.js";

export interface ChartSeries {
  readonly name: string;
  readonly points: readonly (readonly [number, number])[];
  /** Draw the line dashed (bounds, predictions) rather than solid (measurements). */
  readonly dashed?: boolean;
}

export interface ChartOptions {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  /** Plot log₂ of the values on this axis (points with a value ≤ 0 are left out). */
  readonly logX?: boolean;
  readonly logY?: boolean;
  /** Ticks on the x axis only at whole numbers (layer indices, counts). */
  readonly integerX?: boolean;
  readonly caption?: readonly string[];
}

const W = 560;
const H = 320;
const M = { left: 70, right: 150, top: 40, bottom: 50 };

export function writeLineChartSvg(series: readonly ChartSeries[], options: ChartOptions): string {
  const tx = (v: number): number => (options.logX ? Math.log2(v) : v);
  const ty = (v: number): number => (options.logY ? Math.log2(v) : v);
  const keep = (p: readonly [number, number]): boolean => Number.isFinite(tx(p[0])) && Number.isFinite(ty(p[1]));
  const pts = series.flatMap((s) => s.points.filter(keep).map(([x, y]) => [tx(x), ty(y)] as const));
  const xs = pts.map((p) => p[0]);
  const ys = pts.map((p) => p[1]);
  const [xlo, xhi] = span(xs);
  const [ylo, yhi] = span(ys);
  const px = (x: number): number => M.left + ((x - xlo) / (xhi - xlo)) * W;
  const py = (y: number): number => M.top + H - ((y - ylo) / (yhi - ylo)) * H;
  const caption = options.caption ?? [];
  const out: string[] = [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W + M.left + M.right}" height="${H + M.top + M.bottom + 18 * caption.length}" font-family="sans-serif" font-size="12">`,
    `<title>${escapeXml(options.title)}</title>`,
    `<text x="${M.left}" y="${M.top - 16}" font-size="14" font-weight="bold">${escapeXml(options.title)}</text>`,
    `<rect x="${M.left}" y="${M.top}" width="${W}" height="${H}" fill="none" stroke="#000"/>`,
  ];
  const label = (v: number, log: boolean | undefined): string => (log ? `2^${fmt(v)}` : fmt(v));
  for (const t of ticks(xlo, xhi).filter((t) => !options.integerX || Number.isInteger(t))) out.push(`<text x="${px(t).toFixed(1)}" y="${M.top + H + 16}" text-anchor="middle">${escapeXml(label(t, options.logX))}</text>`);
  for (const t of ticks(ylo, yhi)) {
    out.push(`<line x1="${M.left}" x2="${M.left + W}" y1="${py(t).toFixed(1)}" y2="${py(t).toFixed(1)}" stroke="#ddd"/>`);
    out.push(`<text x="${M.left - 6}" y="${(py(t) + 4).toFixed(1)}" text-anchor="end">${escapeXml(label(t, options.logY))}</text>`);
  }
  out.push(`<text x="${M.left + W / 2}" y="${M.top + H + 36}" text-anchor="middle">${escapeXml(options.xLabel)}</text>`);
  out.push(`<text transform="translate(16 ${M.top + H / 2}) rotate(-90)" text-anchor="middle">${escapeXml(options.yLabel)}</text>`);
  series.forEach((s, k) => {
    const color = hueColor(k * 3 + 1).replace(/, \d+%\)$/, ", 40%)");
    const p = s.points.filter(keep).map(([x, y]) => [px(tx(x)), py(ty(y))] as const);
    out.push(`<polyline data-series="${escapeXml(s.name)}" fill="none" stroke="${color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ""} points="${p.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(" ")}"/>`);
    for (const [x, y] of p) out.push(`<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="3" fill="${color}"/>`);
    out.push(`<text x="${M.left + W + 10}" y="${M.top + 16 + 18 * k}" fill="${color}">${escapeXml(s.name)}</text>`);
  });
  caption.forEach((line, i) => out.push(`<text x="${M.left}" y="${M.top + H + M.bottom + 4 + 18 * i}">${escapeXml(line)}</text>`));
  out.push(`</svg>`);
  return out.join("\n") + "\n";
}

function span(values: readonly number[]): [number, number] {
  if (values.length === 0) return [0, 1];
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  return lo === hi ? [lo - 1, hi + 1] : [lo, hi];
}

/** About five round tick positions between lo and hi. */
function ticks(lo: number, hi: number): number[] {
  const step = 10 ** Math.floor(Math.log10((hi - lo) / 5));
  const nice = [1, 2, 5, 10].map((m) => m * step).find((s) => (hi - lo) / s <= 6) ?? step * 10;
  const out: number[] = [];
  for (let t = Math.ceil(lo / nice) * nice; t <= hi + 1e-12; t += nice) out.push(Number(t.toPrecision(12)));
  return out;
}

const fmt = (v: number): string => String(Number(v.toPrecision(4)));

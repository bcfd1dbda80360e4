// SVG pictures of a region map. 2-D (a box of a 2-input network, or a --plane slice): one polygon per region,
// coloured by its affine map, its pattern, its output value or the norm of its Jacobian, with the region's
// pattern and exact map in a tooltip, and optional exact segments drawn over the regions (decision boundary,
// bent hyperplanes). 1-D (a --line slice or a 1-input network): the piecewise-linear function itself, one band
// per region under it and every breakpoint marked with its exact coordinates. Floats only place pixels here;
// every number in a tooltip or a legend is the exact rational.
import { formatRational, rationalToNumber, type Rational } from "../exact/rational.js";

export interface SvgRegion {
  readonly id: number;
  readonly pattern: string;
  /** The region's vertices in the plane, exact (any order: they are sorted around their centroid). */
  readonly vertices: readonly (readonly Rational[])[];
  /** The output as an exact affine map of the two plane coordinates. */
  readonly map: { readonly A: readonly (readonly Rational[])[]; readonly c: readonly Rational[] };
  /** The value used by the ramp colourings ("output", "gradient-norm"). */
  readonly value: number;
  /** More exact text for the tooltip (e.g. "‖J‖∞ = 5/3"). */
  readonly note?: string;
}

export type SvgColoring = "map" | "region" | "output" | "gradient-norm";

/** A segment drawn over the regions, with exact endpoints and its own tooltip. */
export interface SvgSegment {
  readonly from: readonly Rational[];
  readonly to: readonly Rational[];
  readonly title: string;
  /** Colour group (hyperplanes: the layer); 0 for the decision boundary. */
  readonly group: number;
  /** data-* attributes (e.g. {region: "3"}) for pages that script the picture. */
  readonly data: Readonly<Record<string, string>>;
}

/** The range of a ramp colouring, exact, shown as a colour bar. */
export interface SvgLegend {
  readonly label: string;
  readonly min: string;
  readonly max: string;
}

export interface SvgCanvas {
  /** Width and height of the whole picture in px; when only one is given the other follows the aspect ratio. */
  readonly width?: number;
  readonly height?: number;
  readonly title: string;
  /** Lines of text under the picture (counts, completeness, domain). */
  readonly caption: readonly string[];
}

export interface SvgOptions extends SvgCanvas {
  /** The plotted window [xlo, xhi] × [ylo, yhi] (the domain's bounding box). */
  readonly window: readonly [readonly [number, number], readonly [number, number]];
  readonly coloring: SvgColoring;
  readonly axisNames: readonly [string, string];
  readonly legend?: SvgLegend;
  readonly boundary?: readonly SvgSegment[];
  readonly hyperplanes?: readonly SvgSegment[];
}

const MARGIN = 40;
const LINE_HEIGHT = 18;
const LEGEND_HEIGHT = 34;
/** The plot area's longer side when no size is asked for, in px. */
const DEFAULT_PLOT_SIZE = 640;
/** Longest ratio of the window's sides drawn with equal units on both axes. */
const MAX_ASPECT = 4;
/** Extra room left of a function's graph for its y tick labels, in px. */
const Y_LABELS = 40;

export const escapeXml = (s: string): string => s.replace(/[<>&"']/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&apos;" })[c]!);

/** A stable colour for a key (golden-angle hues, so neighbouring ids differ), as CSS hsl(). */
export function hueColor(index: number): string {
  const hue = (index * 137.508) % 360;
  return `hsl(${hue.toFixed(1)}, 62%, ${index % 2 === 0 ? 68 : 58}%)`;
}

/** The same colour as hueColor, written #rrggbb (every renderer reads it, resvg for PNG included). */
function fillColor(index: number): string {
  const hue = (index * 137.508) % 360;
  const [s, l] = [0.62, index % 2 === 0 ? 0.68 : 0.58];
  const a = s * Math.min(l, 1 - l);
  const channel = (n: number): string => {
    const k = (n + hue / 30) % 12;
    const v = l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1));
    return Math.round(v * 255).toString(16).padStart(2, "0");
  };
  return `#${channel(0)}${channel(8)}${channel(4)}`;
}

/** A strong colour per group (layers of hyperplanes, outputs of a 1-D plot). */
export function groupColor(index: number): string {
  const palette = ["#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2"];
  return palette[index % palette.length]!;
}

const RAMP = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]] as const;

/** Viridis-like ramp for t in [0, 1] (5 stops, linear between them). */
function rampColor(t: number): string {
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0.5)) * (RAMP.length - 1);
  const i = Math.min(RAMP.length - 2, Math.floor(x));
  const f = x - i;
  const rgb = RAMP[i]!.map((v, k) => Math.round(v + f * (RAMP[i + 1]![k]! - v)));
  return `rgb(${rgb.join(",")})`;
}

/** Human text of y_k = a·(u, v) + c for each output, exact. */
export function describeMap(map: SvgRegion["map"], axisNames: readonly string[]): string {
  return map.A.map((row, k) => {
    const terms = row.map((a, i) => `${formatRational(a)}·${axisNames[i]}`).join(" + ");
    return `y${k} = ${terms} + ${formatRational(map.c[k]!)}`;
  }).join("; ");
}

/** "(a, b)" with exact coordinates. */
export function describePoint(p: readonly Rational[]): string {
  return `(${p.map(formatRational).join(", ")})`;
}

/** Vertices sorted counter-clockwise around their centroid (for drawing). */
function polygon(vertices: SvgRegion["vertices"]): [number, number][] {
  return orderPolygon(vertices.map((v) => [rationalToNumber(v[0]!), rationalToNumber(v[1]!)] as [number, number]));
}

/** Points of a convex polygon sorted counter-clockwise around their centroid (pixels only). */
export function orderPolygon(pts: [number, number][]): [number, number][] {
  const cx = pts.reduce((s, p) => s + p[0], 0) / pts.length;
  const cy = pts.reduce((s, p) => s + p[1], 0) / pts.length;
  return pts.sort((p, q) => Math.atan2(p[1] - cy, p[0] - cx) - Math.atan2(q[1] - cy, q[0] - cx));
}

interface Frame {
  readonly width: number;
  readonly height: number;
  /** The plot area's top-left corner and size in px. */
  readonly left: number;
  readonly top: number;
  readonly plotWidth: number;
  readonly plotHeight: number;
  readonly px: (x: number) => string;
  readonly py: (y: number) => string;
}

/**
 * Place the window in the canvas. `equalScale`: one unit is as long on both axes (2-D regions); otherwise each
 * axis fills its side (a function's graph). `below`: px of text under the plot area.
 */
function frame(window: SvgOptions["window"], canvas: SvgCanvas, below: number, equalScale: boolean): Frame {
  const [[xlo, xhi], [ylo, yhi]] = window;
  const spanX = xhi - xlo || 1;
  const spanY = yhi - ylo || 1;
  const availW = canvas.width !== undefined ? canvas.width - 2 * MARGIN : undefined;
  const availH = canvas.height !== undefined ? canvas.height - 2 * MARGIN - below : undefined;
  let plotWidth: number;
  let plotHeight: number;
  // A window much longer one way than the other (a thin slice of a box) is drawn with each axis filling a square.
  const square = !equalScale || spanX > MAX_ASPECT * spanY || spanY > MAX_ASPECT * spanX;
  if (square && equalScale) {
    plotWidth = availW ?? Math.min(DEFAULT_PLOT_SIZE, availH ?? DEFAULT_PLOT_SIZE);
    plotHeight = availH ?? plotWidth;
  } else if (!square) {
    const scales = [availW !== undefined ? availW / spanX : Infinity, availH !== undefined ? availH / spanY : Infinity];
    const scale = Math.min(...scales) === Infinity ? DEFAULT_PLOT_SIZE / Math.max(spanX, spanY) : Math.min(...scales);
    plotWidth = spanX * scale;
    plotHeight = spanY * scale;
  } else {
    plotWidth = (availW ?? DEFAULT_PLOT_SIZE) - Y_LABELS;
    plotHeight = availH ?? Math.round((DEFAULT_PLOT_SIZE * 5) / 8);
  }
  // A function's graph has longer tick labels on its y axis.
  const labels = equalScale ? 0 : Y_LABELS;
  const width = canvas.width ?? Math.ceil(plotWidth + 2 * MARGIN + labels);
  const height = canvas.height ?? Math.ceil(plotHeight + 2 * MARGIN + below);
  const left = labels + (width - labels - plotWidth) / 2;
  const top = MARGIN;
  return {
    width, height, left, top, plotWidth, plotHeight,
    px: (x) => (left + ((x - xlo) / spanX) * plotWidth).toFixed(2),
    py: (y) => (top + ((yhi - y) / spanY) * plotHeight).toFixed(2),
  };
}

/** The smallest canvas side (px) that leaves room for a picture with this many caption lines. */
export function minimumCanvas(captionLines: number, legend: boolean): { width: number; height: number } {
  return { width: 2 * MARGIN + 60, height: 2 * MARGIN + 60 + LINE_HEIGHT * (captionLines + 1) + (legend ? LEGEND_HEIGHT : 0) };
}

const fmt = (v: number): string => String(Number(v.toPrecision(6)));

/** Opening tag, title, frame, axis ends and names, caption and legend: what every picture has. */
function chrome(f: Frame, window: SvgOptions["window"], canvas: SvgCanvas, axisNames: readonly [string, string], legend: SvgLegend | undefined): { open: string[]; close: string[] } {
  const [[xlo, xhi], [ylo, yhi]] = window;
  const open = [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<svg xmlns="http://www.w3.org/2000/svg" width="${f.width}" height="${f.height}" viewBox="0 0 ${f.width} ${f.height}" font-family="sans-serif" font-size="12">`,
    `<title>${escapeXml(canvas.title)}</title>`,
    `<rect width="${f.width}" height="${f.height}" fill="#fff"/>`,
  ];
  const bottom = f.top + f.plotHeight;
  const right = f.left + f.plotWidth;
  const close = [
    `<rect x="${f.left.toFixed(2)}" y="${f.top}" width="${f.plotWidth.toFixed(2)}" height="${f.plotHeight.toFixed(2)}" fill="none" stroke="#000" stroke-width="1.2"/>`,
    `<text x="${f.left.toFixed(2)}" y="${(bottom + 14).toFixed(2)}">${fmt(xlo)}</text>`,
    `<text x="${right.toFixed(2)}" y="${(bottom + 14).toFixed(2)}" text-anchor="end">${fmt(xhi)}</text>`,
    `<text x="${(f.left + f.plotWidth / 2).toFixed(2)}" y="${(bottom + 14).toFixed(2)}" text-anchor="middle">${escapeXml(axisNames[0])}</text>`,
    `<text x="${(f.left - 4).toFixed(2)}" y="${bottom.toFixed(2)}" text-anchor="end">${fmt(ylo)}</text>`,
    `<text x="${(f.left - 4).toFixed(2)}" y="${f.top + 10}" text-anchor="end">${fmt(yhi)}</text>`,
    `<text x="${(f.left - 4).toFixed(2)}" y="${(f.top + f.plotHeight / 2).toFixed(2)}" text-anchor="end">${escapeXml(axisNames[1])}</text>`,
    `<text x="${f.left.toFixed(2)}" y="${f.top - 14}" font-size="14" font-weight="bold">${escapeXml(canvas.title)}</text>`,
  ];
  let y = bottom + 34;
  if (legend) {
    // Text widths estimated at 7 px a character (12 px sans-serif).
    const textWidth = 7 * (legend.label.length + legend.min.length + 2);
    const barX = f.left + textWidth + 8;
    const barWidth = Math.max(40, Math.min(240, f.plotWidth - textWidth - 7 * legend.max.length - 22));
    close.push(`<defs><linearGradient id="ramp">${RAMP.map((c, i) => `<stop offset="${i / (RAMP.length - 1)}" stop-color="rgb(${c.join(",")})"/>`).join("")}</linearGradient></defs>`);
    close.push(`<g id="legend"><text x="${f.left.toFixed(2)}" y="${y.toFixed(2)}">${escapeXml(legend.label)}: ${escapeXml(legend.min)}</text>`);
    close.push(`<rect x="${barX.toFixed(2)}" y="${(y - 11).toFixed(2)}" width="${barWidth.toFixed(2)}" height="12" fill="url(#ramp)" stroke="#000" stroke-width="0.5"/>`);
    close.push(`<text x="${(barX + barWidth + 6).toFixed(2)}" y="${y.toFixed(2)}">${escapeXml(legend.max)}</text></g>`);
    y += LEGEND_HEIGHT - 16;
  }
  canvas.caption.forEach((line, i) => close.push(`<text x="${f.left.toFixed(2)}" y="${(y + LINE_HEIGHT * i).toFixed(2)}">${escapeXml(line)}</text>`));
  close.push(`</svg>`);
  return { open, close };
}

const dataAttrs = (data: Readonly<Record<string, string>>): string =>
  Object.entries(data).map(([k, v]) => ` data-${k}="${escapeXml(v)}"`).join("");

export function writeRegionSvg(regions: readonly SvgRegion[], options: SvgOptions): string {
  const below = LINE_HEIGHT * (options.caption.length + 1) + (options.legend ? LEGEND_HEIGHT : 0);
  const f = frame(options.window, options, below, true);
  const mapKeys = new Map<string, number>();
  const values = regions.map((r) => r.value);
  const vmin = Math.min(...values);
  const vmax = Math.max(...values);
  const fill = (r: SvgRegion): string => {
    if (options.coloring === "region") return fillColor(r.id);
    if (options.coloring === "output" || options.coloring === "gradient-norm") return rampColor(vmax > vmin ? (r.value - vmin) / (vmax - vmin) : 0.5);
    const key = JSON.stringify([r.map.A.map((row) => row.map(formatRational)), r.map.c.map(formatRational)]);
    if (!mapKeys.has(key)) mapKeys.set(key, mapKeys.size);
    return fillColor(mapKeys.get(key)!);
  };
  const { open, close } = chrome(f, options.window, options, options.axisNames, options.legend);
  const out = [...open];
  out.push(`<g id="regions" stroke="#222" stroke-width="0.6" stroke-linejoin="round">`);
  for (const r of regions) {
    const points = polygon(r.vertices).map(([x, y]) => `${f.px(x)},${f.py(y)}`).join(" ");
    const tip = `region ${r.id} · pattern ${r.pattern} · ${describeMap(r.map, options.axisNames)}${r.note ? ` · ${r.note}` : ""}`;
    out.push(`<polygon data-region="${r.id}" data-pattern="${escapeXml(r.pattern)}" points="${points}" fill="${fill(r)}"><title>${escapeXml(tip)}</title></polygon>`);
  }
  out.push(`</g>`);
  const segments = (id: string, list: readonly SvgSegment[], color: (s: SvgSegment) => string, width: number): void => {
    out.push(`<g id="${id}" stroke-width="${width}" stroke-linecap="round">`);
    for (const s of list) {
      const [x1, y1, x2, y2] = [f.px(rationalToNumber(s.from[0]!)), f.py(rationalToNumber(s.from[1]!)), f.px(rationalToNumber(s.to[0]!)), f.py(rationalToNumber(s.to[1]!))];
      out.push(`<line x1="${x1}" y1="${y1}" x2="${x2}" y2="${y2}" stroke="${color(s)}"${dataAttrs(s.data)}><title>${escapeXml(s.title)}</title></line>`);
    }
    out.push(`</g>`);
  };
  if (options.hyperplanes) segments("hyperplanes", options.hyperplanes, (s) => groupColor(s.group), 1.6);
  if (options.boundary) segments("boundary", options.boundary, () => "#000", 3);
  out.push(...close);
  return out.join("\n") + "\n";
}

/** A linear piece of a 1-D function for the line picture: [lo, hi], its exact map and its regions. */
export interface SvgLinePiece {
  readonly lo: Rational;
  readonly hi: Rational;
  readonly map: SvgRegion["map"];
  readonly regions: readonly number[];
}

/** A region of a 1-D map: its interval [lo, hi] and pattern (drawn as a band under the graph). */
export interface SvgInterval {
  readonly id: number;
  readonly pattern: string;
  readonly lo: Rational;
  readonly hi: Rational;
}

export interface SvgLineOptions extends SvgCanvas {
  readonly axisName: string;
  readonly pieces: readonly SvgLinePiece[];
  readonly intervals: readonly SvgInterval[];
  readonly breakpoints: readonly { readonly t: Rational; readonly y: readonly Rational[] }[];
}

/** The graph of a piecewise-linear function of one variable: one polyline per output, breakpoints marked. */
export function writeLineSvg(options: SvgLineOptions): string {
  const valuesAt = (p: SvgLinePiece, t: Rational): number[] => p.map.A.map((row, k) => rationalToNumber(row[0]!.mul(t).add(p.map.c[k]!)));
  const ys = options.pieces.flatMap((p) => [...valuesAt(p, p.lo), ...valuesAt(p, p.hi)]);
  const ts = options.pieces.flatMap((p) => [rationalToNumber(p.lo), rationalToNumber(p.hi)]);
  let [ylo, yhi] = [Math.min(...ys), Math.max(...ys)];
  const pad = (yhi - ylo) * 0.06 || 1;
  [ylo, yhi] = [ylo - pad, yhi + pad];
  const window: SvgOptions["window"] = [[Math.min(...ts), Math.max(...ts)], [ylo, yhi]];
  const outputs = options.pieces[0]?.map.A.length ?? 0;
  const below = LINE_HEIGHT * (options.caption.length + 1) + (outputs > 1 ? LINE_HEIGHT : 0);
  const f = frame(window, options, below, false);
  const { open, close } = chrome(f, window, options, [options.axisName, "y"], undefined);
  const out = [...open];
  const bandTop = f.top + f.plotHeight - 10;
  out.push(`<g id="regions" stroke="#fff" stroke-width="0.5">`);
  for (const r of options.intervals) {
    const x1 = Number(f.px(rationalToNumber(r.lo)));
    const x2 = Number(f.px(rationalToNumber(r.hi)));
    out.push(`<rect data-region="${r.id}" data-pattern="${escapeXml(r.pattern)}" x="${x1.toFixed(2)}" y="${bandTop.toFixed(2)}" width="${(x2 - x1).toFixed(2)}" height="10" fill="${fillColor(r.id)}"><title>${escapeXml(`region ${r.id} · pattern ${r.pattern} · ${options.axisName} in [${formatRational(r.lo)}, ${formatRational(r.hi)}]`)}</title></rect>`);
  }
  out.push(`</g>`);
  out.push(`<g id="pieces" stroke-width="2" fill="none">`);
  for (const p of options.pieces) {
    const [a, b] = [valuesAt(p, p.lo), valuesAt(p, p.hi)];
    for (let k = 0; k < outputs; k++) {
      const tip = `${options.axisName} in [${formatRational(p.lo)}, ${formatRational(p.hi)}] · ${describeMap({ A: [p.map.A[k]!], c: [p.map.c[k]!] }, [options.axisName]).replace(/^y0/, `y${k}`)} · regions ${p.regions.join(", ")}`;
      out.push(`<line data-output="${k}" x1="${f.px(rationalToNumber(p.lo))}" y1="${f.py(a[k]!)}" x2="${f.px(rationalToNumber(p.hi))}" y2="${f.py(b[k]!)}" stroke="${groupColor(k)}"><title>${escapeXml(tip)}</title></line>`);
    }
  }
  out.push(`</g>`);
  out.push(`<g id="breakpoints" stroke="#000" stroke-width="1">`);
  for (const bp of options.breakpoints) {
    const tip = `breakpoint ${options.axisName} = ${formatRational(bp.t)} · ${bp.y.map((v, k) => `y${k} = ${formatRational(v)}`).join(", ")}`;
    bp.y.forEach((v, k) => {
      out.push(`<circle data-t="${formatRational(bp.t)}" data-output="${k}" cx="${f.px(rationalToNumber(bp.t))}" cy="${f.py(rationalToNumber(v))}" r="3.5" fill="${groupColor(k)}"><title>${escapeXml(tip)}</title></circle>`);
    });
  }
  out.push(`</g>`);
  if (outputs > 1) {
    const y = f.top + f.plotHeight + 34 + LINE_HEIGHT * options.caption.length;
    out.push(`<g id="outputs">${Array.from({ length: outputs }, (_, k) => `<text x="${(f.left + 50 * k).toFixed(2)}" y="${y.toFixed(2)}" fill="${groupColor(k)}">y${k}</text>`).join("")}</g>`);
  }
  out.push(...close);
  return out.join("\n") + "\n";
}

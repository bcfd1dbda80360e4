// SVG pictures of a 2-D region map (a box of a 2-input network, or a --plane slice): one polygon per region,
// coloured by its affine map, its pattern or its output value, with the region's pattern and exact map in a
// tooltip. Floats are used only to place pixels here; every number in a tooltip is the exact rational.
import { formatRational, rationalToNumber, type Rational } from "../exact/rational.js";

export interface SvgRegion {
  readonly id: number;
  readonly pattern: string;
  /** The region's vertices in the plane, exact (any order: they are sorted around their centroid). */
  readonly vertices: readonly (readonly Rational[])[];
  /** The output as an exact affine map of the two plane coordinates. */
  readonly map: { readonly A: readonly (readonly Rational[])[]; readonly c: readonly Rational[] };
  /** The value used by the "output" colouring (e.g. output 0 at the witness). */
  readonly value: number;
}

export type SvgColoring = "map" | "region" | "output";

export interface SvgOptions {
  /** The plotted window [xlo, xhi] × [ylo, yhi] (the domain's bounding box). */
  readonly window: readonly [readonly [number, number], readonly [number, number]];
  readonly coloring: SvgColoring;
  readonly axisNames: readonly [string, string];
  readonly title: string;
  /** Lines of text under the picture (counts, completeness, domain). */
  readonly caption: readonly string[];
  /** Drawing size of the longer side, in px. Default 640. */
  readonly size?: number;
}

export const escapeXml = (s: string): string => s.replace(/[<>&"']/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&apos;" })[c]!);

/** A stable colour for a key (golden-angle hues, so neighbouring ids differ). */
export function hueColor(index: number): string {
  const hue = (index * 137.508) % 360;
  return `hsl(${hue.toFixed(1)}, 62%, ${index % 2 === 0 ? 68 : 58}%)`;
}

/** Viridis-like ramp for t in [0, 1] (5 stops, linear between them). */
function rampColor(t: number): string {
  const stops = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]] as const;
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0.5)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(x));
  const f = x - i;
  const rgb = stops[i]!.map((v, k) => Math.round(v + f * (stops[i + 1]![k]! - v)));
  return `rgb(${rgb.join(",")})`;
}

/** Human text of y_k = a·(u, v) + c for each output, exact. */
export function describeMap(map: SvgRegion["map"], axisNames: readonly [string, string]): string {
  return map.A.map((row, k) => {
    const terms = row.map((a, i) => `${formatRational(a)}·${axisNames[i]}`).join(" + ");
    return `y${k} = ${terms} + ${formatRational(map.c[k]!)}`;
  }).join("; ");
}

/** Vertices sorted counter-clockwise around their centroid (for drawing). */
function polygon(vertices: SvgRegion["vertices"]): [number, number][] {
  const pts = vertices.map((v) => [rationalToNumber(v[0]!), rationalToNumber(v[1]!)] as [number, number]);
  const cx = pts.reduce((s, p) => s + p[0], 0) / pts.length;
  const cy = pts.reduce((s, p) => s + p[1], 0) / pts.length;
  return pts.sort((p, q) => Math.atan2(p[1] - cy, p[0] - cx) - Math.atan2(q[1] - cy, q[0] - cx));
}

export function writeRegionSvg(regions: readonly SvgRegion[], options: SvgOptions): string {
  const [[xlo, xhi], [ylo, yhi]] = options.window;
  const size = options.size ?? 640;
  const scale = size / Math.max(xhi - xlo, yhi - ylo);
  const width = (xhi - xlo) * scale;
  const height = (yhi - ylo) * scale;
  const margin = 40;
  const captionHeight = 18 * (options.caption.length + 1);
  const px = (x: number): string => (margin + (x - xlo) * scale).toFixed(2);
  const py = (y: number): string => (margin + (yhi - y) * scale).toFixed(2);

  const mapKeys = new Map<string, number>();
  const values = regions.map((r) => r.value);
  const vmin = Math.min(...values);
  const vmax = Math.max(...values);
  const fill = (r: SvgRegion): string => {
    if (options.coloring === "region") return hueColor(r.id);
    if (options.coloring === "output") return rampColor(vmax > vmin ? (r.value - vmin) / (vmax - vmin) : 0.5);
    const key = JSON.stringify([r.map.A.map((row) => row.map(formatRational)), r.map.c.map(formatRational)]);
    if (!mapKeys.has(key)) mapKeys.set(key, mapKeys.size);
    return hueColor(mapKeys.get(key)!);
  };

  const out: string[] = [];
  out.push(`<?xml version="1.0" encoding="UTF-8"?>`);
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${(width + 2 * margin).toFixed(0)}" height="${(height + 2 * margin + captionHeight).toFixed(0)}" font-family="sans-serif" font-size="12">`,
  );
  out.push(`<title>${escapeXml(options.title)}</title>`);
  out.push(`<g id="regions" stroke="#222" stroke-width="0.6" stroke-linejoin="round">`);
  for (const r of regions) {
    const points = polygon(r.vertices).map(([x, y]) => `${px(x)},${py(y)}`).join(" ");
    const tip = `region ${r.id} · pattern ${r.pattern} · ${describeMap(r.map, options.axisNames)}`;
    out.push(`<polygon data-region="${r.id}" data-pattern="${escapeXml(r.pattern)}" points="${points}" fill="${fill(r)}"><title>${escapeXml(tip)}</title></polygon>`);
  }
  out.push(`</g>`);
  out.push(`<rect x="${margin}" y="${margin}" width="${width.toFixed(2)}" height="${height.toFixed(2)}" fill="none" stroke="#000" stroke-width="1.2"/>`);
  const fmt = (v: number): string => String(Number(v.toPrecision(6)));
  out.push(`<text x="${margin}" y="${(margin + height + 14).toFixed(2)}">${fmt(xlo)}</text>`);
  out.push(`<text x="${(margin + width).toFixed(2)}" y="${(margin + height + 14).toFixed(2)}" text-anchor="end">${fmt(xhi)}</text>`);
  out.push(`<text x="${(margin + width / 2).toFixed(2)}" y="${(margin + height + 14).toFixed(2)}" text-anchor="middle">${escapeXml(options.axisNames[0])}</text>`);
  out.push(`<text x="${margin - 4}" y="${(margin + height).toFixed(2)}" text-anchor="end">${fmt(ylo)}</text>`);
  out.push(`<text x="${margin - 4}" y="${margin + 10}" text-anchor="end">${fmt(yhi)}</text>`);
  out.push(`<text x="${margin - 4}" y="${(margin + height / 2).toFixed(2)}" text-anchor="end">${escapeXml(options.axisNames[1])}</text>`);
  out.push(`<text x="${margin}" y="${margin - 14}" font-size="14" font-weight="bold">${escapeXml(options.title)}</text>`);
  options.caption.forEach((line, i) => {
    out.push(`<text x="${margin}" y="${(margin + height + 34 + 18 * i).toFixed(2)}">${escapeXml(line)}</text>`);
  });
  out.push(`</svg>`);
  return out.join("\n") + "\n";
}

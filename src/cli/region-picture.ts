// Drawing an enumerated 1-D or 2-D region map, shared by `plot` (SVG/PNG files) and `view` (the HTML page):
// region colours (by map, region, output or the exact norm of the Jacobian, with a legend of the exact range),
// the exact decision boundary and bent hyperplanes over the regions, or for 1-D the function with its
// breakpoints. The exact segments and breakpoints are returned too, for --json and for the page.
import { inducedNorm, type LipschitzNorm } from "../analysis/lipschitz.js";
import { decisionBoundary, linePieces, uniqueHyperplaneSegments, type BoundarySegment, type HyperplaneSegment, type LineBreakpoint } from "../analysis/plane-curves.js";
import { RationalField } from "../exact/field.js";
import { dot } from "../exact/linalg.js";
import { formatRational, maxRational, minRational, rationalToNumber, type Rational } from "../exact/rational.js";
import { describePoint, writeLineSvg, writeRegionSvg, type SvgCanvas, type SvgColoring, type SvgLegend, type SvgSegment } from "../formats/svg.js";
import { formatPattern } from "../network/evaluate.js";
import type { Region } from "../regions/types.js";

export const COLORINGS: readonly SvgColoring[] = ["map", "region", "output", "gradient-norm"];
export const NORMS: readonly LipschitzNorm[] = ["inf", "1"];

export interface PictureSettings extends SvgCanvas {
  readonly coloring: SvgColoring;
  readonly norm: LipschitzNorm;
  /** 0-based output for --color output. */
  readonly outputIndex: number;
  readonly boundary: boolean;
  readonly hyperplanes: boolean;
  /** Names of the plane's axes (["s", "t"] on a slice, ["x1", "x2"] on a box); 1-D uses the first. */
  readonly axisNames: readonly [string, string];
}

export interface Picture {
  readonly svg: string;
  readonly boundary: readonly BoundarySegment[];
  readonly hyperplanes: readonly HyperplaneSegment[];
  readonly breakpoints: readonly LineBreakpoint[];
  /** The exact range of the ramp colouring (output or gradient norm). */
  readonly range?: { readonly min: Rational; readonly max: Rational };
}

/** Exact text when short, else "≈ 6 digits" (the exact value is in --json and in each region's tooltip). */
const legendValue = (r: Rational): string => {
  const text = formatRational(r);
  return text.length <= 20 ? text : `≈ ${Number(rationalToNumber(r).toPrecision(6))}`;
};

const normLabel = (norm: LipschitzNorm): string => (norm === "inf" ? "‖J‖∞" : "‖J‖₁");

/** Text of the exact segment for tooltips. */
export function describeSegment(s: { from: readonly Rational[]; to: readonly Rational[] }): string {
  return `from ${describePoint(s.from)} to ${describePoint(s.to)}`;
}

/** The picture of bounded regions in dimension 1 or 2 (every region must carry its vertices). */
export function drawRegions(regions: readonly Region[], dim: 1 | 2, s: PictureSettings): Picture {
  if (dim === 1) {
    const { pieces, breakpoints } = linePieces(regions);
    const intervals = regions.map((r) => {
      const ends = (r.vertices ?? []).map((v) => v[0]!).sort((a, b) => a.compare(b));
      return { id: r.id, pattern: formatPattern(r.pattern), lo: ends[0]!, hi: ends[ends.length - 1]! };
    });
    const svg = writeLineSvg({
      title: s.title,
      caption: s.caption,
      ...(s.width !== undefined ? { width: s.width } : {}),
      ...(s.height !== undefined ? { height: s.height } : {}),
      axisName: s.axisNames[0], pieces, intervals, breakpoints });
    return { svg, boundary: [], hyperplanes: [], breakpoints };
  }
  const exactValue = (r: Region): Rational =>
    s.coloring === "gradient-norm" ? inducedNorm(r.map.A, s.norm) : dot(RationalField, r.map.A[s.outputIndex]!, r.witness).add(r.map.c[s.outputIndex]!);
  const values = regions.map(exactValue);
  const ramp = s.coloring === "output" || s.coloring === "gradient-norm";
  const range = ramp && values.length > 0 ? { min: values.reduce(minRational), max: values.reduce(maxRational) } : undefined;
  const legend: SvgLegend | undefined = range
    ? { label: s.coloring === "gradient-norm" ? normLabel(s.norm) : `y${s.outputIndex} at the witness`, min: legendValue(range.min), max: legendValue(range.max) }
    : undefined;
  const svgRegions = regions.map((r, i) => ({
    id: r.id,
    pattern: formatPattern(r.pattern),
    vertices: r.vertices ?? [],
    map: r.map,
    value: rationalToNumber(values[i]!),
    ...(s.coloring === "gradient-norm" ? { note: `${normLabel(s.norm)} = ${formatRational(values[i]!)}` } : {}),
  }));
  const boundary = s.boundary ? regions.flatMap(decisionBoundary) : [];
  const hyperplanes = s.hyperplanes ? uniqueHyperplaneSegments(regions) : [];
  const single = regions[0]?.map.A.length === 1;
  const boundarySvg: SvgSegment[] = boundary.map((b) => ({
    from: b.from,
    to: b.to,
    group: 0,
    data: { region: String(b.region), outputs: b.outputs.join(",") },
    title: `${single ? "y0 = 0" : `y${b.outputs[0]} = y${b.outputs[1]} (the top two)`} in region ${b.region}, ${describeSegment(b)}`,
  }));
  const hyperplaneSvg: SvgSegment[] = hyperplanes.map((h) => ({
    from: h.from,
    to: h.to,
    group: h.layer,
    data: { layer: String(h.layer), neuron: String(h.neuron) },
    title: `layer ${h.layer} neuron ${h.neuron}: ${describeSegment(h)}`,
  }));
  const xs = regions.flatMap((r) => (r.vertices ?? []).map((v) => rationalToNumber(v[0]!)));
  const ys = regions.flatMap((r) => (r.vertices ?? []).map((v) => rationalToNumber(v[1]!)));
  const svg = writeRegionSvg(svgRegions, {
    title: s.title,
    caption: s.caption,
    ...(s.width !== undefined ? { width: s.width } : {}),
    ...(s.height !== undefined ? { height: s.height } : {}),
    coloring: s.coloring,
    axisNames: s.axisNames,
    window: [[Math.min(...xs), Math.max(...xs)], [Math.min(...ys), Math.max(...ys)]],
    ...(legend ? { legend } : {}),
    ...(s.boundary ? { boundary: boundarySvg } : {}),
    ...(s.hyperplanes ? { hyperplanes: hyperplaneSvg } : {}),
  });
  return { svg, boundary, hyperplanes, breakpoints: [], ...(range ? { range } : {}) };
}

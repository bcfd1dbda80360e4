// Exact curves drawn over a 1-D or 2-D region map (`plot`, `view`): the decision boundary inside each region
// (where the top two outputs are equal, or where a single output is 0) as exact segments, the pieces of every
// neuron's bent hyperplane (the region facets a neuron's breakpoint makes), and the breakpoints of a 1-D
// piecewise-linear function. Every endpoint is an exact rational computed from the region's map and constraints.
import { RationalField } from "../exact/field.js";
import { dot } from "../exact/linalg.js";
import { ZERO, formatRational, sign, type Rational } from "../exact/rational.js";
import { sameAffineMap } from "../graph/gradient-jump.js";
import type { SvgLinePiece } from "../formats/svg.js";
import type { Halfspace } from "../geometry/types.js";
import type { Region } from "../regions/types.js";

/** A segment of the plane with exact endpoints. */
export interface PlaneSegment {
  readonly from: readonly [Rational, Rational];
  readonly to: readonly [Rational, Rational];
}

/** A piece of the decision boundary inside one region: outputs i and j are equal and at least every other output. */
export interface BoundarySegment extends PlaneSegment {
  readonly region: number;
  /** The two outputs that tie (0-based); [0, 0] for a single-output network (where output 0 is 0). */
  readonly outputs: readonly [number, number];
}

/** A piece of a neuron's bent hyperplane: a facet of `region` made by that neuron's breakpoint. */
export interface HyperplaneSegment extends PlaneSegment {
  readonly region: number;
  readonly layer: number;
  readonly neuron: number;
}

/**
 * The part [tlo, thi] of the line p + t·u inside every half-space a·x ≤ b (undefined when it has no positive
 * length). `u` must be nonzero; the half-spaces must bound the line (a bounded region does).
 */
export function clipLine(p: readonly Rational[], u: readonly Rational[], halfspaces: readonly Halfspace[]): [Rational, Rational] | undefined {
  let lo: Rational | undefined;
  let hi: Rational | undefined;
  for (const { a, b } of halfspaces) {
    const slope = dot(RationalField, a, u);
    const room = b.sub(dot(RationalField, a, p));
    const s = sign(slope);
    if (s === 0) {
      if (sign(room) < 0) return undefined;
      continue;
    }
    const t = room.div(slope);
    if (s > 0) hi = hi === undefined || t.compare(hi) < 0 ? t : hi;
    else lo = lo === undefined || t.compare(lo) > 0 ? t : lo;
  }
  if (lo === undefined || hi === undefined || lo.compare(hi) >= 0) return undefined;
  return [lo, hi];
}

/** The segment of {x : g·x = h} (g ≠ 0) inside the half-spaces, exact. */
function segmentOnLine(g: readonly Rational[], h: Rational, halfspaces: readonly Halfspace[]): PlaneSegment | undefined {
  const gg = dot(RationalField, g, g);
  if (sign(gg) === 0) return undefined;
  const p = g.map((v) => v.mul(h).div(gg));
  const u = [g[1]!.neg(), g[0]!];
  const range = clipLine(p, u, halfspaces);
  if (!range) return undefined;
  const at = (t: Rational): [Rational, Rational] => [p[0]!.add(t.mul(u[0]!)), p[1]!.add(t.mul(u[1]!))];
  return { from: at(range[0]), to: at(range[1]) };
}

/**
 * The decision boundary inside a bounded 2-D region: for a single output, where it is 0; otherwise, for each
 * pair i < j, where y_i = y_j ≥ every other output. A pair whose difference is constant on the region (equal
 * rows of A) has no segment: its outputs either never tie there or tie on the whole region.
 */
export function decisionBoundary(region: Region): BoundarySegment[] {
  const { A, c } = region.map;
  const out: BoundarySegment[] = [];
  if (A.length === 1) {
    const seg = segmentOnLine(A[0]!, c[0]!.neg(), region.constraints);
    if (seg) out.push({ region: region.id, outputs: [0, 0], ...seg });
    return out;
  }
  for (let i = 0; i < A.length; i++) {
    for (let j = i + 1; j < A.length; j++) {
      const g = A[i]!.map((v, k) => v.sub(A[j]![k]!));
      // y_k ≤ y_i for every other k: (A_k − A_i)·x ≤ c_i − c_k.
      const others: Halfspace[] = [];
      for (let k = 0; k < A.length; k++) {
        if (k !== i && k !== j) others.push({ a: A[k]!.map((v, m) => v.sub(A[i]![m]!)), b: c[i]!.sub(c[k]!) });
      }
      const seg = segmentOnLine(g, c[j]!.sub(c[i]!), [...region.constraints, ...others]);
      if (seg) out.push({ region: region.id, outputs: [i, j], ...seg });
    }
  }
  return out;
}

/**
 * The pieces of the neurons' bent hyperplanes on a bounded 2-D region: each irredundant constraint that comes
 * from a neuron's breakpoint is a facet; its segment joins the region's two vertices on that line. (Where several
 * neurons' hyperplanes coincide, the facet is recorded under the neuron the region engine kept.)
 */
export function hyperplaneSegments(region: Region): HyperplaneSegment[] {
  const vertices = region.vertices ?? [];
  const out: HyperplaneSegment[] = [];
  for (const constraint of region.constraints) {
    if (constraint.source.kind !== "neuron") continue;
    const on = vertices.filter((v) => dot(RationalField, constraint.a, v).equals(constraint.b));
    if (on.length < 2) continue;
    out.push({
      region: region.id,
      layer: constraint.source.layer,
      neuron: constraint.source.neuron,
      from: [on[0]![0]!, on[0]![1]!],
      to: [on[1]![0]!, on[1]![1]!],
    });
  }
  return out;
}

/** Hyperplane pieces of many regions with each shared facet once (it is found from both sides). */
export function uniqueHyperplaneSegments(regions: readonly Region[]): HyperplaneSegment[] {
  const seen = new Set<string>();
  const out: HyperplaneSegment[] = [];
  for (const region of regions) {
    for (const seg of hyperplaneSegments(region)) {
      const ends = [seg.from, seg.to].map((p) => p.map(formatRational).join(",")).sort();
      const key = `${seg.layer}/${seg.neuron}/${ends.join(";")}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(seg);
    }
  }
  return out;
}

/** A linear piece of a 1-D function: [lo, hi] with one affine map (y = A·t + c), made of one or more regions. */
export type LinePiece = SvgLinePiece;

/** A point where the 1-D function's map changes: t and the exact outputs there. */
export interface LineBreakpoint {
  readonly t: Rational;
  readonly y: readonly Rational[];
}

/** Evaluate y = A·t + c at t (1-D). */
export function valueAt(map: Region["map"], t: Rational): Rational[] {
  return map.A.map((row, k) => row[0]!.mul(t).add(map.c[k]!));
}

/**
 * The piecewise-linear function of a bounded 1-D region map: its linear pieces (adjacent regions with exactly
 * equal maps joined) in increasing t, and the breakpoints between pieces with their exact outputs. The regions
 * must carry their vertices (the interval's two ends).
 */
export function linePieces(regions: readonly Region[]): { pieces: LinePiece[]; breakpoints: LineBreakpoint[] } {
  const intervals = regions
    .map((r) => {
      const ends = (r.vertices ?? []).map((v) => v[0]!).sort((a, b) => a.compare(b));
      return { lo: ends[0] ?? ZERO, hi: ends[ends.length - 1] ?? ZERO, region: r };
    })
    .sort((p, q) => p.lo.compare(q.lo));
  const pieces: { lo: Rational; hi: Rational; map: Region["map"]; regions: number[] }[] = [];
  for (const { lo, hi, region } of intervals) {
    const last = pieces[pieces.length - 1];
    if (last && last.hi.equals(lo) && sameAffineMap(last.map, region.map)) {
      last.hi = hi;
      last.regions.push(region.id);
    } else pieces.push({ lo, hi, map: region.map, regions: [region.id] });
  }
  const breakpoints: LineBreakpoint[] = [];
  for (let i = 1; i < pieces.length; i++) {
    if (pieces[i - 1]!.hi.equals(pieces[i]!.lo)) breakpoints.push({ t: pieces[i]!.lo, y: valueAt(pieces[i]!.map, pieces[i]!.lo) });
  }
  return { pieces, breakpoints };
}

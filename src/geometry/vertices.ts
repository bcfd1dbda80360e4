// Exact vertices of a bounded polyhedron in low dimension: every d-subset of the (irredundant) rows
// whose hyperplanes meet in one point that satisfies all rows exactly. In 2D they are returned in
// counter-clockwise order (sorted with exact orientation tests), so `polygonArea` applies.
import { ZERO, Rational, reducedFraction, sign } from "../exact/rational.js";
import { UsageError } from "../errors.js";
import { solveIntegerSystem, toIntegerRow } from "./exact-solve.js";
import { RationalField } from "../exact/field.js";

/** Largest number of d-subsets examined (C(m, d)); beyond it vertices are not computed. */
export const MAX_VERTEX_SUBSETS = 200_000;

function binomial(m: number, d: number): number {
  let r = 1;
  for (let i = 0; i < d; i++) r = (r * (m - i)) / (i + 1);
  return r;
}

function* subsets(m: number, d: number, start = 0, prefix: number[] = []): Generator<number[]> {
  if (prefix.length === d) {
    yield prefix;
    return;
  }
  for (let i = start; i <= m - (d - prefix.length); i++) yield* subsets(m, d, i + 1, [...prefix, i]);
}

/** The vertices of {x : a_i·x ≤ b_i} (must be bounded and full-dimensional), exact. */
export function polytopeVertices(a: readonly (readonly Rational[])[], b: readonly Rational[], d: number): Rational[][] {
  if (binomial(a.length, d) > MAX_VERTEX_SUBSETS) throw new UsageError(`geometry/vertices: ${a.length} constraints in dimension ${d} is too many to list vertices`);
  const seen = new Map<string, Rational[]>();
  for (const subset of subsets(a.length, d)) {
    const M = subset.map((i) => toIntegerRow(RationalField, [...a[i]!, b[i]!]));
    const sol = solveIntegerSystem(M.map((r) => r.slice(0, d)), M.map((r) => r[d]!));
    if (!sol) continue;
    // Unique point only: the d rows must be independent (check the rank via a zero right-hand side).
    if (!independent(M.map((r) => r.slice(0, d)))) continue;
    const x = sol.num.map((n) => reducedFraction(n, sol.den));
    const feasible = a.every((row, i) => row.reduce((s, v, k) => s.add(v.mul(x[k]!)), ZERO).compare(b[i]!) <= 0);
    if (feasible) seen.set(x.map((v) => v.toFraction()).join(","), x);
  }
  const vertices = [...seen.values()];
  if (d === 1) return vertices.sort((p, q) => p[0]!.compare(q[0]!));
  if (d === 2) return sortCounterClockwise(vertices);
  return vertices;
}

function independent(M: bigint[][]): boolean {
  const rows = M.map((r) => [...r]);
  const n = rows.length;
  for (let c = 0; c < n; c++) {
    const p = rows.findIndex((r, i) => i >= c && r[c] !== 0n);
    if (p < 0) return false;
    [rows[c], rows[p]] = [rows[p]!, rows[c]!];
    for (let i = c + 1; i < n; i++) {
      const f = rows[i]![c]!;
      if (f === 0n) continue;
      const pv = rows[c]![c]!;
      rows[i] = rows[i]!.map((v, k) => v * pv - rows[c]![k]! * f);
    }
  }
  return true;
}

/** Sort 2D points counter-clockwise around their centroid, with exact orientation tests. */
function sortCounterClockwise(points: Rational[][]): Rational[][] {
  if (points.length < 3) return points;
  const n = new Rational(points.length);
  const cx = points.reduce((s, p) => s.add(p[0]!), ZERO).div(n);
  const cy = points.reduce((s, p) => s.add(p[1]!), ZERO).div(n);
  const half = (p: Rational[]): number => {
    const dy = sign(p[1]!.sub(cy));
    const dx = sign(p[0]!.sub(cx));
    return dy > 0 || (dy === 0 && dx > 0) ? 0 : 1;
  };
  return points.sort((p, q) => {
    const hp = half(p);
    const hq = half(q);
    if (hp !== hq) return hp - hq;
    const cross = p[0]!.sub(cx).mul(q[1]!.sub(cy)).sub(p[1]!.sub(cy).mul(q[0]!.sub(cx)));
    return -sign(cross);
  });
}

/** Exact area of a polygon given counter-clockwise (shoelace formula). */
export function polygonArea(vertices: readonly (readonly Rational[])[]): Rational {
  let s = ZERO;
  for (let i = 0; i < vertices.length; i++) {
    const p = vertices[i]!;
    const q = vertices[(i + 1) % vertices.length]!;
    s = s.add(p[0]!.mul(q[1]!).sub(q[0]!.mul(p[1]!)));
  }
  return s.div(2).abs();
}

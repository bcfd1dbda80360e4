// Interior points with exact proof: a dyadic point strictly inside {x : a_i·x ≤ b_i}, found from the
// "deepest interior point" LP (maximise t s.t. a_i·x + ‖a_i‖₁·t ≤ b_i, t ≤ 1): the float optimum is tried
// first (its bits taken exactly, then checked strictly), else the exact simplex decides; t* ≤ 0 means the
// set has no interior; a box (rows ±x_k ≤ b) gets its middle, with no LP. Also: rounding an exact interior point to a nearby dyadic that is still inside.
import type { Field } from "../exact/field.js";
import type { Rational } from "../exact/rational.js";
import { sign } from "../exact/rational.js";
import { axisInteriorPoint, axisRows } from "./axis-rows.js";
import { exactMax } from "./exact-simplex.js";
import { rationalToDyadic } from "./exact-solve.js";
import { proposeMax } from "./float-lp.js";
import { lpRows, strictlyInside, type LpRows, type LpStats } from "./lp.js";

/** Precisions tried when rounding an exact interior point to a dyadic one (bits after the binary point). */
const ROUNDING_BITS = [53, 64, 96, 128, 192, 256, 384, 512, 1024, 2048, 4096];

/** A dyadic point strictly inside the rows near the exact point `x` (which must be strictly inside). */
export function roundInside<T>(F: Field<T>, P: { readonly a: readonly (readonly T[])[]; readonly b: readonly T[] }, x: readonly Rational[]): T[] {
  for (const bits of ROUNDING_BITS) {
    const q = x.map((r) => F.fromDyadic(rationalToDyadic(r, bits)));
    if (strictlyInside(F, P, q)) return q;
  }
  // Past 4096 bits, take the exact point itself (still exact, just not dyadic).
  const exact = x.map((r) => F.fromRational(r));
  if (strictlyInside(F, P, exact)) return exact;
  throw new Error("geometry/interior: the point to round is not strictly inside");
}

/**
 * A point strictly inside the rows, or undefined when the set has empty interior (decided exactly).
 * Unbounded sets are fine; no rows means all of R^d (the origin is returned).
 */
export function interiorPoint<T>(F: Field<T>, P: LpRows<T>, stats: LpStats): T[] | undefined {
  const d = P.d;
  const m = P.a.length;
  // A zero row 0 ≤ b_i holds strictly everywhere or nowhere (the LPs below skip zero rows).
  if (P.a.some((a, i) => a.every((v) => F.sign(v) === 0) && F.sign(P.b[i]!) <= 0)) return undefined;
  if (m === 0) return new Array<T>(d).fill(F.zero);
  // A box: its middle (no LP).
  const axes = axisRows(F, P);
  if (axes) return axisInteriorPoint(F, P, axes);
  // Chebyshev-style LP in (x, t): rows [a_i, ‖a_i‖₁] ≤ b_i and t ≤ 1.
  const rowsA: T[][] = P.a.map((a) => [...a, a.reduce((s, v) => F.add(s, F.sign(v) < 0 ? F.neg(v) : v), F.zero)]);
  rowsA.push([...new Array<T>(d).fill(F.zero), F.one]);
  const rowsB: T[] = [...P.b, F.one];
  const cheb = lpRows(F, d + 1, rowsA, rowsB);
  const w = new Float64Array(d + 1);
  w[d] = 1;
  stats.lps++;
  const prop = proposeMax(cheb.af, cheb.bf, m + 1, d + 1, w);
  stats.simplexIterations += prop.iterations;
  if (prop.status === "optimal" && prop.x[d]! > 0) {
    const q = Array.from(prop.x.subarray(0, d), (v) => F.fromFloat(v));
    if (strictlyInside(F, P, q)) return q;
    stats.certifyFailures++;
  } else if (prop.status === "failed") stats.floatFailures++;
  stats.exactFallbacks++;
  const res = exactMax(
    rowsA.map((row) => row.map((v) => F.toRational(v))),
    rowsB.map((v) => F.toRational(v)),
    [...new Array<Rational>(d).fill(F.toRational(F.zero)), F.toRational(F.one)],
  );
  // t is bounded by 1, so the LP is never unbounded.
  if (res.status !== "optimal" || sign(res.value) <= 0) return undefined;
  return roundInside(F, P, res.x.slice(0, d));
}

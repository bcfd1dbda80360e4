// The filtered predicates of LP decisions (docs/algorithms/filtered-predicates.md, "LP decisions"): a float
// multiplier vector y ≥ 0 proposed by the float simplex proves an upper bound of a pre-activation over the
// region through its residual, bounded on the region's certified box; a float point is proved strictly inside
// the rows and inside a piece. Each predicate is evaluated in float64 with a rigorous bound on its rounding
// error and answers only when the bound decides; otherwise the caller takes the exact path. Nothing here
// needs the exact rows or the exact affine maps: `count` proves its decisions without them.
import { nextUp } from "../exact/float.js";
import { gamma, inflate } from "../exact/float-error.js";
import type { RowStack } from "./row-stack.js";

/**
 * A proven upper bound of w·x + c over {x : a_i·x ≤ b_i for every row i} ∩ {|x_k| ≤ X_k}, from multipliers
 * y_j ≥ 0 on rows basis[j]. The row is w = dir·vals[off..off+d), c = dir·vals[off+d] with
 * |exact − float| ≤ e per entry; rows carry their own bounds (RowStack.ea, eb). For every x of the set,
 *   w·x + c = Σ_j y_j a_j·x + r·x + c ≤ Σ_j y_j b_j + c + Σ_k |r_k| X_k,   r = w − Σ_j y_j a_j,
 * and each float sum is within γ_{m+2}·(its absolute terms) of its exact value (Higham §3.1). Returns B and Δ
 * (floats) with max ≤ B + Δ in real arithmetic; NaN when something is not finite or a multiplier is negative.
 */
export function multiplierBound(
  rows: RowStack<unknown>,
  basis: readonly number[],
  y: Float64Array,
  vals: Float64Array,
  off: number,
  dir: 1 | -1,
  e: number,
  X: Float64Array,
): { B: number; delta: number } {
  const d = rows.d;
  const m = basis.length;
  const g = gamma(m + 2);
  const { af, bf, ea, eb } = rows;
  const c = dir * vals[off + d]!;
  let B = c;
  let A = Math.abs(c);
  let err = e;
  for (let j = 0; j < m; j++) {
    const yj = y[j]!;
    if (!(yj >= 0) || !Number.isFinite(yj)) return { B: NaN, delta: NaN };
    const i = basis[j]!;
    const t = yj * bf[i]!;
    B += t;
    A += Math.abs(t);
    err += yj * eb[i]!;
  }
  err += g * A;
  for (let k = 0; k < d; k++) {
    const wk = dir * vals[off + k]!;
    let R = wk;
    let S = Math.abs(wk);
    let rowErr = e;
    for (let j = 0; j < m; j++) {
      const i = basis[j]!;
      const t = y[j]! * af[i * d + k]!;
      R -= t;
      S += Math.abs(t);
      rowErr += y[j]! * ea[i]!;
    }
    err += (Math.abs(R) + rowErr + g * S) * X[k]!;
  }
  // Every term above is non-negative; inflate covers the rounding of their float sum and underflows.
  return { B, delta: inflate(err, (m + 2) * (4 * d + 8)) };
}

/** Proven: max of dir·(w·x + c) over the rows and the box is < t (a float). */
export function multipliersProve(rows: RowStack<unknown>, basis: readonly number[], y: Float64Array, vals: Float64Array, off: number, dir: 1 | -1, e: number, X: Float64Array, t: number): boolean {
  const { B, delta } = multiplierBound(rows, basis, y, vals, off, dir, e, X);
  // Rounding is monotone and t is a float: fl(B + Δ) < t implies B + Δ < t.
  return B + delta < t;
}

/**
 * A float ≥ max of dir·(w·x + c) over the rows and the box (the filtered bounding box), or NaN when the
 * multipliers cannot give one.
 */
export function multiplierUpperFloat(rows: RowStack<unknown>, basis: readonly number[], y: Float64Array, vals: Float64Array, off: number, dir: 1 | -1, e: number, X: Float64Array): number {
  const { B, delta } = multiplierBound(rows, basis, y, vals, off, dir, e, X);
  const s = B + delta;
  if (!Number.isFinite(s)) return NaN;
  // Rounding to nearest: v = B + Δ lies within half a float spacing of fl(v), so the next float up is ≥ v.
  return nextUp(s);
}

/** Proven: a_i·q < b_i for every row (q given by its float coordinates, exact). */
export function floatInside(rows: RowStack<unknown>, q: Float64Array): boolean {
  const d = rows.d;
  const g = gamma(d + 2);
  const { af, bf, ea, eb } = rows;
  let Q = 0;
  for (let k = 0; k < d; k++) Q += Math.abs(q[k]!);
  for (let i = 0; i < rows.length; i++) {
    let s = -bf[i]!;
    let S = Math.abs(s);
    for (let k = 0; k < d; k++) {
      const t = af[i * d + k]! * q[k]!;
      s += t;
      S += Math.abs(t);
    }
    const delta = inflate(ea[i]! * Q + eb[i]! + g * S, 4 * d + 8);
    if (!(s + delta < 0)) return false;
  }
  return true;
}

/**
 * Proven: lo < w·q + c < hi for the row vals[off..off+d] (error ≤ e per entry) at the float point q; lo
 * and hi are floats (−Infinity / Infinity for an open side).
 */
export function floatValueBetween(vals: Float64Array, off: number, d: number, e: number, q: Float64Array, lo: number, hi: number): boolean {
  let z = vals[off + d]!;
  let S = Math.abs(z);
  let Q = 1;
  for (let k = 0; k < d; k++) {
    const t = vals[off + k]! * q[k]!;
    z += t;
    S += Math.abs(t);
    Q += Math.abs(q[k]!);
  }
  const delta = inflate(e * Q + gamma(d + 2) * S, 4 * d + 8);
  if (!Number.isFinite(z) || !Number.isFinite(delta)) return false;
  return (lo === -Infinity || z - delta > lo) && (hi === Infinity || z + delta < hi);
}

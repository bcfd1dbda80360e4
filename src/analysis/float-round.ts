// Provably safe float64 rounding for the fast bound engine: every helper returns a float that is an upper
// (or lower) bound of the exact real result, so bounds computed with them are sound although they run in
// floats. No verdict depends on a float being "close": only on it being on the right side.
//
// Derivation of the constants. For a finite float v, the gap to the next float up (or down) is at most
// |v|·2^-52 (the ulp of v's binade, and the binade below has a smaller one) and at least 2^-1074. Hence
// d = |v|·2^-52 + 2^-1074 ≥ ulp(v) (the product is exact: a power of two scaling that stays ≥ 2^-1074), and
// fl(v + d) ≥ v + ulp(v) ≥ nextUp(v), because rounding to nearest is monotone and v + ulp(v) is a float.
// A correctly rounded operation is within half an ulp of the exact result, so up(fl(a∘b)) ≥ a∘b.
//
// For a sum of n products computed in floats, |fl(Σ a_i b_i) − Σ a_i b_i| ≤ γ_n Σ|a_i b_i| with
// γ_n = n·2^-53/(1 − n·2^-53) (Higham, Accuracy and Stability, §3.1), plus 2^-1075 per product for underflow.
// `sumError(absSum, n)` returns absSum·(n+2)·2^-52 + (n+2)·2^-1074, which is at least twice that (covering
// the rounding of absSum itself and of this product) for any n < 2^40.
import type { Rational } from "../exact/rational.js";
import { floorFloat, ceilFloat } from "../exact/float.js";

export { floorFloat, ceilFloat };

const ULP_FACTOR = 2 ** -52;
const TINY = 2 ** -1074;

/**
 * The relative widening applied to an error estimate before it is added to a bound. An estimate is itself a
 * float sum of k ≤ 2^12 nonnegative terms, so it may fall short of its exact value by a factor
 * (1 − 2^-53)^k ≥ 1 − 2^-41; multiplying by 1 + 2^-40 (and rounding up) more than recovers that. The one
 * statement of this constant: every float bound engine widens its error terms through `widenError`.
 */
export const ERROR_SLACK = 1 + 2 ** -40;

/** An error estimate computed in floats, widened so it bounds the exact error it estimates (see ERROR_SLACK). */
export function widenError(e: number): number {
  return up(e * ERROR_SLACK);
}

/** A float ≥ the exact value that v approximates to within half an ulp (v itself when v is ±Infinity). */
export function up(v: number): number {
  return v + (Math.abs(v) * ULP_FACTOR + TINY);
}

/** A float ≤ the exact value that v approximates to within half an ulp. */
export function down(v: number): number {
  return v - (Math.abs(v) * ULP_FACTOR + TINY);
}

/** An upper bound of the rounding error of a float sum of n products whose absolute values sum to absSum. */
export function sumError(absSum: number, n: number): number {
  return absSum * ((n + 2) * ULP_FACTOR) + (n + 2) * TINY;
}

/** A rigorous enclosure [lo, hi] of a real number. */
export interface FloatInterval {
  readonly lo: number;
  readonly hi: number;
}

/** The tightest float enclosure of a rational. */
export function enclose(r: Rational): FloatInterval {
  return { lo: floorFloat(r), hi: ceilFloat(r) };
}

export function iAdd(a: FloatInterval, b: FloatInterval): FloatInterval {
  return { lo: down(a.lo + b.lo), hi: up(a.hi + b.hi) };
}

export function iSub(a: FloatInterval, b: FloatInterval): FloatInterval {
  return { lo: down(a.lo - b.hi), hi: up(a.hi - b.lo) };
}

export function iMul(a: FloatInterval, b: FloatInterval): FloatInterval {
  const p = [a.lo * b.lo, a.lo * b.hi, a.hi * b.lo, a.hi * b.hi];
  return { lo: down(Math.min(...p)), hi: up(Math.max(...p)) };
}

export function iPoint(x: number): FloatInterval {
  return { lo: x, hi: x };
}

export function iHull(a: FloatInterval, b: FloatInterval): FloatInterval {
  return { lo: Math.min(a.lo, b.lo), hi: Math.max(a.hi, b.hi) };
}

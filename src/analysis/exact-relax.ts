// Exact linear relaxations of one neuron on an interval [l, u] with dyadic ends. float-relax.ts is the float
// twin (same algorithm, outward-rounded float64); this file states the rule, which the certificate checker
// replays:
//   - a neuron stable on [l, u] (no breakpoint strictly inside) gets its piece: s·z + t ≤ f(z) ≤ s·z + t;
//   - otherwise the upper line has the chord slope s (here a multiple of 2^-SLOPE_BITS), and t_l, t_u are the
//     extreme values of f(z) − s·z at l, u and the breakpoints inside, so s·z + t_l ≤ f(z) ≤ s·z + t_u on
//     [l, u] for that s exactly;
//   - back-substitution's lower line of an unstable ReLU is a·z with a ∈ {0, 1}: a = 1 when u > −r·l
//     (`lowerLineSlope`; r = 1 is DeepPoly's smaller-area rule). Any a ∈ [0, 1] with intercept 0 is valid,
//     so r and any recorded choice of a are sound; other activations use the line parallel to the upper one.
import { Dyadic } from "../exact/dyadic.js";
import { Rational, rationalToNumber } from "../exact/rational.js";
import type { PiecewiseLinear } from "../network/ir.js";
import { SLOPE_BITS, dy, floorDyadic, ceilDyadic } from "./exact-fixed.js";

export interface NeuronRelaxation {
  /** Slope in units of 2^-SLOPE_BITS. */
  s: bigint;
  tl: Dyadic;
  tu: Dyadic;
  lo: Dyadic;
  hi: Dyadic;
  unstable: boolean;
}

/** s·z + t_l ≤ f(z) ≤ s·z + t_u on [l, u], exactly: t from the extreme values of f(z) − s·z at the candidates. */
export function relaxNeuron(f: PiecewiseLinear, l: Dyadic, u: Dyadic): NeuronRelaxation {
  if (isRelu(f)) return reluRelax(l, u);
  const lr = l.toRational();
  const ur = u.toRational();
  const at = (z: Rational): Rational => {
    let k = 0;
    while (k < f.breakpoints.length && z.compare(f.breakpoints[k]!) > 0) k++;
    return f.slopes[k]!.mul(z).add(f.intercepts[k]!);
  };
  const cands = [lr, ur, ...f.breakpoints.filter((b) => b.compare(lr) > 0 && b.compare(ur) < 0)];
  const unstable = cands.length > 2;
  const fl = at(lr);
  const fu = at(ur);
  const chord = ur.compare(lr) > 0 ? rationalToNumber(fu.sub(fl)) / rationalToNumber(ur.sub(lr)) : rationalToNumber(f.slopes[0]!);
  const s = BigInt(Math.round((Number.isFinite(chord) ? chord : 0) * 2 ** SLOPE_BITS));
  const sr = new Rational(s, 1n << BigInt(SLOPE_BITS));
  let tl: Rational | undefined;
  let tu: Rational | undefined;
  let vlo: Rational | undefined;
  let vhi: Rational | undefined;
  for (const z of cands) {
    const fz = at(z);
    const g = fz.sub(sr.mul(z));
    if (!tl || g.compare(tl) < 0) tl = g;
    if (!tu || g.compare(tu) > 0) tu = g;
    if (!vlo || fz.compare(vlo) < 0) vlo = fz;
    if (!vhi || fz.compare(vhi) > 0) vhi = fz;
  }
  const eOut = Math.min(l.e, u.e, -SLOPE_BITS) - 64;
  return { s, tl: floorDyadic(tl!, eOut), tu: ceilDyadic(tu!, eOut), lo: floorDyadic(vlo!, eOut), hi: ceilDyadic(vhi!, eOut), unstable };
}

/** The lower line of an unstable ReLU on [l, u]: a = 1 when u > −r·l, else 0 (r ≥ 0 an integer ratio). */
export function lowerLineSlope(l: Dyadic, u: Dyadic, ratio: bigint): Dyadic {
  return u.compare(l.neg().mul(Dyadic.of(ratio, 0))) > 0 ? Dyadic.ONE : Dyadic.ZERO;
}

export const ONE_SLOPE = 1n << BigInt(SLOPE_BITS);

export function isRelu(f: PiecewiseLinear): boolean {
  return (
    f.breakpoints.length === 1 && f.breakpoints[0]!.n === 0n && f.slopes[0]!.n === 0n && f.intercepts[0]!.n === 0n &&
    f.slopes[1]!.n === 1n && f.slopes[1]!.d === 1n && f.slopes[1]!.s > 0n && f.intercepts[1]!.n === 0n
  );
}

/** ReLU, all in dyadics: stable pieces exactly; otherwise s ≈ u/(u−l), t_l = 0, t_u = max(−s·l, u − s·u). */
export function reluRelax(l: Dyadic, u: Dyadic): NeuronRelaxation {
  if (u.sign() <= 0) return { s: 0n, tl: Dyadic.ZERO, tu: Dyadic.ZERO, lo: Dyadic.ZERO, hi: Dyadic.ZERO, unstable: false };
  if (l.sign() >= 0) return { s: ONE_SLOPE, tl: Dyadic.ZERO, tu: Dyadic.ZERO, lo: l, hi: u, unstable: false };
  const un = u.toNumber();
  const guess = (un / (un - l.toNumber())) * 2 ** SLOPE_BITS;
  // Any slope in [0, 1] is sound (t_u is exact below); beyond float range the slope comes from the exact ends.
  const exact = (): bigint => {
    const q = u.toRational().div(u.sub(l).toRational()).mul(ONE_SLOPE);
    return q.n / q.d;
  };
  let s = Number.isFinite(guess) ? BigInt(Math.round(guess)) : exact();
  if (s < 0n) s = 0n;
  if (s > ONE_SLOPE) s = ONE_SLOPE;
  const sd = dy(s, -SLOPE_BITS);
  const a = sd.mul(l).neg();
  const b = u.sub(sd.mul(u));
  // g(z) = relu(z) − s·z at l, 0, u is −s·l ≥ 0, 0, u·(1 − s) ≥ 0.
  return { s, tl: Dyadic.ZERO, tu: a.compare(b) >= 0 ? a : b, lo: Dyadic.ZERO, hi: u, unstable: true };
}


// Linear relaxations of one neuron on an interval [l, u], in float64 with safe rounding: the float twin of
// exact-relax.ts, which states the rule (the same algorithm in exact dyadics, the one the certificate checker
// replays). Here every operation is rounded outward (float-round.ts), so s·z + t_l ≤ f(z) ≤ s·z + t_u holds
// exactly on [l, u] whatever s the float arithmetic produced.
import type { FloatPwl } from "./float-net.js";
import { up, down, iSub, iMul, iAdd, iPoint, iHull, type FloatInterval } from "./float-round.js";

/** The lower line of an unstable ReLU (exact-relax.ts, `lowerLineSlope`): a = 1 when u > −r·l, else 0. */
export function lowerLineSlope(l: number, u: number, ratio: number): 0 | 1 {
  return u > -ratio * l ? 1 : 0;
}

export interface NeuronRelax {
  s: number;
  tl: number;
  tu: number;
  lo: number;
  hi: number;
  unstable: boolean;
}

/** ReLU on [l, u]: exact when stable; otherwise the chord slope s = u/(u−l) with both intercepts. */
export function reluRelax(l: number, u: number): NeuronRelax {
  if (u <= 0) return { s: 0, tl: 0, tu: 0, lo: 0, hi: 0, unstable: false };
  if (l >= 0) return { s: 1, tl: 0, tu: 0, lo: l, hi: u, unstable: false };
  let s = u / (u - l);
  if (!(s >= 0)) s = 0;
  if (s > 1) s = 1;
  // g(z) = relu(z) − s·z at the candidates l, 0, u: −s·l, 0, u − s·u.
  const tu = Math.max(-down(s * l), up(u - down(s * u)), 0);
  const tl = Math.min(-up(s * l), down(u - up(s * u)), 0);
  return { s, tl, tu, lo: 0, hi: u, unstable: true };
}

/** A general continuous piecewise-linear function on [l, u], with interval arithmetic throughout. */
export function pwlRelax(f: FloatPwl, l: number, u: number): NeuronRelax {
  const k = f.breakpoints.length;
  // Candidates: the endpoints, and every breakpoint that may lie inside [l, u].
  const cands: { p: FloatInterval; pieces: number[] }[] = [];
  const piecesAt = (x: FloatInterval): number[] => {
    const out: number[] = [];
    for (let i = 0; i <= k; i++) {
      const lowOk = i === 0 || x.hi >= f.breakpoints[i - 1]!.lo;
      const highOk = i === k || x.lo <= f.breakpoints[i]!.hi;
      if (lowOk && highOk) out.push(i);
    }
    return out;
  };
  cands.push({ p: iPoint(l), pieces: piecesAt(iPoint(l)) });
  cands.push({ p: iPoint(u), pieces: piecesAt(iPoint(u)) });
  let inside = 0;
  for (let i = 0; i < k; i++) {
    const b = f.breakpoints[i]!;
    if (b.hi >= l && b.lo <= u) {
      inside++;
      cands.push({ p: { lo: Math.max(b.lo, l), hi: Math.min(b.hi, u) }, pieces: [i] });
    }
  }
  const fAt = (c: { p: FloatInterval; pieces: number[] }): FloatInterval =>
    c.pieces.map((i) => iAdd(iMul(f.slopes[i]!, c.p), f.intercepts[i]!)).reduce(iHull);
  const fl = fAt(cands[0]!);
  const fu = fAt(cands[1]!);
  let s: number;
  if (u > l) s = ((fl.lo + fl.hi) / 2 - (fu.lo + fu.hi) / 2) / (l - u);
  else s = f.sl[cands[0]!.pieces[0]!]!;
  if (!Number.isFinite(s)) s = 0;
  let tl = Infinity;
  let tu = -Infinity;
  let lo = Infinity;
  let hi = -Infinity;
  for (const c of cands) {
    const fv = fAt(c);
    const g = iSub(fv, iMul(iPoint(s), c.p));
    tl = Math.min(tl, g.lo);
    tu = Math.max(tu, g.hi);
    lo = Math.min(lo, fv.lo);
    hi = Math.max(hi, fv.hi);
  }
  return { s, tl, tu, lo, hi, unstable: inside > 0 };
}

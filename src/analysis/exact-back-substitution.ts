// Exact back-substitution (DeepPoly/CROWN) in BigInt fixed point: an exact lower bound of a linear objective
// of one node's values over a dyadic box, through the relaxations that exact-bounds.ts computed. Multipliers
// are truncated to PRECISION bits with the truncation bounded by the node bounds, so the result is exact.
import { Dyadic } from "../exact/dyadic.js";
import { Rational, bitLength } from "../exact/rational.js";
import type { Network } from "../network/ir.js";
import { PRECISION, SLOPE_BITS, absBig, ceilDyadic, dy, floorDyadic, floorUnits, maxAbs, prepare, units, type Block, type DyadicBox, type ExactBounds } from "./exact-fixed.js";

/**
 * An exact lower bound of c·output over the box, by back-substitution through the relaxations of
 * `exactPropagate` (c rational; its non-dyadic part is bounded with the output bounds).
 */
export function exactObjectiveLowerBound(net: Network, eb: ExactBounds, box: DyadicBox, c: readonly Rational[], start: number = net.output): Rational {
  const nodes = prepare(net);
  let K = Dyadic.ZERO;
  /** Slack subtracted at the end (≥ 0): every truncation, bounded with the node bounds. */
  let err = Dyadic.ZERO;
  const mag = (id: number, i: number): Dyadic => maxAbs(eb.lo[id]![i]!, eb.hi[id]![i]!);
  const lam: (Block | undefined)[] = nodes.map(() => undefined);
  const eC = -PRECISION - 64;
  const cm = c.map((v) => floorUnits(v, eC));
  c.forEach((v, i) => {
    const rem = v.sub(dy(cm[i]!, eC).toRational());
    if (rem.n !== 0n) err = err.add(ceilDyadic(rem.abs(), eC - 64).mul(mag(start, i)));
  });
  lam[start] = { m: cm, e: eC };
  const addInto = (src: number, m: bigint[], e: number): void => {
    const prev = lam[src];
    if (!prev) lam[src] = { m, e };
    else {
      const e0 = Math.min(prev.e, e);
      lam[src] = { m: prev.m.map((v, i) => (v << BigInt(prev.e - e0)) + (m[i]! << BigInt(e - e0))), e: e0 };
    }
  };
  for (let id = start; id > 0; id--) {
    let lb = lam[id];
    const node = nodes[id]!;
    if (!lb || node.kind === "input") continue;
    // Truncate the multipliers to PRECISION bits: λ = λ' + δ with 0 ≤ δ < unit, so λ·v ≥ λ'·v − unit·Σ|v|.
    let top = 0n;
    for (const v of lb.m) if (absBig(v) > top) top = absBig(v);
    const sh = bitLength(top) - PRECISION;
    if (sh > 0) {
      lb = { m: lb.m.map((v) => v >> BigInt(sh)), e: lb.e + sh };
      let total = Dyadic.ZERO;
      for (let i = 0; i < node.size; i++) total = total.add(mag(id, i));
      err = err.add(total.mul(dy(1n, lb.e)));
    }
    const e = lb.e;
    if (node.kind === "affine") {
      for (let r = 0; r < node.size; r++) {
        const l = lb.m[r]!;
        if (l === 0n) continue;
        const bd = node.biasDy?.[r];
        K = K.add(bd ? bd.mul(dy(l, e)) : floorDyadic(node.bias[r]!.mul(new Rational(l, 1n)), -PRECISION - 64 - e).mul(dy(1n, e)));
      }
      node.inputs.forEach((src, idx) => {
        const size = nodes[src]!.size;
        const out = new Array<bigint>(size).fill(0n);
        const zeroValue = Array.from({ length: size }, (_, col) => eb.lo[src]![col]!.isZero() && eb.hi[src]![col]!.isZero());
        for (let r = 0; r < node.size; r++) {
          const l = lb!.m[r]!;
          if (l === 0n) continue;
          const wo = r * node.cols + node.offsets[idx]!;
          for (let col = 0; col < size; col++) {
            const w = node.W[wo + col]!;
            // An input that is exactly 0 on the box contributes nothing (its multiplier may stay 0).
            if (w !== 0n && !zeroValue[col]) out[col] += l * w;
            const we = node.Werr?.[wo + col];
            if (we) err = err.add(ceilDyadic(we.mul(new Rational(absBig(l), 1n)), -PRECISION - 64).mul(dy(1n, e)).mul(mag(src, col)));
          }
        }
        addInto(src, out, e + node.eW);
      });
    } else {
      const rx = eb.relax[id]!;
      const out = new Array<bigint>(node.size).fill(0n);
      for (let j = 0; j < node.size; j++) {
        const l = lb.m[j]!;
        if (l === 0n) continue;
        out[j] = l * units(l > 0n ? rx.a[j]! : rx.s[j]!, -SLOPE_BITS);
        const t = l > 0n ? rx.ta[j]! : rx.tu[j]!;
        if (!t.isZero()) K = K.add(t.mul(dy(l, e)));
      }
      addInto(node.input, out, e - SLOPE_BITS);
    }
  }
  const li = lam[0];
  if (li) {
    li.m.forEach((v, k) => {
      if (v !== 0n) K = K.add(dy(v, li.e).mul(v > 0n ? box.lo[k]! : box.hi[k]!));
    });
  }
  return K.sub(err).toRational();
}


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
export function exactObjectiveLowerBound(net: Network, eb: ExactBounds, box: DyadicBox, c: readonly Rational[], start: number = net.output, inject: readonly ExactInjection[] = []): Rational {
  const eC = -PRECISION - 64;
  const cm = c.map((v) => floorUnits(v, eC));
  let err = Dyadic.ZERO;
  const mag = (i: number): Dyadic => maxAbs(eb.lo[start]![i]!, eb.hi[start]![i]!);
  c.forEach((v, i) => {
    if (v.d === 1n) return;
    const rem = v.sub(dy(cm[i]!, eC).toRational());
    if (rem.n !== 0n) err = err.add(ceilDyadic(rem.abs(), eC - 64).mul(mag(i)));
  });
  return lowerBound(net, eb, box, start, { m: cm, e: eC }, inject).sub(err).toRational();
}

/** An extra objective term coef·v_neuron on an earlier node `node` (a Lagrangian's β·z), added exactly. */
export interface ExactInjection {
  readonly node: number;
  readonly neuron: number;
  readonly coef: Dyadic;
}

/** An exact lower bound of ±(value j of node `start`) over the box (sign +1 or −1): the refinement objective, all in dyadics. */
export function exactUnitLowerBound(net: Network, eb: ExactBounds, box: DyadicBox, start: number, j: number, sign: 1n | -1n): Dyadic {
  const m = new Array<bigint>(eb.lo[start]!.length).fill(0n);
  m[j] = sign;
  return lowerBound(net, eb, box, start, { m, e: 0 });
}

/** An exact sum of dyadics m·2^e kept unnormalized (one shift per term, no gcd or trailing-zero work). */
class DyadicSum {
  private m = 0n;
  private e = 0;
  add(m: bigint, e: number): void {
    if (m === 0n) return;
    if (this.m === 0n) {
      this.m = m;
      this.e = e;
      return;
    }
    if (e < this.e) {
      this.m <<= BigInt(this.e - e);
      this.e = e;
    }
    this.m += m << BigInt(e - this.e);
  }
  addDyadic(d: Dyadic): void {
    this.add(d.m, d.e);
  }
  value(): Dyadic {
    return dy(this.m, this.e);
  }
}

/**
 * Σ_i max(|lo_i|, |hi_i|) of one node's bounds, cached per bounds array. Bounds only ever tighten after the array
 * is made (refinement), so a cached total can only be too large: still a valid bound of the truncation error.
 */
const magnitudeTotals = new WeakMap<readonly Dyadic[], Dyadic>();
function magnitudeTotal(eb: ExactBounds, id: number): Dyadic {
  const key = eb.lo[id]!;
  let total = magnitudeTotals.get(key);
  if (!total) {
    const sum = new DyadicSum();
    for (let i = 0; i < key.length; i++) sum.addDyadic(maxAbs(key[i]!, eb.hi[id]![i]!));
    total = sum.value();
    magnitudeTotals.set(key, total);
  }
  return total;
}

/** The back-substitution from multipliers `c0` (mantissas at one exponent) on node `start`: an exact dyadic lower bound. */
function lowerBound(net: Network, eb: ExactBounds, box: DyadicBox, start: number, c0: Block, inject: readonly ExactInjection[] = []): Dyadic {
  const nodes = prepare(net);
  const K = new DyadicSum();
  /** Slack subtracted at the end (≥ 0): every truncation, bounded with the node bounds. */
  const err = new DyadicSum();
  const mag = (id: number, i: number): Dyadic => maxAbs(eb.lo[id]![i]!, eb.hi[id]![i]!);
  const lam: (Block | undefined)[] = nodes.map(() => undefined);
  lam[start] = c0;
  const addInto = (src: number, m: bigint[], e: number): void => {
    const prev = lam[src];
    if (!prev) lam[src] = { m, e };
    else {
      const e0 = Math.min(prev.e, e);
      lam[src] = { m: prev.m.map((v, i) => (v << BigInt(prev.e - e0)) + (m[i]! << BigInt(e - e0))), e: e0 };
    }
  };
  for (const t of inject) {
    if (t.node >= start) throw new Error("analysis/exact-back-substitution: an injected term must be on a node below the objective's");
    const m = new Array<bigint>(nodes[t.node]!.size).fill(0n);
    m[t.neuron] = t.coef.m;
    addInto(t.node, m, t.coef.e);
  }
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
      const g = magnitudeTotal(eb, id);
      err.add(g.m, g.e + lb.e);
    }
    const e = lb.e;
    if (node.kind === "affine") {
      for (let r = 0; r < node.size; r++) {
        const l = lb.m[r]!;
        if (l === 0n) continue;
        const bd = node.biasDy?.[r];
        if (bd) K.add(bd.m * l, bd.e + e);
        else K.addDyadic(floorDyadic(node.bias[r]!.mul(new Rational(l, 1n)), -PRECISION - 64 - e).mul(dy(1n, e)));
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
            if (we) err.addDyadic(ceilDyadic(we.mul(new Rational(absBig(l), 1n)), -PRECISION - 64).mul(dy(1n, e)).mul(mag(src, col)));
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
        if (!t.isZero()) K.add(t.m * l, t.e + e);
      }
      addInto(node.input, out, e - SLOPE_BITS);
    }
  }
  const li = lam[0];
  if (li) {
    li.m.forEach((v, k) => {
      if (v === 0n) return;
      const b = v > 0n ? box.lo[k]! : box.hi[k]!;
      K.add(v * b.m, li.e + b.e);
    });
  }
  return K.value().sub(err.value());
}


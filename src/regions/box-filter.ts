// The bounding-box filter (decide a neuron without an LP where exact reasoning can): when the search
// enters an activation layer on a region R, the box of R is computed once (2d certified LPs:
// x_k ≤ U_k and -x_k ≤ L_k, each with a bound certificate y^(k)). For every neuron of that layer, on R and
// on every node below it, z = w·x + c ≤ Σ_{w_k>0} w_k U_k + Σ_{w_k<0} |w_k| L_k + c; when this interval
// bound keeps z inside one piece, the neuron is decided with the certificate Σ_k |w_k|·y^(k) — exact,
// because Σ_k |w_k|·(±e_k) = w identically — checked with integer multipliers, no gcd, no LP.
import type { Field } from "../exact/field.js";
import { Rational } from "../exact/rational.js";
import { certificateBound, toNumber, upperBound, type BoundCertificate, type LpStats } from "../geometry/lp.js";
import { fromBigInt } from "../geometry/exact-solve.js";
import type { Decision } from "./decide.js";
import type { RowStack } from "./row-stack.js";
import type { BoundCertificateRecord } from "./types.js";

interface AxisBound<T> {
  readonly cert: BoundCertificate;
  /** Σ y_i b_i (scaled by den): the bound is B / den. */
  readonly B: T;
  readonly den: bigint;
  /** Float value of the bound (for the filter only). */
  readonly f: number;
}

/**
 * x_k ≤ upper[k] and -x_k ≤ lower[k] on the region (undefined: unbounded that way). `decided` caches, per
 * neuron of the layer, the box's verdict (a decision, or null when the box cannot decide): the box and the
 * layer's pre-activations are the same at every node of the layer's subtree, so each is decided once.
 */
export interface RegionBox<T> {
  readonly upper: readonly (AxisBound<T> | undefined)[];
  readonly lower: readonly (AxisBound<T> | undefined)[];
  readonly decided: Map<number, Decision<T> | null>;
}

/** The certified bounding box of the rows (2d LPs). */
export function regionBox<T>(F: Field<T>, rows: RowStack<T>, stats: LpStats): RegionBox<T> {
  const d = rows.d;
  const axis = (k: number, s: 1 | -1): AxisBound<T> | undefined => {
    const e = Array.from({ length: d }, (_, j) => (j === k ? (s === 1 ? F.one : F.neg(F.one)) : F.zero));
    const ub = upperBound(F, rows, e, stats);
    if (ub.kind === "unbounded") return undefined;
    const B = certificateBound(F, rows, ub.cert);
    return { cert: ub.cert, B, den: ub.cert.den, f: toNumber(F, B) / Number(ub.cert.den) };
  };
  return { upper: Array.from({ length: d }, (_, k) => axis(k, 1)), lower: Array.from({ length: d }, (_, k) => axis(k, -1)), decided: new Map() };
}

/** The axis bounds used to bound v·x from above (undefined when one of them is unbounded). */
function boundsFor<T>(F: Field<T>, box: RegionBox<T>, v: readonly T[]): { k: number; coef: T; bound: AxisBound<T> }[] | undefined {
  const out: { k: number; coef: T; bound: AxisBound<T> }[] = [];
  for (let k = 0; k < v.length; k++) {
    const s = F.sign(v[k]!);
    if (s === 0) continue;
    const bound = s > 0 ? box.upper[k] : box.lower[k];
    if (!bound) return undefined;
    out.push({ k, coef: s > 0 ? v[k]! : F.neg(v[k]!), bound });
  }
  return out;
}

/** Float upper bound of v·x + c0 from the box (Infinity when unbounded). */
function floatUpper<T>(F: Field<T>, parts: { coef: T; bound: AxisBound<T> }[] | undefined, c0: number): number {
  if (!parts) return Infinity;
  return parts.reduce((s, p) => s + toNumber(F, p.coef) * p.bound.f, c0);
}

/** Exactly: Σ coef_k · B_k / den_k + c0 ≤ t, multiplied through by Π den_k. */
function provesUpper<T>(F: Field<T>, parts: { coef: T; bound: AxisBound<T> }[], c0: T, t: T): boolean {
  let L = 1n;
  for (const p of parts) L *= p.bound.den;
  let lhs = F.mul(fromBigInt(F, L), c0);
  for (const p of parts) lhs = F.add(lhs, F.mul(F.mul(p.coef, p.bound.B), fromBigInt(F, L / p.bound.den)));
  return F.compare(lhs, F.mul(fromBigInt(F, L), t)) <= 0;
}

/** The combined certificate Σ coef_k · y^(k) as a record (only built when maps keep certificates). */
function combined<T>(F: Field<T>, parts: { coef: T; bound: AxisBound<T> }[]): BoundCertificateRecord {
  const acc = new Map<number, Rational>();
  for (const p of parts) {
    const coef = F.toRational(p.coef);
    p.bound.cert.indices.forEach((i, j) => {
      const num = p.bound.cert.num[j]!;
      if (num === 0n) return;
      const add = coef.mul(new Rational(num, p.bound.den));
      acc.set(i, (acc.get(i) ?? new Rational(0n, 1n)).add(add));
    });
  }
  const rows = [...acc.keys()].sort((a, b) => a - b);
  return { rows, y: rows.map((i) => acc.get(i)!) };
}

/**
 * Decide neuron `neuron` from the box alone when its pre-activation stays inside one piece (z(p) must be
 * in that piece: p is the node's witness). Returns undefined when the box cannot decide it.
 */
export function boxDecision<T>(
  F: Field<T>,
  box: RegionBox<T>,
  p: readonly T[],
  neuron: number,
  w: readonly T[],
  c: T,
  bp: readonly T[],
  zp: T,
  piece: number,
  keepRecords: boolean,
): Decision<T> | undefined {
  const k = bp.length;
  const cf = toNumber(F, c);
  const up = piece < k ? boundsFor(F, box, w) : [];
  const negW = w.map((v) => F.neg(v));
  const down = piece > 0 ? boundsFor(F, box, negW) : [];
  if (up === undefined || down === undefined) return undefined;
  // Float filter: max z < β_piece and min z > β_{piece-1}.
  if (piece < k && !(floatUpper(F, up, cf) <= toNumber(F, bp[piece]!))) return undefined;
  if (piece > 0 && !(floatUpper(F, down, -cf) <= -toNumber(F, bp[piece - 1]!))) return undefined;
  // Exact decision.
  if (piece < k && !provesUpper(F, up, c, bp[piece]!)) return undefined;
  if (piece > 0 && !provesUpper(F, down, F.neg(c), F.neg(bp[piece - 1]!))) return undefined;
  void zp;
  return {
    keep: [piece, piece],
    children: [{ piece, witness: p }],
    record: {
      neuron,
      keep: [piece, piece],
      ...(piece > 0 ? { lower: keepRecords ? combined(F, down) : EMPTY } : {}),
      ...(piece < k ? { upper: keepRecords ? combined(F, up) : EMPTY } : {}),
    },
  };
}

const EMPTY: BoundCertificateRecord = { rows: [], y: [] };

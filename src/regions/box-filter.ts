// The bounding-box filter (decide a neuron without an LP where exact reasoning can): when the search
// enters an activation layer on a region R, the box of R is computed once (2d certified LPs:
// x_k ≤ U_k and -x_k ≤ L_k, each with a bound certificate y^(k)). For every neuron of that layer, on R and
// on every node below it, z = w·x + c ≤ Σ_{w_k>0} w_k U_k + Σ_{w_k<0} |w_k| L_k + c; when this interval
// bound keeps z inside one piece, the neuron is decided with the certificate Σ_k |w_k|·y^(k) — exact,
// because Σ_k |w_k|·(±e_k) = w identically — checked with integer multipliers, no gcd, no LP.
import { DyadicField, type Field } from "../exact/field.js";
import { Rational } from "../exact/rational.js";
import { certificateBound, dotDyadic, toNumber, upperBound, type BoundCertificate, type LpStats } from "../geometry/lp.js";
import { Dyadic } from "../exact/dyadic.js";
import { bitLength } from "../exact/rational.js";
import type { Decision } from "./decide.js";
import type { RowStack } from "./row-stack.js";
import type { BoundCertificateRecord, BoxRecord } from "./types.js";

interface AxisBound<T> {
  readonly cert: BoundCertificate;
  /** Σ y_i b_i (scaled by den): the bound is B / den. */
  readonly B: T;
  readonly den: bigint;
  /** A dyadic ≥ B / den (B/den rounded up to ~62 significant bits): still a certified bound, cheap to use. */
  readonly up: T;
  /** Float value of the bound (for the filter only). */
  readonly f: number;
}

/** Bits kept when rounding a certified bound up to a dyadic. */
const BOUND_BITS = 62;

/** The smallest dyadic with ~BOUND_BITS significant bits that is ≥ n·2^e / d (d > 0). */
function roundUp(n: bigint, e: number, d: bigint): Dyadic {
  // value = n·2^e/d; pick s so that q = ceil(n·2^(e+s)/d) has about BOUND_BITS bits; result q·2^-s.
  const s = BOUND_BITS - (bitLength(n < 0n ? -n : n) + e - bitLength(d));
  const shift = e + s;
  const scaled = shift >= 0 ? n << BigInt(shift) : n;
  const div = shift >= 0 ? d : d << BigInt(-shift);
  let q = scaled / div;
  if (q * div < scaled) q += 1n;
  return Dyadic.of(q, -s);
}

/** B / den rounded up to a dyadic (B in the field). */
function roundUpT<T>(F: Field<T>, B: T, den: bigint): Dyadic {
  if (B instanceof Dyadic) return roundUp(B.m, B.e, den);
  const r = F.toRational(B);
  return roundUp(r.s * r.n, 0, r.d * den);
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
  /** Number of rows of the node it was computed on (a node below with as many rows is the same polyhedron). */
  readonly rowCount: number;
  /** Sequential id, referred to by the decisions it certifies. */
  readonly id: number;
}

/** The certified bounding box of the rows (2d LPs). */
export function regionBox<T>(F: Field<T>, rows: RowStack<T>, stats: LpStats, id = 0): RegionBox<T> {
  const d = rows.d;
  const axis = (k: number, s: 1 | -1): AxisBound<T> | undefined => {
    const e = Array.from({ length: d }, (_, j) => (j === k ? (s === 1 ? F.one : F.neg(F.one)) : F.zero));
    const ub = upperBound(F, rows, e, stats);
    if (ub.kind === "unbounded") return undefined;
    const B = certificateBound(F, rows, ub.cert);
    const upD = roundUpT(F, B, ub.cert.den);
    const up = F.zero instanceof Dyadic ? (upD as T) : F.fromRational(upD.toRational());
    return { cert: ub.cert, B, den: ub.cert.den, up, f: upD.toNumber() };
  };
  return { upper: Array.from({ length: d }, (_, k) => axis(k, 1)), lower: Array.from({ length: d }, (_, k) => axis(k, -1)), decided: new Map(), rowCount: rows.length, id };
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

/** Exactly: Σ coef_k · up_k + c0 ≤ t (up_k ≥ B_k / den_k, and coef_k > 0, so this proves the bound). */
function provesUpper<T>(F: Field<T>, parts: { coef: T; bound: AxisBound<T> }[], c0: T, t: T): boolean {
  if (c0 instanceof Dyadic) {
    const lhsD = dotDyadic(parts.map((p) => p.coef as unknown as Dyadic), parts.map((p) => p.bound.up as unknown as Dyadic), c0);
    return lhsD.compare(t as unknown as Dyadic) <= 0;
  }
  let lhs = c0;
  for (const p of parts) lhs = F.add(lhs, F.mul(p.coef, p.bound.up));
  return F.compare(lhs, t) <= 0;
}

/** The box as a tree record (its axis certificates, written once; decisions then refer to its id). */
export function boxRecord<T>(box: RegionBox<T>): BoxRecord {
  const rec = (b: AxisBound<T> | undefined): BoundCertificateRecord | null => {
    if (!b) return null;
    const rows: number[] = [];
    const y: Rational[] = [];
    b.cert.indices.forEach((i, j) => {
      if (b.cert.num[j] !== 0n) {
        rows.push(i);
        y.push(new Rational(b.cert.num[j]!, b.cert.den));
      }
    });
    return { rows, y };
  };
  return { box: box.id, upper: box.upper.map(rec), lower: box.lower.map(rec) };
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
  piece: number,
  keepRecords: boolean,
): Decision<T> | undefined {
  const k = bp.length;
  if (c instanceof Dyadic) return boxDecisionDyadic(box as unknown as RegionBox<Dyadic>, p, neuron, w as unknown as readonly Dyadic[], c, bp as unknown as readonly Dyadic[], piece, keepRecords) as Decision<T> | undefined;
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
  return stableDecision(p, neuron, piece, k, box.id, keepRecords);
}

const EMPTY: BoundCertificateRecord = { rows: [], y: [] };

/**
 * The decision "neuron stays in `piece` on the whole region", proved by box `boxId` on each bounded side
 * (lower side when piece > 0, upper side when piece < k, k = number of breakpoints); p is the witness.
 */
function stableDecision<T>(p: readonly T[], neuron: number, piece: number, k: number, boxId: number, keepRecords: boolean): Decision<T> {
  const proof = keepRecords ? { box: boxId } : EMPTY;
  return {
    keep: [piece, piece],
    children: [{ piece, witness: p }],
    record: { neuron, keep: [piece, piece], ...(piece > 0 ? { lower: proof } : {}), ...(piece < k ? { upper: proof } : {}) },
  };
}

/**
 * The dyadic path of boxDecision: one pass over w for the float filter of both sides, then each needed
 * side proved exactly by the sign of one fixed-point sum (no normalisation, no intermediate Dyadics):
 * max z ≤ c + Σ_{w_k>0} w_k U_k + Σ_{w_k<0} |w_k| L_k and max(−z) ≤ −c + Σ_{w_k<0} |w_k| U_k + Σ_{w_k>0} w_k L_k.
 */
function boxDecisionDyadic<T>(
  box: RegionBox<Dyadic>,
  p: readonly T[],
  neuron: number,
  w: readonly Dyadic[],
  c: Dyadic,
  bp: readonly Dyadic[],
  piece: number,
  keepRecords: boolean,
): Decision<T> | undefined {
  const k = bp.length;
  const needUp = piece < k;
  const needDown = piece > 0;
  let fUp = toNumber(DyadicField, c);
  let fDown = -fUp;
  for (let j = 0; j < w.length; j++) {
    const wj = w[j]!;
    if (wj.m === 0n) continue;
    const pos = wj.m > 0n;
    const U = pos ? box.upper[j] : box.lower[j];
    const L = pos ? box.lower[j] : box.upper[j];
    const a = Math.abs(toNumber(DyadicField, wj));
    if (needUp) {
      if (!U) return undefined;
      fUp += a * U.f;
    }
    if (needDown) {
      if (!L) return undefined;
      fDown += a * L.f;
    }
  }
  // Float filter: max z < β_piece and min z > β_{piece-1}.
  if (needUp && !(fUp <= toNumber(DyadicField, bp[piece]!))) return undefined;
  if (needDown && !(fDown <= -toNumber(DyadicField, bp[piece - 1]!))) return undefined;
  // Exact decision.
  if (needUp && !boxProves(box, w, c, bp[piece]!, 1)) return undefined;
  if (needDown && !boxProves(box, w, c, bp[piece - 1]!, -1)) return undefined;
  return stableDecision(p, neuron, piece, k, box.id, keepRecords);
}

/** Exactly: dir·c + Σ_j |w_j|·(bound of dir·sign(w_j)·x_j) ≤ dir·t, as the sign of one fixed-point sum. */
function boxProves(box: RegionBox<Dyadic>, w: readonly Dyadic[], c: Dyadic, t: Dyadic, dir: 1 | -1): boolean {
  return boxProvesFixed(
    box,
    w.map((x) => x.m),
    w.map((x) => x.e),
    c.m,
    c.e,
    t,
    dir,
  );
}

/** boxProves with w_j = wm_j·2^{we_j} and c = cm·2^{ce} (any representation, not necessarily canonical). */
function boxProvesFixed(box: RegionBox<Dyadic>, wm: readonly bigint[], we: readonly number[] | number, cm0: bigint, ce: number, t: Dyadic, dir: 1 | -1): boolean {
  let E = Infinity;
  if (cm0 !== 0n) E = ce;
  if (t.m !== 0n && t.e < E) E = t.e;
  const exps: number[] = [];
  const coefs: bigint[] = [];
  for (let j = 0; j < wm.length; j++) {
    const m0 = wm[j]!;
    if (m0 === 0n) continue;
    const up = (m0 > 0n) === (dir === 1) ? box.upper[j]! : box.lower[j]!;
    const u = up.up;
    if (u.m === 0n) continue;
    coefs.push((m0 < 0n ? -m0 : m0) * u.m);
    const e = (typeof we === "number" ? we : we[j]!) + u.e;
    exps.push(e);
    if (e < E) E = e;
  }
  if (E === Infinity) return true;
  let s = 0n;
  for (let i = 0; i < coefs.length; i++) {
    const sh = exps[i]! - E;
    s += sh === 0 ? coefs[i]! : coefs[i]! << BigInt(sh);
  }
  const cm = dir === 1 ? cm0 : -cm0;
  if (cm !== 0n) s += ce === E ? cm : cm << BigInt(ce - E);
  const tm = dir === 1 ? t.m : -t.m;
  if (tm !== 0n) s -= t.e === E ? tm : tm << BigInt(t.e - E);
  return s <= 0n;
}

/**
 * A box decision straight from a fixed-point map row (w_k = ints[k]·2^E, c = ints[d]·2^E), before the row
 * is converted to Dyadics: the piece is the one of the float value of z(p) (a guess), and the decision
 * stands only if the box proves exactly that z stays inside that piece on R. That proof is all it needs:
 * p is interior and w ≠ 0, so z(p) is then strictly inside the piece too. Undefined when the box cannot
 * decide (or w = 0, or the floats are out of range): the caller then takes the exact path.
 */
export function boxDecisionFixed<T>(
  box: RegionBox<Dyadic>,
  p: readonly Dyadic[],
  pf: readonly number[],
  neuron: number,
  ints: readonly bigint[],
  E: number,
  bp: readonly Dyadic[],
  bpf: readonly number[],
  keepRecords: boolean,
): { decision: Decision<T>; piece: number } | undefined {
  const d = ints.length - 1;
  const scale = 2 ** E;
  if (!(scale > 0) || !Number.isFinite(scale)) return undefined;
  let nonzero = false;
  let zf = Number(ints[d]!) * scale;
  const wf: number[] = new Array<number>(d);
  for (let k = 0; k < d; k++) {
    const x = ints[k]!;
    if (x !== 0n) nonzero = true;
    wf[k] = Number(x) * scale;
    zf += wf[k]! * pf[k]!;
  }
  if (!nonzero || !Number.isFinite(zf)) return undefined;
  const K = bp.length;
  let piece = 0;
  while (piece < K && bpf[piece]! < zf) piece++;
  const needUp = piece < K;
  const needDown = piece > 0;
  const cf = Number(ints[d]!) * scale;
  let fUp = cf;
  let fDown = -cf;
  for (let j = 0; j < d; j++) {
    const m = ints[j]!;
    if (m === 0n) continue;
    const pos = m > 0n;
    const U = pos ? box.upper[j] : box.lower[j];
    const L = pos ? box.lower[j] : box.upper[j];
    const a = Math.abs(wf[j]!);
    if (needUp) {
      if (!U) return undefined;
      fUp += a * U.f;
    }
    if (needDown) {
      if (!L) return undefined;
      fDown += a * L.f;
    }
  }
  if (needUp && !(fUp <= bpf[piece]!)) return undefined;
  if (needDown && !(fDown <= -bpf[piece - 1]!)) return undefined;
  const wm = ints.slice(0, d);
  if (needUp && !boxProvesFixed(box, wm, E, ints[d]!, E, bp[piece]!, 1)) return undefined;
  if (needDown && !boxProvesFixed(box, wm, E, ints[d]!, E, bp[piece - 1]!, -1)) return undefined;
  return {
    piece,
    decision: stableDecision(p as unknown as readonly T[], neuron, piece, K, box.id, keepRecords),
  };
}

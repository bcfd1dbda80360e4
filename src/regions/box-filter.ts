// The bounding-box filter (decide a neuron without an LP where exact reasoning can): when the search
// enters an activation layer on a region R, the box of R is computed once (2d certified LPs:
// x_k ≤ U_k and -x_k ≤ L_k, each with a bound certificate y^(k)). For every neuron of that layer, on R and
// on every node below it, z = w·x + c ≤ Σ_{w_k>0} w_k U_k + Σ_{w_k<0} |w_k| L_k + c; when this interval
// bound keeps z inside one piece, the neuron is decided with the certificate Σ_k |w_k|·y^(k) — exact,
// because Σ_k |w_k|·(±e_k) = w identically — checked with integer multipliers, no gcd, no LP.
// This file owns the box and the one filter (`boxKeepsInPiece`); regions/decide.ts turns its verdict into
// a decision.
import { Dyadic } from "../exact/dyadic.js";
import { DyadicField, type Field } from "../exact/field.js";
import { nextUp } from "../exact/float.js";
import { gamma, inflate } from "../exact/float-error.js";
import { Rational, bitLength } from "../exact/rational.js";
import { certificateBound, certificateMultipliers, type BoundCertificate } from "../geometry/certificate.js";
import { upperBound, type LpStats, type UpperBound } from "../geometry/lp.js";
import { axisCertificate, axisRows } from "../geometry/axis-rows.js";
import { proposeMax } from "../geometry/float-lp.js";
import { checkDeadline } from "../geometry/deadline.js";
import { multiplierUpperFloat } from "./lp-filter.js";
import type { FixedRow } from "./affine-maps.js";
import type { RowStack } from "./row-stack.js";
import type { BoundCertificateRecord, BoxRecord, Decision } from "./types.js";

interface AxisBound<T> {
  /** The exact certificate (undefined for a bound proved by float multipliers: `count`, which writes no record). */
  readonly cert: BoundCertificate | undefined;
  /** A dyadic ≥ the certified bound (rounded up to ~62 significant bits): still a certified bound, cheap to use. */
  readonly upD: Dyadic;
  /** The same value in the field. */
  readonly up: T;
  /** Float value of the bound (for the pre-check only). */
  readonly f: number;
  /** A float ≥ upD (for the filtered proof). */
  readonly fUp: number;
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
  if (F.dyadic) {
    const b = F.toDyadic(B);
    return roundUp(b.m, b.e, den);
  }
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

/**
 * The certified bounding box of the rows (2d LPs). With `enclosing` (X_k ≥ |x_k| on a box that contains the
 * rows' set, e.g. the previous layer's box), each bound is first proved by the float simplex's multipliers
 * (regions/lp-filter.ts: no exact row, no exact certificate; `count` only, since no record is written) and
 * exactly only when that fails.
 */
export function regionBox<T>(F: Field<T>, rows: RowStack<T>, stats: LpStats, id = 0, enclosing?: Float64Array): RegionBox<T> {
  const d = rows.d;
  const unit = new Float64Array(d + 1);
  // A box (the domain's own rows, at the root): each bound is its tightest row (certificate y = 1), no LP.
  const axes = rows.length > 0 && rows.sources[rows.length - 1]!.kind === "domain" ? axisRows(F, rows) : undefined;
  const filtered = (k: number, s: 1 | -1): AxisBound<T> | undefined => {
    unit.fill(0);
    unit[k] = s;
    stats.lps++;
    const prop = proposeMax(rows.af, rows.bf, rows.length, d, unit.subarray(0, d));
    stats.simplexIterations += prop.iterations;
    if (prop.status !== "optimal") return undefined;
    const fUp = multiplierUpperFloat(rows, prop.basis, prop.y, unit, 0, 1, 0, enclosing!);
    if (!Number.isFinite(fUp)) return undefined;
    const upD = DyadicField.fromFloat(fUp);
    return axisBound(undefined, upD, F.fromDyadic(upD), fUp, fUp);
  };
  const axis = (k: number, s: 1 | -1): AxisBound<T> | undefined => {
    if (enclosing && !axes) {
      const bound = filtered(k, s);
      if (bound) return bound;
      stats.lpFilterFailures++;
    }
    checkDeadline();
    const axisRow = axes ? (s === 1 ? axes.upper : axes.lower)[k]! : -1;
    const ub: UpperBound<T> = axes
      ? axisRow >= 0
        ? { kind: "bounded", cert: axisCertificate(axisRow) }
        : { kind: "unbounded", ray: [] }
      : upperBound(F, rows, Array.from({ length: d }, (_, j) => (j === k ? (s === 1 ? F.one : F.neg(F.one)) : F.zero)), stats);
    if (ub.kind === "unbounded") return undefined;
    const upD = roundUpT(F, certificateBound(F, rows, ub.cert), ub.cert.den);
    const f = upD.toNumber();
    let fUp = f;
    // Beyond float range the bound is +Infinity as a float (the filter then leaves the decision to the exact proof).
    while (Number.isFinite(fUp) && DyadicField.fromFloat(fUp).compare(upD) < 0) fUp = nextUp(fUp);
    return axisBound(ub.cert, upD, F.fromDyadic(upD), f, fUp);
  };
  return makeBox(Array.from({ length: d }, (_, k) => axis(k, 1)), Array.from({ length: d }, (_, k) => axis(k, -1)), rows.length, id);
}

// Every box and every axis bound is made by one of these two functions, so each has one hidden class (V8
// "map"): the float filters that read them (floatBoxVerdict, boxMagnitudes, byBox, …) are compiled once per
// thread instead of being deoptimised and compiled again when an object of another shape arrives (an optional
// field left out, an object spread). Measured with --trace-deopt in docs/performance.md ("fixed cost per isolate").
function axisBound<T>(cert: BoundCertificate | undefined, upD: Dyadic, up: T, f: number, fUp: number): AxisBound<T> {
  return { cert, upD, up, f, fUp };
}

function makeBox<T>(upper: readonly (AxisBound<T> | undefined)[], lower: readonly (AxisBound<T> | undefined)[], rowCount: number, id: number): RegionBox<T> {
  return { upper, lower, decided: new Map(), rowCount, id };
}

/** The same box for the nodes of the next layer (still valid below), with an empty verdict cache (the layer's pre-activations change). */
export function reuseBox<T>(box: RegionBox<T>): RegionBox<T> {
  return makeBox(box.upper, box.lower, box.rowCount, box.id);
}

/**
 * X_k ≥ max |x_k| over the box (floats), or undefined when the box is unbounded on some side. The box's
 * float bounds fUp are ≥ the certified bounds, so x_k ∈ [−L_k, U_k] ⊆ [−X_k, X_k].
 */
export function boxMagnitudes<T>(box: RegionBox<T>, d: number): Float64Array | undefined {
  const X = new Float64Array(d);
  for (let k = 0; k < d; k++) {
    const U = box.upper[k];
    const L = box.lower[k];
    if (!U || !L || !Number.isFinite(U.fUp) || !Number.isFinite(L.fUp)) return undefined;
    X[k] = Math.max(Math.abs(U.fUp), Math.abs(L.fUp));
  }
  return X;
}

/** The box as a tree record (its axis certificates, written once; decisions then refer to its id). */
export function boxRecord<T>(box: RegionBox<T>): BoxRecord {
  const rec = (b: AxisBound<T> | undefined): BoundCertificateRecord | null => {
    if (!b) return null;
    const cert = b.cert;
    if (!cert) throw new Error("regions/box-filter: a box proved by float multipliers has no record to write");
    return certificateMultipliers(cert);
  };
  return { box: box.id, upper: box.upper.map(rec), lower: box.lower.map(rec) };
}

/**
 * A neuron's pre-activation z = w·x + c as the filter reads it: float values for the pre-check, and the
 * exact row for the proof — in fixed point (the dyadic engine's map row) or as field values.
 */
export interface FilterRow<T> {
  readonly wf: ArrayLike<number>;
  readonly cf: number;
  readonly fixed?: FixedRow;
  readonly exact?: { readonly w: readonly T[]; readonly c: T };
}

/**
 * Does the box prove that z stays inside `piece` (between breakpoints bp[piece-1] and bp[piece]) on the
 * whole region? A float pre-check of both sides (cheap, may only say no), then each needed side proved
 * exactly: dir·c + Σ_j |w_j|·(bound of dir·sign(w_j)·x_j) ≤ dir·t.
 */
export function boxKeepsInPiece<T>(F: Field<T>, box: RegionBox<T>, row: FilterRow<T>, piece: number, bp: readonly T[], bpf: readonly number[]): boolean {
  const K = bp.length;
  const needUp = piece < K;
  const needDown = piece > 0;
  let fUp = row.cf;
  let fDown = -row.cf;
  const wf = row.wf;
  for (let j = 0; j < wf.length; j++) {
    const wj = wf[j]!;
    if (wj === 0) continue;
    const U = wj > 0 ? box.upper[j] : box.lower[j];
    const L = wj > 0 ? box.lower[j] : box.upper[j];
    const a = Math.abs(wj);
    if (needUp) {
      if (!U) return false;
      fUp += a * U.f;
    }
    if (needDown) {
      if (!L) return false;
      fDown += a * L.f;
    }
  }
  // Float pre-check: max z < β_piece and min z > β_{piece-1}.
  if (needUp && !(fUp <= bpf[piece]!)) return false;
  if (needDown && !(fDown <= -bpf[piece - 1]!)) return false;
  // Exact proof.
  if (needUp && !provesSide(F, box, row, bp[piece]!, 1)) return false;
  if (needDown && !provesSide(F, box, row, bp[piece - 1]!, -1)) return false;
  return true;
}

/** Exactly: dir·c + Σ_j |w_j|·(bound of dir·sign(w_j)·x_j) ≤ dir·t. */
function provesSide<T>(F: Field<T>, box: RegionBox<T>, row: FilterRow<T>, t: T, dir: 1 | -1): boolean {
  if (row.fixed) return fixedProves(box, row.fixed, F.toDyadic(t), dir);
  const { w, c } = row.exact!;
  const coefs: T[] = [];
  const ups: T[] = [];
  for (let k = 0; k < w.length; k++) {
    const s = F.sign(w[k]!);
    if (s === 0) continue;
    const bound = s > 0 === (dir === 1) ? box.upper[k] : box.lower[k];
    if (!bound) return false;
    coefs.push(s > 0 ? w[k]! : F.neg(w[k]!));
    ups.push(bound.up);
  }
  const lhs = F.dot(coefs, ups, dir === 1 ? c : F.neg(c));
  return F.compare(lhs, dir === 1 ? t : F.neg(t)) <= 0;
}

/** The proof of provesSide on a fixed-point row (w_j = ints[j]·2^E, c = ints[d]·2^E), as the sign of one integer sum. */
function fixedProves<T>(box: RegionBox<T>, row: FixedRow, t: Dyadic, dir: 1 | -1): boolean {
  const { ints, E: we } = row;
  const d = ints.length - 1;
  const cm0 = ints[d]!;
  let E = Infinity;
  if (cm0 !== 0n) E = we;
  if (t.m !== 0n && t.e < E) E = t.e;
  const exps: number[] = [];
  const coefs: bigint[] = [];
  for (let j = 0; j < d; j++) {
    const m0 = ints[j]!;
    if (m0 === 0n) continue;
    const bound = (m0 > 0n) === (dir === 1) ? box.upper[j] : box.lower[j];
    if (!bound) return false;
    const u = bound.upD;
    if (u.m === 0n) continue;
    coefs.push((m0 < 0n ? -m0 : m0) * u.m);
    const e = we + u.e;
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
  if (cm !== 0n) s += we === E ? cm : cm << BigInt(we - E);
  const tm = dir === 1 ? t.m : -t.m;
  if (tm !== 0n) s -= t.e === E ? tm : tm << BigInt(t.e - E);
  return s <= 0n;
}

/**
 * The filtered form of boxKeepsInPiece on a float row with a proven error bound (float-maps.ts): the row
 * is vals[off..off+d] (w, then c) with |exact − float| ≤ e per entry. With the box's bounds rounded up to
 * floats (x_k ≤ U_k, −x_k ≤ L_k, X_k = max(|U_k|, |L_k|)),
 *   max z ≤ ĉ + Σ_k max(ŵ_k U_k, −ŵ_k L_k) + e·(1 + Σ_k X_k),
 * and the float sum S of the first part is off by at most γ_{2d+6}·(Σ|terms| + |S|) (docs/algorithms/
 * filtered-predicates.md). Returns 1 when this proves z stays in `piece` on the region (z ≤ tUp when
 * piece < K, z ≥ tLo when piece > 0, with tUp ≤ β_piece and tLo ≥ β_{piece−1} floats), −1 when the float
 * bound is certainly above (the exact box proof would fail too), 0 when it is too close to call.
 */
export function floatBoxVerdict<T>(box: RegionBox<T>, vals: Float64Array, off: number, d: number, e: number, needUp: boolean, tUp: number, needDown: boolean, tLo: number): -1 | 0 | 1 {
  const c = vals[off + d]!;
  let upS = c;
  let downS = -c;
  let upA = Math.abs(c);
  let downA = upA;
  let X = 1;
  for (let k = 0; k < d; k++) {
    const U = box.upper[k];
    const L = box.lower[k];
    if (!U || !L) return 0;
    const Uf = U.fUp;
    const Lf = L.fUp;
    X += Math.max(Math.abs(Uf), Math.abs(Lf));
    const w = vals[off + k]!;
    if (w === 0) continue;
    const mUp = Math.max(w * Uf, -w * Lf);
    const mDown = Math.max(-w * Uf, w * Lf);
    upS += mUp;
    upA += Math.abs(mUp);
    downS += mDown;
    downA += Math.abs(mDown);
  }
  const g = gamma(2 * d + 6);
  const ops = 6 * d + 12;
  const E = e * X;
  let verdict: -1 | 0 | 1 = 1;
  if (needUp) {
    const delta = inflate(E + g * (upA + Math.abs(upS) + Math.abs(tUp)), ops);
    if (!(upS + delta <= tUp)) {
      if (upS - 2 * delta > tUp) return -1;
      verdict = 0;
    }
  }
  if (needDown) {
    const delta = inflate(E + g * (downA + Math.abs(downS) + Math.abs(tLo)), ops);
    if (!(downS + delta <= -tLo)) {
      if (downS - 2 * delta > -tLo) return -1;
      verdict = 0;
    }
  }
  return verdict;
}

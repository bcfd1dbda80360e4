// LP with exact certificates (DESIGN.md, exactness contract 1–2): floats propose, exact arithmetic decides.
// The one question the region engine asks is "how large can z(x) = w·x + c get on {x : a_i·x ≤ b_i}?".
// `upperBound` answers it with either
//   - a bound certificate y ≥ 0 with Σ y_i a_i = w exactly, so z ≤ Σ y_i b_i + c on the whole set, or
//   - an exact ray r with a_i·r ≤ 0 for all i and w·r > 0 (z is unbounded above),
// both verified exactly. The float simplex (float-lp.ts) proposes the basis; its tight rows are re-solved
// exactly (fraction-free, exact-solve.ts); when that fails, the exact simplex (exact-simplex.ts) decides.
// Lower bounds are upper bounds of -z. The row values are a Field<T> (Dyadic fast path or Rational).
import { Dyadic } from "../exact/dyadic.js";
import { DyadicField, type Field } from "../exact/field.js";
import { dyadicFromFloat64 } from "../exact/float.js";
import { Rational } from "../exact/rational.js";
import { exactMax } from "./exact-simplex.js";
import { fromBigInt, solveIntegerSystem, toIntegerRow, type IntVec } from "./exact-solve.js";
import { proposeMax } from "./float-lp.js";

/** Constraints a_i·x ≤ b_i in exact form plus a float copy (row-major) for the proposer. */
export interface LpRows<T> {
  readonly d: number;
  readonly a: readonly (readonly T[])[];
  readonly b: readonly T[];
  readonly af: Float64Array;
  readonly bf: Float64Array;
}

/** y_i = num[j] / den for i = indices[j] (all other rows 0): proves Σ y_i a_i = w and bounds w·x by Σ y_i b_i. */
export interface BoundCertificate {
  readonly indices: readonly number[];
  readonly num: readonly bigint[];
  readonly den: bigint;
}

export type UpperBound<T> =
  | { readonly kind: "bounded"; readonly cert: BoundCertificate; readonly xf?: Float64Array; readonly basis?: readonly number[] }
  | { readonly kind: "unbounded"; readonly ray: readonly T[] };

/** Counters of the filtered LP (CGAL's "calls to" and "failures of"). */
export interface LpStats {
  lps: number;
  /** Decisions made by the bounding-box filter, without an LP. */
  boxDecisions: number;
  simplexIterations: number;
  floatFailures: number;
  certifyFailures: number;
  exactFallbacks: number;
}

export function newLpStats(): LpStats {
  return { lps: 0, boxDecisions: 0, simplexIterations: 0, floatFailures: 0, certifyFailures: 0, exactFallbacks: 0 };
}

/** The exact value of a float in the field (dyadic in value). */
export function fromFloat<T>(F: Field<T>, x: number): T {
  const dy = dyadicFromFloat64(x);
  if (dy === undefined) throw new RangeError(`geometry/lp: ${x} is not finite`);
  return F.zero instanceof Dyadic ? (dy as T) : F.fromRational(dy.toRational());
}

/** Build LpRows from exact rows (float copies made once). */
export function lpRows<T>(F: Field<T>, d: number, a: readonly (readonly T[])[], b: readonly T[]): LpRows<T> {
  const m = a.length;
  const af = new Float64Array(m * d);
  const bf = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    for (let k = 0; k < d; k++) af[i * d + k] = toNumber(F, a[i]![k]!);
    bf[i] = toNumber(F, b[i]!);
  }
  return { d, a, b, af, bf };
}

/** A float close to v (for proposals and filters only): Number(m)·2^e directly when that neither
 * overflows nor underflows, else the careful conversion. */
export function toNumber<T>(F: Field<T>, v: T): number {
  if (v instanceof Dyadic) {
    if (v.m === 0n) return 0;
    const r = Number(v.m) * 2 ** v.e;
    return Number.isFinite(r) && r !== 0 ? r : v.toNumber();
  }
  return F.toRational(v).valueOf();
}

export function dotT<T>(F: Field<T>, a: readonly T[], x: readonly T[]): T {
  if (F.zero instanceof Dyadic) return dotDyadic(a as unknown as readonly Dyadic[], x as unknown as readonly Dyadic[], Dyadic.ZERO) as T;
  let s = F.zero;
  for (let k = 0; k < a.length; k++) if (F.sign(a[k]!) !== 0 && F.sign(x[k]!) !== 0) s = F.add(s, F.mul(a[k]!, x[k]!));
  return s;
}

/**
 * Σ a_k·x_k + c over dyadics in fixed point: each product is an odd·odd mantissa at a known exponent, so the
 * terms are brought to their smallest exponent and summed as integers, with one normalisation at the end
 * (instead of one per addition).
 */
export function dotDyadic(a: readonly Dyadic[], x: readonly Dyadic[], c: Dyadic): Dyadic {
  let E = c.m === 0n ? Infinity : c.e;
  let n = 0;
  for (let k = 0; k < a.length; k++) {
    const ak = a[k]!;
    const xk = x[k]!;
    if (ak.m === 0n || xk.m === 0n) continue;
    n++;
    if (ak.e + xk.e < E) E = ak.e + xk.e;
  }
  if (n === 0) return c;
  let s = c.m === 0n ? 0n : c.e === E ? c.m : c.m << BigInt(c.e - E);
  for (let k = 0; k < a.length; k++) {
    const ak = a[k]!;
    const xk = x[k]!;
    if (ak.m === 0n || xk.m === 0n) continue;
    const p = ak.m * xk.m;
    const sh = ak.e + xk.e - E;
    s += sh === 0 ? p : p << BigInt(sh);
  }
  return Dyadic.of(s, E);
}

/** Exactly: Σ y_i a_i = w (times den) and y ≥ 0. */
export function certificateMatches<T>(F: Field<T>, P: LpRows<T>, cert: BoundCertificate, w: readonly T[]): boolean {
  if (cert.den <= 0n || cert.num.some((v) => v < 0n)) return false;
  const den = fromBigInt(F, cert.den);
  for (let k = 0; k < P.d; k++) {
    let s = F.zero;
    cert.indices.forEach((i, j) => {
      if (cert.num[j] !== 0n) s = F.add(s, F.mul(fromBigInt(F, cert.num[j]!), P.a[i]![k]!));
    });
    if (F.compare(s, F.mul(den, w[k]!)) !== 0) return false;
  }
  return true;
}

/** The certified bound as a scaled pair: Σ y_i b_i = bnum / den (bnum in the field). */
export function certificateBound<T>(F: Field<T>, P: LpRows<T>, cert: BoundCertificate): T {
  if (F.zero instanceof Dyadic) {
    // Fixed point: Σ num_j · b_i with every b_i brought to the smallest exponent, one normalisation.
    const b = P.b as unknown as readonly Dyadic[];
    let E = Infinity;
    cert.indices.forEach((i, j) => {
      const bi = b[i]!;
      if (cert.num[j] !== 0n && bi.m !== 0n && bi.e < E) E = bi.e;
    });
    if (E === Infinity) return F.zero;
    let acc = 0n;
    cert.indices.forEach((i, j) => {
      const bi = b[i]!;
      const nj = cert.num[j]!;
      if (nj === 0n || bi.m === 0n) return;
      acc += nj * (bi.e === E ? bi.m : bi.m << BigInt(bi.e - E));
    });
    return Dyadic.of(acc, E) as T;
  }
  let s = F.zero;
  cert.indices.forEach((i, j) => {
    if (cert.num[j] !== 0n) s = F.add(s, F.mul(fromBigInt(F, cert.num[j]!), P.b[i]!));
  });
  return s;
}

/** Does the certificate prove w·x + c ≤ t on the set?  (Σ num_i b_i + den·c ≤ den·t.) */
export function certificateProves<T>(F: Field<T>, P: LpRows<T>, cert: BoundCertificate, c: T, t: T): boolean {
  const den = fromBigInt(F, cert.den);
  return F.compare(F.add(certificateBound(F, P, cert), F.mul(den, c)), F.mul(den, t)) <= 0;
}

/** Re-solve the proposed basis exactly: Σ_{i∈B} y_i a_i = w with y ≥ 0, or undefined. */
export function certificateFromBasis<T>(F: Field<T>, P: LpRows<T>, basis: readonly number[], w: readonly T[]): BoundCertificate | undefined {
  if (basis.length === 0) return w.every((v) => F.sign(v) === 0) ? { indices: [], num: [], den: 1n } : undefined;
  if (F.zero instanceof Dyadic) return dyadicCertificate(P as unknown as LpRows<Dyadic>, basis, w as unknown as readonly Dyadic[]);
  // Equation k: Σ_{j} a_{B_j,k} y_j = w_k, scaled to integers equation by equation.
  const M: bigint[][] = [];
  const r: bigint[] = [];
  for (let k = 0; k < P.d; k++) {
    const ints = toIntegerRow(F, [...basis.map((i) => P.a[i]![k]!), w[k]!]);
    r.push(ints.pop()!);
    M.push(ints);
  }
  return checkedCertificate(F, P, basis, w, solveCertificateSystem(M, r));
}

function checkedCertificate<T>(F: Field<T>, P: LpRows<T>, basis: readonly number[], w: readonly T[], sol: IntVec | undefined): BoundCertificate | undefined {
  if (!sol || sol.num.some((v) => v < 0n)) return undefined;
  const cert = { indices: [...basis], num: sol.num, den: sol.den };
  // A nonsingular square system has one exact solution (Bareiss: exact integer arithmetic), so the identity
  // Σ y_i a_i = w holds by construction; other shapes (free variables set to 0) are re-verified.
  if (sol.unique) return cert;
  return certificateMatches(F, P, cert, w) ? cert : undefined;
}

/**
 * Solve the square certificate system M·y = r (equation k: coordinate k; column j: basis row j) with the
 * basis rows that have one nonzero entry (the domain's box faces ±e_k, typically) eliminated first: such a
 * column j appears in equation k only, so the other unknowns solve the smaller system without equation k
 * and column j, and y_j = (r_k − Σ_o M[k][o]·y_o) / M[k][j] afterwards. The result is the same exact
 * solution (the matrix is block triangular), at the cost of a much smaller fraction-free elimination.
 */
function solveCertificateSystem(M: readonly (readonly bigint[])[], r: readonly bigint[]): IntVec | undefined {
  const n = M.length;
  if (n === 0 || M[0]!.length !== n) return solveIntegerSystem(M, r);
  const rowOf: number[] = new Array<number>(n).fill(-1);
  const rowUsed: boolean[] = new Array<boolean>(n).fill(false);
  let singles = 0;
  for (let j = 0; j < n; j++) {
    let at = -1;
    let nz = 0;
    for (let k = 0; k < n && nz < 2; k++) {
      if (M[k]![j] !== 0n) {
        nz++;
        at = k;
      }
    }
    if (nz === 1 && !rowUsed[at]) {
      rowOf[j] = at;
      rowUsed[at] = true;
      singles++;
    }
  }
  if (singles === 0) return solveIntegerSystem(M, r);
  const restCols: number[] = [];
  for (let j = 0; j < n; j++) if (rowOf[j]! < 0) restCols.push(j);
  const restRows: number[] = [];
  for (let k = 0; k < n; k++) if (!rowUsed[k]) restRows.push(k);
  const sub: IntVec | undefined =
    restCols.length === 0
      ? { num: [], den: 1n, unique: true }
      : solveIntegerSystem(
          restRows.map((k) => restCols.map((j) => M[k]![j]!)),
          restRows.map((k) => r[k]!),
        );
  if (!sub) return undefined;
  let P = 1n;
  for (let j = 0; j < n; j++) if (rowOf[j]! >= 0) P *= absBig(M[rowOf[j]!]![j]!);
  const num: bigint[] = new Array<bigint>(n).fill(0n);
  restCols.forEach((j, t) => (num[j] = sub.num[t]! * P));
  for (let j = 0; j < n; j++) {
    const k = rowOf[j]!;
    if (k < 0) continue;
    let s = r[k]! * sub.den;
    restCols.forEach((o, t) => {
      const m = M[k]![o]!;
      if (m !== 0n) s -= m * sub.num[t]!;
    });
    num[j] = (s * P) / M[k]![j]!;
  }
  return { num, den: sub.den * P, ...(sub.unique ? { unique: true } : {}) };
}

function absBig(x: bigint): bigint {
  return x < 0n ? -x : x;
}

/** Smallest exponent of the nonzero entries (0 when all are zero). */
function minExponent(v: readonly Dyadic[]): number {
  let e = Infinity;
  for (const x of v) if (x.m !== 0n && x.e < e) e = x.e;
  return e === Infinity ? 0 : e;
}

/**
 * Dyadic rows: each basis row a_j is one hyperplane (entries of similar size), so it is scaled to integers
 * by itself, a_j = 2^{e_j}·r_j, and w = 2^{e_w}·ω. Solving Σ y'_j r_j = ω gives y_j = y'_j·2^{e_w − e_j}:
 * much smaller integers than scaling each equation across rows of very different depths.
 */
function dyadicCertificate(P: LpRows<Dyadic>, basis: readonly number[], w: readonly Dyadic[]): BoundCertificate | undefined {
  const d = P.d;
  const e = basis.map((i) => minExponent(P.a[i]!));
  const ew = minExponent(w);
  const M: bigint[][] = Array.from({ length: d }, () => new Array<bigint>(basis.length).fill(0n));
  basis.forEach((i, j) => {
    const row = P.a[i]!;
    for (let k = 0; k < d; k++) {
      const x = row[k]!;
      if (x.m !== 0n) M[k]![j] = x.m << BigInt(x.e - e[j]!);
    }
  });
  const r = w.map((x) => (x.m === 0n ? 0n : x.m << BigInt(x.e - ew)));
  const sol = solveCertificateSystem(M, r);
  if (!sol) return undefined;
  // y_j = num'_j / den' · 2^{ew − e_j}; bring every factor to one denominator den'·2^{-lo}.
  const shifts = e.map((ej) => ew - ej);
  const lo = Math.min(0, ...shifts);
  const num = sol.num.map((n, j) => n << BigInt(shifts[j]! - lo));
  const scaled: IntVec = { num, den: sol.den << BigInt(-lo), ...(sol.unique ? { unique: true } : {}) };
  return checkedCertificate(DyadicField, P, basis, w, scaled);
}

/** Exactly: a_i·r ≤ 0 for every row and w·r > 0. */
export function rayIsValid<T>(F: Field<T>, P: LpRows<T>, ray: readonly T[], w: readonly T[]): boolean {
  if (F.sign(dotT(F, w, ray)) <= 0) return false;
  return P.a.every((a) => F.sign(dotT(F, a, ray)) <= 0);
}

/** Rationals → field, with a rational vector scaled to integers first when it is a ray (scale-free). */
function rayToField<T>(F: Field<T>, ray: readonly Rational[]): T[] {
  let l = 1n;
  for (const r of ray) l = (l / gcdBig(l, r.d)) * r.d;
  return ray.map((r) => fromBigInt(F, r.s * r.n * (l / r.d)));
}

function gcdBig(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a < 0n ? -a : a;
}

/**
 * Certified upper bound of w·x over the rows (which must have nonempty interior). The certificate gives a
 * valid bound; it is the exact maximum whenever the proposed basis was optimal (always after a fallback).
 */
export function upperBound<T>(F: Field<T>, P: LpRows<T>, w: readonly T[], stats: LpStats): UpperBound<T> {
  if (w.every((v) => F.sign(v) === 0)) return { kind: "bounded", cert: { indices: [], num: [], den: 1n } };
  stats.lps++;
  const wf = Float64Array.from(w, (v) => toNumber(F, v));
  const m = P.a.length;
  const prop = proposeMax(P.af, P.bf, m, P.d, wf);
  stats.simplexIterations += prop.iterations;
  if (prop.status === "optimal") {
    const cert = certificateFromBasis(F, P, prop.basis, w);
    if (cert) return { kind: "bounded", cert, xf: prop.x, basis: prop.basis };
    stats.certifyFailures++;
  } else if (prop.status === "unbounded") {
    const ray = Array.from(prop.ray, (v) => fromFloat(F, v));
    if (rayIsValid(F, P, ray, w)) return { kind: "unbounded", ray };
    stats.certifyFailures++;
  } else stats.floatFailures++;
  return exactUpperBound(F, P, w, stats).bound;
}

/**
 * The float proposal only (benchmarks with certification off): the float optimum value and point, or a
 * float ray; undefined when the float simplex failed (the caller then takes the certified path).
 */
export function floatUpperBound<T>(
  F: Field<T>,
  P: LpRows<T>,
  w: readonly T[],
  stats: LpStats,
): { kind: "bounded"; value: number; ub: { kind: "bounded"; xf: Float64Array } } | { kind: "unbounded"; ub: { kind: "unbounded"; ray: T[] } } | undefined {
  stats.lps++;
  const wf = Float64Array.from(w, (v) => toNumber(F, v));
  if (wf.every((v) => v === 0)) return { kind: "bounded", value: 0, ub: { kind: "bounded", xf: new Float64Array(P.d) } };
  const prop = proposeMax(P.af, P.bf, P.a.length, P.d, wf);
  stats.simplexIterations += prop.iterations;
  if (prop.status === "optimal") return { kind: "bounded", value: prop.value, ub: { kind: "bounded", xf: prop.x } };
  if (prop.status === "unbounded") return { kind: "unbounded", ub: { kind: "unbounded", ray: Array.from(prop.ray, (v) => fromFloat(F, v)) } };
  stats.floatFailures++;
  return undefined;
}

/** The exact optimum: a bound certificate with an exact optimal point, or an exact ray. */
export type ExactExtreme<T> =
  | { readonly bound: UpperBound<T> & { kind: "bounded" }; readonly point: readonly Rational[] }
  | { readonly bound: UpperBound<T> & { kind: "unbounded" } };

/** Decide max w·x with the exact simplex (the fallback; also used to get an exact optimal point). */
export function exactUpperBound<T>(F: Field<T>, P: LpRows<T>, w: readonly T[], stats: LpStats): ExactExtreme<T> {
  stats.exactFallbacks++;
  const A = P.a.map((row) => row.map((v) => F.toRational(v)));
  const b = P.b.map((v) => F.toRational(v));
  const res = exactMax(A, b, w.map((v) => F.toRational(v)));
  if (res.status === "unbounded") {
    const ray = rayToField(F, res.ray);
    if (!rayIsValid(F, P, ray, w)) throw new Error("geometry/lp: the exact simplex returned an invalid ray");
    return { bound: { kind: "unbounded", ray } };
  }
  const cert = certificateFromBasis(F, P, res.basis, w);
  if (!cert) throw new Error("geometry/lp: the exact simplex returned a basis that does not certify its optimum");
  return { bound: { kind: "bounded", cert }, point: res.x };
}

/** Exactly: a_i·q < b_i for every row. */
export function strictlyInside<T>(F: Field<T>, P: { readonly a: readonly (readonly T[])[]; readonly b: readonly T[] }, q: readonly T[]): boolean {
  for (let i = 0; i < P.a.length; i++) if (F.compare(dotT(F, P.a[i]!, q), P.b[i]!) >= 0) return false;
  return true;
}

export type { IntVec };

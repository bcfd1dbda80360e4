// The certificate algebra of the LP (docs/architecture.md, exactness contract 2): a bound certificate y ≥ 0 with
// Σ y_i a_i = w proves w·x ≤ Σ y_i b_i on {x : a_i·x ≤ b_i}; a ray r with a_i·r ≤ 0 and w·r > 0 proves w·x
// unbounded. Here: checking both exactly, the bound a certificate gives, and re-solving a proposed basis
// exactly into a certificate (fraction-free, exact-solve.ts). The LP that proposes them is lp.ts.
import type { Field } from "../exact/field.js";
import { absBigInt, lcmOfDenominators, trailingZeros } from "../exact/bigint.js";
import { toFixedPoint } from "../exact/fixed-point.js";
import type { Rational } from "../exact/rational.js";
import { smallInverse, solveByInverse, solveIntegerSystem, toIntegerRow, type IntVec, type SmallInverse } from "./exact-solve.js";

/** Exact constraints a_i·x ≤ b_i in d variables. */
export interface ExactRows<T> {
  readonly d: number;
  readonly a: readonly (readonly T[])[];
  readonly b: readonly T[];
}

/** y_i = num[j] / den for i = indices[j] (all other rows 0): proves Σ y_i a_i = w and bounds w·x by Σ y_i b_i. */
export interface BoundCertificate {
  readonly indices: readonly number[];
  readonly num: readonly bigint[];
  readonly den: bigint;
}

/**
 * Multipliers as a certificate is written (docs/formats/region-map.md): y_t / den on row rows[t], every y_t a
 * positive integer and den > 0 — one denominator for the whole certificate, no gcd per entry.
 */
export interface IntegerMultipliers {
  readonly rows: readonly number[];
  readonly y: readonly bigint[];
  readonly den: bigint;
}

/**
 * The nonzero multipliers of a certificate over its one denominator, row indices mapped through `rows` when
 * given (a certificate over a subset of the rows). The common power of two is taken out (shifts, no gcd).
 */
export function certificateMultipliers(cert: BoundCertificate, rows?: readonly number[]): IntegerMultipliers {
  const at: number[] = [];
  const y: bigint[] = [];
  let den = cert.den;
  let sign = 1n;
  if (den < 0n) [den, sign] = [-den, -1n];
  let shift = trailingZeros(den);
  cert.indices.forEach((i, j) => {
    const n = cert.num[j]!;
    if (n === 0n) return;
    at.push(rows ? rows[i]! : i);
    y.push(sign * n);
    if (shift > 0) shift = Math.min(shift, trailingZeros(n));
  });
  if (shift === 0) return { rows: at, y, den };
  const s = BigInt(shift);
  return { rows: at, y: y.map((n) => n >> s), den: den >> s };
}

/** Exactly: Σ y_i a_i = w (times den) and y ≥ 0. */
export function certificateMatches<T>(F: Field<T>, P: ExactRows<T>, cert: BoundCertificate, w: readonly T[]): boolean {
  if (cert.den <= 0n || cert.num.some((v) => v < 0n)) return false;
  const den = F.fromBigInt(cert.den);
  for (let k = 0; k < P.d; k++) {
    let s = F.zero;
    cert.indices.forEach((i, j) => {
      if (cert.num[j] !== 0n) s = F.add(s, F.mul(F.fromBigInt(cert.num[j]!), P.a[i]![k]!));
    });
    if (F.compare(s, F.mul(den, w[k]!)) !== 0) return false;
  }
  return true;
}

/** The certified bound as a scaled value: Σ y_i b_i = (Σ num_j b_{indices_j}) / den; this returns the numerator. */
export function certificateBound<T>(F: Field<T>, P: ExactRows<T>, cert: BoundCertificate): T {
  return F.integerCombination(cert.num, cert.indices.map((i) => P.b[i]!));
}

/** Does the certificate prove w·x + c ≤ t on the set?  (Σ num_i b_i + den·c ≤ den·t.) */
export function certificateProves<T>(F: Field<T>, P: ExactRows<T>, cert: BoundCertificate, c: T, t: T): boolean {
  const den = F.fromBigInt(cert.den);
  return F.compare(F.add(certificateBound(F, P, cert), F.mul(den, c)), F.mul(den, t)) <= 0;
}

/** Re-solve the proposed basis exactly: Σ_{i∈B} y_i a_i = w with y ≥ 0, or undefined. */
export function certificateFromBasis<T>(F: Field<T>, P: ExactRows<T>, basis: readonly number[], w: readonly T[]): BoundCertificate | undefined {
  if (basis.length === 0) return w.every((v) => F.sign(v) === 0) ? { indices: [], num: [], den: 1n } : undefined;
  if (F.dyadic) return dyadicCertificate(F, P, basis, w);
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

function checkedCertificate<T>(F: Field<T>, P: ExactRows<T>, basis: readonly number[], w: readonly T[], sol: IntVec | undefined): BoundCertificate | undefined {
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
  for (let j = 0; j < n; j++) if (rowOf[j]! >= 0) P *= absBigInt(M[rowOf[j]!]![j]!);
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

/**
 * Dyadic rows: each basis row a_j is one hyperplane (entries of similar size), so it is scaled to integers
 * by itself, a_j = 2^{e_j}·r_j, and w = 2^{e_w}·ω. Solving Σ y'_j r_j = ω gives y_j = y'_j·2^{e_w − e_j}:
 * much smaller integers than scaling each equation across rows of very different depths.
 */
function dyadicCertificate<T>(F: Field<T>, P: ExactRows<T>, basis: readonly number[], w: readonly T[]): BoundCertificate | undefined {
  const system = basisSystem(F, basis.map((i) => P.a[i]!));
  const { ints: r, E: ew } = toFixedPoint(F.toDyadics(w));
  const sol = system.inverse ? solveByInverse(system.inverse, r) : solveCertificateSystem(system.M, r);
  if (!sol) return undefined;
  // y_j = num'_j / den' · 2^{ew − e_j}; bring every factor to one denominator den'·2^{-lo}.
  const shifts = system.E.map((E) => ew - E);
  const lo = Math.min(0, ...shifts);
  const num = sol.num.map((n, j) => n << BigInt(shifts[j]! - lo));
  const scaled: IntVec = { num, den: sol.den << BigInt(-lo), ...(sol.unique ? { unique: true } : {}) };
  return checkedCertificate(F, P, basis, w, scaled);
}

/**
 * A basis's certificate system in fixed point: column j is basis row j scaled to integers, a_j = 2^{E_j}·r_j;
 * with its adjugate when square, nonsingular and of size ≤ 3 (then each certificate over this basis costs one
 * matrix–vector product). Consecutive LPs of a node, and a region's bounding box, often share a basis.
 */
interface BasisSystem {
  readonly rows: readonly (readonly unknown[])[];
  readonly E: readonly number[];
  readonly M: readonly (readonly bigint[])[];
  readonly inverse?: SmallInverse;
}

/** Recent basis systems by their first row (rows are immutable arrays: the same array is the same row). */
const basisSystems = new WeakMap<readonly unknown[], BasisSystem[]>();
const SYSTEMS_PER_ROW = 8;

function basisSystem<T>(F: Field<T>, rows: readonly (readonly T[])[]): BasisSystem {
  const list = rows.length > 0 ? basisSystems.get(rows[0]!) : undefined;
  const found = list?.find((s) => s.rows.length === rows.length && s.rows.every((r, j) => r === rows[j]));
  if (found) return found;
  const cols = rows.map((row) => toFixedPoint(F.toDyadics(row)));
  const d = rows.length > 0 ? rows[0]!.length : 0;
  const M: bigint[][] = Array.from({ length: d }, (_, k) => cols.map((col) => col.ints[k]!));
  const inverse = rows.length === d && d <= 3 && d > 0 ? smallInverse(M) : undefined;
  const system: BasisSystem = { rows: [...rows], E: cols.map((col) => col.E), M, ...(inverse ? { inverse } : {}) };
  if (rows.length > 0) {
    const entries = list ?? [];
    if (entries.length >= SYSTEMS_PER_ROW) entries.shift();
    entries.push(system);
    if (!list) basisSystems.set(rows[0]!, entries);
  }
  return system;
}

/** Exactly: a_i·r ≤ 0 for every row and w·r > 0. */
export function rayIsValid<T>(F: Field<T>, P: ExactRows<T>, ray: readonly T[], w: readonly T[]): boolean {
  if (F.sign(F.dot(w, ray)) <= 0) return false;
  return P.a.every((a) => F.sign(F.dot(a, ray)) <= 0);
}

/** A rational ray in the field, scaled to integers first (a ray is scale-free). */
export function rayToField<T>(F: Field<T>, ray: readonly Rational[]): T[] {
  const l = lcmOfDenominators(ray);
  return ray.map((r) => F.fromBigInt(r.s * r.n * (l / r.d)));
}

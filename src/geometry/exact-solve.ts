// Fraction-free exact linear algebra for certificates: scaling exact rows (Dyadic or Rational) to integer
// rows, and solving small integer systems M·x = r exactly with BigInt (no gcd per operation: one gcd per
// row after each elimination step). Results are x = num / den with one common positive denominator.
import { Dyadic } from "../exact/dyadic.js";
import { absBigInt as abs, gcdBigInt as gcd, lcmOfDenominators } from "../exact/bigint.js";
import type { Field } from "../exact/field.js";
import { toFixedPoint } from "../exact/fixed-point.js";
import { Rational, reducedFraction } from "../exact/rational.js";
import { checkDeadline } from "./deadline.js";

/** An exact rational vector num / den (den > 0). */
export interface IntVec {
  readonly num: readonly bigint[];
  readonly den: bigint;
  /** True when the system was square and nonsingular (the solution is unique and exact by construction). */
  readonly unique?: boolean;
}

/** Scale a vector of exact values by one positive factor so that every entry is an integer (same ratios). */
export function toIntegerRow<T>(F: Field<T>, values: readonly T[]): bigint[] {
  if (F.dyadic) return toFixedPoint(F.toDyadics(values)).ints;
  const rs = values.map((v) => F.toRational(v));
  const l = lcmOfDenominators(rs);
  return rs.map((r) => r.s * r.n * (l / r.d));
}

function reduceRow(row: bigint[]): void {
  let g = 0n;
  for (const v of row) if (v !== 0n) g = g === 0n ? abs(v) : gcd(g, v);
  if (g > 1n) for (let i = 0; i < row.length; i++) row[i] = row[i]! / g;
}

/**
 * Square systems: fraction-free Gauss–Jordan (Bareiss). Every division is exact (it divides by the previous
 * pivot), so no gcd is ever taken; at the end every diagonal entry is ±det and column n holds det·x.
 * Returns undefined when the matrix is singular (the general solver then decides).
 */
function bareissSquare(M: readonly (readonly bigint[])[], r: readonly bigint[]): IntVec | undefined {
  const n = M.length;
  if (n <= 3) return cramerSmall(M, r);
  const a: bigint[][] = M.map((row, i) => [...row, r[i]!]);
  let prev = 1n;
  for (let k = 0; k < n; k++) {
    // An elimination step costs O(n²) big-integer operations: in thousands of dimensions, the deadline matters.
    checkDeadline();
    if (a[k]![k] === 0n) {
      let p = k + 1;
      while (p < n && a[p]![k] === 0n) p++;
      if (p === n) return undefined;
      [a[k], a[p]] = [a[p]!, a[k]!];
    }
    const rk = a[k]!;
    const pk = rk[k]!;
    for (let i = 0; i < n; i++) {
      if (i === k) continue;
      const ri = a[i]!;
      const f = ri[k]!;
      if (prev === 1n) {
        for (let j = 0; j <= n; j++) if (j !== k) ri[j] = ri[j]! * pk - f * rk[j]!;
      } else {
        for (let j = 0; j <= n; j++) {
          if (j === k) continue;
          ri[j] = (ri[j]! * pk - f * rk[j]!) / prev;
        }
      }
      ri[k] = 0n;
    }
    // Row k itself is not divided; the rows above and below now carry pivot pk on their diagonal.
    prev = pk;
  }
  const det = prev;
  const sgn = det < 0n ? -1n : 1n;
  return { num: a.map((row) => row[n]! * sgn), den: det * sgn, unique: true };
}

/** The adjugate of a nonsingular integer matrix with its determinant: M⁻¹ = adj / det. */
export interface SmallInverse {
  readonly adj: readonly (readonly bigint[])[];
  readonly det: bigint;
}

/** The adjugate and determinant of a square matrix of size 1–3 (cofactors, no division); undefined when singular. */
export function smallInverse(M: readonly (readonly bigint[])[]): SmallInverse | undefined {
  const n = M.length;
  let det: bigint;
  let adj: bigint[][];
  if (n === 1) {
    det = M[0]![0]!;
    adj = [[1n]];
  } else if (n === 2) {
    const [a, b] = M[0]! as [bigint, bigint];
    const [c, d] = M[1]! as [bigint, bigint];
    det = a * d - b * c;
    adj = [
      [d, -b],
      [-c, a],
    ];
  } else {
    const [a, b, c] = M[0]! as [bigint, bigint, bigint];
    const [d, e, f] = M[1]! as [bigint, bigint, bigint];
    const [g, h, i] = M[2]! as [bigint, bigint, bigint];
    // Cofactors C_jk; adj = C^T.
    const C00 = e * i - f * h;
    const C01 = f * g - d * i;
    const C02 = d * h - e * g;
    det = a * C00 + b * C01 + c * C02;
    if (det === 0n) return undefined;
    adj = [
      [C00, c * h - b * i, b * f - c * e],
      [C01, a * i - c * g, c * d - a * f],
      [C02, b * g - a * h, a * e - b * d],
    ];
  }
  return det === 0n ? undefined : { adj, det };
}

/** x = adj·r / det, with a positive denominator: the unique exact solution of M·x = r. */
export function solveByInverse(inv: SmallInverse, r: readonly bigint[]): IntVec {
  const n = r.length;
  const num = new Array<bigint>(n);
  for (let j = 0; j < n; j++) {
    const row = inv.adj[j]!;
    let s = 0n;
    for (let i = 0; i < n; i++) if (row[i] !== 0n && r[i] !== 0n) s += row[i]! * r[i]!;
    num[j] = inv.det < 0n ? -s : s;
  }
  return { num, den: inv.det < 0n ? -inv.det : inv.det, unique: true };
}

/**
 * Square systems of size 1–3 by the adjugate (Cramer's rule): x = adj(M)·r / det(M), the same exact
 * solution as Bareiss (num = |det|·x, den = |det|) with fewer multiplications and no divisions.
 * Undefined when the matrix is singular.
 */
function cramerSmall(M: readonly (readonly bigint[])[], r: readonly bigint[]): IntVec | undefined {
  const inv = smallInverse(M);
  return inv && solveByInverse(inv, r);
}

/**
 * Solve M·x = r exactly (M is rows × cols integers, any shape). Free variables are set to 0. Returns
 * undefined when the system is inconsistent.
 */
export function solveIntegerSystem(M: readonly (readonly bigint[])[], r: readonly bigint[]): IntVec | undefined {
  if (M.length > 0 && M.length === M[0]!.length) {
    const sol = bareissSquare(M, r);
    if (sol) return sol;
  }
  const rows = M.length;
  const cols = rows === 0 ? 0 : M[0]!.length;
  const aug: bigint[][] = M.map((row, i) => [...row, r[i]!]);
  const pivotCol: number[] = [];
  let rank = 0;
  for (let c = 0; c < cols && rank < rows; c++) {
    checkDeadline();
    let p = -1;
    for (let i = rank; i < rows; i++) if (aug[i]![c] !== 0n && (p < 0 || abs(aug[i]![c]!) < abs(aug[p]![c]!))) p = i;
    if (p < 0) continue;
    [aug[rank], aug[p]] = [aug[p]!, aug[rank]!];
    const prow = aug[rank]!;
    const pv = prow[c]!;
    for (let i = 0; i < rows; i++) {
      if (i === rank) continue;
      const row = aug[i]!;
      const f = row[c]!;
      if (f === 0n) continue;
      for (let k = 0; k <= cols; k++) row[k] = row[k]! * pv - prow[k]! * f;
      reduceRow(row);
    }
    pivotCol.push(c);
    rank++;
  }
  for (let i = rank; i < rows; i++) if (aug[i]![cols] !== 0n) return undefined;
  // Now row i (< rank) reads piv_i·x_{pivotCol[i]} = rhs_i (other pivot columns eliminated, free vars 0).
  let den = 1n;
  for (let i = 0; i < rank; i++) {
    const pv = abs(aug[i]![pivotCol[i]!]!);
    den = (den / gcd(den, pv)) * pv;
  }
  const num: bigint[] = new Array<bigint>(cols).fill(0n);
  for (let i = 0; i < rank; i++) {
    const pv = aug[i]![pivotCol[i]!]!;
    num[pivotCol[i]!] = (aug[i]![cols]! * (den / abs(pv))) * (pv < 0n ? -1n : 1n);
  }
  return { num, den };
}

/** num/den as a Rational. */
export function intVecToRationals(v: IntVec): Rational[] {
  return v.num.map((n) => reducedFraction(n, v.den));
}

/** floor(num · 2^bits / den) · 2^-bits: a dyadic within 2^-bits of num/den (den > 0). */
export function roundToDyadic(num: bigint, den: bigint, bits: number): Dyadic {
  const scaled = (num << BigInt(bits)) / den;
  return Dyadic.of(scaled, -bits);
}

/** A Rational rounded to a dyadic within 2^-bits. */
export function rationalToDyadic(r: Rational, bits: number): Dyadic {
  return roundToDyadic(r.s * r.n, r.d, bits);
}

// LP with exact certificates (docs/architecture.md, exactness contract 1–2): floats propose, exact arithmetic decides.
// The one question the region engine asks is "how large can z(x) = w·x + c get on {x : a_i·x ≤ b_i}?".
// `upperBound` answers it with either
//   - a bound certificate y ≥ 0 with Σ y_i a_i = w exactly, so z ≤ Σ y_i b_i + c on the whole set, or
//   - an exact ray r with a_i·r ≤ 0 for all i and w·r > 0 (z is unbounded above),
// both verified exactly (certificate.ts). The float simplex (float-lp.ts) proposes the basis; its tight rows
// are re-solved exactly; when that fails, the exact simplex (exact-simplex.ts) decides.
// Lower bounds are upper bounds of -z. The row values are a Field<T> (Dyadic fast path or Rational).
import type { Field } from "../exact/field.js";
import type { Rational } from "../exact/rational.js";
import { certificateFromBasis, rayIsValid, rayToField, type BoundCertificate, type ExactRows } from "./certificate.js";
import { exactMax } from "./exact-simplex.js";
import { proposeMax } from "./float-lp.js";

/** Constraints a_i·x ≤ b_i in exact form plus a float copy (row-major) for the proposer. */
export interface LpRows<T> extends ExactRows<T> {
  readonly af: Float64Array;
  readonly bf: Float64Array;
}

export type UpperBound<T> =
  | { readonly kind: "bounded"; readonly cert: BoundCertificate; readonly xf?: Float64Array; readonly basis?: readonly number[] }
  | { readonly kind: "unbounded"; readonly ray: readonly T[] };

/** Counters of the filtered LP (CGAL's "calls to" and "failures of"). */
export interface LpStats {
  lps: number;
  /** Decisions made by the bounding-box filter, without an LP. */
  boxDecisions: number;
  /** Box decisions the float filter (proven error bound) could not make alone: the exact proof decided. */
  filterFailures: number;
  simplexIterations: number;
  floatFailures: number;
  certifyFailures: number;
  exactFallbacks: number;
  /**
   * LP decisions and box bounds (count) that the float multipliers and float witness checks could not prove
   * alone (regions/lp-filter.ts): the exact path decided.
   */
  lpFilterFailures: number;
  /** Regions whose linear-piece key needed the exact output map (the float map could not place an entry in its grid cell: regions/map-key.ts). */
  exactKeys: number;
}

export function newLpStats(): LpStats {
  return { lps: 0, boxDecisions: 0, filterFailures: 0, simplexIterations: 0, floatFailures: 0, certifyFailures: 0, exactFallbacks: 0, lpFilterFailures: 0, exactKeys: 0 };
}

/** Add `part`'s counters to `total` (the stats of several units or threads). */
export function addLpStats(total: LpStats, part: LpStats): void {
  for (const key of Object.keys(total) as (keyof LpStats)[]) total[key] += part[key];
}

/** Build LpRows from exact rows (float copies made once). */
export function lpRows<T>(F: Field<T>, d: number, a: readonly (readonly T[])[], b: readonly T[]): LpRows<T> {
  const m = a.length;
  const af = new Float64Array(m * d);
  const bf = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    for (let k = 0; k < d; k++) af[i * d + k] = F.toNumber(a[i]![k]!);
    bf[i] = F.toNumber(b[i]!);
  }
  return { d, a, b, af, bf };
}

/**
 * Certified upper bound of w·x over the rows (which must have nonempty interior). The certificate gives a
 * valid bound; it is the exact maximum whenever the proposed basis was optimal (always after a fallback).
 */
export function upperBound<T>(F: Field<T>, P: LpRows<T>, w: readonly T[], stats: LpStats): UpperBound<T> {
  const proposed = proposedUpperBound(F, P, w, stats);
  return proposed.kind === "uncertified" ? exactUpperBound(F, P, w, stats).bound : proposed;
}

/** The float proposal the exact check could not confirm: its point, or its ray, still useful as a hint. */
export interface Uncertified {
  readonly kind: "uncertified";
  readonly xf?: Float64Array;
  readonly rayf?: Float64Array;
}

/** A float optimum above the caller's threshold, left without its exact certificate (certificateFromBasis makes it). */
export interface Deferred {
  readonly kind: "deferred";
  readonly xf: Float64Array;
  readonly basis: readonly number[];
  /** The float optimum (a proposal). */
  readonly value: number;
}

/**
 * upperBound without the exact simplex: the float proposal certified exactly, or `uncertified` (with the
 * float point or ray) when the float simplex failed or its basis or ray did not pass the exact check.
 * `deferAbove`: a float optimum above it is returned `deferred`, its certificate not made (a caller that only
 * needs bounds up to that value saves the exact solve when the float answer already says it is exceeded).
 */
export function proposedUpperBound<T>(F: Field<T>, P: LpRows<T>, w: readonly T[], stats: LpStats): UpperBound<T> | Uncertified;
export function proposedUpperBound<T>(F: Field<T>, P: LpRows<T>, w: readonly T[], stats: LpStats, deferAbove: number): UpperBound<T> | Uncertified | Deferred;
export function proposedUpperBound<T>(F: Field<T>, P: LpRows<T>, w: readonly T[], stats: LpStats, deferAbove = Infinity): UpperBound<T> | Uncertified | Deferred {
  if (w.every((v) => F.sign(v) === 0)) return { kind: "bounded", cert: { indices: [], num: [], den: 1n } };
  stats.lps++;
  const wf = Float64Array.from(w, (v) => F.toNumber(v));
  const m = P.a.length;
  const prop = proposeMax(P.af, P.bf, m, P.d, wf);
  stats.simplexIterations += prop.iterations;
  if (prop.status === "optimal") {
    const optimum: Deferred = { kind: "deferred", xf: prop.x, basis: prop.basis, value: prop.value };
    return prop.value > deferAbove ? optimum : certifiedOptimum(F, P, w, optimum, stats);
  }
  if (prop.status === "unbounded") {
    const ray = Array.from(prop.ray, (v) => F.fromFloat(v));
    if (rayIsValid(F, P, ray, w)) return { kind: "unbounded", ray };
    stats.certifyFailures++;
    return { kind: "uncertified", rayf: prop.ray };
  }
  stats.floatFailures++;
  return { kind: "uncertified" };
}

/** A float optimum's basis re-solved exactly into a certificate; `uncertified` when it does not pass. */
export function certifiedOptimum<T>(F: Field<T>, P: LpRows<T>, w: readonly T[], optimum: Deferred, stats: LpStats): UpperBound<T> | Uncertified {
  const cert = certificateFromBasis(F, P, optimum.basis, w);
  if (cert) return { kind: "bounded", cert, xf: optimum.xf, basis: optimum.basis };
  stats.certifyFailures++;
  return { kind: "uncertified", xf: optimum.xf };
}

/** The rows of P listed in `rows` (in that order), with their float copies taken from P's. */
export function subRows<T>(P: LpRows<T>, rows: readonly number[]): LpRows<T> {
  const d = P.d;
  const af = new Float64Array(rows.length * d);
  const bf = new Float64Array(rows.length);
  rows.forEach((i, t) => {
    af.set(P.af.subarray(i * d, (i + 1) * d), t * d);
    bf[t] = P.bf[i]!;
  });
  return { d, a: rows.map((i) => P.a[i]!), b: rows.map((i) => P.b[i]!), af, bf };
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
  const wf = Float64Array.from(w, (v) => F.toNumber(v));
  if (wf.every((v) => v === 0)) return { kind: "bounded", value: 0, ub: { kind: "bounded", xf: new Float64Array(P.d) } };
  const prop = proposeMax(P.af, P.bf, P.a.length, P.d, wf);
  stats.simplexIterations += prop.iterations;
  if (prop.status === "optimal") return { kind: "bounded", value: prop.value, ub: { kind: "bounded", xf: prop.x } };
  if (prop.status === "unbounded") return { kind: "unbounded", ub: { kind: "unbounded", ray: Array.from(prop.ray, (v) => F.fromFloat(v)) } };
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
  for (let i = 0; i < P.a.length; i++) if (F.compare(F.dot(P.a[i]!, q), P.b[i]!) >= 0) return false;
  return true;
}


// Irredundant H-form: which rows of {x : a_i·x ≤ b_i} (a set with nonempty interior) can be dropped
// without changing the set. Row i is redundant when max a_i·x over the other kept rows is ≤ b_i, proved by
// an exact bound certificate; it is kept when an exact point satisfies the others and violates row i.
// Rows are tested in order against the rows still kept, so one copy of a repeated row survives.
import type { Field } from "../exact/field.js";
import { lcmOfDenominators } from "../exact/bigint.js";
import { gamma, inflate } from "../exact/float-error.js";
import { quotient, Rational, reducedFraction } from "../exact/rational.js";
import { axisRows, axisRowsBounded } from "./axis-rows.js";
import { certificateBound, certificateFromBasis, certificateMultipliers, type BoundCertificate, type ExactRows, type IntegerMultipliers } from "./certificate.js";
import { proposeMax } from "./float-lp.js";
import { certifiedOptimum, exactUpperBound, proposedUpperBound, subRows, upperBound, type Deferred, type LpRows, type LpStats, type UpperBound, type Uncertified } from "./lp.js";

/** Multipliers y ≥ 0 over rows (by index, increasing), over one denominator: the certificate that Σ y_i a_i·x ≤ Σ y_i b_i. */
export type Multipliers = IntegerMultipliers;

/**
 * The certificates of an irredundant H-form (docs/formats/region-map.md), so a checker needs no LP:
 * `facetPoints[j]`: an exact point on kept row j's hyperplane, strictly inside every other kept row (row j is
 * a facet); `implied`: for every dropped row, multipliers over the kept rows (positions in `kept`) with
 * Σ y a = a_row and Σ y b ≤ b_row (the row adds nothing, so no facet is missing).
 */
export interface HFormCertificates {
  readonly facetPoints: readonly (readonly Rational[])[];
  readonly implied: readonly { readonly row: number; readonly y: Multipliers }[];
  /**
   * The region's bounding box over the kept rows (`upper[k]` proves x_k ≤ U⁺_k, `lower[k]` −x_k ≤ U⁻_k), when
   * it implies the dropped rows that `implied` leaves out: Σ_{a_k>0} a_k U⁺_k + Σ_{a_k<0} |a_k| U⁻_k ≤ b.
   */
  readonly box?: Bounds;
}

/** Multipliers bounding every coordinate above (`upper[k]`: Σ y a = e_k) and below (`lower[k]`: Σ y a = −e_k). */
export interface Bounds {
  readonly upper: readonly Multipliers[];
  readonly lower: readonly Multipliers[];
}

/**
 * Indices of an irredundant subset of the rows describing the same set. `inside`, a point strictly inside
 * every row (the region's witness), lets most irredundant rows be confirmed without the exact simplex.
 */
export function irredundantRows<T>(F: Field<T>, P: LpRows<T>, stats: LpStats, certify = true, inside?: readonly T[]): number[] {
  return irredundant(F, P, stats, certify, inside).kept;
}

/** irredundantRows with the certificates of the H-form (needs `inside`, a point strictly inside every row). */
export function certifiedIrredundantRows<T>(F: Field<T>, P: LpRows<T>, stats: LpStats, inside: readonly T[]): { kept: number[]; certificates: HFormCertificates } {
  const r = irredundant(F, P, stats, true, inside, true);
  return { kept: r.kept, certificates: r.certificates! };
}

function irredundant<T>(F: Field<T>, P: LpRows<T>, stats: LpStats, certify: boolean, inside: readonly T[] | undefined, collect = false): { kept: number[]; certificates?: HFormCertificates } {
  if (collect && inside) {
    const found = facetsFirst(F, P, stats, inside);
    if (found) return found;
  }
  let kept: number[] = [];
  const dropped: { row: number; y: Map<number, Rational> }[] = [];
  for (let i = 0; i < P.a.length; i++) {
    if (P.a[i]!.some((v) => F.sign(v) !== 0)) kept.push(i);
    else if (collect) dropped.push({ row: i, y: new Map() }); // 0·x ≤ b with b > 0 (the witness is inside)
  }
  const facet = new Map<number, Rational[]>();
  for (const i of [...kept]) {
    const others = kept.filter((j) => j !== i);
    const Q = subRows(P, others);
    const verdict = decideRow(F, Q, P.a[i]!, P.b[i]!, stats, certify, inside, collect);
    if (verdict.redundant) {
      kept = others;
      if (collect) dropped.push({ row: i, y: rationalMultipliers(verdict.cert!, others) });
    } else if (collect) facet.set(i, verdict.facetPoint!);
  }
  if (!collect) return { kept };
  // A row dropped at step t is implied by the rows kept then: the final ones and rows dropped after t.
  // Substituting the later rows' multipliers (last dropped first) leaves multipliers over the final rows.
  const composed = new Map<number, Map<number, Rational>>();
  for (let t = dropped.length - 1; t >= 0; t--) {
    const y = new Map<number, Rational>();
    for (const [j, v] of dropped[t]!.y) {
      const sub = composed.get(j);
      // A kept row stands for itself (multiplier 1): no product, and no sum with zero.
      if (!sub) {
        const old = y.get(j);
        y.set(j, old ? old.add(v) : v);
        continue;
      }
      for (const [k, w] of sub) {
        const old = y.get(k);
        y.set(k, old ? old.add(v.mul(w)) : v.mul(w));
      }
    }
    composed.set(dropped[t]!.row, y);
  }
  const position = new Map(kept.map((row, j) => [row, j]));
  const implied = dropped.map(({ row }) => ({ row, y: overCommonDenominator(new Map([...composed.get(row)!].filter(([, v]) => v.n !== 0n).map(([k, v]) => [position.get(k)!, v]))) }));
  return { kept, certificates: { facetPoints: kept.map((i) => facet.get(i)!), implied } };
}

/**
 * The facets first (Clarkson's scheme with ray shooting, as in cddlib's redundancy removal): row i is tested
 * against the facets found so far (LPs of a few rows); when they do not imply it, the ray from `inside`
 * towards the LP's float optimum (or along its float ray) leaves the set through a facet, the first hyperplane
 * it meets; row i is tested again with it. A row implied by facets found so far is implied by the final ones:
 * its multipliers need no composition. At the end each facet is proved by a projected facet point strictly
 * inside every other facet (together with the multipliers, exactly what makes the H-form irredundant).
 * Undefined when a float step is inconclusive (a tie, repeated rows, a failed proposal): the caller then tests
 * the rows one by one against all the others.
 */
function facetsFirst<T>(F: Field<T>, P: LpRows<T>, stats: LpStats, inside: readonly T[]): { kept: number[]; certificates: HFormCertificates } | undefined {
  const { d } = P;
  const m = P.a.length;
  const pf = inside.map((v) => F.toNumber(v));
  const facets: number[] = [];
  /** Facets found so far, each with the float point where the ray met it. */
  const guesses = new Map<number, number[]>();
  const implied: { row: number; y: Multipliers }[] = [];
  /** Rows the float LP shows clearly implied by the facets then found (`facets`): proved after the loop. */
  const pending: { row: number; facets?: number[]; optimum?: Deferred }[] = [];
  // The region's bounding box in floats (2d LPs over all the rows: the region is their intersection): a row
  // it clearly implies is no facet and needs no LP of its own; the certified box over the facets proves it.
  const floatBox = floatBoundingBox(P, stats);
  for (let i = 0; i < m; i++) {
    const a = P.a[i]!;
    if (a.every((v) => F.sign(v) === 0)) {
      implied.push({ row: i, y: NO_MULTIPLIERS }); // 0·x ≤ b with b > 0 (the witness is inside)
      continue;
    }
    if (floatBox && boxClearlyImplies(floatBox.upper, floatBox.lower, P.af.subarray(i * d, (i + 1) * d), P.bf[i]!)) {
      pending.push({ row: i });
      continue;
    }
    while (!guesses.has(i)) {
      let dir: ArrayLike<number> | undefined;
      if (facets.length === 0) dir = P.af.subarray(i * d, (i + 1) * d);
      else {
        const Q = subRows(P, facets);
        const bf = P.bf[i]!;
        const margin = 2 ** -20 * (Math.abs(bf) + 1);
        // Float only first: a clearly implied row waits for the region's bounding box (most rows need no
        // certificate of their own then); a close call is certified now; a row clearly above is a facet to find.
        const proposal = proposedUpperBound(F, Q, a, stats, -Infinity);
        if (proposal.kind === "deferred" && proposal.value <= bf - margin) {
          pending.push({ row: i, facets: [...facets], optimum: proposal });
          break;
        }
        const answer = proposal.kind === "deferred" && proposal.value <= bf + margin ? certifiedOptimum(F, Q, a, proposal, stats) : proposal;
        if (answer.kind === "bounded" && provesAtMost(F, Q, answer.cert, P.b[i]!)) {
          implied.push({ row: i, y: certificateMultipliers(answer.cert, facets) });
          break;
        }
        const ray = answer.kind === "unbounded" ? answer.ray.map((v) => F.toNumber(v)) : answer.kind === "uncertified" ? answer.rayf : undefined;
        const xf = answer.kind === "unbounded" ? undefined : answer.xf;
        dir = ray ?? (xf ? pf.map((v, k) => xf[k]! - v) : undefined);
      }
      const hit = dir && firstHit(P, m, pf, dir);
      if (!hit || guesses.has(hit.row)) return undefined;
      facets.push(hit.row);
      guesses.set(hit.row, pf.map((v, k) => v + hit.t * dir![k]!));
    }
  }
  // The proofs: each facet's point (projected from its float guess) strictly inside every other facet. With
  // the implied rows' multipliers, that is all the H-form needs; the other rows are not looked at again.
  const kept = [...facets].sort((x, y) => x - y);
  const K = { d, a: kept.map((i) => P.a[i]!), b: kept.map((i) => P.b[i]!) };
  const Kf = filterCopies(F, K);
  const facetPoints: Rational[][] = [];
  for (let j = 0; j < kept.length; j++) {
    const point = projectedFacetPoint(F, K, K.a[j]!, K.b[j]!, guesses.get(kept[j]!)!, j, Kf);
    if (!point) return undefined;
    facetPoints.push(point);
  }
  // The pending rows: implied by the bounding box of the facets (one box for all of them, when there are
  // enough to pay for its 2d LPs), else each by its own certificate over the facets of its LP.
  const position = new Map(kept.map((row, j) => [row, j]));
  const waiting = pending.filter(({ row }) => !position.has(row)); // a box-skipped row the ray hit is a facet
  const box = waiting.length > 2 * d ? boundingBox(F, subRows(P, kept), stats, floatBox?.bases.map((b) => b && b.every((r) => position.has(r)) ? b.map((r) => position.get(r)!) : undefined)) : undefined;
  const Pf = box && filterCopies(F, P);
  let boxUsed = false;
  for (const { row, facets: Qrows, optimum } of waiting) {
    if (box?.implies(P.a[row]!, P.b[row]!, Pf!.subarray(row * (d + 1), (row + 1) * (d + 1)))) {
      boxUsed = true;
      continue;
    }
    // Its own certificate: over the facets of its LP, or (a row the float box skipped) over all facets.
    const rows = Qrows ?? kept;
    const Q = subRows(P, rows);
    const answer = optimum ? certifiedOptimum(F, Q, P.a[row]!, optimum, stats) : proposedUpperBound(F, Q, P.a[row]!, stats);
    if (!(answer.kind === "bounded" && provesAtMost(F, Q, answer.cert, P.b[row]!))) return undefined;
    implied.push({ row, y: certificateMultipliers(answer.cert, rows) });
  }
  implied.sort((p, q) => p.row - q.row);
  return {
    kept,
    certificates: {
      facetPoints,
      implied: implied.map(({ row, y }) => ({ row, y: renumbered(y, position) })),
      ...(boxUsed ? { box: box!.certificates } : {}),
    },
  };
}

/**
 * A float f ≥ N/D (D > 0) near the float guess, checked exactly (N ≤ f·D), with a magnitude the float filter
 * accepts (0, or within [2^-300, 2^300]); undefined when none is found in a few steps.
 */
function provenAbove<T>(F: Field<T>, N: T, D: bigint, guess: number): number | undefined {
  const DT = F.fromBigInt(D);
  let f = guess;
  for (let step = 0; step < 4; step++) {
    if (!Number.isFinite(f) || (f !== 0 && (Math.abs(f) < FILTER_MIN || Math.abs(f) > FILTER_MAX))) return undefined;
    if (F.compare(N, F.mul(F.fromFloat(f), DT)) <= 0) return f;
    f = f + Math.abs(f) * 2 ** -40 + FILTER_MIN;
  }
  return undefined;
}

/**
 * The box test Σ_{a_k>0} a_k U_k + Σ_{a_k<0} |a_k| L_k ≤ b proved in floats, from float copies of a and b
 * (filterCopies: relative error ≤ δ = 2^-50, NaN when unreliable) and proven float upper bounds up[k] ≥ U_k,
 * lo[k] ≥ L_k. With t_k = |a'_k|·u_k (u the bound on a_k's side): Σ |a_k| U_k ≤ Σ t_k + δ Σ|t_k|, the float sum
 * is within γ_d Σ|t_k| of Σ t_k, and b ≥ b' − δ|b'|; so fl(Σ t) + (2δ + γ_{2d+4})·(Σ|t_k| + |b'|) < b' proves it.
 * False means "not proved in floats" (the exact test decides).
 */
export function boxImpliesInFloats(up: readonly number[], lo: readonly number[], copies: ArrayLike<number>, d: number): boolean {
  let s = 0;
  let m = 0;
  for (let k = 0; k < d; k++) {
    const a = copies[k]!;
    if (a === 0) continue;
    const t = a > 0 ? a * up[k]! : -a * lo[k]!;
    s += t;
    m += Math.abs(t);
  }
  const b = copies[d]!;
  const err = inflate((2 * 2 ** -50 + gamma(2 * d + 4)) * (m + Math.abs(b)), 2 * d + 4);
  return s + err < b; // NaN (an unreliable copy) compares false
}

/**
 * The rows' bounding box in floats: max x_k (`upper[k]`) and max −x_k (`lower[k]`) proposed by the float simplex,
 * with the optimal bases (rows of P); undefined when a proposal fails or is unbounded. A proposal only.
 */
function floatBoundingBox(P: LpRows<unknown>, stats: LpStats): { upper: Float64Array; lower: Float64Array; bases: (readonly number[] | undefined)[] } | undefined {
  const { d } = P;
  const upper = new Float64Array(d);
  const lower = new Float64Array(d);
  const bases: (readonly number[] | undefined)[] = [];
  const w = new Float64Array(d);
  for (let k = 0; k < d; k++) {
    for (const s of [1, -1]) {
      w.fill(0);
      w[k] = s;
      stats.lps++;
      const prop = proposeMax(P.af, P.bf, P.a.length, d, w);
      stats.simplexIterations += prop.iterations;
      if (prop.status !== "optimal") return undefined;
      (s > 0 ? upper : lower)[k] = prop.value;
      bases.push(prop.basis);
    }
  }
  return { upper, lower, bases };
}

/** In floats, with a margin: max of a·x over the box (x_k ≤ upper[k], −x_k ≤ lower[k]) is clearly below b. */
function boxClearlyImplies(upper: ArrayLike<number>, lower: ArrayLike<number>, af: ArrayLike<number>, bf: number): boolean {
  let top = 0;
  for (let k = 0; k < af.length; k++) top += af[k]! > 0 ? af[k]! * upper[k]! : af[k]! < 0 ? -af[k]! * lower[k]! : 0;
  return top < bf - 2 ** -30 * (Math.abs(bf) + Math.abs(top) + 1);
}

/**
 * The certified bounding box of the rows K (2d certificates: re-solved from the float box's bases (positions
 * in K) when given, else an LP each), with an exact test of whether it implies a row a·x ≤ b:
 * Σ_{a_k>0} a_k U⁺_k + Σ_{a_k<0} |a_k| U⁻_k ≤ b, where U = N / D (N = Σ num·b, D the certificate's
 * denominator) is compared as Σ |a_k| N_k (D_all / D_k) ≤ b·D_all (no division), after a float test.
 * Undefined when the rows are unbounded in some direction or a bound cannot be certified.
 */
function boundingBox<T>(F: Field<T>, K: LpRows<T>, stats: LpStats, bases?: readonly (readonly number[] | undefined)[]): { certificates: Bounds; implies: (a: readonly T[], b: T, copies: ArrayLike<number>) => boolean } | undefined {
  const { d } = K;
  const upper: Multipliers[] = [];
  const lower: Multipliers[] = [];
  const sides: { N: T; D: bigint; f: number }[][] = [[], []];
  for (let k = 0; k < d; k++) {
    for (const s of [0, 1]) {
      const e = Array.from({ length: d }, (_, j) => (j === k ? (s === 0 ? F.one : F.neg(F.one)) : F.zero));
      const basis = bases?.[2 * k + s];
      const fromBasis = basis && certificateFromBasis(F, K, basis, e);
      const ub = fromBasis ? { kind: "bounded" as const, cert: fromBasis } : upperBound(F, K, e, stats);
      if (ub.kind !== "bounded" || ub.cert.den <= 0n) return undefined;
      const N = certificateBound(F, K, ub.cert);
      (s === 0 ? upper : lower).push(certificateMultipliers(ub.cert));
      // A float upper bound of N / D, rounded outwards by a relative 2^-40 (a filter only: the exact test decides).
      const f = F.toNumber(N) / Number(ub.cert.den);
      sides[s]!.push({ N, D: ub.cert.den, f: f + Math.abs(f) * 2 ** -40 + 2 ** -1000 });
    }
  }
  let Dall = 1n;
  for (const side of sides) for (const { D } of side) Dall *= D;
  const scaled = sides.map((side) => side.map(({ N, D }) => F.mul(N, F.fromBigInt(Dall / D))));
  const DallT = F.fromBigInt(Dall);
  const fUp = Float64Array.from(sides[0]!, (x) => x.f);
  const fLo = Float64Array.from(sides[1]!, (x) => x.f);
  // Proven float upper bounds of the 2d bounds (f ≥ N/D checked exactly), for the filter of `implies`.
  const proven = sides.map((side) => side.map(({ N, D, f }) => provenAbove(F, N, D, f)));
  const filterUp = proven.flat().every((v) => v !== undefined) ? { up: proven[0] as number[], lo: proven[1] as number[] } : undefined;
  return {
    certificates: { upper, lower },
    implies: (a, b, copies) => {
      if (!boxClearlyImplies(fUp, fLo, a.map((v) => F.toNumber(v)), F.toNumber(b))) return false;
      if (filterUp && boxImpliesInFloats(filterUp.up, filterUp.lo, copies, d)) return true;
      let sum = F.zero;
      for (let k = 0; k < d; k++) {
        const sign = F.sign(a[k]!);
        if (sign !== 0) sum = F.add(sum, F.mul(sign > 0 ? a[k]! : F.neg(a[k]!), scaled[sign > 0 ? 0 : 1]![k]!));
      }
      return F.compare(sum, F.mul(b, DallT)) <= 0;
    },
  };
}

/** In floats: the row (of the first m) whose hyperplane the ray p + t·dir (t > 0) meets first, and t; undefined when none. */
function firstHit(P: LpRows<unknown>, m: number, pf: readonly number[], dir: ArrayLike<number>): { row: number; t: number } | undefined {
  const { d } = P;
  let best = Infinity;
  let row = -1;
  for (let j = 0; j < m; j++) {
    let slope = 0;
    let at = 0;
    for (let k = 0; k < d; k++) {
      slope += P.af[j * d + k]! * dir[k]!;
      at += P.af[j * d + k]! * pf[k]!;
    }
    if (!(slope > 0)) continue;
    const t = (P.bf[j]! - at) / slope;
    if (t < best) [best, row] = [t, j];
  }
  return row >= 0 && best > 0 && Number.isFinite(best) ? { row, t: best } : undefined;
}

/** The certificate's multipliers as rationals by row (the row-by-row path composes them). */
function rationalMultipliers(cert: BoundCertificate, rows: readonly number[]): Map<number, Rational> {
  const y = new Map<number, Rational>();
  cert.indices.forEach((q, j) => {
    if (cert.num[j] !== 0n) y.set(rows[q]!, reducedFraction(cert.num[j]!, cert.den));
  });
  return y;
}

const NO_MULTIPLIERS: Multipliers = { rows: [], y: [], den: 1n };

/** The multipliers on rows renumbered through `position`, in increasing row order. */
function renumbered(m: Multipliers, position: ReadonlyMap<number, number>): Multipliers {
  const order = m.rows.map((r, t) => [position.get(r)!, t] as const).sort((p, q) => p[0] - q[0]);
  return { rows: order.map(([r]) => r), y: order.map(([, t]) => m.y[t]!), den: m.den };
}

/** Rational multipliers (row → y) over their least common denominator, in increasing row order. */
function overCommonDenominator(y: ReadonlyMap<number, Rational>): Multipliers {
  const entries = [...y].sort((p, q) => p[0] - q[0]);
  const den = lcmOfDenominators(entries.map(([, v]) => v));
  return { rows: entries.map(([r]) => r), y: entries.map(([, v]) => v.s * v.n * (den / v.d)), den };
}

function provesAtMost<T>(F: Field<T>, Q: LpRows<T>, cert: { indices: readonly number[]; num: readonly bigint[]; den: bigint }, b: T): boolean {
  return F.compare(certificateBound(F, Q, cert), F.mul(F.fromBigInt(cert.den), b)) <= 0;
}

/** Is a·x ≤ b implied by the rows Q? Decided exactly (certificate, or a separating point, or exact simplex). */
export function rowIsRedundant<T>(F: Field<T>, Q: LpRows<T>, a: readonly T[], b: T, stats: LpStats, certify = true, inside?: readonly T[]): boolean {
  return decideRow(F, Q, a, b, stats, certify, inside, false).redundant;
}

interface RowVerdict {
  readonly redundant: boolean;
  /** Redundant: the bound certificate over Q (when asked for). */
  readonly cert?: BoundCertificate;
  /** Irredundant: a point on a·x = b strictly inside Q (when asked for; needs `inside`). */
  readonly facetPoint?: Rational[];
}

/**
 * The point where the segment from `inside` (strictly inside Q, a·p < b) to q (in Q, a·q > b) crosses a·x = b:
 * strictly inside every row of Q, since it is a proper convex combination with weight on `inside`.
 */
function crossing<T>(F: Field<T>, a: readonly T[], b: T, inside: readonly T[], q: readonly Rational[]): Rational[] {
  const p = inside.map((v) => F.toRational(v));
  const ar = a.map((v) => F.toRational(v));
  const dot = (x: readonly Rational[]): Rational => x.reduce((s, v, k) => (v.n === 0n ? s : s.add(v.mul(ar[k]!))), new Rational(0n, 1n));
  const ap = dot(p);
  const lambda = F.toRational(b).sub(ap).div(dot(q).sub(ap));
  return p.map((v, k) => v.add(lambda.mul(q[k]!.sub(v))));
}

/**
 * The point where the line from `inside` along `dir` crosses a·x = b, for a direction in the field: with
 * N = b − a·p and D = a·dir in the field (dyadics: no gcd), x_k = (p_k·D + N·dir_k) / D, one rational division
 * per coordinate. crossing() for q = p + dir, at a fraction of the gcds of stepping through rationals.
 */
function pointAlong<T>(F: Field<T>, a: readonly T[], b: T, inside: readonly T[], dir: readonly T[]): Rational[] {
  const N = F.sub(b, F.dot(a, inside));
  const D = F.dot(a, dir);
  const Dr = F.toRational(D);
  return inside.map((pk, k) => quotient(F.toRational(F.add(F.mul(pk, D), F.mul(N, dir[k]!))), Dr));
}

/**
 * A float guess at a point of a·x = b strictly inside Q, from the LP's float answer for max a·x over Q: where
 * the segment from `inside` to the float optimum crosses the hyperplane, or the point along the float ray
 * where a·x reaches b. Undefined when the float answer gives none (a proposal only: projectedFacetPoint decides).
 */
function facetGuess<T>(F: Field<T>, a: readonly T[], b: T, inside: readonly T[], answer: UpperBound<T> | Uncertified | Deferred): number[] | undefined {
  const p = inside.map((v) => F.toNumber(v));
  const af = a.map((v) => F.toNumber(v));
  const ap = af.reduce((s, v, k) => s + v * p[k]!, 0);
  const ray = answer.kind === "unbounded" ? answer.ray.map((v) => F.toNumber(v)) : answer.kind === "uncertified" ? answer.rayf : undefined;
  const towards = answer.kind === "unbounded" ? undefined : answer.xf;
  const dir = ray ? Array.from(ray) : towards ? p.map((v, k) => towards[k]! - v) : undefined;
  if (!dir) return undefined;
  const t = (F.toNumber(b) - ap) / af.reduce((s, v, k) => s + v * dir[k]!, 0);
  if (!(t > 0 && Number.isFinite(t))) return undefined;
  return p.map((v, k) => v + t * dir[k]!);
}

/**
 * An exact point of a·x = b strictly inside every row of Q (but row `skip`), near the float guess g, or undefined: the
 * coordinates other than k (the largest |a_k|) are g's floats made exact, x_k solves a·x = b. The check of
 * each row, r·x < β ⇔ sign(a_k)·(a_k·(r·x' − β) + r_k·N) < 0 with x' = x without x_k and N = b − a·x', has no
 * division (no gcd on dyadics); the point's one rational division is x_k = N / a_k. Such a point proves the
 * row irredundant over Q (a small step outward stays inside Q and violates the row): the row is a facet.
 */
export function projectedFacetPoint<T>(F: Field<T>, Q: ExactRows<T>, a: readonly T[], b: T, g: readonly number[], skip = -1, floats?: FilterCopies): Rational[] | undefined {
  let k = -1;
  let largest = 0;
  a.forEach((v, j) => {
    const m = Math.abs(F.toNumber(v));
    if (m > largest) [k, largest] = [j, m];
  });
  if (k < 0 || !g.every(Number.isFinite)) return undefined;
  const x = g.map((v, j) => (j === k ? F.zero : F.fromFloat(v)));
  const ak = a[k]!;
  const s = F.sign(ak);
  // The float filter (when `floats` holds the float copies of Q's rows, `skip` being this row): the sign of
  // each row's test in floats with a proven error bound; the exact test only when too close to call.
  const xf = floats && skip >= 0 && g.every((v) => v === 0 || (Math.abs(v) >= FILTER_MIN && Math.abs(v) <= FILTER_MAX)) ? g.map((v, j) => (j === k ? 0 : v)) : undefined;
  let N: T | undefined;
  for (let i = 0; i < Q.a.length; i++) {
    if (i === skip) continue;
    const filtered = xf ? facetTestSign(floats!, Q.d, skip, i, k, xf) : 0;
    if (filtered !== 0) {
      if (filtered * s >= 0) return undefined;
      continue;
    }
    N ??= F.sub(b, F.dot(a, x));
    const r = Q.a[i]!;
    if (F.sign(F.add(F.mul(ak, F.sub(F.dot(r, x), Q.b[i]!)), F.mul(r[k]!, N))) * s >= 0) return undefined;
  }
  N ??= F.sub(b, F.dot(a, x));
  return x.map((v, j) => (j === k ? quotient(F.toRational(N!), F.toRational(ak)) : F.toRational(v)));
}

/** Magnitudes inside which a float copy's relative error bound holds and products of three stay normal and finite. */
const FILTER_MIN = 2 ** -300;
const FILTER_MAX = 2 ** 300;

/**
 * Float copies of exact rows for the facet-point filter: row i's a (d entries) then b at i·(d+1). An entry is
 * the field's float conversion, within a relative 2^-50 of the exact value (dyadics: 60 bits then round to
 * nearest; rationals: a rounded quotient), or NaN when that cannot be assumed (a nonzero value whose float is
 * outside [2^-300, 2^300], or not finite): the filter then leaves the row to the exact test.
 */
export type FilterCopies = Float64Array;

export function filterCopies<T>(F: Field<T>, Q: ExactRows<T>): FilterCopies {
  const { d } = Q;
  const out = new Float64Array(Q.a.length * (d + 1));
  const copy = (v: T): number => {
    if (F.sign(v) === 0) return 0;
    const f = F.toNumber(v);
    return Math.abs(f) >= FILTER_MIN && Math.abs(f) <= FILTER_MAX ? f : NaN;
  };
  Q.a.forEach((row, i) => {
    for (let k = 0; k < d; k++) out[i * (d + 1) + k] = copy(row[k]!);
    out[i * (d + 1) + d] = copy(Q.b[i]!);
  });
  return out;
}

/**
 * The sign of t = a_k·(r·x − β) + r_k·(b − a·x) (x_k = 0; row j is a·x ≤ b, row i is r·x ≤ β) from the float
 * copies, or 0 when the float value is within its error bound. Every input but x carries a relative error
 * ≤ δ = 2^-50 and every term is a product of at most three of them through at most 4d + 12 rounded operations,
 * so |fl(t) − t| ≤ M·(4δ + γ_{4d+12}) with M = |a_k|(Σ|r_m x_m| + |β|) + |r_k|(|b| + Σ|a_m x_m|) (the guard on
 * magnitudes rules out underflow and overflow); M is itself computed in floats, hence `inflate`.
 */
function facetTestSign(C: FilterCopies, d: number, j: number, i: number, k: number, x: readonly number[]): -1 | 0 | 1 {
  const A = j * (d + 1);
  const R = i * (d + 1);
  let s1 = 0;
  let m1 = 0;
  let s2 = 0;
  let m2 = 0;
  for (let m = 0; m < d; m++) {
    if (m === k) continue;
    const p = C[R + m]! * x[m]!;
    const q = C[A + m]! * x[m]!;
    s1 += p;
    m1 += Math.abs(p);
    s2 += q;
    m2 += Math.abs(q);
  }
  const ak = C[A + k]!;
  const rk = C[R + k]!;
  const beta = C[R + d]!;
  const b = C[A + d]!;
  const t = ak * (s1 - beta) + rk * (b - s2);
  const M = Math.abs(ak) * (m1 + Math.abs(beta)) + Math.abs(rk) * (Math.abs(b) + m2);
  if (!Number.isFinite(t) || !Number.isFinite(M)) return 0;
  const err = inflate(M * (4 * 2 ** -50 + gamma(4 * d + 12)), 4 * d + 12);
  return t > err ? 1 : t < -err ? -1 : 0;
}

function decideRow<T>(F: Field<T>, Q: LpRows<T>, a: readonly T[], b: T, stats: LpStats, certify: boolean, inside: readonly T[] | undefined, collect: boolean): RowVerdict {
  const keep = (q: () => Rational[]): RowVerdict => (collect && inside ? { redundant: false, facetPoint: crossing(F, a, b, inside, q()) } : { redundant: false });
  const keepAlong = (dir: readonly T[]): RowVerdict => (collect && inside ? { redundant: false, facetPoint: pointAlong(F, a, b, inside, dir) } : { redundant: false });
  const keepAt = (q: readonly T[]): RowVerdict => keepAlong(q.map((v, k) => F.sub(v, inside![k]!)));
  const hinted = collect && inside !== undefined;
  // With a facet point to look for, a float optimum clearly above b (a facet, most likely) gets no certificate
  // unless the facet point fails (any threshold is safe: the certificate is made then).
  const bf = F.toNumber(b);
  const first = proposedUpperBound(F, Q, a, stats, hinted ? bf + 2 ** -20 * (Math.abs(bf) + 1) : Infinity);
  if (first.kind === "bounded" && provesAtMost(F, Q, first.cert, b)) return { redundant: true, cert: first.cert };
  if (hinted) {
    // The float answer's point on the hyperplane, made exact and checked: usually the facet point at once.
    const guess = facetGuess(F, a, b, inside, first);
    const facetPoint = guess && projectedFacetPoint(F, Q, a, b, guess);
    if (facetPoint) return { redundant: false, facetPoint };
  }
  const proposed = first.kind === "deferred" ? certifiedOptimum(F, Q, a, first, stats) : first;
  if (first.kind === "deferred" && proposed.kind === "bounded" && provesAtMost(F, Q, proposed.cert, b)) return { redundant: true, cert: proposed.cert };
  const ub = proposed.kind === "uncertified" ? exactUpperBound(F, Q, a, stats).bound : proposed;
  // inside + t·ray meets a·x = b for t > 0, and stays strictly inside Q.
  if (ub.kind === "unbounded") return keepAlong(ub.ray);
  if (ub !== proposed && provesAtMost(F, Q, ub.cert, b)) return { redundant: true, cert: ub.cert };
  if (!certify) return { redundant: false };
  // Not proved redundant: confirm with an exact point satisfying Q and violating a·x ≤ b.
  if (ub.xf) {
    const x = Array.from(ub.xf, (v) => F.fromFloat(v));
    if (separates(F, Q, a, b, x)) return keepAt(x);
    // The float vertex often lies a rounding error outside Q: pull it toward a point strictly inside,
    // stopping beyond the crossing of a·x = b (points p + λ(x − p), λ from the crossing towards 1).
    if (inside) {
      const pf = inside.map((v) => F.toNumber(v));
      const af = a.map((v) => F.toNumber(v));
      const ap = af.reduce((s, v, k) => s + v * pf[k]!, 0);
      const ax = af.reduce((s, v, k) => s + v * ub.xf![k]!, 0);
      const cross = (bf - ap) / (ax - ap);
      if (cross > 0 && cross < 1) {
        for (let k = 1; k <= 12; k++) {
          const lambda = cross + (1 - cross) * 2 ** -k;
          const q = pf.map((v, j) => F.fromFloat(v + lambda * (ub.xf![j]! - v)));
          if (separates(F, Q, a, b, q)) return keepAt(q);
        }
      }
    }
  }
  const ex = exactUpperBound(F, Q, a, stats);
  if (ex.bound.kind === "bounded" && provesAtMost(F, Q, ex.bound.cert, b)) return { redundant: true, cert: ex.bound.cert };
  if (ex.bound.kind === "bounded") return keep(() => [...(ex as { point: readonly Rational[] }).point]);
  return keepAlong(ex.bound.ray);
}

/** Exactly: q satisfies every row of Q and violates a·x ≤ b (so a·x ≤ b is not implied by Q). */
function separates<T>(F: Field<T>, Q: LpRows<T>, a: readonly T[], b: T, q: readonly T[]): boolean {
  return F.compare(F.dot(a, q), b) > 0 && Q.a.every((row, j) => F.compare(F.dot(row, q), Q.b[j]!) <= 0);
}

/** Is the set bounded? (max ±x_k finite for every k, decided exactly.) */
export function isBounded<T>(F: Field<T>, P: LpRows<T>, stats: LpStats): boolean {
  if (P.a.length === 0) return false;
  // A box: bounded exactly when every axis has both sides (no LP).
  const axes = axisRows(F, P);
  if (axes) return axisRowsBounded(axes);
  for (let k = 0; k < P.d; k++) {
    for (const s of [F.one, F.neg(F.one)]) {
      const e = Array.from({ length: P.d }, (_, j) => (j === k ? s : F.zero));
      if (upperBound(F, P, e, stats).kind === "unbounded") return false;
    }
  }
  return true;
}


/**
 * Boundedness with its certificate: bounded, with multipliers over the rows proving x_k ≤ U_k (`upper[k]`) and
 * -x_k ≤ L_k (`lower[k]`) for every k; or unbounded, with an exact recession direction r ≠ 0 (a_i·r ≤ 0 for all i).
 */
export function boundednessCertificate<T>(
  F: Field<T>,
  P: LpRows<T>,
  stats: LpStats,
): { bounded: true; upper: Multipliers[]; lower: Multipliers[] } | { bounded: false; ray: Rational[] } {
  const upper: Multipliers[] = [];
  const lower: Multipliers[] = [];
  const rows = P.a.map((_, i) => i);
  for (let k = 0; k < P.d; k++) {
    for (const up of [true, false]) {
      const e = Array.from({ length: P.d }, (_, j) => (j === k ? (up ? F.one : F.neg(F.one)) : F.zero));
      const ub = upperBound(F, P, e, stats);
      if (ub.kind === "unbounded") return { bounded: false, ray: ub.ray.map((v) => F.toRational(v)) };
      (up ? upper : lower).push(certificateMultipliers(ub.cert, rows));
    }
  }
  return { bounded: true, upper, lower };
}

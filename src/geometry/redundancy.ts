// Irredundant H-form: which rows of {x : a_i·x ≤ b_i} (a set with nonempty interior) can be dropped
// without changing the set. Row i is redundant when max a_i·x over the other kept rows is ≤ b_i, proved by
// an exact bound certificate; it is kept when an exact point satisfies the others and violates row i.
// Rows are tested in order against the rows still kept, so one copy of a repeated row survives.
import type { Field } from "../exact/field.js";
import { quotient, Rational, reducedFraction } from "../exact/rational.js";
import { axisRows, axisRowsBounded } from "./axis-rows.js";
import { certificateBound, type BoundCertificate, type ExactRows } from "./certificate.js";
import { certifiedOptimum, exactUpperBound, proposedUpperBound, subRows, upperBound, type Deferred, type LpRows, type LpStats, type UpperBound, type Uncertified } from "./lp.js";

/** Multipliers y ≥ 0 over rows (by index): the certificate that Σ y_i a_i·x ≤ Σ y_i b_i. */
export type Multipliers = ReadonlyMap<number, Rational>;

/**
 * The certificates of an irredundant H-form (docs/formats/region-map.md), so a checker needs no LP:
 * `facetPoints[j]`: an exact point on kept row j's hyperplane, strictly inside every other kept row (row j is
 * a facet); `implied`: for every dropped row, multipliers over the kept rows (positions in `kept`) with
 * Σ y a = a_row and Σ y b ≤ b_row (the row adds nothing, so no facet is missing).
 */
export interface HFormCertificates {
  readonly facetPoints: readonly (readonly Rational[])[];
  readonly implied: readonly { readonly row: number; readonly y: Multipliers }[];
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
      if (collect) dropped.push({ row: i, y: multipliers(verdict.cert!, others) });
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
  const implied = dropped.map(({ row }) => ({ row, y: new Map([...composed.get(row)!].filter(([, v]) => v.n !== 0n).map(([k, v]) => [position.get(k)!, v])) }));
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
  const implied: { row: number; y: Map<number, Rational> }[] = [];
  for (let i = 0; i < m; i++) {
    const a = P.a[i]!;
    if (a.every((v) => F.sign(v) === 0)) {
      implied.push({ row: i, y: new Map() }); // 0·x ≤ b with b > 0 (the witness is inside)
      continue;
    }
    while (!guesses.has(i)) {
      let dir: ArrayLike<number> | undefined;
      if (facets.length === 0) dir = P.af.subarray(i * d, (i + 1) * d);
      else {
        const Q = subRows(P, facets);
        const bf = P.bf[i]!;
        const answer = proposedUpperBound(F, Q, a, stats, bf + 2 ** -20 * (Math.abs(bf) + 1));
        if (answer.kind === "bounded" && provesAtMost(F, Q, answer.cert, P.b[i]!)) {
          implied.push({ row: i, y: multipliers(answer.cert, facets) });
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
  const facetPoints: Rational[][] = [];
  for (let j = 0; j < kept.length; j++) {
    const point = projectedFacetPoint(F, K, K.a[j]!, K.b[j]!, guesses.get(kept[j]!)!, j);
    if (!point) return undefined;
    facetPoints.push(point);
  }
  const position = new Map(kept.map((row, j) => [row, j]));
  return {
    kept,
    certificates: {
      facetPoints,
      implied: implied.map(({ row, y }) => ({ row, y: new Map([...y].map(([k, v]) => [position.get(k)!, v])) })),
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

function multipliers(cert: BoundCertificate, rows: readonly number[]): Map<number, Rational> {
  const y = new Map<number, Rational>();
  cert.indices.forEach((q, j) => {
    if (cert.num[j] !== 0n) y.set(rows[q]!, reducedFraction(cert.num[j]!, cert.den));
  });
  return y;
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
export function projectedFacetPoint<T>(F: Field<T>, Q: ExactRows<T>, a: readonly T[], b: T, g: readonly number[], skip = -1): Rational[] | undefined {
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
  const N = F.sub(b, F.dot(a, x));
  for (let i = 0; i < Q.a.length; i++) {
    if (i === skip) continue;
    const r = Q.a[i]!;
    if (F.sign(F.add(F.mul(ak, F.sub(F.dot(r, x), Q.b[i]!)), F.mul(r[k]!, N))) * s >= 0) return undefined;
  }
  return x.map((v, j) => (j === k ? quotient(F.toRational(N), F.toRational(ak)) : F.toRational(v)));
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
      (up ? upper : lower).push(multipliers(ub.cert, rows));
    }
  }
  return { bounded: true, upper, lower };
}

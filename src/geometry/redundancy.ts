// Irredundant H-form: which rows of {x : a_i·x ≤ b_i} (a set with nonempty interior) can be dropped
// without changing the set. Row i is redundant when max a_i·x over the other kept rows is ≤ b_i, proved by
// an exact bound certificate; it is kept when an exact point satisfies the others and violates row i.
// Rows are tested in order against the rows still kept, so one copy of a repeated row survives.
import type { Field } from "../exact/field.js";
import { certificateBound } from "./certificate.js";
import { exactUpperBound, lpRows, upperBound, type LpRows, type LpStats } from "./lp.js";

/**
 * Indices of an irredundant subset of the rows describing the same set. `inside`, a point strictly inside
 * every row (the region's witness), lets most irredundant rows be confirmed without the exact simplex.
 */
export function irredundantRows<T>(F: Field<T>, P: LpRows<T>, stats: LpStats, certify = true, inside?: readonly T[]): number[] {
  let kept: number[] = [];
  for (let i = 0; i < P.a.length; i++) if (P.a[i]!.some((v) => F.sign(v) !== 0)) kept.push(i);
  for (const i of [...kept]) {
    const others = kept.filter((j) => j !== i);
    const Q = lpRows(F, P.d, others.map((j) => P.a[j]!), others.map((j) => P.b[j]!));
    if (rowIsRedundant(F, Q, P.a[i]!, P.b[i]!, stats, certify, inside)) kept = others;
  }
  return kept;
}

function provesAtMost<T>(F: Field<T>, Q: LpRows<T>, cert: { indices: readonly number[]; num: readonly bigint[]; den: bigint }, b: T): boolean {
  return F.compare(certificateBound(F, Q, cert), F.mul(F.fromBigInt(cert.den), b)) <= 0;
}

/** Is a·x ≤ b implied by the rows Q? Decided exactly (certificate, or a separating point, or exact simplex). */
export function rowIsRedundant<T>(F: Field<T>, Q: LpRows<T>, a: readonly T[], b: T, stats: LpStats, certify = true, inside?: readonly T[]): boolean {
  const ub = upperBound(F, Q, a, stats);
  if (ub.kind === "unbounded") return false;
  if (provesAtMost(F, Q, ub.cert, b)) return true;
  if (!certify) return false;
  // Not proved redundant: confirm with an exact point satisfying Q and violating a·x ≤ b.
  if (ub.xf) {
    const x = Array.from(ub.xf, (v) => F.fromFloat(v));
    if (separates(F, Q, a, b, x)) return false;
    // The float vertex often lies a rounding error outside Q: pull it toward a point strictly inside,
    // stopping beyond the crossing of a·x = b (points p + λ(x − p), λ from the crossing towards 1).
    if (inside) {
      const pf = inside.map((v) => F.toNumber(v));
      const af = a.map((v) => F.toNumber(v));
      const bf = F.toNumber(b);
      const ap = af.reduce((s, v, k) => s + v * pf[k]!, 0);
      const ax = af.reduce((s, v, k) => s + v * ub.xf![k]!, 0);
      const cross = (bf - ap) / (ax - ap);
      if (cross > 0 && cross < 1) {
        for (let k = 1; k <= 12; k++) {
          const lambda = cross + (1 - cross) * 2 ** -k;
          const q = pf.map((v, j) => F.fromFloat(v + lambda * (ub.xf![j]! - v)));
          if (separates(F, Q, a, b, q)) return false;
        }
      }
    }
  }
  const ex = exactUpperBound(F, Q, a, stats);
  return ex.bound.kind === "bounded" && provesAtMost(F, Q, ex.bound.cert, b);
}

/** Exactly: q satisfies every row of Q and violates a·x ≤ b (so a·x ≤ b is not implied by Q). */
function separates<T>(F: Field<T>, Q: LpRows<T>, a: readonly T[], b: T, q: readonly T[]): boolean {
  return F.compare(F.dot(a, q), b) > 0 && Q.a.every((row, j) => F.compare(F.dot(row, q), Q.b[j]!) <= 0);
}

/** Is the set bounded? (max ±x_k finite for every k, decided exactly.) */
export function isBounded<T>(F: Field<T>, P: LpRows<T>, stats: LpStats): boolean {
  if (P.a.length === 0) return false;
  for (let k = 0; k < P.d; k++) {
    for (const s of [F.one, F.neg(F.one)]) {
      const e = Array.from({ length: P.d }, (_, j) => (j === k ? s : F.zero));
      if (upperBound(F, P, e, stats).kind === "unbounded") return false;
    }
  }
  return true;
}


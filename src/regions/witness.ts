// Exact witnesses: for new pieces, the fallback path (from the exact extreme point x* (or ray r) of the
// pre-activation over the region, an exact point of piece s on the segment p → x* (or the ray p + μ·r),
// rounded to a nearby dyadic point that is still strictly inside, checked exactly); and the short witness a
// region is reported with (its interior point on the coarsest dyadic grid that stays strictly inside).
import type { Field } from "../exact/field.js";
import { Rational, ZERO } from "../exact/rational.js";
import { roundInside } from "../geometry/interior.js";
import { SHORT_GRID_BITS, roundToGrid } from "../exact/float.js";
import { strictlyInside } from "../geometry/lp.js";
import type { RowStack } from "./row-stack.js";

export type Extreme<T> = { readonly kind: "point"; readonly x: readonly Rational[] } | { readonly kind: "ray"; readonly r: readonly T[] };

const TWO = new Rational(2n, 1n);

/** An exact dyadic point strictly inside the rows and strictly inside piece s of z = w·x + c. */
export function interiorPointAlongTarget<T>(
  F: Field<T>,
  rows: RowStack<T>,
  p: readonly T[],
  w: readonly T[],
  c: T,
  bp: readonly T[],
  s: number,
  extreme: Extreme<T>,
): T[] {
  const R = (v: T): Rational => F.toRational(v);
  const pR = p.map(R);
  const wR = w.map(R);
  const cR = R(c);
  const z = (x: readonly Rational[]): Rational => x.reduce((acc, v, k) => acc.add(v.mul(wR[k]!)), cR);
  const zp = z(pR);
  const lo = s > 0 ? R(bp[s - 1]!) : undefined;
  const hi = s < bp.length ? R(bp[s]!) : undefined;
  let q: Rational[];
  if (extreme.kind === "point") {
    const zx = z(extreme.x);
    let L = zp.compare(zx) < 0 ? zp : zx;
    let H = zp.compare(zx) < 0 ? zx : zp;
    if (lo && lo.compare(L) > 0) L = lo;
    if (hi && hi.compare(H) < 0) H = hi;
    if (H.compare(L) <= 0) throw new Error("regions/witness: the piece does not meet the segment");
    const lambda = L.add(H).div(TWO).sub(zp).div(zx.sub(zp));
    q = pR.map((v, k) => v.add(lambda.mul(extreme.x[k]!.sub(v))));
  } else {
    const r = extreme.r.map(R);
    const slope = r.reduce((acc, v, k) => acc.add(v.mul(wR[k]!)), ZERO);
    const target = lo && hi ? lo.add(hi).div(TWO) : lo ? lo.add(zp.sub(lo).abs()).add(1) : hi ? hi.sub(zp.sub(hi).abs()).sub(1) : zp;
    const mu = target.sub(zp).div(slope);
    q = pR.map((v, k) => v.add(mu.mul(r[k]!)));
  }
  const a: (readonly T[])[] = [...rows.a];
  const b: T[] = [...rows.b];
  if (lo) {
    a.push(w.map((v) => F.neg(v)));
    b.push(F.sub(c, bp[s - 1]!));
  }
  if (hi) {
    a.push([...w]);
    b.push(F.sub(bp[s]!, c));
  }
  return roundInside(F, { a, b }, q);
}

/** Exact checks spent on grid points the floats proposed before the region keeps its own witness. */
const SHORT_WITNESS_CHECKS = 3;
/** A float slack counts as a proposal only above this share of the terms' magnitude. */
const PROPOSAL_MARGIN = 1e-9;

/**
 * The witness a region is reported with: its interior point `witness` rounded to the coarsest grid 2^-b
 * (exact/float.ts, SHORT_GRID_BITS) on which it is strictly inside every row of the region, else `witness`
 * itself. Floats propose a grid point (every row's float slack clearly positive); the exact check decides. Any
 * point strictly inside the rows has the region's activation pattern (an affine pre-activation that is ≤ 0 on
 * a full-dimensional region is < 0 inside it unless it is constant), so only the witness's length changes:
 * (11/4, 3/2) rather than two 53-bit fractions. `tessera check` verifies it exactly like any witness.
 */
export function shortWitness<T>(F: Field<T>, rows: RowStack<T>, witness: readonly T[]): readonly T[] {
  let checks = SHORT_WITNESS_CHECKS;
  const x = witness.map((v) => F.toNumber(v));
  const q = new Float64Array(x.length);
  for (const bits of SHORT_GRID_BITS) {
    if (!roundToGrid(x, bits, q)) break;
    if (!floatProposesInside(rows, q)) continue;
    const exact = Array.from(q, (v) => F.fromFloat(v));
    if (strictlyInside(F, rows, exact)) return exact;
    if (--checks === 0) break;
  }
  return witness;
}

/** A proposal, not a proof: every row's float slack b − a·q is positive by a clear margin. */
function floatProposesInside(rows: RowStack<unknown>, q: Float64Array): boolean {
  const d = rows.d;
  const { af, bf } = rows;
  for (let i = 0; i < rows.length; i++) {
    let slack = bf[i]!;
    let size = Math.abs(slack);
    for (let k = 0; k < d; k++) {
      const t = af[i * d + k]! * q[k]!;
      slack -= t;
      size += Math.abs(t);
    }
    if (!(slack > PROPOSAL_MARGIN * size)) return false;
  }
  return true;
}

// Exact witnesses for new pieces, the fallback path: from the exact extreme point x* (or ray r) of the
// pre-activation over the region, an exact point of piece s on the segment p → x* (or the ray p + μ·r),
// rounded to a nearby dyadic point that is still strictly inside (checked exactly).
import type { Field } from "../exact/field.js";
import { Rational, ZERO } from "../exact/rational.js";
import { roundInside } from "../geometry/interior.js";
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

// Direct answers for box domains (no LP): when every row is x_k ≤ b or −x_k ≤ b (a ±unit vector, as a --box
// or a VNN-LIB input box gives), the rows are their own bounding box, an interior point is the box's middle,
// boundedness is "both sides of every axis", and the certificate of x_k ≤ U_k is the one row itself (y = 1).
// In thousands of dimensions these replace 2d LPs of d variables each (the set-up of a region search).
import { Dyadic } from "../exact/dyadic.js";
import type { Field } from "../exact/field.js";
import type { BoundCertificate, ExactRows } from "./certificate.js";
import { checkDeadline } from "./deadline.js";

/** Per axis k, the index of the tightest row x_k ≤ b (`upper[k]`) and −x_k ≤ b (`lower[k]`), −1 for none. */
export interface AxisRows {
  readonly upper: readonly number[];
  readonly lower: readonly number[];
}

/**
 * The tightest rows per axis when every row is ±e_k (coefficient exactly 1 or −1) — undefined as soon as one
 * row is not (or there are no rows). Rows are scanned from the last, so rows pushed by a search (dense) end
 * the scan at once.
 */
export function axisRows<T>(F: Field<T>, P: ExactRows<T>): AxisRows | undefined {
  const m = P.a.length;
  if (m === 0) return undefined;
  const upper = new Array<number>(P.d).fill(-1);
  const lower = new Array<number>(P.d).fill(-1);
  const minusOne = F.neg(F.one);
  for (let i = m - 1; i >= 0; i--) {
    if ((i & 255) === 0) checkDeadline();
    const a = P.a[i]!;
    let at = -1;
    for (let k = 0; k < a.length; k++) {
      if (F.sign(a[k]!) === 0) continue;
      if (at >= 0) return undefined;
      at = k;
    }
    if (at < 0) return undefined;
    const v = a[at]!;
    const side = F.compare(v, F.one) === 0 ? upper : F.compare(v, minusOne) === 0 ? lower : undefined;
    if (!side) return undefined;
    const best = side[at]!;
    if (best < 0 || F.compare(P.b[i]!, P.b[best]!) < 0) side[at] = i;
  }
  return { upper, lower };
}

/** The certificate of x_k ≤ b_i (or −x_k ≤ b_i) from its own row i: y_i = 1. */
export function axisCertificate(row: number): BoundCertificate {
  return { indices: [row], num: [1n], den: 1n };
}

/** Both sides of every axis are bounded. */
export function axisRowsBounded(axes: AxisRows): boolean {
  return axes.upper.every((i) => i >= 0) && axes.lower.every((i) => i >= 0);
}

/**
 * A point strictly inside the box the rows describe (the middle of each bounded interval, one unit inside a
 * half-bounded one, 0 on a free axis), or undefined when some interval is empty or a point: exact, no LP.
 */
export function axisInteriorPoint<T>(F: Field<T>, P: ExactRows<T>, axes: AxisRows): T[] | undefined {
  const half = F.fromDyadic(Dyadic.of(1n, -1));
  const point: T[] = [];
  for (let k = 0; k < P.d; k++) {
    const u = axes.upper[k]!;
    const l = axes.lower[k]!;
    const hi = u >= 0 ? P.b[u]! : undefined;
    const lo = l >= 0 ? F.neg(P.b[l]!) : undefined;
    if (hi !== undefined && lo !== undefined) {
      if (F.compare(lo, hi) >= 0) return undefined;
      point.push(F.mul(F.add(lo, hi), half));
    } else if (hi !== undefined) point.push(F.sub(hi, F.one));
    else if (lo !== undefined) point.push(F.add(lo, F.one));
    else point.push(F.zero);
  }
  return point;
}

// Sums of dyadics as one integer sum: every term m·2^e is brought to the smallest exponent of the terms
// and the mantissas are added as BigInts, with one normalisation at the end instead of one per addition
// (the dyadic field's dot products, certificate bounds and box proofs).
import { Dyadic } from "./dyadic.js";

/** Σ a_k·x_k + c, exactly. */
export function dotDyadic(a: readonly Dyadic[], x: readonly Dyadic[], c: Dyadic = Dyadic.ZERO): Dyadic {
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

/** Σ n_j·v_j for integers n_j, exactly. */
export function integerCombinationDyadic(n: readonly bigint[], v: readonly Dyadic[]): Dyadic {
  let E = Infinity;
  for (let j = 0; j < n.length; j++) {
    const vj = v[j]!;
    if (n[j] !== 0n && vj.m !== 0n && vj.e < E) E = vj.e;
  }
  if (E === Infinity) return Dyadic.ZERO;
  let acc = 0n;
  for (let j = 0; j < n.length; j++) {
    const vj = v[j]!;
    const nj = n[j]!;
    if (nj === 0n || vj.m === 0n) continue;
    acc += nj * (vj.e === E ? vj.m : vj.m << BigInt(vj.e - E));
  }
  return Dyadic.of(acc, E);
}

/** The integers of a dyadic vector at its smallest exponent: v = ints·2^E (all zeros and E = 0 for a zero vector). */
export function toFixedPoint(v: readonly Dyadic[]): { ints: bigint[]; E: number } {
  let E = Infinity;
  for (const x of v) if (x.m !== 0n && x.e < E) E = x.e;
  if (E === Infinity) return { ints: v.map(() => 0n), E: 0 };
  return { ints: v.map((x) => (x.m === 0n ? 0n : x.m << BigInt(x.e - E))), E };
}

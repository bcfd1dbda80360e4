// BigInt helpers shared by the number kernel and the exact linear algebra: absolute value, gcd and the
// least common multiple of denominators. The one copy (the independent checker keeps its own on purpose).
import type { Rational } from "./rational.js";

export function absBigInt(x: bigint): bigint {
  return x < 0n ? -x : x;
}

/** gcd(|a|, |b|) (0 when both are 0). */
export function gcdBigInt(a: bigint, b: bigint): bigint {
  a = absBigInt(a);
  b = absBigInt(b);
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

/** The least common multiple of the denominators (1 for an empty list or integers only). */
export function lcmOfDenominators(values: readonly Rational[]): bigint {
  let l = 1n;
  for (const r of values) if (r.d !== 1n) l = (l / gcdBigInt(l, r.d)) * r.d;
  return l;
}

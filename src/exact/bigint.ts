// BigInt helpers shared by the number kernel and the exact linear algebra: absolute value, gcd (Lehmer's),
// the least common multiple of denominators, bit length and trailing zero bits, small values shared. The one
// copy (the independent checker keeps its own on purpose).

/** |v| ≤ SHARED_BIGINTS: one heap BigInt per value (arrays of millions of small integers hold pointers to these). */
const SHARED_BIGINTS = 1024;
const sharedBigInts: bigint[] = Array.from({ length: 2 * SHARED_BIGINTS + 1 }, (_, i) => BigInt(i - SHARED_BIGINTS));
const SHARED_LIMIT = BigInt(SHARED_BIGINTS);

/** The same value; small ones as one shared BigInt each (BigInts are immutable, so sharing is safe). */
export function sharedBigInt(v: bigint): bigint {
  return v >= -SHARED_LIMIT && v <= SHARED_LIMIT ? sharedBigInts[Number(v) + SHARED_BIGINTS]! : v;
}

export function absBigInt(x: bigint): bigint {
  return x < 0n ? -x : x;
}

/**
 * gcd(|a|, |b|) (0 when both are 0). Lehmer's algorithm (Knuth, TAOCP vol. 2, 4.5.2, Algorithm L): the
 * quotients of Euclid's algorithm are found on the leading bits of the operands as float64 integers, and one
 * BigInt step applies many of them at once, instead of one BigInt remainder (and allocation) per quotient.
 * Common factors of two are taken out first (Euclid's remainders do not see them).
 */
export function gcdBigInt(a: bigint, b: bigint): bigint {
  a = absBigInt(a);
  b = absBigInt(b);
  if (a === 0n) return b;
  if (b === 0n) return a;
  const za = trailingZeros(a);
  const zb = trailingZeros(b);
  const shift = BigInt(Math.min(za, zb));
  return lehmerOdd(a >> BigInt(za), b >> BigInt(zb)) << shift;
}

/** 2^50: the leading parts and every cosequence value stay below 2^53 (exact in float64). */
const LEADING = 1n << 50n;

/** gcd of two positive integers (Lehmer's algorithm with 50-bit leading parts). */
function lehmerOdd(a: bigint, b: bigint): bigint {
  if (a < b) [a, b] = [b, a];
  while (b !== 0n) {
    if (a < LEADING) return BigInt(smallGcd(Number(a), Number(b)));
    // x̂, ŷ: the leading 50 bits of a and the bits of b at the same place (ŷ ≤ x̂ < 2^50).
    const drop = BigInt(bitLength(a) - 50);
    let x = Number(a >> drop);
    let y = Number(b >> drop);
    // Cosequences: a' = A·a + B·b, b' = C·a + D·b. Knuth's condition: a quotient is taken only when both
    // bounds (x̂ + A)/(ŷ + C) and (x̂ + B)/(ŷ + D) give it, so it is the true quotient of a' by b'.
    let A = 1;
    let B = 0;
    let C = 0;
    let D = 1;
    for (;;) {
      if (y + C === 0 || y + D === 0) break;
      const q = floorDiv(x + A, y + C);
      if (q !== floorDiv(x + B, y + D)) break;
      [A, C] = [C, A - q * C];
      [B, D] = [D, B - q * D];
      [x, y] = [y, x - q * y];
    }
    if (B === 0) [a, b] = [b, a % b];
    else [a, b] = [BigInt(A) * a + BigInt(B) * b, BigInt(C) * a + BigInt(D) * b];
  }
  return a;
}

/**
 * ⌊x / y⌋ for integers 0 ≤ x < 2^51, 0 < y. The float quotient cannot round up to the next integer: for
 * x = k·y − r (0 < r < y), x/y = k − r/y with r/y ≥ 1/y > k·2^-51 (as k·y ≤ x + y < 2^52), more than half an
 * ulp of k (k·2^-53 at most).
 */
function floorDiv(x: number, y: number): number {
  return Math.floor(x / y);
}

function smallGcd(x: number, y: number): number {
  while (y !== 0) [x, y] = [y, x % y];
  return x;
}

/** The least common multiple of the denominators (1 for an empty list or integers only). */
export function lcmOfDenominators(values: readonly { readonly d: bigint }[]): bigint {
  let l = 1n;
  for (const r of values) if (r.d !== 1n) l = (l / gcdBigInt(l, r.d)) * r.d;
  return l;
}

const SHIFT_LIMIT = 1n << 1000n;
const UINT32_LIMIT = 1n << 32n;

/** Number of bits of a non-negative bigint (0 for 0). */
export function bitLength(x: bigint): number {
  if (x === 0n) return 0;
  // Below 2^32 from the count of leading zeros (no BigInt shifts: most weights of generated networks are small).
  if (x > 0n && x < UINT32_LIMIT) return 32 - Math.clz32(Number(x));
  // Beyond float range: shift by 960 bits at a time (a shift is linear in the size; the hex text was 5% of `regions`).
  let skipped = 0;
  while (x >= SHIFT_LIMIT) {
    x >>= 960n;
    skipped += 960;
  }
  const approx = Number(x);
  // From the float's exponent; the float may have rounded to the next power of two: one check each way.
  const bits = Math.floor(Math.log2(approx)) + 1;
  return skipped + (x >> BigInt(bits - 1) === 0n ? bits - 1 : x >> BigInt(bits) !== 0n ? bits + 1 : bits);
}

/** Number of trailing zero bits of a nonzero bigint. */
export function trailingZeros(x: bigint): number {
  if (x < 0n) x = -x;
  // The low 32 bits answer almost always; else the lowest set bit x & -x is a power of two, measured by bitLength.
  const low = Number(BigInt.asUintN(32, x));
  if (low !== 0) return 31 - Math.clz32(low & -low);
  return bitLength(x & -x) - 1;
}

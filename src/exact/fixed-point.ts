// Sums of dyadics as one integer sum: every term m·2^e is brought to the smallest exponent of the terms
// and the mantissas are added as BigInts, with one normalisation at the end instead of one per addition
// (the dyadic field's dot products, certificate bounds and box proofs).
import { Dyadic } from "./dyadic.js";
import { sharedBigInt } from "./bigint.js";

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

/**
 * A float64 matrix as integers over one power of two, W = ints·2^e exactly (row-major rows × cols): the fast
 * exact product of float weights and dyadic vectors, with no Dyadic object per weight.
 */
export interface FixedMatrix {
  readonly ints: readonly bigint[];
  readonly e: number;
  readonly rows: number;
  readonly cols: number;
}

/** The exponent of the lowest set bit of a finite nonzero float64 x (x = odd·2^e). */
function lowestBitExponent(x: number): number {
  const a = Math.abs(x);
  // a·2^k is an integer of at most 53 bits: k = 52 − ⌊log2 a⌋ (one more or less where log2 rounds; the scaling
  // by a power of two is exact unless it overflows, which the subnormal branch avoids).
  let k = 52 - Math.floor(Math.log2(a));
  let m = a * 2 ** Math.min(k, 1023);
  if (k > 1023) m *= 2 ** (k - 1023);
  while (!Number.isInteger(m)) {
    m *= 2;
    k++;
  }
  const lo = m % 4294967296;
  const hi = (m - lo) / 4294967296;
  const tz = lo !== 0 ? 31 - Math.clz32(lo & -lo) : 32 + 31 - Math.clz32(hi & -hi);
  return tz - k;
}

/**
 * The matrix W (finite float64s) in fixed point, or undefined when its largest weight over its lowest bit overflows a
 * float64 (weights about 2^1000 apart: callers fall back to Dyadics per weight).
 */
export function fixedFromFloats(W: Float64Array, rows: number, cols: number): FixedMatrix | undefined {
  let e = Infinity;
  for (let i = 0; i < W.length; i++) {
    const w = W[i]!;
    if (w !== 0) e = Math.min(e, lowestBitExponent(w));
  }
  if (e === Infinity) return { ints: new Array<bigint>(W.length).fill(0n), e: 0, rows, cols };
  // W·2^-e in two exact power-of-two steps (2^1074 alone would overflow); an overflow means the span is too large.
  const first = 2 ** Math.min(-e, 1000);
  const second = 2 ** (-e - Math.min(-e, 1000));
  const ints: bigint[] = new Array<bigint>(W.length);
  for (let i = 0; i < W.length; i++) {
    const v = W[i]! * first * second;
    if (!Number.isFinite(v)) return undefined;
    // Small integers shared (one heap BigInt per weight of a network at the parameter limit was 100 MB).
    ints[i] = sharedBigInt(BigInt(v));
  }
  return { ints, e, rows, cols };
}

/** W·x + c exactly, for a fixed-point matrix W, a dyadic vector x (length cols) and dyadic c (length rows). */
export function fixedTimesDyadics(W: FixedMatrix, x: readonly Dyadic[], c: readonly Dyadic[]): Dyadic[] {
  const { ints: X, E: ex } = toFixedPoint(x);
  const e = W.e + ex;
  const out: Dyadic[] = new Array<Dyadic>(W.rows);
  for (let r = 0; r < W.rows; r++) {
    let s = 0n;
    const base = r * W.cols;
    for (let k = 0; k < W.cols; k++) {
      const xk = X[k]!;
      if (xk !== 0n) s += W.ints[base + k]! * xk;
    }
    const b = c[r]!;
    if (b.m === 0n) out[r] = Dyadic.of(s, e);
    else if (b.e >= e) out[r] = Dyadic.of(s + (b.m << BigInt(b.e - e)), e);
    else out[r] = Dyadic.of((s << BigInt(e - b.e)) + b.m, b.e);
  }
  return out;
}

// IEEE-754 floats taken exactly: the bit pattern of a float16/float32/float64 decoded into its dyadic
// value m·2^e. This is the network that actually runs, so ONNX and NNET weights stored as floats become
// these numbers, never a "nearby" fraction. `new Fraction(number)` must not be used for this (it rounds).
import { Dyadic } from "./dyadic.js";
import { rationalToNumber, type Rational } from "./rational.js";

const scratch = new DataView(new ArrayBuffer(8));

/** The exact value of a float64, or undefined for NaN/±Infinity. 0.1 → 3602879701896397/2^55. */
export function dyadicFromFloat64(x: number): Dyadic | undefined {
  if (!Number.isFinite(x)) return undefined;
  scratch.setFloat64(0, x);
  const hi = scratch.getUint32(0);
  const lo = scratch.getUint32(4);
  const negative = hi >>> 31 === 1;
  const biased = (hi >>> 20) & 0x7ff;
  let mantissa = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let exponent: number;
  if (biased === 0) {
    exponent = -1074; // subnormal: 0.f × 2^-1022 = f × 2^-1074
  } else {
    mantissa |= 1n << 52n;
    exponent = biased - 1075; // 1.f × 2^(b-1023) = (2^52 + f) × 2^(b-1075)
  }
  return Dyadic.of(negative ? -mantissa : mantissa, exponent);
}

/** The exact value of the float32 with these bits (the number Math.fround(x) stands for), or undefined for NaN/±Inf. */
export function dyadicFromFloat32Bits(bits: number): Dyadic | undefined {
  const negative = bits >>> 31 === 1;
  const biased = (bits >>> 23) & 0xff;
  if (biased === 0xff) return undefined;
  let mantissa = BigInt(bits & 0x7fffff);
  let exponent: number;
  if (biased === 0) exponent = -149;
  else {
    mantissa |= 1n << 23n;
    exponent = biased - 150;
  }
  return Dyadic.of(negative ? -mantissa : mantissa, exponent);
}

/** The exact value of a float32 given as a JS number (must already be a float32 value, e.g. from a Float32Array). */
export function dyadicFromFloat32(x: number): Dyadic | undefined {
  scratch.setFloat32(0, x);
  if (scratch.getFloat32(0) !== x && !Number.isNaN(x)) {
    throw new RangeError(`exact/float: ${x} is not a float32 value`);
  }
  return dyadicFromFloat32Bits(scratch.getUint32(0));
}

/** The exact value of the float16 with these 16 bits, or undefined for NaN/±Inf. */
export function dyadicFromFloat16Bits(bits: number): Dyadic | undefined {
  const negative = (bits >>> 15) & 1;
  const biased = (bits >>> 10) & 0x1f;
  if (biased === 0x1f) return undefined;
  let mantissa = BigInt(bits & 0x3ff);
  let exponent: number;
  if (biased === 0) exponent = -24;
  else {
    mantissa |= 1n << 10n;
    exponent = biased - 25;
  }
  return Dyadic.of(negative ? -mantissa : mantissa, exponent);
}

/** The exact value of a float64 as a Rational, or undefined for NaN/±Infinity. */
export function rationalFromFloat64(x: number): Rational | undefined {
  return dyadicFromFloat64(x)?.toRational();
}

/** The exact value of a float32 as a Rational, or undefined for NaN/±Infinity. */
export function rationalFromFloat32(x: number): Rational | undefined {
  return dyadicFromFloat32(x)?.toRational();
}

/** The next float64 above x (x itself for +Infinity and NaN). */
export function nextUp(x: number): number {
  if (Number.isNaN(x) || x === Infinity) return x;
  if (x === 0) return Number.MIN_VALUE;
  scratch.setFloat64(0, x);
  const bits = scratch.getBigUint64(0);
  scratch.setBigUint64(0, x > 0 ? bits + 1n : bits - 1n);
  return scratch.getFloat64(0);
}

/** The next float64 below x. */
export function nextDown(x: number): number {
  return -nextUp(-x);
}

/** The largest float64 ≤ r (exactly; rationalToNumber is correctly rounded, so one step down at most). */
export function floorFloat(r: Rational): number {
  let f = rationalToNumber(r);
  while (dyadicFromFloat64(f)!.toRational().compare(r) > 0) f = nextDown(f);
  return f;
}

/** The smallest float64 ≥ r (exactly). */
export function ceilFloat(r: Rational): number {
  let f = rationalToNumber(r);
  while (dyadicFromFloat64(f)!.toRational().compare(r) < 0) f = nextUp(f);
  return f;
}

/**
 * Grids tried for short exact points (a region's reported witness), coarsest first: multiples of 2^-b. The
 * caller rounds its float point to each in turn (roundToGrid) and checks each proposal exactly.
 */
export const SHORT_GRID_BITS: readonly number[] = [0, 1, 2, 3, 4, 5, 6, 8, 10, 12, 16, 20, 24, 32];

/**
 * x rounded to the nearest multiples of 2^-bits, written to `out`; false when such a multiple is not exact in
 * float64 (|x_k|·2^bits ≥ 2^52), nor are the finer grids', or x is not finite.
 */
export function roundToGrid(x: ArrayLike<number>, bits: number, out: Float64Array): boolean {
  const scale = 2 ** bits;
  for (let k = 0; k < x.length; k++) {
    const v = x[k]! * scale;
    if (!(Math.abs(v) < 2 ** 52)) return false;
    out[k] = Math.round(v) / scale;
  }
  return true;
}

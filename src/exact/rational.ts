// Exact rationals: the one place that decides how a rational is parsed, printed and built.
// The number type is fraction.js 5 (BigInt, always reduced, sign on the numerator). Its own parser is
// never given user text and `new Fraction(number)` is never called: it approximates JS numbers
// (1e-9 becomes 0) and rejects exponents ("1e-9"). Decimal text, JSON numbers and fractions go through
// `parseRational`; IEEE floats through `src/exact/float.ts`.
import Fraction from "fraction.js";
import { bitLength, gcdBigInt, trailingZeros } from "./bigint.js";

export { bitLength };

export type Rational = Fraction;
export const Rational = Fraction;

export const ZERO: Rational = new Fraction(0n, 1n);
export const ONE: Rational = new Fraction(1n, 1n);

/** n/d from integers (d ≠ 0); the result is reduced. */
export function rat(n: bigint | number, d: bigint | number = 1n): Rational {
  const nb = typeof n === "number" ? integerToBigInt(n) : n;
  const db = typeof d === "number" ? integerToBigInt(d) : d;
  if (db === 0n) throw new RangeError("exact/rational: zero denominator");
  return new Fraction(nb, db);
}

function integerToBigInt(n: number): bigint {
  if (!Number.isSafeInteger(n)) throw new RangeError(`exact/rational: ${n} is not a safe integer`);
  return BigInt(n);
}

// sign, integer digits, optional fraction digits, optional exponent; or an integer fraction p/q.
const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;
const FRACTION = /^([+-]?)(\d+)\s*\/\s*([+-]?)(\d+)$/;

/**
 * The number policy of every reader (docs/errors.md, "Numbers"): a rational is read exactly, or refused with
 * the limit it breaks; nothing is ever rounded or read as 0. Decimal exponents beyond ±MAX_DECIMAL_EXPONENT
 * and numerals of more than MAX_DIGITS digits are refused: every float64 written out exactly fits (at most
 * 767 significant digits, 1074 after the point), and exact analysis of larger numbers grows too slow (the cost
 * of every exact operation grows with the size of its numbers: a weight 1e1000 costs ~1 s on the seed network,
 * 1e10000 ~50 s).
 */
export const MAX_DECIMAL_EXPONENT = 1000;
export const MAX_DIGITS = 2000;

type Parsed = Rational | { readonly reason: string };

function parse(text: string, maxDigits: number): Parsed {
  const s = text.trim();
  const frac = FRACTION.exec(s);
  if (frac) {
    if (frac[2]!.length + frac[4]!.length > maxDigits) return { reason: `it has more than ${maxDigits} digits` };
    const den = BigInt(frac[4]!);
    if (den === 0n) return { reason: "its denominator is 0" };
    const negative = (frac[1] === "-") !== (frac[3] === "-");
    const num = BigInt(frac[2]!);
    return fractionOf(negative ? -num : num, den);
  }
  const dec = DECIMAL.exec(s);
  if (!dec) return { reason: /^[+-]?(nan|inf(inity)?)$/i.test(s) ? "NaN and infinities are not allowed" : "" };
  const intDigits = dec[2] ?? "";
  const fracDigits = dec[3] ?? "";
  if (intDigits === "" && fracDigits === "") return { reason: "" };
  if (intDigits.length + fracDigits.length > maxDigits) return { reason: `it has more than ${maxDigits} digits` };
  const exponentText = (dec[4] ?? "0").replace(/^([+-]?)0+(?=\d)/, "$1");
  const exponent = exponentText.length > 12 ? Infinity : Number(exponentText);
  if (!(Math.abs(exponent) <= MAX_DECIMAL_EXPONENT)) {
    return { reason: `its decimal exponent ${exponentText.length > 20 ? exponentText.slice(0, 20) + "…" : exponentText} is beyond the limit ±${MAX_DECIMAL_EXPONENT}` };
  }
  let num = BigInt((intDigits || "0") + fracDigits);
  if (dec[1] === "-") num = -num;
  const scale = exponent - fracDigits.length;
  return scale >= 0 ? reducedRational(scale === 0 ? num : num * 10n ** BigInt(scale), 1n) : new Fraction(num, 10n ** BigInt(-scale));
}

/**
 * num/den (den > 0) in lowest terms: without a gcd when den is a power of two (every dyadic, so every value
 * tessera writes for a float network: the checker parses millions), by fraction.js's gcd otherwise.
 */
function fractionOf(num: bigint, den: bigint): Rational {
  if (num === 0n) return reducedRational(0n, 1n);
  if ((den & (den - 1n)) === 0n) {
    const shift = BigInt(Math.min(trailingZeros(num), bitLength(den) - 1));
    return shift === 0n ? reducedRational(num, den) : reducedRational(num >> shift, den >> shift);
  }
  return new Fraction(num, den);
}

/**
 * Parse exact rational text: integers ("-3"), decimals ("0.1" is exactly 1/10, "-2.5e-3", "1E+2", ".5"),
 * and fractions ("1/3", "-7/2"). Returns undefined for anything else, and for numbers beyond the limits
 * above; callers name the place and print `notRationalMessage(text)`. Documents that tessera writes itself
 * (region maps, certificates: exact "p/q" of any length, bounded by the file size limit) pass
 * `{ maxDigits: Infinity }`; the exponent limit always holds.
 */
export function tryParseRational(text: string, limits: { readonly maxDigits?: number } = {}): Rational | undefined {
  const r = parse(text, limits.maxDigits ?? MAX_DIGITS);
  return r instanceof Fraction ? r : undefined;
}

/**
 * The one message for text that is not read as a rational: `"x" is not a rational number`, followed by
 * the limit it breaks when it is a number tessera refuses (`(its decimal exponent 999999 is beyond …)`).
 */
export function notRationalMessage(text: string, limits: { readonly maxDigits?: number } = {}): string {
  const r = parse(text, limits.maxDigits ?? MAX_DIGITS);
  const reason = r instanceof Fraction ? "" : r.reason;
  const t = text.trim();
  const shown = JSON.stringify(t.length > 40 ? t.slice(0, 40) + "…" : t);
  return `${shown} is not a rational number${reason ? ` (${reason})` : ""}`;
}

/** Like tryParseRational, but throws a RangeError naming the text and the limit. */
export function parseRational(text: string): Rational {
  const r = tryParseRational(text);
  if (r === undefined) throw new RangeError(`exact/rational: ${notRationalMessage(text)}`);
  return r;
}

/** The limits for text tessera wrote itself (maps, units, parts): exact values of any length; the exponent limit holds. */
export const WRITTEN_BY_TESSERA = { maxDigits: Infinity } as const;

/** parseRational for text tessera wrote itself (WRITTEN_BY_TESSERA: no digit limit). */
export function parseWrittenRational(text: string): Rational {
  const r = tryParseRational(text, WRITTEN_BY_TESSERA);
  if (r === undefined) throw new RangeError(`exact/rational: ${notRationalMessage(text, WRITTEN_BY_TESSERA)}`);
  return r;
}

/**
 * A JSON number taken as the shortest decimal that prints it (so 0.1 is 1/10, as the user wrote it).
 * Returns undefined for NaN and ±Infinity.
 */
export function rationalFromJsonNumber(value: number): Rational | undefined {
  if (!Number.isFinite(value)) return undefined;
  // Integers (most weights of generated networks) without the text round trip; small ones shared (a network at
  // the parameter limit holds 4·10^6 of them: one object each was 400 MB). Rationals are never mutated.
  if (Number.isSafeInteger(value)) return Math.abs(value) <= SHARED_INTEGERS ? sharedInteger(value) : reducedRational(BigInt(value), 1n);
  return tryParseRational(String(value));
}

const SHARED_INTEGERS = 1024;
const sharedIntegers: (Rational | undefined)[] = new Array<Rational | undefined>(2 * SHARED_INTEGERS + 1);

function sharedInteger(value: number): Rational {
  return (sharedIntegers[value + SHARED_INTEGERS] ??= reducedRational(BigInt(value), 1n));
}

/** Canonical text: "p/q" reduced with q > 1, or "p"; the sign is on the numerator. */
export function formatRational(r: Rational): string {
  const n = r.s * r.n;
  return r.d === 1n ? n.toString() : `${n}/${r.d}`;
}

/** n/d reduced (d ≠ 0), with the kernel's gcd (Lehmer's: exact/bigint.ts) instead of fraction.js's Euclid. */
export function reducedFraction(n: bigint, d: bigint): Rational {
  if (d === 0n) throw new RangeError("exact/rational: zero denominator");
  if (d < 0n) [n, d] = [-n, -d];
  const g = gcdBigInt(n, d);
  return g === 1n ? reducedRational(n, d) : reducedRational(n / g, d / g);
}

/** x / y (y ≠ 0), reduced with reducedFraction's gcd. */
export function quotient(x: Rational, y: Rational): Rational {
  return reducedFraction(x.s * x.n * y.d, x.d * y.s * y.n);
}

/**
 * n/d built without a gcd, for callers that know it is already reduced (gcd(|n|, d) = 1, d > 0): a dyadic
 * with an odd mantissa over a power of two, for instance. The same object fraction.js would build.
 */
export function reducedRational(n: bigint, d: bigint): Rational {
  // Built by fraction.js's constructor (on 1, no real gcd), then set: the object keeps the hidden class of every
  // other rational. An object from Object.create has another one, and code reading both kinds of object (the
  // checker: parsed and computed rationals) turns polymorphic: reading was 2–5× slower (measured).
  const f = new Fraction(1n) as { s: bigint; n: bigint; d: bigint };
  f.s = n < 0n ? -1n : 1n;
  f.n = n < 0n ? -n : n;
  f.d = d;
  return f as Rational;
}

/** -1, 0 or 1. */
export function sign(r: Rational): -1 | 0 | 1 {
  return r.n === 0n ? 0 : r.s < 0n ? -1 : 1;
}

export function isZero(r: Rational): boolean {
  return r.n === 0n;
}

/** True when the denominator is a power of two (the value of some finite binary float or fixed-point number). */
export function isDyadicRational(r: Rational): boolean {
  return (r.d & (r.d - 1n)) === 0n;
}

const SAFE_MANTISSA = 1n << 53n;
const DYADIC_LIMIT = 1n << 1000n;

/**
 * The float64 that equals the rational exactly when one is found cheaply — a numerator below 2^53 over a power of
 * two up to 2^1000 (every float32 weight), whose quotient n·2^-k is exact — else undefined.
 */
export function exactSmallDyadic(r: Rational): number | undefined {
  // Integers first (no BigInt arithmetic: the float copy of a network of 4·10^6 integer weights took 2 s).
  if (r.d === 1n) return r.n < SAFE_MANTISSA ? (r.s < 0n ? -Number(r.n) : Number(r.n)) : undefined;
  if (r.n < SAFE_MANTISSA && r.d <= DYADIC_LIMIT && (r.d & (r.d - 1n)) === 0n) return (r.s < 0n ? -Number(r.n) : Number(r.n)) / Number(r.d);
  return undefined;
}

/** The float64 nearest to a rational (correctly rounded, ties to even), for any size of numerator and denominator. */
export function rationalToNumber(r: Rational): number {
  return exactSmallDyadic(r) ?? bigRatioToNumber(r.s * r.n, r.d);
}

/** n/d (d > 0) correctly rounded to a float64: subnormals, huge and tiny values included. */
export function bigRatioToNumber(n: bigint, d: bigint): number {
  if (n === 0n) return 0;
  const negative = n < 0n;
  const a = negative ? -n : n;
  // 2^(e-1) ≤ a/d < 2^(e+1) with e = bitLength(a) - bitLength(d).
  const e = bitLength(a) - bitLength(d);
  let value: number;
  if (e < -1021) {
    // Subnormal (or zero) result: round a·2^1074/d to an integer m, exactly, ties to even; m·2^-1074 is exact.
    const num = a << 1074n;
    let m = num / d;
    const twice = 2n * (num - m * d);
    if (twice > d || (twice === d && (m & 1n) === 1n)) m += 1n;
    value = Number(m) * 2 ** -1074;
  } else {
    // Keep 62 quotient bits plus a sticky bit; Number(bigint) then rounds once, correctly.
    const k = 62 - e;
    let q: bigint;
    let rem: bigint;
    if (k >= 0) {
      const num = a << BigInt(k);
      q = num / d;
      rem = num - q * d;
    } else {
      const den = d << BigInt(-k);
      q = a / den;
      rem = a - q * den;
    }
    const sticky = (q << 1n) | (rem === 0n ? 0n : 1n);
    const half = Math.trunc((k + 1) / 2);
    value = Number(sticky) * 2 ** -half * 2 ** -(k + 1 - half);
  }
  return negative ? -value : value;
}

export function minRational(a: Rational, b: Rational): Rational {
  return a.compare(b) <= 0 ? a : b;
}

export function maxRational(a: Rational, b: Rational): Rational {
  return a.compare(b) >= 0 ? a : b;
}

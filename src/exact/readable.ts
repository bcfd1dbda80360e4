// Rationals for a human reader: a value whose numerator or denominator has more than READABLE_DIGITS digits
// is printed as a short decimal approximation beside a shortened exact value
// ("≈ -0.020312 (exact: -1233…/6070…, 81 digits)"); shorter values print exactly ("49/20"). The
// approximation is computed by exact BigInt scaling and rounded correctly (to nearest, ties away from
// zero), so it is right far beyond float range (10^400 is "≈ 1.0e+400", never Infinity or 0). This is the
// one formatter of every command's human output; `--exact` prints full values, `--json` always does.
import { Rational, formatRational, sign } from "./rational.js";

/** Numerators and denominators longer than this many digits are shortened in human output. */
export const READABLE_DIGITS = 20;
/** Significant digits of the decimal approximation. */
export const APPROXIMATION_DIGITS = 5;
/** Digits of a long numerator or denominator kept before the "…". */
const KEPT_DIGITS = 4;

/** A rational for a person: exact when short (or when `exact`), else "≈ decimal (exact: shortened, N digits)". */
export function formatReadable(value: Rational, exact = false): string {
  const num = value.n.toString(); // fraction.js keeps the sign apart (value.s): n and d are ≥ 0
  const den = value.d.toString();
  if (exact || (num.length <= READABLE_DIGITS && den.length <= READABLE_DIGITS)) return formatRational(value);
  const short = (digits: string): string => (digits.length > READABLE_DIGITS ? `${digits.slice(0, KEPT_DIGITS)}…` : digits);
  const exactText = `${sign(value) < 0 ? "-" : ""}${short(num)}${value.d === 1n ? "" : `/${short(den)}`}`;
  const digits = num.length + (value.d === 1n ? 0 : den.length);
  return `≈ ${decimalApproximation(value)} (exact: ${exactText}, ${digits} digits)`;
}

/**
 * `value` to `significant` significant digits, correctly rounded (to nearest, ties away from zero): plain
 * decimal for 10^-4 ≤ |value| < 10^6 ("-0.020312", "12346"), else scientific ("1.0e+400", "-3.3333e-401").
 */
export function decimalApproximation(value: Rational, significant = APPROXIMATION_DIGITS): string {
  if (!Number.isInteger(significant) || significant < 1) throw new RangeError(`decimalApproximation: ${significant} significant digits`);
  if (value.n === 0n) return "0";
  const minus = sign(value) < 0 ? "-" : "";
  const a = value.n; // |value| = a/d (fraction.js keeps the sign apart)
  const d = value.d;
  // e = floor(log10(a/d)): from the digit counts, off by at most one, then corrected exactly.
  let e = a.toString().length - d.toString().length;
  if (compareScaled(a, d, e) < 0) e -= 1;
  // m = round(a/d · 10^(significant-1-e)), an integer of `significant` digits (or 10^significant after rounding up).
  let m = roundedQuotient(a, d, significant - 1 - e);
  if (m.toString().length > significant) {
    e += 1;
    m = roundedQuotient(a, d, significant - 1 - e);
  }
  const digits = m.toString();
  if (e >= -4 && e < 6) return minus + placePoint(digits, e);
  const rest = digits.slice(1).replace(/0+$/, "");
  return `${minus}${digits[0]}.${rest === "" ? "0" : rest}e${e < 0 ? "-" : "+"}${Math.abs(e)}`;
}

/** The sign of a/d − 10^e, exactly. */
function compareScaled(a: bigint, d: bigint, e: number): number {
  const left = e >= 0 ? a : a * 10n ** BigInt(-e);
  const right = e >= 0 ? d * 10n ** BigInt(e) : d;
  return left === right ? 0 : left < right ? -1 : 1;
}

/** round(a/d · 10^k) for a, d > 0, to nearest with ties away from zero. */
function roundedQuotient(a: bigint, d: bigint, k: number): bigint {
  const num = k >= 0 ? a * 10n ** BigInt(k) : a;
  const den = k >= 0 ? d : d * 10n ** BigInt(-k);
  const q = num / den;
  return 2n * (num - q * den) >= den ? q + 1n : q;
}

/** The digits d0 d1 d2 … with value d0.d1d2… · 10^e written as a plain decimal, trailing zeros dropped. */
function placePoint(digits: string, e: number): string {
  if (e < 0) return `0.${"0".repeat(-e - 1)}${digits}`.replace(/0+$/, "");
  const whole = digits.length > e + 1 ? digits.slice(0, e + 1) : digits.padEnd(e + 1, "0");
  const fraction = digits.slice(e + 1).replace(/0+$/, "");
  return fraction === "" ? whole : `${whole}.${fraction}`;
}

/**
 * √value (value ≥ 0) to `significant` digits, for an "≈" beside an exact square (jumps' max |J|²): the integer
 * square root of the scaled value, exact to two digits beyond the shown ones, then rounded like the above.
 */
export function sqrtApproximation(value: Rational, significant = APPROXIMATION_DIGITS): string {
  if (sign(value) < 0) throw new RangeError("sqrtApproximation: a negative value");
  if (value.n === 0n) return "0";
  // √(n/d) = √(n·d)/d; scale n·d by 10^(2k) so that its root has at least significant + 2 digits.
  const product = value.n * value.d;
  const k = Math.max(0, significant + 2 - Math.floor(product.toString().length / 2));
  const root = integerSqrt(product * 10n ** BigInt(2 * k));
  return decimalApproximation(new Rational(root, value.d * 10n ** BigInt(k)), significant);
}

/** ⌊√m⌋ for m ≥ 0 (Newton's method on BigInt). */
function integerSqrt(m: bigint): bigint {
  if (m < 2n) return m;
  let x = 1n << BigInt(Math.ceil(m.toString(2).length / 2));
  for (;;) {
    const y = (x + m / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

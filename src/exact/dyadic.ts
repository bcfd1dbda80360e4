// Dyadic rationals m·2^e: the fast exact path. Every float32/float64 weight is one, and sums, differences
// and products of dyadics stay dyadic, so no gcd is ever needed — only shifts. Canonical form (one
// constructor, like Fraction.js's newFraction): m odd, or m = 0 with e = 0.
import { bitLength, trailingZeros } from "./bigint.js";
import { Rational, reducedRational } from "./rational.js";

export class Dyadic {
  static readonly ZERO: Dyadic = new Dyadic(0n, 0);
  static readonly ONE: Dyadic = new Dyadic(1n, 0);
  /** Odd mantissa (or 0). */
  readonly m: bigint;
  /** Binary exponent. */
  readonly e: number;

  private constructor(m: bigint, e: number) {
    this.m = m;
    this.e = e;
  }

  /** The canonical dyadic m·2^e (strips trailing zero bits of m). */
  static of(m: bigint, e = 0): Dyadic {
    if (m === 0n) return Dyadic.ZERO;
    const tz = trailingZeros(m);
    return tz === 0 ? new Dyadic(m, e) : new Dyadic(m >> BigInt(tz), e + tz);
  }

  static fromInt(n: number | bigint): Dyadic {
    return Dyadic.of(typeof n === "bigint" ? n : BigInt(n));
  }

  /** The dyadic equal to r, or undefined when r's denominator is not a power of two. */
  static fromRational(r: Rational): Dyadic | undefined {
    if ((r.d & (r.d - 1n)) !== 0n) return undefined;
    return Dyadic.of(r.s * r.n, -(bitLength(r.d) - 1));
  }

  add(o: Dyadic): Dyadic {
    if (this.m === 0n) return o;
    if (o.m === 0n) return this;
    if (this.e === o.e) return Dyadic.of(this.m + o.m, this.e);
    return this.e < o.e
      ? Dyadic.of(this.m + (o.m << BigInt(o.e - this.e)), this.e)
      : Dyadic.of((this.m << BigInt(this.e - o.e)) + o.m, o.e);
  }

  sub(o: Dyadic): Dyadic {
    return this.add(o.neg());
  }

  mul(o: Dyadic): Dyadic {
    if (this.m === 0n || o.m === 0n) return Dyadic.ZERO;
    // odd × odd is odd: already canonical.
    return new Dyadic(this.m * o.m, this.e + o.e);
  }

  neg(): Dyadic {
    return this.m === 0n ? this : new Dyadic(-this.m, this.e);
  }

  /** -1, 0 or 1. */
  sign(): -1 | 0 | 1 {
    return this.m === 0n ? 0 : this.m < 0n ? -1 : 1;
  }

  compare(o: Dyadic): -1 | 0 | 1 {
    return this.sub(o).sign();
  }

  equals(o: Dyadic): boolean {
    return this.m === o.m && this.e === o.e;
  }

  isZero(): boolean {
    return this.m === 0n;
  }

  toRational(): Rational {
    // Canonical: m is odd (or 0 with e = 0), so m / 2^k is already reduced.
    return this.e >= 0 ? reducedRational(this.m << BigInt(this.e), 1n) : reducedRational(this.m, 1n << BigInt(-this.e));
  }

  /** A float64 close to the value (exact when it fits), without overflow in the intermediate steps. */
  toNumber(): number {
    if (this.m === 0n) return 0;
    const bits = bitLength(this.m < 0n ? -this.m : this.m);
    if (bits <= 53) return Number(this.m) * 2 ** this.e;
    const shift = bits - 60;
    return Number(this.m >> BigInt(shift)) * 2 ** (this.e + shift);
  }

  toString(): string {
    return this.e >= 0 ? (this.m << BigInt(this.e)).toString() : `${this.m}/${1n << BigInt(-this.e)}`;
  }
}

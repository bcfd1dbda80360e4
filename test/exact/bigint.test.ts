// The kernel's BigInt helpers against definitions written here: Lehmer's gcd against Euclid's algorithm (one
// remainder at a time) and against the divisibility it promises; bit lengths and trailing zeros against
// the binary text of the number. Sizes from 1 to 3,000 bits, powers of two, common factors, consecutive
// Fibonacci numbers (every quotient 1, Lehmer's worst case) and operands that differ in one bit.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { bitLength, gcdBigInt, trailingZeros } from "../../src/exact/bigint.js";
import { reducedFraction } from "../../src/exact/rational.js";

function euclid(a: bigint, b: bigint): bigint {
  a = a < 0n ? -a : a;
  b = b < 0n ? -b : b;
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

/** A bigint of up to `bits` bits from fast-check (sign included). */
const big = (bits: number) => fc.bigInt({ min: -(1n << BigInt(bits)), max: 1n << BigInt(bits) });

describe("gcdBigInt (Lehmer)", () => {
  it("equals Euclid's gcd on random operands of 1 to 3,000 bits, with and without common factors", () => {
    const sized = fc.integer({ min: 1, max: 3000 }).chain(big);
    fc.assert(
      fc.property(sized, sized, big(200), fc.integer({ min: 0, max: 90 }), (a0, b0, common, twos) => {
        const a = (a0 * common) << BigInt(twos);
        const b = b0 * common;
        const g = gcdBigInt(a, b);
        expect(g).toBe(euclid(a, b));
        if (g !== 0n) {
          expect(a % g).toBe(0n);
          expect(b % g).toBe(0n);
        }
      }),
      { seed: 131, numRuns: 400 },
    );
  });

  it("zeros, signs, equal operands, powers of two, operands one bit apart", () => {
    expect(gcdBigInt(0n, 0n)).toBe(0n);
    expect(gcdBigInt(0n, -12n)).toBe(12n);
    expect(gcdBigInt(-18n, 0n)).toBe(18n);
    expect(gcdBigInt(-18n, -12n)).toBe(6n);
    for (const k of [1, 52, 53, 64, 200, 1100]) {
      const p = 1n << BigInt(k);
      expect(gcdBigInt(p, p)).toBe(p);
      expect(gcdBigInt(p, p * 3n)).toBe(p);
      expect(gcdBigInt(p - 1n, p)).toBe(1n);
      expect(gcdBigInt(p + 1n, p - 1n)).toBe(euclid(p + 1n, p - 1n));
      expect(gcdBigInt((p + 1n) * 7n, (p + 3n) * 7n)).toBe(euclid((p + 1n) * 7n, (p + 3n) * 7n));
    }
  });

  it("consecutive Fibonacci numbers (all quotients 1) and their multiples", () => {
    let [f0, f1] = [0n, 1n];
    for (let i = 0; i < 3000; i++) {
      [f0, f1] = [f1, f0 + f1];
      if (i % 97 === 0) {
        expect(gcdBigInt(f1, f0)).toBe(1n);
        expect(gcdBigInt(f1 * 1000003n, f0 * 1000003n)).toBe(1000003n);
        expect(gcdBigInt(f1 * f0, f0 * f0)).toBe(f0);
      }
    }
  });

  it("reducedFraction gives fraction.js's reduced value with a positive denominator", () => {
    fc.assert(
      fc.property(big(400), big(400).filter((d) => d !== 0n), (n, d) => {
        const r = reducedFraction(n, d);
        const g = euclid(n, d);
        expect(r.d).toBe((d < 0n ? -d : d) / g);
        expect(r.s * r.n).toBe(((d < 0n ? -n : n) / g));
      }),
      { seed: 133, numRuns: 300 },
    );
    expect(() => reducedFraction(1n, 0n)).toThrow(/zero denominator/);
  });
});

describe("bitLength and trailingZeros", () => {
  it("equal the binary text's length and trailing zeros, around every power of two up to 2^3100", () => {
    for (let k = 0; k <= 3100; k++) {
      const p = 1n << BigInt(k);
      for (const x of [p - 1n, p, p + 1n, p * 3n]) {
        if (x === 0n) {
          expect(bitLength(x)).toBe(0);
          continue;
        }
        const text = x.toString(2);
        expect(bitLength(x), `2^${k}`).toBe(text.length);
        expect(trailingZeros(x), `2^${k}`).toBe(text.length - 1 - text.lastIndexOf("1"));
        expect(trailingZeros(-x), `-2^${k}`).toBe(text.length - 1 - text.lastIndexOf("1"));
      }
    }
  });
});

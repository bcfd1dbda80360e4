// Rational parsing and printing: a table of inputs with hand-written expected fractions, and fast-check
// round trips (print then parse gives back the same value; the parser agrees with fraction.js on plain decimals).
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import Fraction from "fraction.js";
import {
  formatRational, parseRational, rationalFromJsonNumber, rationalToNumber, tryParseRational, rat, bitLength, bigRatioToNumber,
} from "../../src/exact/rational.js";

describe("exact/rational: parsing", () => {
  const table: [string, string][] = [
    ["0", "0"],
    ["-0", "0"],
    ["3", "3"],
    ["+7", "7"],
    ["0.1", "1/10"],
    ["-2.5e-3", "-1/400"],
    ["1E+2", "100"],
    ["1e-9", "1/1000000000"],
    [".5", "1/2"],
    ["5.", "5"],
    ["1/3", "1/3"],
    ["-7/2", "-7/2"],
    ["6/4", "3/2"],
    ["3/-6", "-1/2"],
    ["-3/-6", "1/2"],
    ["  42  ", "42"],
    ["5.40062e-02", "270031/5000000"],
    ["3.991125645861615", "798225129172323/200000000000000"],
  ];
  it.each(table)("%s is exactly %s", (text, expected) => {
    expect(formatRational(parseRational(text))).toBe(expected);
  });

  const bad = ["", "abc", "1/0", "NaN", "Infinity", "-inf", "1e", "e5", "1.2.3", "0x10", "1//2", "--1", "1e999999"];
  it.each(bad)("%j is refused", (text) => {
    expect(tryParseRational(text)).toBeUndefined();
    expect(() => parseRational(text)).toThrow(RangeError);
  });

  it("JSON numbers are their shortest decimal: 0.1 is 1/10, 1e-9 is 1/10^9 (fraction.js would give 0)", () => {
    expect(formatRational(rationalFromJsonNumber(0.1)!)).toBe("1/10");
    expect(formatRational(rationalFromJsonNumber(1e-9)!)).toBe("1/1000000000");
    expect(formatRational(rationalFromJsonNumber(-2.5)!)).toBe("-5/2");
    expect(formatRational(rationalFromJsonNumber(1e21)!)).toBe("1000000000000000000000");
    expect(rationalFromJsonNumber(NaN)).toBeUndefined();
    expect(rationalFromJsonNumber(Infinity)).toBeUndefined();
  });

  it("rat() reduces and rejects a zero denominator", () => {
    expect(formatRational(rat(4, -6))).toBe("-2/3");
    expect(() => rat(1, 0)).toThrow(RangeError);
  });
});

describe("exact/rational: properties", () => {
  const bigRational = fc
    .tuple(fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }), fc.bigInt({ min: 1n, max: 10n ** 30n }))
    .map(([n, d]) => new Fraction(n, d));

  it("format then parse is the identity, and the text is canonical (reduced, q > 1 or integer)", () => {
    fc.assert(
      fc.property(bigRational, (r) => {
        const text = formatRational(r);
        expect(parseRational(text).equals(r)).toBe(true);
        const m = /^(-?\d+)(?:\/(\d+))?$/.exec(text)!;
        expect(m).not.toBeNull();
        if (m[2] !== undefined) expect(BigInt(m[2]) > 1n).toBe(true);
      }),
    );
  });

  it("p/2^k and p/q (unreduced text) parse to fraction.js's own reduced object: the same s, n and d (the power-of-two path takes no gcd)", () => {
    const parts = fc.tuple(fc.bigInt({ min: -(10n ** 40n), max: 10n ** 40n }), fc.integer({ min: 0, max: 200 }), fc.bigInt({ min: 1n, max: 10n ** 12n }), fc.boolean());
    fc.assert(
      fc.property(parts, ([n, k, q, dyadic]) => {
        const den = dyadic ? 1n << BigInt(k) : q;
        const r = parseRational(`${n}/${den}`);
        const expected = new Fraction(n, den);
        expect([r.s, r.n, r.d]).toEqual([expected.s, expected.n, expected.d]);
        const neg = parseRational(`${n}/-${den}`);
        expect([neg.s, neg.n, neg.d]).toEqual([expected.neg().s, expected.neg().n, expected.neg().d]);
      }),
    );
    for (const [text, expected] of [["0/8", "0"], ["-0/4", "0"], ["12/8", "3/2"], ["-12/16", "-3/4"], ["1024/1024", "1"], ["-3/1", "-3"]] as const) {
      const r = parseRational(text);
      expect(formatRational(r)).toBe(expected);
      expect([r.s, r.n, r.d]).toEqual([new Fraction(expected).s, new Fraction(expected).n, new Fraction(expected).d]);
    }
  });

  it("JSON integers (read without their text, small ones shared) are fraction.js's integers", () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer({ min: -2000, max: 2000 }), fc.maxSafeInteger(), fc.constant(-0)), (v) => {
        const r = rationalFromJsonNumber(v)!;
        const expected = new Fraction(BigInt(v), 1n);
        expect([r.s, r.n, r.d]).toEqual([expected.s, expected.n, expected.d]);
      }),
    );
  });

  it("decimal text with an exponent equals digits × 10^exponent built by hand", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }), fc.integer({ min: -30, max: 30 }), (digits, exp) => {
        const expected = exp >= 0 ? new Fraction(digits * 10n ** BigInt(exp), 1n) : new Fraction(digits, 10n ** BigInt(-exp));
        expect(parseRational(`${digits}e${exp}`).equals(expected)).toBe(true);
      }),
    );
  });

  it("agrees with fraction.js's own parser on plain decimals", () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e9, max: 1e9 }), fc.integer({ min: 0, max: 999999 }), (i, f) => {
        const text = `${i}.${String(f).padStart(6, "0")}`;
        expect(parseRational(text).equals(new Fraction(text))).toBe(true);
      }),
    );
  });

  it("JSON numbers: parse(String(x)) converts back to the same double", () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        expect(rationalToNumber(rationalFromJsonNumber(x)!)).toBe(x === 0 ? 0 : x);
      }),
    );
  });

  it("rationalToNumber is correctly rounded: equals IEEE division n/d for integers below 2^53", () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), (n, d) => {
        expect(rationalToNumber(new Fraction(BigInt(n), BigInt(d)))).toBe(n / d);
      }),
    );
  });

  it("bigRatioToNumber does not overflow on huge numerators and denominators", () => {
    const big = 10n ** 400n;
    expect(bigRatioToNumber(3n * big, 2n * big)).toBeCloseTo(1.5, 12);
    expect(bitLength(1n)).toBe(1);
    expect(bitLength(255n)).toBe(8);
    expect(bitLength(256n)).toBe(9);
  });
});

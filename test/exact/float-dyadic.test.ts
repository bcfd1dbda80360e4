// Exact IEEE decoding and the dyadic fast path: 0.1 taken exactly is 3602879701896397/2^55 (a value anyone
// can check with Python's fractions.Fraction(0.1)); conversions round-trip to the same float; dyadic
// arithmetic agrees with fraction.js on random operations.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import Fraction from "fraction.js";
import { Dyadic } from "../../src/exact/dyadic.js";
import {
  dyadicFromFloat16Bits, dyadicFromFloat32, dyadicFromFloat32Bits, dyadicFromFloat64, rationalFromFloat64, rationalFromFloat32,
} from "../../src/exact/float.js";
import { formatRational, rationalToNumber } from "../../src/exact/rational.js";

describe("exact/float: IEEE bit patterns taken exactly", () => {
  it("float64 0.1 is 3602879701896397/36028797018963968", () => {
    expect(formatRational(rationalFromFloat64(0.1)!)).toBe("3602879701896397/36028797018963968");
  });
  it("float32 0.1 is 13421773/134217728 (Fraction(numpy.float32(0.1)))", () => {
    expect(formatRational(rationalFromFloat32(Math.fround(0.1))!)).toBe("13421773/134217728");
  });
  it("special values: ±0, subnormals, the largest double, NaN and infinities", () => {
    expect(formatRational(rationalFromFloat64(-0)!)).toBe("0");
    expect(formatRational(rationalFromFloat64(5e-324)!)).toBe(`1/${2n ** 1074n}`);
    expect(rationalFromFloat64(Number.MAX_VALUE)!.equals(new Fraction((2n ** 53n - 1n) * 2n ** 971n, 1n))).toBe(true);
    expect(rationalFromFloat64(NaN)).toBeUndefined();
    expect(rationalFromFloat64(-Infinity)).toBeUndefined();
    expect(dyadicFromFloat32Bits(0x7fc00000)).toBeUndefined();
    expect(() => dyadicFromFloat32(0.1)).toThrow(RangeError);
  });
  it("float16: 1.0, -2.0, the smallest subnormal 2^-24, 65504 and 0x3555 ≈ 1/3", () => {
    expect(dyadicFromFloat16Bits(0x3c00)!.toString()).toBe("1");
    expect(dyadicFromFloat16Bits(0xc000)!.toString()).toBe("-2");
    expect(dyadicFromFloat16Bits(0x0001)!.toString()).toBe(`1/${2 ** 24}`);
    expect(dyadicFromFloat16Bits(0x7bff)!.toString()).toBe("65504");
    expect(dyadicFromFloat16Bits(0x3555)!.toString()).toBe("1365/4096"); // 0x155 = 341, (1024+341)/4096
    expect(dyadicFromFloat16Bits(0x7c00)).toBeUndefined();
  });
  it("float64 → exact → float64 is the identity", () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        const d = dyadicFromFloat64(x)!;
        expect(d.toNumber()).toBe(x === 0 ? 0 : x);
        expect(rationalToNumber(d.toRational())).toBe(x === 0 ? 0 : x);
      }),
    );
  });
  it("float32 bits → exact → float32 is the identity", () => {
    fc.assert(
      fc.property(fc.float({ noNaN: true, noDefaultInfinity: true }), (x) => {
        const d = dyadicFromFloat32(x)!;
        expect(Math.fround(d.toNumber())).toBe(x === 0 ? 0 : x);
      }),
    );
  });
});

describe("exact/dyadic: agrees with fraction.js", () => {
  const dyadic = fc.tuple(fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }), fc.integer({ min: -80, max: 80 })).map(([m, e]) => Dyadic.of(m, e));
  const ops = ["add", "sub", "mul"] as const;

  it("random add/sub/mul/neg/compare give the same rational", () => {
    fc.assert(
      fc.property(dyadic, dyadic, fc.constantFrom(...ops), (a, b, op) => {
        const exact = a.toRational()[op](b.toRational());
        expect(a[op](b).toRational().equals(exact)).toBe(true);
        expect(a.neg().toRational().equals(a.toRational().neg())).toBe(true);
        expect(a.compare(b)).toBe(Math.sign(a.toRational().compare(b.toRational())));
      }),
    );
  });

  it("canonical form: odd mantissa, so equal values are structurally equal", () => {
    fc.assert(
      fc.property(dyadic, (a) => {
        expect(a.m === 0n ? a.e === 0 : (a.m & 1n) === 1n).toBe(true);
        const back = Dyadic.fromRational(a.toRational())!;
        expect(back.equals(a)).toBe(true);
      }),
    );
  });

  it("a chain of 200 random operations stays equal to fraction.js's result", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(dyadic, fc.constantFrom(...ops)), { minLength: 1, maxLength: 200 }), (steps) => {
        let d = Dyadic.of(1n);
        let f = new Fraction(1n);
        for (const [x, op] of steps) {
          d = d[op](x);
          f = f[op](x.toRational());
        }
        expect(d.toRational().equals(f)).toBe(true);
      }),
      { numRuns: 50 },
    );
  });

  it("non-dyadic rationals are refused; toNumber never overflows in intermediate steps", () => {
    expect(Dyadic.fromRational(new Fraction(1n, 3n))).toBeUndefined();
    expect(Dyadic.of(3n, -1).toString()).toBe("3/2");
    expect(Dyadic.of(3n ** 200n, -400).toNumber()).toBeCloseTo(Number(3n ** 200n) / 2 ** 400, 0);
    expect(Dyadic.of(8n, 0).equals(Dyadic.of(1n, 3))).toBe(true);
  });
});

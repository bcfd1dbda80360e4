// Float weights in fixed point (exact/fixed-point.ts, `fixedFromFloats` and `fixedTimesDyadics`): W·x + c equals
// the same product in rationals, each float taken as its exact binary value, for any float64s (zeros, −0,
// subnormals, 2^±500, mixed signs) and any dyadic x and c.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Dyadic } from "../../src/exact/dyadic.js";
import { fixedFromFloats, fixedTimesDyadics } from "../../src/exact/fixed-point.js";
import { dyadicFromFloat64, rationalFromFloat64 } from "../../src/exact/float.js";
import { ZERO } from "../../src/exact/rational.js";

const finite = fc.oneof(
  { arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }), weight: 6 },
  { arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e-300, max: 1e-300 }), weight: 1 },
  { arbitrary: fc.constantFrom(0, -0, 5e-324, -2.5e-320, 2 ** 200, -(2 ** -200), 0.1, 1 / 3), weight: 2 },
);
const dyadic = fc.tuple(fc.bigInt({ min: -(1n << 70n), max: 1n << 70n }), fc.integer({ min: -200, max: 200 })).map(([m, e]) => Dyadic.of(m, e));

describe("float matrices in fixed point", () => {
  it("W·x + c equals the rational product of the floats' exact values", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 5 }), fc.array(finite, { minLength: 20, maxLength: 20 }), fc.array(dyadic, { minLength: 5, maxLength: 5 }), fc.array(dyadic, { minLength: 4, maxLength: 4 }), (rows, cols, values, xs, cs) => {
        const W = Float64Array.from(values.slice(0, rows * cols));
        const x = xs.slice(0, cols);
        const c = cs.slice(0, rows);
        const fixed = fixedFromFloats(W, rows, cols);
        // A fixed form exists exactly when every |w| over the lowest bit of all weights is below 2^1024 (a float).
        const dyadics = Array.from(W, (w) => dyadicFromFloat64(w)!).filter((d) => d.m !== 0n);
        const lowest = Math.min(...dyadics.map((d) => d.e));
        const fits = dyadics.every((d) => (d.m < 0n ? -d.m : d.m).toString(2).length + d.e - lowest <= 1024);
        if (!fixed) return !fits;
        const got = fixedTimesDyadics(fixed, x, c);
        for (let r = 0; r < rows; r++) {
          let want = c[r]!.toRational();
          for (let k = 0; k < cols; k++) want = want.add(rationalFromFloat64(W[r * cols + k]!)!.mul(x[k]!.toRational()));
          if (!got[r]!.toRational().equals(want)) return false;
        }
        return true;
      }),
      { numRuns: 300 },
    );
  });

  it("exponents too far apart for one scaling give no fixed form (callers then take Dyadics per weight)", () => {
    expect(fixedFromFloats(Float64Array.from([2 ** 600, 2 ** -600]), 1, 2)).toBeUndefined();
    expect(fixedFromFloats(Float64Array.from([1e300, 5e-324]), 1, 2)).toBeUndefined();
    expect(fixedFromFloats(Float64Array.from([2 ** 1000]), 1, 1)).toBeDefined();
  });

  it("the usual weights (within 2^±60 of each other) always have a fixed form; an all-zero matrix gives c", () => {
    const W = Float64Array.from([0.1, -3.5e-8, 2 ** 40, 0, -0]);
    expect(fixedFromFloats(W, 1, 5)).toBeDefined();
    const zero = fixedFromFloats(new Float64Array(4), 2, 2)!;
    const c = [Dyadic.of(3n, -1), Dyadic.ZERO];
    expect(fixedTimesDyadics(zero, [Dyadic.ONE, Dyadic.of(5n)], c).map((d) => d.toRational().toFraction())).toEqual(["3/2", ZERO.toFraction()]);
  });
});

// The human-output formatter: short rationals print exactly; long ones as a correctly rounded decimal beside a
// shortened exact value. Expected strings are worked out by hand in the comments; the property test checks the
// rounding against its definition (|x − shown| ≤ half a unit in the last shown digit), in exact rationals.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Rational, parseRational, sign } from "../../src/exact/rational.js";
import { decimalApproximation, formatReadable, sqrtApproximation } from "../../src/exact/readable.js";

const q = (n: bigint, d: bigint = 1n) => new Rational(n, d);
const TEN = 10n;

describe("decimalApproximation, by hand", () => {
  it("1/3 to 30 digits: thirty threes after the point", () => {
    expect(decimalApproximation(q(1n, 3n), 30)).toBe("0." + "3".repeat(30));
  });
  it("2/3 to 30 digits rounds the last 6 up", () => {
    expect(decimalApproximation(q(2n, 3n), 30)).toBe("0." + "6".repeat(29) + "7");
  });
  it("10^400 and -10^-400 stay beyond float range (never Infinity or 0)", () => {
    expect(decimalApproximation(q(TEN ** 400n))).toBe("1.0e+400");
    expect(decimalApproximation(q(-1n, TEN ** 400n))).toBe("-1.0e-400");
    // (2/3)·10^-400 = 6.666…·10^-401 → 6.6667e-401
    expect(decimalApproximation(q(2n, 3n * TEN ** 400n))).toBe("6.6667e-401");
  });
  it("ties round away from zero, exactly at the boundary", () => {
    // 0.000125 to 2 digits is a tie: 0.00013; one billionth below it rounds down.
    expect(decimalApproximation(q(125n, TEN ** 6n), 2)).toBe("0.00013");
    expect(decimalApproximation(q(124999n, TEN ** 9n), 2)).toBe("0.00012");
    expect(decimalApproximation(q(-125n, TEN ** 6n), 2)).toBe("-0.00013");
  });
  it("rounding up can carry into a new digit", () => {
    // 99999.5 to 5 digits is 100000 (not 99999 or 1.0000e+5 with a wrong exponent)
    expect(decimalApproximation(q(199999n, 2n))).toBe("100000");
    // 9.99995·10^400 to 5 digits is 1.0·10^401
    expect(decimalApproximation(q(999995n * TEN ** 395n))).toBe("1.0e+401");
  });
  it("plain decimals between 10^-4 and 10^6, scientific outside", () => {
    expect(decimalApproximation(q(-203120n, TEN ** 7n))).toBe("-0.020312");
    expect(decimalApproximation(q(123456n))).toBe("123460");
    expect(decimalApproximation(q(1234567n))).toBe("1.2346e+6");
    expect(decimalApproximation(q(1n, TEN ** 5n))).toBe("1.0e-5");
    expect(decimalApproximation(q(0n))).toBe("0");
  });
});

describe("formatReadable", () => {
  it("short values print exactly", () => {
    expect(formatReadable(q(49n, 20n))).toBe("49/20");
    expect(formatReadable(q(TEN ** 19n, 3n))).toBe(`${TEN ** 19n}/3`);
  });
  it("a 41-digit numerator over a 42-digit denominator: ≈ -0.02, both shortened, 83 digits", () => {
    // (10^40 + 7) / (5·10^41 + 3) ≈ 0.02 (the error is about 10^-42)
    const x = q(-(TEN ** 40n + 7n), 5n * TEN ** 41n + 3n);
    expect(formatReadable(x)).toBe("≈ -0.02 (exact: -1000…/5000…, 83 digits)");
    expect(formatReadable(x, true)).toBe(`-${TEN ** 40n + 7n}/${5n * TEN ** 41n + 3n}`);
  });
  it("a long integer keeps no denominator; a long denominator alone is shortened alone", () => {
    expect(formatReadable(q(TEN ** 400n))).toBe("≈ 1.0e+400 (exact: 1000…, 401 digits)");
    // 3^50 = 717897987691852588770249 (24 digits); 7/7.17898 = 0.975069…
    expect(formatReadable(q(7n, 3n ** 50n))).toBe(`≈ 9.7507e-24 (exact: 7/7178…, 25 digits)`);
  });
});

describe("sqrtApproximation", () => {
  it("√2, √(9/16), √(10^800), √(2·10^-800), by hand", () => {
    expect(sqrtApproximation(q(2n))).toBe("1.4142"); // 1.41421356…
    expect(sqrtApproximation(q(9n, 16n))).toBe("0.75");
    expect(sqrtApproximation(q(TEN ** 800n))).toBe("1.0e+400");
    expect(sqrtApproximation(q(2n, TEN ** 800n))).toBe("1.4142e-400");
    expect(sqrtApproximation(q(0n))).toBe("0");
  });
});

describe("the approximation is correctly rounded (property)", () => {
  const big = fc.bigInt({ min: -(10n ** 120n), max: 10n ** 120n }).filter((n) => n !== 0n);
  const positive = fc.bigInt({ min: 1n, max: 10n ** 120n });
  it("|x − shown| ≤ half a unit in the last of `digits` significant digits", () => {
    fc.assert(
      fc.property(big, positive, fc.integer({ min: 1, max: 25 }), (n, d, digits) => {
        const x = q(n, d);
        const text = decimalApproximation(x, digits);
        const shown = parseRational(text);
        // The exponent of the shown value's leading digit, from its text.
        const [mantissa, exp] = text.replace("-", "").split("e");
        const lead = Number(exp ?? 0) + (mantissa!.includes(".") && mantissa!.startsWith("0.") ? -(mantissa!.slice(2).search(/[1-9]/) + 1) : mantissa!.split(".")[0]!.length - 1) * (exp ? 0 : 1);
        const unit = lead - digits + 1;
        const half = unit >= 0 ? q(5n * 10n ** BigInt(unit), 10n) : q(5n, 10n ** BigInt(-unit + 1));
        const error = x.sub(shown);
        return error.abs().compare(half) <= 0 && sign(shown) === sign(x);
      }),
      { numRuns: 300 },
    );
  });
});

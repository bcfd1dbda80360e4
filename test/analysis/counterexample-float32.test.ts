// Counterexamples as VNN-COMP checks them: when a proposal's float32 rounding is an exact counterexample that the
// float32 replay confirms, that point is returned (not the float64 proposal); when the float32 rounding leaves the
// unsafe set, the exact float64 counterexample stands and its replay says it does not agree. Hand-built cases on
// y = x over [0, 1] (expected values from the float formats, worked out below).
import { describe, expect, it } from "vitest";
import { rat } from "../../src/exact/rational.js";
import { sequential } from "../../src/network/build.js";
import { checkCandidate } from "../../src/analysis/counterexample.js";
import type { VerificationProblem } from "../../src/analysis/problem.js";

const identity = sequential(1, [{ weights: [[rat(1)]], bias: [rat(0)] }], { kind: "relu" });
/** Unsafe: x in [0, 1] with y ≥ t, written −y ≤ −t. */
const atLeast = (t: ReturnType<typeof rat>): VerificationProblem => ({ inputSize: 1, outputSize: 1, boxes: [{ lo: [rat(0)], hi: [rat(1)] }], disjuncts: [[{ a: [rat(-1)], b: t.neg() }]] });

describe("float32-agreeing counterexamples are preferred", () => {
  it("the proposal 1/2 + 2^-40 becomes 1/2, its float32 rounding, which violates y ≥ 1/3 exactly and in float32", () => {
    // float32 keeps 24 significant bits: 1/2 + 2^-40 rounds to 1/2 (the float64 proposal keeps the 2^-40).
    const cx = checkCandidate(identity, atLeast(rat(1, 3)), 0, [0.5 + 2 ** -40])!;
    expect(cx.input[0]!.equals(rat(1, 2))).toBe(true);
    expect(cx.output[0]!.equals(rat(1, 2))).toBe(true);
    expect(cx.float32).toMatchObject({ input: [0.5], output: [0.5], violates: true });
  });

  it("when float32 rounding leaves the unsafe set, the exact float64 counterexample stands (float32 does not agree)", () => {
    // float64(0.7) = 3152519739159347·2^-52 < 7/10, so the smallest float64 ≥ 7/10 is 3152519739159348·2^-52;
    // float32(0.7) = 11744051·2^-24 = 0.699999988… < 7/10. So the proposal violates y ≥ 7/10 exactly, its float32
    // rounding does not.
    const above = 3152519739159348 / 2 ** 52;
    const cx = checkCandidate(identity, atLeast(rat(7, 10)), 0, [above])!;
    expect(cx.input[0]!.equals(rat(3152519739159348n, 1n << 52n))).toBe(true);
    expect(cx.float32.input).toEqual([11744051 / 2 ** 24]);
    expect(cx.float32.violates).toBe(false);
  });

  it("a proposal that is a float32 already is used as it is", () => {
    const cx = checkCandidate(identity, atLeast(rat(1, 3)), 0, [0.75])!;
    expect(cx.input[0]!.equals(rat(3, 4))).toBe(true);
    expect(cx.float32.violates).toBe(true);
  });
});

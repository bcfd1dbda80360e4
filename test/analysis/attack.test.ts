// The PGD attack of verify's first step (counterexample.ts, `attack`): from the centre of the box it reaches an unsafe
// corner that random points practically never hit, on the nearest of several unsafe disjuncts, and its answer is an
// exact counterexample (re-checked here with a plain rational forward pass).
import { describe, expect, it } from "vitest";
import { ONE, ZERO, rat, type Rational } from "../../src/exact/rational.js";
import { sequential } from "../../src/network/build.js";
import { evaluate } from "../../src/network/evaluate.js";
import { floatNet } from "../../src/analysis/float-net.js";
import { attack, floatConjunction, sampleBox, type SearchContext } from "../../src/analysis/counterexample.js";
import type { VerificationProblem } from "../../src/analysis/problem.js";

const D = 50;
const identity = Array.from({ length: D }, (_, r) => Array.from({ length: D }, (_, c) => (r === c ? ONE : ZERO)));
const ones = new Array<Rational>(D).fill(ONE);
/** y0 = y1 = Σ relu(x_i); on [0, 1]^50 that is Σ x_i. */
const net = sequential(D, [
  { weights: identity, bias: new Array<Rational>(D).fill(ZERO) },
  { weights: [ones, ones], bias: [ZERO, ZERO] },
]);
/** Unsafe: y0 ≥ 60 (impossible: y0 ≤ 50) or y1 ≥ 199/4, i.e. Σ x_i ≥ 49.75 (a corner of volume 0.25^50/50!). */
const problem: VerificationProblem = {
  inputSize: D,
  outputSize: 2,
  boxes: [{ lo: new Array<Rational>(D).fill(ZERO), hi: new Array<Rational>(D).fill(ONE) }],
  disjuncts: [[{ a: [rat(-1), ZERO], b: rat(-60) }], [{ a: [ZERO, rat(-1)], b: rat(-199, 4) }]],
};
const fn = floatNet(net);
const contexts: SearchContext[] = problem.disjuncts.map((conj) => ({ net, fn, problem, boxIndex: 0, conjunction: floatConjunction(conj) }));
const lo = new Float64Array(D);
const hi = new Float64Array(D).fill(1);

describe("PGD attack", () => {
  it("reaches the unsafe corner Σ x ≥ 49.75 of [0,1]^50 from the centre, on the disjunct that can be violated", () => {
    const cx = attack(contexts, lo, hi, new Float64Array(D).fill(0.5));
    expect(cx).toBeDefined();
    expect(cx!.disjunct).toBe(1);
    // Independent check: the input is in the box and Σ relu(x_i) ≥ 199/4 in rationals.
    expect(cx!.input.every((x) => x.compare(0) >= 0 && x.compare(1) <= 0)).toBe(true);
    const y = evaluate(net, cx!.input).output;
    expect(y[1]!.compare(rat(199, 4))).toBeGreaterThanOrEqual(0);
    expect(y.map((v) => v.toFraction())).toEqual(cx!.output.map((v) => v.toFraction()));
  });

  it("random points alone do not find it (so the attack is what finds it)", () => {
    const sample = sampleBox(contexts, lo, hi);
    expect("input" in sample).toBe(false);
  });

  it("a box with no unsafe point gives no counterexample", () => {
    const safe = contexts.slice(0, 1);
    expect(attack(safe, lo, hi, new Float64Array(D).fill(0.5))).toBeUndefined();
  });
});

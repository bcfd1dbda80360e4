// Exact evaluation: the seed network by hand, every activation at values computed by hand, ties at
// breakpoints, DAG layers (add, concat), and the dyadic path agreeing with the rational path.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { readFileSync } from "node:fs";
import { formatRational, parseRational, rat, type Rational } from "../../src/exact/rational.js";
import { Dyadic } from "../../src/exact/dyadic.js";
import { NetworkBuilder, sequential } from "../../src/network/build.js";
import { evaluate, evaluateDyadic, evaluateIn, formatPattern, isDyadicNetwork, parsePattern } from "../../src/network/evaluate.js";
import { RationalField } from "../../src/exact/field.js";
import type { ActivationSpec } from "../../src/network/ir.js";
import { pwlProblem } from "../../src/network/activation.js";
import { readNetworkJson } from "../../src/formats/network-json.js";
import { projectFile } from "../project.js";

const q = (text: string): Rational => parseRational(text);
/** A dyadic m/2^e with |m| ≤ 64, e ≤ 6, and n of them. */
const DYADIC = fc.tuple(fc.integer({ min: -64, max: 64 }), fc.integer({ min: 0, max: 6 })).map(([m, e]) => rat(m, 2 ** e));
const dyadics = (n: number): fc.Arbitrary<Rational[]> => fc.array(DYADIC, { minLength: n, maxLength: n });
const qs = (...texts: string[]): Rational[] => texts.map(q);

function oneNeuron(activation: ActivationSpec) {
  const b = new NetworkBuilder(1);
  b.activation(activation);
  return b.build();
}

describe("network/evaluate", () => {
  it("the seed network at (3, 1/2) is 49/20 with pattern 101", () => {
    const net = readNetworkJson(readFileSync(projectFile("fixtures/seed-three-neurons.json"), "utf8"), "seed");
    // By hand: pre-activations 3-1 = 2, -3+1/2+1 = -3/2, 6+1/2-2 = 9/2 → relu 2, 0, 9/2;
    // output 2 + (1/3)·0 + (1/10)·(9/2) = 2 + 9/20 = 49/20.
    const r = evaluate(net, qs("3", "1/2"));
    expect(r.output.map(formatRational)).toEqual(["49/20"]);
    expect(formatPattern(r.pattern)).toBe("101");
    expect(r.ties).toEqual([]);
  });

  it("a pre-activation exactly at 0 takes the inactive piece and is a tie", () => {
    const net = readNetworkJson(readFileSync(projectFile("fixtures/seed-three-neurons.json"), "utf8"), "seed");
    // x = (2, 1): neuron 0: 2 - 2 = 0 (tie), neuron 1: -2+1+1 = 0 (tie), neuron 2: 4+1-2 = 3.
    const r = evaluate(net, qs("2", "1"));
    expect(formatPattern(r.pattern)).toBe("001");
    expect(r.ties).toEqual([{ layer: 0, neuron: 0 }, { layer: 0, neuron: 1 }]);
    expect(r.output.map(formatRational)).toEqual(["3/10"]);
  });

  const cases: [string, ActivationSpec, string, string, string][] = [
    ["leaky_relu 0.01 at -1/3", { kind: "leaky_relu", alpha: q("0.01") }, "-1/3", "-1/300", "0"],
    ["leaky_relu 0.01 at 5", { kind: "leaky_relu", alpha: q("0.01") }, "5", "5", "1"],
    ["relu at -2", { kind: "relu" }, "-2", "0", "0"],
    ["relu at 7/3", { kind: "relu" }, "7/3", "7/3", "1"],
    ["prelu 1/4 at -8", { kind: "prelu", alpha: qs("1/4") }, "-8", "-2", "0"],
    ["hardtanh at -3", { kind: "hardtanh", min: q("-1"), max: q("1") }, "-3", "-1", "0"],
    ["hardtanh at 1/2", { kind: "hardtanh", min: q("-1"), max: q("1") }, "1/2", "1/2", "1"],
    ["hardtanh at 9", { kind: "hardtanh", min: q("-1"), max: q("1") }, "9", "1", "2"],
    ["relu6 at 13/2", { kind: "relu6" }, "13/2", "6", "2"],
    ["relu6 at 6 (tie: lower piece)", { kind: "relu6" }, "6", "6", "1"],
    ["clip [-2, 3/2] at 1", { kind: "clip", min: q("-2"), max: q("3/2") }, "1", "1", "1"],
    ["abs at -5/7", { kind: "abs" }, "-5/7", "5/7", "0"],
    [
      "pwl (-∞,0]: 0 · (0,1]: 2z · (1,∞): z+1 at 3",
      { kind: "pwl", pwl: { breakpoints: qs("0", "1"), slopes: qs("0", "2", "1"), intercepts: qs("0", "0", "1") } },
      "3", "4", "2",
    ],
  ];
  it.each(cases)("%s", (_label, activation, x, y, piece) => {
    const r = evaluate(oneNeuron(activation), [q(x)]);
    expect(formatRational(r.output[0]!)).toBe(y);
    expect(formatPattern(r.pattern)).toBe(piece);
  });

  it("prelu has one slope per neuron", () => {
    const b = new NetworkBuilder(3);
    b.activation({ kind: "prelu", alpha: qs("1/2", "1/3", "1/4") });
    const r = evaluate(b.build(), qs("-1", "-1", "-1"));
    expect(r.output.map(formatRational)).toEqual(["-1/2", "-1/3", "-1/4"]);
  });

  it("residual add and concat: y = [relu(x) + x, x]", () => {
    const b = new NetworkBuilder(2);
    const r1 = b.activation({ kind: "relu" }, 0);
    const s = b.add([r1, 0]);
    b.concat([s, 0]);
    const r = evaluate(b.build(), qs("-3", "5/2"));
    // relu(-3) + -3 = -3, relu(5/2) + 5/2 = 5; then the input again.
    expect(r.output.map(formatRational)).toEqual(["-3", "5", "-3", "5/2"]);
  });

  it("pwl validation: sorted breakpoints, piece counts, continuity", () => {
    expect(pwlProblem({ breakpoints: qs("0"), slopes: qs("0", "1"), intercepts: qs("0", "0") })).toBeUndefined();
    expect(pwlProblem({ breakpoints: qs("1", "0"), slopes: qs("0", "1", "0"), intercepts: qs("0", "0", "0") })).toMatch(/strictly increasing/);
    expect(pwlProblem({ breakpoints: qs("0"), slopes: qs("0"), intercepts: qs("0", "0") })).toMatch(/2 slopes/);
    expect(pwlProblem({ breakpoints: qs("0"), slopes: qs("0", "1"), intercepts: qs("0", "1") })).toMatch(/not continuous/);
  });

  it("patterns print and parse back", () => {
    expect(parsePattern("101|0a2")).toEqual([[1, 0, 1], [0, 10, 2]]);
    expect(formatPattern([[1, 0, 1], [0, 10, 2]])).toBe("101|0a2");
  });

  it("the dyadic path gives the same output and pattern as the rational path on dyadic networks", () => {
    fc.assert(
      fc.property(dyadics(6), dyadics(3), dyadics(3), dyadics(2), (w1, b1, w2, x) => {
        const net = sequential(2, [
          { weights: [w1.slice(0, 2), w1.slice(2, 4), w1.slice(4, 6)], bias: b1 },
          { weights: [w2], bias: [rat(0)] },
        ]);
        expect(isDyadicNetwork(net)).toBe(true);
        const exact = evaluate(net, x);
        const fast = evaluateDyadic(net, x.map((v) => Dyadic.fromRational(v)!));
        expect(fast.output[0]!.toRational().equals(exact.output[0]!)).toBe(true);
        expect(fast.pattern).toEqual(exact.pattern);
      }),
    );
    expect(isDyadicNetwork(sequential(1, [{ weights: [[rat(1, 3)]], bias: [rat(0)] }]))).toBe(false);
  });

  it("evaluate at rational points of dyadic networks (scaled dyadic pass) equals a plain rational pass: values, pattern, ties", () => {
    // The reference is evaluateIn over RationalField, operation by operation; evaluate runs D·f(X/D) in dyadics.
    // Inputs with any denominator (3, 7, 10, 2^k·5, up to 10^6), often exactly 0 or a small integer (ties at breakpoints).
    const input = fc.oneof(fc.tuple(fc.integer({ min: -3000, max: 3000 }), fc.integer({ min: 1, max: 1_000_000 })).map(([n, d]) => rat(n, d)), fc.integer({ min: -2, max: 2 }).map((n) => rat(n)));
    // Continuous by hand: z/4 + 3/8 and 2z + 5/4 are both 1/4 at -1/2; 2z + 5/4 and -z + 7/2 are both 11/4 at 3/4.
    const PWL = { breakpoints: [rat(-1, 2), rat(3, 4)], slopes: [rat(1, 4), rat(2), rat(-1)], intercepts: [rat(3, 8), rat(5, 4), rat(7, 2)] };
    expect(pwlProblem(PWL)).toBeUndefined();
    const activation: fc.Arbitrary<ActivationSpec> = fc.constantFrom<ActivationSpec>(
      { kind: "relu" },
      { kind: "leaky_relu", alpha: rat(1, 8) },
      { kind: "hardtanh", min: rat(-1), max: rat(1) },
      { kind: "relu6" },
      { kind: "abs" },
      { kind: "pwl", pwl: PWL },
    );
    fc.assert(
      fc.property(dyadics(9), dyadics(3), dyadics(6), dyadics(2), fc.array(input, { minLength: 3, maxLength: 3 }), activation, (w1, b1, w2, b2, x, act) => {
        const net = sequential(3, [
          { weights: [w1.slice(0, 3), w1.slice(3, 6), w1.slice(6, 9)], bias: b1 },
          { weights: [w2.slice(0, 3), w2.slice(3, 6)], bias: b2 },
        ], act);
        expect(isDyadicNetwork(net)).toBe(true);
        const reference = evaluateIn(RationalField, net, x);
        const got = evaluate(net, x);
        const text = (values: Rational[][]) => values.map((node) => node.map(formatRational));
        expect(text(got.values)).toEqual(text(reference.values));
        expect(got.output.map(formatRational)).toEqual(reference.output.map(formatRational));
        expect(got.pattern).toEqual(reference.pattern);
        expect(got.ties).toEqual(reference.ties);
      }),
      { numRuns: 300 },
    );
  });
});

// Test helpers for the region engine: a seeded RNG (seeds are printed by the tests that use them), random
// rational weights, small network builders and exact brute-force oracles written independently of src/regions.
import fc from "fast-check";
import { Rational, rat } from "../../src/exact/rational.js";
import type { DomainSpec } from "../../src/geometry/types.js";
import { sequential } from "../../src/network/build.js";
import type { ActivationSpec, Network } from "../../src/network/ir.js";

/** A random rational p/q with |p| ≤ maxNum, 1 ≤ q ≤ maxDen. */
export function randomRational(next: () => number, maxNum = 1000, maxDen = 97): Rational {
  const p = Math.floor(next() * (2 * maxNum + 1)) - maxNum;
  const q = 1 + Math.floor(next() * maxDen);
  return rat(p, q);
}

export function randomMatrix(next: () => number, rows: number, cols: number): Rational[][] {
  return Array.from({ length: rows }, () => Array.from({ length: cols }, () => randomRational(next)));
}

/** One hidden layer d → m → 1 with the given weights and biases (and a random output row). */
export function oneLayer(next: () => number, W: Rational[][], bias: Rational[], activation: ActivationSpec = { kind: "relu" }): Network {
  const m = W.length;
  return sequential(W[0]!.length, [{ weights: W, bias }, { weights: [Array.from({ length: m }, () => randomRational(next))], bias: [rat(0)] }], activation);
}

/** A random MLP with these widths (input first, output last). */
export function randomMlp(next: () => number, widths: readonly number[], activation: ActivationSpec = { kind: "relu" }): Network {
  const layers = widths.slice(1).map((out, i) => ({ weights: randomMatrix(next, out, widths[i]!), bias: Array.from({ length: out }, () => randomRational(next)) }));
  return sequential(widths[0]!, layers, activation);
}

/**
 * Telgarsky's sawtooth on [0,1]: the tent map t(x) = 2·relu(x) − 4·relu(x − 1/2) composed `layers` times,
 * 2 ReLUs a layer; t^L has 2^L linear pieces on [0,1] (breakpoints at k/2^L), so 2^L regions.
 */
export function sawtoothNet(layers: number): Network {
  const tent = (inputs: Rational[][]): { weights: Rational[][]; bias: Rational[] } => ({ weights: inputs, bias: [rat(0), rat(-1, 2)] });
  const fold = [rat(2), rat(-4)];
  const hidden = Array.from({ length: layers }, (_, l) => tent(l === 0 ? [[rat(1)], [rat(1)]] : [fold, fold]));
  return sequential(1, [...hidden, { weights: [fold], bias: [rat(0)] }], { kind: "relu" });
}

export function binomial(n: number, k: number): number {
  if (k < 0 || k > n) return 0;
  let r = 1;
  for (let i = 0; i < k; i++) r = (r * (n - i)) / (i + 1);
  return Math.round(r);
}

/** A 2-5-3-1 ReLU net with small integer weights (33 regions on [-2,2]^2): tessera network JSON text. */
export const TWO_LAYER_NET_JSON = JSON.stringify({ format: "tessera-network", version: 1, inputs: 2, layers: [
  { type: "dense", weights: [["1", "2"], ["-1", "1"], ["3", "-1"], ["1", "1"], ["2", "-3"]], bias: ["1/2", "0", "-1", "1/3", "1/5"] },
  { type: "relu" },
  { type: "dense", weights: [["1", "-1", "2", "1", "-1"], ["1", "1", "1", "-2", "1"], ["-1", "2", "1", "1", "1"]], bias: ["0", "1", "-1/2"] },
  { type: "relu" },
  { type: "dense", weights: [["1", "2", "-1"]], bias: ["0"] },
] });

/** A random net with its domain, and a line describing it for failure messages. */
export interface NetCase {
  readonly net: Network;
  readonly domain: DomainSpec | undefined;
  readonly text: string;
}

/** Rows of small integers: zeros and repeats are common, so degenerate arrangements are the usual case. */
const row = (width: number): fc.Arbitrary<number[]> => fc.array(fc.integer({ min: -2, max: 2 }), { minLength: width, maxLength: width });

function layer(inputs: number, narrowest: number, widest: number): fc.Arbitrary<{ weights: number[][]; bias: number[] }> {
  return fc.integer({ min: narrowest, max: widest }).chain((outputs) =>
    fc.record({
      // A row may repeat the one before it (a neuron twice), or be its double (the same hyperplane).
      weights: fc.array(fc.tuple(row(inputs), fc.constantFrom("own", "repeat", "double")), { minLength: outputs, maxLength: outputs }).map((rows) =>
        rows.map(([own, how], i) => (i === 0 || how === "own" ? own : how === "repeat" ? [...rows[i - 1]![0]] : rows[i - 1]![0].map((v) => 2 * v))),
      ),
      bias: fc.array(fc.integer({ min: -2, max: 2 }), { minLength: outputs, maxLength: outputs }),
    }),
  );
}

/**
 * Small random ReLU nets d → (3..7) → (1..5) → 1, d = 1..3, over [-r,r]^d (r = 1..3) or all of R^d, with integer
 * weights in [-2,2]: degenerate arrangements (zero rows, repeated and parallel rows, hyperplanes through one
 * point) are the usual case, not the exception.
 */
export const degenerateNetCase: fc.Arbitrary<NetCase> = fc
  .record({ inputs: fc.integer({ min: 1, max: 3 }), radius: fc.constantFrom(1, 2, 3, 0) })
  .chain(({ inputs, radius }) =>
    layer(inputs, 3, 7).chain((first) =>
      layer(first.weights.length, 1, 5).map((second) => {
        const out = { weights: [second.weights.map((_, i) => (i % 2 === 0 ? 1 : -1))], bias: [0] };
        const toRat = (l: { weights: number[][]; bias: number[] }) => ({ weights: l.weights.map((r) => r.map((v) => rat(v))), bias: l.bias.map((v) => rat(v)) });
        const net = sequential(inputs, [toRat(first), toRat(second), toRat(out)]);
        // radius 0: all of R^d (unbounded regions).
        const domain: DomainSpec | undefined = radius === 0 ? undefined : { kind: "box", lo: new Array<Rational>(inputs).fill(rat(-radius)), hi: new Array<Rational>(inputs).fill(rat(radius)) };
        return { net, domain, text: `${inputs} inputs, layers ${JSON.stringify(first)} ${JSON.stringify(second)}, ${radius === 0 ? "R^d" : `box [-${radius},${radius}]^d`}` };
      }),
    ),
  );

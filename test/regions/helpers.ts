// Test helpers for the region engine: a seeded RNG (seeds are printed by the tests that use them), random
// rational weights, small network builders and exact brute-force oracles written independently of src/regions.
import { Rational, rat } from "../../src/exact/rational.js";
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

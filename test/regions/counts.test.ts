// Region counts against independent oracles: Zaslavsky's formula for hyperplane arrangements in general
// position (affine and central), invariance under repeated/opposite/scaled hyperplanes and dead neurons,
// the seed network, and a 1-D brute-force interval split written here, separately from src/regions.
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { ONE, ZERO, rat, type Rational } from "../../src/exact/rational.js";
import { readNetworkJson } from "../../src/formats/network-json.js";
import { neuronFunction } from "../../src/network/activation.js";
import { evaluate, formatPattern } from "../../src/network/evaluate.js";
import type { ActivationSpec, Network } from "../../src/network/ir.js";
import { activationNodeIds } from "../../src/network/ir.js";
import { sequential } from "../../src/network/build.js";
import { collectRegions, enumerateRegions } from "../../src/regions/enumerate.js";
import { binomial, oneLayer, randomMatrix, randomMlp, randomRational } from "./helpers.js";
import { seededRandom } from "../../src/exact/random.js";
import { projectFile } from "../project.js";

async function count(net: Network, domain?: Parameters<typeof enumerateRegions>[1]): Promise<number> {
  const result = await enumerateRegions(net, domain, { irredundant: false });
  expect(result.complete).toBe(true);
  return result.regions;
}

describe("counts equal Zaslavsky's formula", () => {
  const cases = [
    [1, 5],
    [2, 1],
    [2, 6],
    [3, 7],
    [4, 8],
  ] as const;
  for (const [d, m] of cases) {
    it(`m=${m} affine hyperplanes in general position in R^${d}: Σ_{i≤d} C(m,i)`, async () => {
      const seed = 1000 * d + m;
      const next = seededRandom(seed);
      const net = oneLayer(next, randomMatrix(next, m, d), Array.from({ length: m }, () => randomRational(next)));
      const expected = Array.from({ length: d + 1 }, (_, i) => binomial(m, i)).reduce((a, b) => a + b, 0);
      expect(await count(net), `seed ${seed}`).toBe(expected);
    });
    it(`m=${m} central hyperplanes (no biases) in R^${d}: 2·Σ_{i<d} C(m-1,i)`, async () => {
      const seed = 5000 + 1000 * d + m;
      const next = seededRandom(seed);
      const net = oneLayer(next, randomMatrix(next, m, d), new Array<Rational>(m).fill(ZERO));
      const expected = 2 * Array.from({ length: d }, (_, i) => binomial(m - 1, i)).reduce((a, b) => a + b, 0);
      expect(await count(net), `seed ${seed}`).toBe(expected);
    });
  }
});

describe("degenerate hyperplanes change nothing", () => {
  it("repeated, opposite, scaled hyperplanes and dead / always-active neurons", async () => {
    const next = seededRandom(77);
    const d = 3;
    const W = randomMatrix(next, 5, d);
    const b = Array.from({ length: 5 }, () => randomRational(next));
    const base = await count(oneLayer(next, W, b));
    const W2 = [...W, W[0]!, W[1]!.map((v) => v.neg()), W[2]!.map((v) => v.mul(rat(7, 3))), new Array<Rational>(d).fill(ZERO), new Array<Rational>(d).fill(ZERO)];
    const b2 = [...b, b[0]!, b[1]!.neg(), b[2]!.mul(rat(7, 3)), rat(-1), ONE];
    expect(await count(oneLayer(next, W2, b2))).toBe(base);
  });
  it("a neuron at exactly zero on the whole domain (w = 0, b = 0) does not split", async () => {
    const next = seededRandom(78);
    const W = randomMatrix(next, 3, 2);
    const b = Array.from({ length: 3 }, () => randomRational(next));
    const base = await count(oneLayer(next, W, b));
    expect(await count(oneLayer(next, [...W, [ZERO, ZERO]], [...b, ZERO]))).toBe(base);
  });
  it("a deep layer repeating a first-layer hyperplane through an identity-like path", async () => {
    // Layer 2 neuron = relu(relu(z)) - relu(-z) ... its hyperplane coincides with layer-1's: no new region.
    const net = sequential(2, [
      { weights: [[ONE, rat(-2)], [rat(-1), ONE], [ONE, ONE]], bias: [ZERO, ONE, rat(-1)] },
      { weights: [[ONE, ZERO, ZERO], [ZERO, ONE, ZERO]], bias: [ZERO, ZERO] },
      { weights: [[ONE, ONE]], bias: [ZERO] },
    ]);
    expect(await count(net)).toBe(7);
  });
});

it("the seed network has 7 regions over R^2", async () => {
  const net = readNetworkJson(readFileSync(projectFile("fixtures/seed-three-neurons.json"), "utf8"), "fixtures/seed-three-neurons.json");
  expect(await count(net)).toBe(7);
});

/**
 * Brute force in 1-D, independent of the engine: split [lo, hi] at every point where some neuron's
 * pre-activation crosses one of its breakpoints (layer by layer, so each pre-activation is affine on every
 * interval), then count the distinct patterns of the interval midpoints.
 */
function bruteForce1d(net: Network, lo: Rational, hi: Rational): number {
  let cuts: Rational[] = [lo, hi];
  const acts = activationNodeIds(net);
  for (const id of acts) {
    const node = net.nodes[id]!;
    if (node.kind !== "activation") continue;
    const next: Rational[] = [];
    for (let k = 0; k + 1 < cuts.length; k++) {
      const a = cuts[k]!;
      const b = cuts[k + 1]!;
      const za = evaluate(net, [a]).values[node.input]!;
      const zb = evaluate(net, [b]).values[node.input]!;
      const inner: Rational[] = [];
      for (let i = 0; i < node.size; i++) {
        for (const beta of neuronFunction(node.activation, i).breakpoints) {
          const fa = za[i]!.sub(beta);
          const fb = zb[i]!.sub(beta);
          if (fa.mul(fb).compare(ZERO) < 0) inner.push(a.add(b.sub(a).mul(fa).div(fa.sub(fb))));
        }
      }
      next.push(a, ...inner.sort((p, q) => p.compare(q)));
    }
    next.push(cuts[cuts.length - 1]!);
    cuts = next.filter((v, i) => i === 0 || !v.equals(next[i - 1]!));
  }
  const patterns = new Set<string>();
  for (let k = 0; k + 1 < cuts.length; k++) patterns.add(formatPattern(evaluate(net, [cuts[k]!.add(cuts[k + 1]!).div(2)]).pattern));
  return patterns.size;
}

describe("a 1-D deep net against a brute-force interval split", () => {
  const activations: ActivationSpec[] = [
    { kind: "relu" },
    { kind: "leaky_relu", alpha: rat(1, 10) },
    { kind: "hardtanh", min: rat(-1), max: ONE },
    { kind: "abs" },
  ];
  for (const activation of activations) {
    it(`1-6-6-6-1 with ${activation.kind} on [-20, 20]`, async () => {
      for (const seed of [11, 12, 13]) {
        const next = seededRandom(seed);
        const net = randomMlp(next, [1, 6, 6, 6, 1], activation);
        const lo = rat(-20);
        const hi = rat(20);
        const { regions, result } = await collectRegions(net, { kind: "box", lo: [lo], hi: [hi] });
        expect(result.complete).toBe(true);
        expect(regions.length, `seed ${seed}`).toBe(bruteForce1d(net, lo, hi));
      }
    });
  }
});

// Random initialisation: the drawn weights' sample second moment lies in its confidence band around the
// scheme's variance (2/n He, 1/n Xavier, 1/(3n) PyTorch's U(±1/√n)), computed here from the distributions;
// every weight is an exact float32; same seed, same network; the output validates against the schema.
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { Ajv } from "ajv";
import { rationalToNumber } from "../../src/exact/rational.js";
import { rationalFromFloat32 } from "../../src/exact/float.js";
import { initialiseNetwork } from "../../src/analysis/initialisation.js";
import { gaussianSampler, normalCdf } from "../../src/analysis/gaussian.js";
import { writeNetworkJson, readNetworkJson } from "../../src/formats/network-json.js";
import { signalPropagation } from "../../src/analysis/signal.js";
import type { AffineNode } from "../../src/network/ir.js";
import { projectFile } from "../project.js";

const dense = (net: ReturnType<typeof initialiseNetwork>): AffineNode[] => net.nodes.filter((n): n is AffineNode => n.kind === "affine");
const values = (node: AffineNode): number[] => node.weights.flat().map(rationalToNumber);

describe("initialiseNetwork", () => {
  for (const seed of [1, 2, 3]) {
    it(`seed ${seed}: He ≈ 2/n and Xavier ≈ 1/n within 4 standard errors (Var of mean w² = 2σ⁴/N)`, () => {
      for (const [scheme, variance] of [["he", 2], ["xavier", 1]] as const) {
        const net = initialiseNetwork({ layers: [64, 256, 32], scheme, seed });
        for (const node of dense(net)) {
          const w = values(node);
          const n = node.weights[0]!.length;
          const sigma2 = variance / n;
          const m2 = w.reduce((s, v) => s + v * v, 0) / w.length;
          expect(Math.abs(m2 - sigma2), `${scheme} fan-in ${n}`).toBeLessThan(4 * sigma2 * Math.sqrt(2 / w.length));
          // the mean is zero within 4 standard errors too
          expect(Math.abs(w.reduce((s, v) => s + v, 0) / w.length)).toBeLessThan(4 * Math.sqrt(sigma2 / w.length));
        }
      }
    });
  }

  it("PyTorch's default: weights and biases inside ±1/√n, second moment 1/(3n) within 4 standard errors (Var w² = 4b⁴/45)", () => {
    const net = initialiseNetwork({ layers: [100, 300, 10], scheme: "pytorch", seed: 5 });
    for (const node of dense(net)) {
      const n = node.weights[0]!.length;
      const b = 1 / Math.sqrt(n);
      const w = values(node);
      expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(b);
      expect(Math.max(...node.bias.map((v) => Math.abs(rationalToNumber(v))))).toBeLessThanOrEqual(b);
      const m2 = w.reduce((s, v) => s + v * v, 0) / w.length;
      expect(Math.abs(m2 - b * b / 3)).toBeLessThan(4 * Math.sqrt((4 * b ** 4) / 45 / w.length));
    }
  });

  it("every weight is exactly a float32; the same seed gives the same document, another seed another", () => {
    const a = initialiseNetwork({ layers: [3, 8, 2], scheme: "he", seed: 11, bias: 0.1 });
    for (const node of dense(a)) {
      for (const v of [...node.weights.flat(), ...node.bias]) expect(rationalFromFloat32(rationalToNumber(v))!.equals(v)).toBe(true);
      expect(node.bias.every((v) => v.equals(rationalFromFloat32(Math.fround(0.1))!))).toBe(true);
    }
    expect(writeNetworkJson(initialiseNetwork({ layers: [3, 8, 2], scheme: "he", seed: 11, bias: 0.1 }))).toBe(writeNetworkJson(a));
    expect(writeNetworkJson(initialiseNetwork({ layers: [3, 8, 2], scheme: "he", seed: 12, bias: 0.1 }))).not.toBe(writeNetworkJson(a));
  });

  it("the written network validates against docs/schema/network.schema.json and reads back to the same weights", () => {
    const validate = new Ajv({ allErrors: true }).compile(JSON.parse(readFileSync(projectFile("docs/schema/network.schema.json"), "utf8")));
    const net = initialiseNetwork({ layers: [2, 5, 5, 1], scheme: "pytorch", seed: 3 });
    const text = writeNetworkJson(net);
    expect(validate(JSON.parse(text)), JSON.stringify(validate.errors)).toBe(true);
    expect(writeNetworkJson(readNetworkJson(text, "init.json"))).toBe(text);
  });
});

describe("Box–Muller sampler and Φ", () => {
  it("the sampler's first four moments match N(0, 1) within 5 standard errors; Φ matches its known values", () => {
    const draw = gaussianSampler(42);
    const N = 40000;
    const xs = Array.from({ length: N }, draw);
    const m = (k: number) => xs.reduce((s, x) => s + x ** k, 0) / N;
    expect(Math.abs(m(1))).toBeLessThan(5 / Math.sqrt(N));
    expect(Math.abs(m(2) - 1)).toBeLessThan(5 * Math.sqrt(2 / N));
    expect(Math.abs(m(3))).toBeLessThan(5 * Math.sqrt(15 / N));
    expect(Math.abs(m(4) - 3)).toBeLessThan(5 * Math.sqrt(96 / N));
    // Φ(0) = 1/2, Φ(1) = 0.841344746, Φ(-1.96) = 0.0249978951 (tables); the formula's error is below 1.2e-7
    expect(Math.abs(normalCdf(0) - 0.5)).toBeLessThan(1e-7);
    expect(Math.abs(normalCdf(1) - 0.841344746)).toBeLessThan(2e-7);
    expect(Math.abs(normalCdf(-1.96) - 0.0249978951)).toBeLessThan(2e-7);
  });
});

describe("signalPropagation", () => {
  it("He keeps E[z²] about constant with depth, Xavier halves it per ReLU layer (zero bias, Gaussian inputs)", () => {
    // the mean-field recursion: He q ≈ 2 at every layer; Xavier q₁ ≈ 1, then q halves per layer
    const layers = [32, 128, 128, 128, 128, 1];
    const he = signalPropagation(initialiseNetwork({ layers, scheme: "he", seed: 4 }), { samples: 400, seed: 9 }).layers;
    const xavier = signalPropagation(initialiseNetwork({ layers, scheme: "xavier", seed: 4 }), { samples: 400, seed: 9 }).layers;
    for (let k = 0; k < 4; k++) {
      expect(he[k]!.meanSquare, `He layer ${k}`).toBeGreaterThan(2 * 0.7);
      expect(he[k]!.meanSquare, `He layer ${k}`).toBeLessThan(2 * 1.3);
      expect(xavier[k]!.meanSquare / 2 ** -k, `Xavier layer ${k}`).toBeGreaterThan(0.7);
      expect(xavier[k]!.meanSquare / 2 ** -k, `Xavier layer ${k}`).toBeLessThan(1.3);
      expect(Math.abs(he[k]!.activeShare - 0.5)).toBeLessThan(0.1);
    }
  });
});

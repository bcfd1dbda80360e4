// The checker's symbolic pass updates a layer's map by the argument rows that changed since its last call (a
// rank-k update, exact). Oracle: a fresh pass for each pattern (nothing cached: every product computed in full),
// along random walks of patterns that change a few neurons at a time, as a split-tree walk does, on dyadic and
// rational nets with ReLU, leaky ReLU and hardtanh.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { DyadicField, RationalField, type Field } from "../../src/exact/field.js";
import { rat } from "../../src/exact/rational.js";
import { seededRandom } from "../../src/exact/random.js";
import { sequential } from "../../src/network/build.js";
import type { ActivationSpec, Network } from "../../src/network/ir.js";
import { SymbolicPass } from "../../src/check/symbolic.js";
import { randomMlp } from "../regions/helpers.js";

const ACTIVATIONS: ActivationSpec[] = [{ kind: "relu" }, { kind: "leaky_relu", alpha: rat(1, 8) }, { kind: "hardtanh", min: rat(-1), max: rat(1) }];

function dyadicMlp(seed: number, widths: readonly number[], activation: ActivationSpec): Network {
  const next = seededRandom(seed);
  const dy = () => rat(Math.floor(next() * 64) - 32, 16);
  return sequential(widths[0]!, widths.slice(1).map((out, i) => ({ weights: Array.from({ length: out }, () => Array.from({ length: widths[i]! }, dy)), bias: Array.from({ length: out }, dy) })), activation);
}

function texts<T>(F: Field<T>, m: { M: readonly (readonly T[])[]; v: readonly T[] }): string[] {
  return [...m.M.map((row) => row.map((x) => F.toRational(x).toFraction()).join(",")), m.v.map((x) => F.toRational(x).toFraction()).join(",")];
}

describe("check/symbolic: rank-k updates equal a fresh pass", () => {
  it("layer and output maps along random pattern walks (a few neurons change per step)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.constantFrom(...ACTIVATIONS),
        fc.boolean(),
        fc.array(fc.array(fc.nat(), { minLength: 1, maxLength: 3 }), { minLength: 3, maxLength: 12 }),
        (seed, activation, dyadic, steps) => {
          const widths = [3, 6, 5, 4, 2];
          const net = dyadic ? dyadicMlp(seed, widths, activation) : randomMlp(seededRandom(seed), widths, activation);
          const F = (dyadic ? DyadicField : RationalField) as Field<unknown>;
          const pieces = activation.kind === "hardtanh" ? 3 : 2;
          const pass = new SymbolicPass(F, net, 3);
          const sizes = pass.layerSizes();
          const pattern = sizes.map((n) => new Array<number>(n).fill(0));
          const flat = sizes.flatMap((n, l) => Array.from({ length: n }, (_, i) => [l, i] as const));
          for (const flips of steps) {
            for (const f of flips) {
              const [l, i] = flat[f % flat.length]!;
              pattern[l]![i] = (pattern[l]![i]! + 1 + (f % (pieces - 1))) % pieces;
            }
            const fresh = new SymbolicPass(F, net, 3);
            for (let l = 0; l < sizes.length; l++) expect(texts(F, pass.layer(l, pattern))).toEqual(texts(F, fresh.layer(l, pattern)));
            expect(texts(F, pass.output(pattern))).toEqual(texts(F, fresh.output(pattern)));
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});

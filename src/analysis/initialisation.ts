// Random initialisation of dense ReLU networks for studies: He (N(0, 2/fan_in)), Xavier as the article states
// it (N(0, 1/fan_in)), and PyTorch's nn.Linear default (kaiming_uniform with a = √5, i.e. U(±1/√fan_in) for the
// weights, and U(±1/√fan_in) for the biases). Draws come from tessera's seeded generator (analysis/gaussian.ts)
// and are rounded to float32, so every weight is exactly the dyadic a PyTorch float32 export would hold.
import { UsageError } from "../errors.js";
import { rationalFromFloat32 } from "../exact/float.js";
import type { Rational } from "../exact/rational.js";
import { NetworkBuilder } from "../network/build.js";
import type { Network } from "../network/ir.js";
import { gaussianSampler, uniformSampler } from "./gaussian.js";

export const INIT_SCHEMES = ["he", "xavier", "pytorch"] as const;
export type InitScheme = (typeof INIT_SCHEMES)[number];

export interface InitOptions {
  /** Widths of every layer, input first and output last, e.g. [2, 64, 64, 1]. */
  readonly layers: readonly number[];
  readonly scheme: InitScheme;
  readonly seed: number;
  /** A constant bias for every neuron (rounded to float32); default 0 for he/xavier, uniform for pytorch. */
  readonly bias?: number;
  /** Instead of a constant: biases drawn N(0, biasStd²) (he/xavier), as in region-counting studies. */
  readonly biasStd?: number;
}

/** The weight variance each scheme aims for with this fan-in: 2/n, 1/n, or (1/√n)²/3 = 1/(3n) for pytorch. */
export function weightVariance(scheme: InitScheme, fanIn: number): number {
  return scheme === "he" ? 2 / fanIn : scheme === "xavier" ? 1 / fanIn : 1 / (3 * fanIn);
}

function float32(x: number): Rational {
  const r = rationalFromFloat32(Math.fround(x));
  if (!r) throw new UsageError(`analysis/initialisation: ${x} is not a finite float32`);
  return r;
}

/**
 * A dense ReLU network with the given widths (ReLU after every layer but the last). Layer k draws from its own
 * stream, seeded by `seed·1000 + k` (so adding a layer does not change the earlier ones); weights row by row.
 */
export function initialiseNetwork(options: InitOptions): Network {
  const { layers, scheme, seed } = options;
  if (layers.length < 2) throw new UsageError(`analysis/initialisation: need at least an input and an output width, got ${layers.length} number(s)`);
  layers.forEach((w, i) => {
    if (!Number.isSafeInteger(w) || w < 1) throw new UsageError(`analysis/initialisation: width ${i + 1} is ${w}; widths must be positive integers`);
  });
  if (!Number.isSafeInteger(seed)) throw new UsageError(`analysis/initialisation: the seed ${seed} is not an integer`);
  const builder = new NetworkBuilder(layers[0]!);
  for (let k = 1; k < layers.length; k++) {
    const fanIn = layers[k - 1]!;
    const rows = layers[k]!;
    const bound = 1 / Math.sqrt(fanIn);
    const draw = scheme === "pytorch" ? uniformSampler(seed * 1000 + k, -bound, bound) : scaled(gaussianSampler(seed * 1000 + k), Math.sqrt(weightVariance(scheme, fanIn)));
    const weights = Array.from({ length: rows }, () => Array.from({ length: fanIn }, () => float32(draw())));
    const biasNormal = options.biasStd !== undefined ? scaled(gaussianSampler(seed * 1000 + 500 + k), options.biasStd) : undefined;
    const bias = Array.from({ length: rows }, () => float32(options.bias ?? (biasNormal ? biasNormal() : scheme === "pytorch" ? draw() : 0)));
    builder.affine(weights, bias, [builder.last], `dense${k}`);
    if (k < layers.length - 1) builder.activation({ kind: "relu" }, builder.last, `relu${k}`);
  }
  return builder.build({ meta: { sourceFormat: "library", approximations: [], warnings: [] } });
}

function scaled(sample: () => number, sd: number): () => number {
  return () => sample() * sd;
}

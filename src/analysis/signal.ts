// Signal propagation at initialisation (the article's He-vs-Xavier claim): over standard normal inputs, per
// activation layer the variance of the pre-activations and the share of active neurons, next to the mean-field
// prediction computed from the network's own weights. Float forward passes (analysis/float-net.ts): every
// number here is a sample estimate or a formula, reported as such.
import { UsageError } from "../errors.js";
import { rationalToNumber } from "../exact/rational.js";
import type { Network } from "../network/ir.js";
import { floatForward, floatNet } from "./float-net.js";
import { gaussianSampler } from "./gaussian.js";

export interface LayerSignal {
  /** Activation layer index (as in patterns), or -1 for the output's pre-activations (the last dense node). */
  readonly layer: number;
  readonly name: string;
  readonly neurons: number;
  /** Mean over the layer's neurons of the sample variance of its pre-activation. */
  readonly variance: number;
  /** Mean over neurons and samples of z²: what the mean-field recursion predicts. */
  readonly meanSquare: number;
  /**
   * Mean-field prediction of E[z²] from the weights (zero-mean weights, independent of a symmetric input):
   * q₁ = fan_in·mean(w²)·E[x²] + mean(b²), then q ← fan_in·mean(w²)·q/2 + mean(b²) across each ReLU.
   * Undefined after a node the recursion does not cover (not a dense → ReLU chain).
   */
  readonly predictedMeanSquare?: number;
  /** Share of (sample, neuron) pairs above the neuron's lowest piece (for ReLU: z > 0). */
  readonly activeShare: number;
}

export interface SignalResult {
  readonly samples: number;
  readonly seed: number;
  readonly layers: LayerSignal[];
}

/** Sample `samples` standard normal inputs (seeded) and measure every activation layer and the output. */
export function signalPropagation(net: Network, options: { samples: number; seed: number }): SignalResult {
  const { samples, seed } = options;
  if (!Number.isSafeInteger(samples) || samples < 1) throw new UsageError(`analysis/signal: the number of samples must be a positive integer, not ${samples}`);
  const fn = floatNet(net);
  const draw = gaussianSampler(seed);
  const watched = net.nodes.flatMap((node, id) => (node.kind === "activation" ? [node.input] : []));
  const lastAffine = net.nodes[net.output]!.kind === "affine" ? net.output : undefined;
  const ids = lastAffine !== undefined ? [...watched, lastAffine] : watched;
  const sum = ids.map((id) => new Float64Array(net.nodes[id]!.size));
  const sumSq = ids.map((id) => new Float64Array(net.nodes[id]!.size));
  const active = ids.map(() => 0);
  const acts = net.nodes.flatMap((node) => (node.kind === "activation" ? [node] : []));
  const actFloat = fn.nodes.flatMap((node) => (node.kind === "activation" ? [node] : []));
  const x = new Float64Array(fn.inputSize);
  for (let s = 0; s < samples; s++) {
    for (let i = 0; i < x.length; i++) x[i] = draw();
    const values = floatForward(fn, x);
    ids.forEach((id, k) => {
      const z = values[id]!;
      for (let i = 0; i < z.length; i++) {
        sum[k]![i] += z[i]!;
        sumSq[k]![i] += z[i]! * z[i]!;
        if (k < acts.length && z[i]! > actFloat[k]!.neurons[i]!.bp[0]!) active[k]++;
      }
    });
  }
  const predicted = meanFieldPrediction(net, ids);
  const layers = ids.map((id, k): LayerSignal => {
    const n = net.nodes[id]!.size;
    let variance = 0;
    let meanSquare = 0;
    for (let i = 0; i < n; i++) {
      const mean = sum[k]![i]! / samples;
      variance += sumSq[k]![i]! / samples - mean * mean;
      meanSquare += sumSq[k]![i]! / samples;
    }
    const isOutput = k >= acts.length;
    return {
      layer: isOutput ? -1 : k, name: net.nodes[id]!.name, neurons: n, variance: variance / n, meanSquare: meanSquare / n,
      ...(predicted[k] !== undefined ? { predictedMeanSquare: predicted[k] } : {}),
      activeShare: isOutput ? Number.NaN : active[k]! / (samples * n),
    };
  });
  return { samples, seed, layers };
}

/** The mean-field recursion along a plain dense → ReLU → dense chain; stops at the first node it does not cover. */
function meanFieldPrediction(net: Network, ids: readonly number[]): (number | undefined)[] {
  const out: (number | undefined)[] = [];
  let q = 1; // E[x²] of a standard normal input
  let source = 0; // node whose second moment q describes
  let afterRelu = false;
  for (const id of ids) {
    const node = net.nodes[id]!;
    if (node.kind !== "affine" || node.inputs.length !== 1 || node.inputs[0] !== source) {
      out.push(undefined);
      source = -1;
      continue;
    }
    const fanIn = node.weights[0]?.length ?? 0;
    const meanW2 = mean(node.weights.flatMap((row) => row.map((w) => rationalToNumber(w) ** 2)));
    const meanB2 = mean(node.bias.map((b) => rationalToNumber(b) ** 2));
    q = fanIn * meanW2 * (afterRelu ? q / 2 : q) + meanB2;
    out.push(q);
    const next = net.nodes.findIndex((n) => n.kind === "activation" && n.input === id);
    const act = next >= 0 ? net.nodes[next]! : undefined;
    if (!act || act.kind !== "activation" || act.activation.kind !== "relu") source = -1;
    else {
      source = next;
      afterRelu = true;
    }
  }
  return out;
}

function mean(xs: readonly number[]): number {
  return xs.length ? xs.reduce((s, v) => s + v, 0) / xs.length : 0;
}

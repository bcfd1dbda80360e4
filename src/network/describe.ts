// A summary of a network for `tessera info`: sizes, layers, neurons by activation kind, parameters,
// provenance and every approximation made while reading it.
import { formatRational } from "../exact/rational.js";
import type { ActivationKind, Network } from "./ir.js";
import { parameterCount } from "./build.js";

export interface NetworkDescription {
  readonly inputs: number;
  readonly outputs: number;
  readonly inputShape?: readonly number[];
  /** Nodes of the IR by kind: affine and activation layers. */
  readonly layers: { readonly affine: number; readonly activation: number; readonly total: number };
  /** Neurons (activation outputs) by activation kind, e.g. {"relu": 300}. */
  readonly neurons: Partial<Record<ActivationKind, number>>;
  readonly totalNeurons: number;
  readonly parameters: number;
  readonly inputBox?: readonly string[];
  readonly sourceFormat: string;
  readonly sourceOps?: Readonly<Record<string, number>>;
  readonly approximations: readonly string[];
  readonly warnings: readonly string[];
  /** Each activation layer: its node name, kind and width, in order. */
  readonly activationLayers: readonly { readonly name: string; readonly kind: ActivationKind; readonly size: number }[];
}

export function describeNetwork(net: Network): NetworkDescription {
  const neurons: Partial<Record<ActivationKind, number>> = {};
  let affine = 0;
  let activation = 0;
  const activationLayers: { name: string; kind: ActivationKind; size: number }[] = [];
  for (const node of net.nodes) {
    if (node.kind === "affine") affine++;
    else if (node.kind === "activation") {
      activation++;
      neurons[node.activation.kind] = (neurons[node.activation.kind] ?? 0) + node.size;
      activationLayers.push({ name: node.name, kind: node.activation.kind, size: node.size });
    }
  }
  return {
    inputs: net.nodes[0]!.size,
    outputs: net.nodes[net.output]!.size,
    ...(net.meta.inputShape ? { inputShape: net.meta.inputShape } : {}),
    layers: { affine, activation, total: affine + activation },
    neurons,
    totalNeurons: activationLayers.reduce((s, l) => s + l.size, 0),
    parameters: parameterCount(net),
    ...(net.inputBox ? { inputBox: net.inputBox.map(([lo, hi]) => `${formatRational(lo)}:${formatRational(hi)}`) } : {}),
    sourceFormat: net.meta.sourceFormat,
    ...(net.meta.sourceOps ? { sourceOps: net.meta.sourceOps } : {}),
    approximations: net.meta.approximations,
    warnings: net.meta.warnings,
    activationLayers,
  };
}

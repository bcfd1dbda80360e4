// The network IR (docs/architecture.md, "Core model"): a DAG of nodes in topological order. Node 0 is the input.
// An affine node multiplies the concatenation of earlier node outputs by a rational matrix and adds a
// bias; an activation node applies a scalar continuous piecewise-linear function element-wise.
// Everything downstream (regions, graph, analysis) sees only this; formats lower into it.
import type { Rational } from "../exact/rational.js";

/** The element-wise activations tessera analyses exactly (all continuous piecewise-linear). */
export type ActivationSpec =
  | { readonly kind: "relu" }
  | { readonly kind: "leaky_relu"; readonly alpha: Rational }
  | { readonly kind: "prelu"; readonly alpha: readonly Rational[] }
  | { readonly kind: "hardtanh"; readonly min: Rational; readonly max: Rational }
  | { readonly kind: "relu6" }
  | { readonly kind: "clip"; readonly min: Rational; readonly max: Rational }
  | { readonly kind: "abs" }
  | { readonly kind: "pwl"; readonly pwl: PiecewiseLinear };

export type ActivationKind = ActivationSpec["kind"];

/**
 * A continuous piecewise-linear scalar function: pieces i = 0..k over (-∞, b_0], (b_0, b_1], ..., (b_{k-1}, ∞);
 * piece i is slopes[i]·z + intercepts[i]. A point exactly at a breakpoint belongs to the lower piece.
 */
export interface PiecewiseLinear {
  readonly breakpoints: readonly Rational[];
  readonly slopes: readonly Rational[];
  readonly intercepts: readonly Rational[];
}

export interface InputNode {
  readonly kind: "input";
  readonly name: string;
  readonly size: number;
}

export interface AffineNode {
  readonly kind: "affine";
  readonly name: string;
  /** Earlier node ids whose outputs are concatenated, in this order, to form the argument. */
  readonly inputs: readonly number[];
  /** size × (sum of input sizes). */
  readonly weights: readonly (readonly Rational[])[];
  readonly bias: readonly Rational[];
  readonly size: number;
  /**
   * The same weights as float64s, row-major size × (sum of input sizes), when every weight is exactly a float64
   * (the float weights of ONNX files): the float engines and the dyadic forward pass read these, and `weights`
   * builds each row's rationals only when it is read (NetworkBuilder.floatAffine).
   */
  readonly floatWeights?: Float64Array;
}

export interface ActivationNode {
  readonly kind: "activation";
  readonly name: string;
  readonly input: number;
  readonly activation: ActivationSpec;
  readonly size: number;
}

export type NetworkNode = InputNode | AffineNode | ActivationNode;

export interface NetworkMeta {
  /** Where the network came from: "tessera-json", "onnx", "nnet", or "library". */
  readonly sourceFormat: string;
  readonly sourceFile?: string;
  /** Every place where an exact value had to be approximated (e.g. BatchNorm's sqrt), in words. */
  readonly approximations: readonly string[];
  /** Non-fatal remarks made while reading (e.g. a stripped final softmax). */
  readonly warnings: readonly string[];
  /** The input tensor shape as the source declared it (batch dimension dropped), for reporting. */
  readonly inputShape?: readonly number[];
  /** Counts of source operators, for `info` (e.g. {"Gemm": 7, "Relu": 6}). */
  readonly sourceOps?: Readonly<Record<string, number>>;
}

export interface Network {
  /** Topologically ordered; nodes[0] is the single input node. */
  readonly nodes: readonly NetworkNode[];
  /** The node whose value is the network output. */
  readonly output: number;
  /** The network's default input domain [lo, hi] per input, when the source names one. */
  readonly inputBox?: readonly (readonly [Rational, Rational])[];
  readonly meta: NetworkMeta;
}

export function inputSize(net: Network): number {
  return net.nodes[0]!.size;
}

export function outputSize(net: Network): number {
  return net.nodes[net.output]!.size;
}

/** Ids of the activation nodes in order; their index in this list is the "layer" of patterns and ties. */
export function activationNodeIds(net: Network): number[] {
  const ids: number[] = [];
  net.nodes.forEach((node, id) => {
    if (node.kind === "activation") ids.push(id);
  });
  return ids;
}

/** A neuron: its activation layer (index among activation nodes) and its index inside the node. */
export interface NeuronRef {
  readonly layer: number;
  readonly neuron: number;
}

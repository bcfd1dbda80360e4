// The network converted once to float64 arrays for the fast engines (bound propagation, counterexample
// search): each weight is its nearest float with an exact upper bound of the conversion error (0 for the
// float32/float64 weights of ONNX and NNET files, which are dyadic), and each activation is its list of
// pieces with rigorous float enclosures of breakpoints, slopes and intercepts. Plain float forward passes
// and input gradients for the search live here too; they only propose points, never decide.
import { neuronFunction } from "../network/activation.js";
import type { Network } from "../network/ir.js";
import { exactSmallDyadic, formatRational, rationalToNumber, type Rational } from "../exact/rational.js";
import { UsageError } from "../errors.js";
import { dyadicFromFloat64 } from "../exact/float.js";
import { up, enclose, type FloatInterval } from "./float-round.js";

export interface FloatAffine {
  readonly kind: "affine";
  readonly size: number;
  /** Input node ids and the column offset of each in the concatenated argument. */
  readonly inputs: readonly number[];
  readonly offsets: readonly number[];
  readonly cols: number;
  /** Row-major size × cols. */
  readonly W: Float64Array;
  /** |w − W| upper bounds, or undefined when every weight is exactly a float. */
  readonly Werr: Float64Array | undefined;
  readonly b: Float64Array;
  readonly bErr: Float64Array | undefined;
}

/** One neuron's piecewise-linear function with float enclosures of its exact parameters. */
export interface FloatPwl {
  readonly breakpoints: readonly FloatInterval[];
  readonly slopes: readonly FloatInterval[];
  readonly intercepts: readonly FloatInterval[];
  /** Float midpoints, for proposals. */
  readonly bp: Float64Array;
  readonly sl: Float64Array;
  readonly ic: Float64Array;
  /** True for the plain ReLU (0 below 0, identity above): a fast path. */
  readonly relu: boolean;
}

export interface FloatActivation {
  readonly kind: "activation";
  readonly size: number;
  readonly input: number;
  readonly neurons: readonly FloatPwl[];
}

export interface FloatInput {
  readonly kind: "input";
  readonly size: number;
}

export type FloatNode = FloatInput | FloatAffine | FloatActivation;

export interface FloatNet {
  readonly nodes: readonly FloatNode[];
  readonly output: number;
  readonly inputSize: number;
  readonly outputSize: number;
}

const cache = new WeakMap<Network, FloatNet>();

/** The float form of `net` (cached per network). */
export function floatNet(net: Network): FloatNet {
  const hit = cache.get(net);
  if (hit) return hit;
  const nodes: FloatNode[] = net.nodes.map((node): FloatNode => {
    if (node.kind === "input") return { kind: "input", size: node.size };
    if (node.kind === "affine") {
      const offsets: number[] = [];
      let cols = 0;
      for (const id of node.inputs) {
        offsets.push(cols);
        cols += net.nodes[id]!.size;
      }
      // Float weights of the file are taken as they are (exact); others are converted with their error bound.
      const W = node.floatWeights ? Float64Array.from(node.floatWeights) : new Float64Array(node.size * cols);
      let Werr: Float64Array | undefined;
      if (!node.floatWeights) {
        node.weights.forEach((row, r) =>
          row.forEach((w, c) => {
            const [f, e] = toFloat(w);
            W[r * cols + c] = f;
            if (e > 0) (Werr ??= new Float64Array(node.size * cols))[r * cols + c] = e;
          }),
        );
      }
      const b = new Float64Array(node.size);
      let bErr: Float64Array | undefined;
      node.bias.forEach((v, r) => {
        const [f, e] = toFloat(v);
        b[r] = f;
        if (e > 0) (bErr ??= new Float64Array(node.size))[r] = e;
      });
      return { kind: "affine", size: node.size, inputs: node.inputs, offsets, cols, W, Werr, b, bErr };
    }
    const neurons: FloatPwl[] = [];
    const memo = new Map<unknown, FloatPwl>();
    for (let i = 0; i < node.size; i++) {
      const f = neuronFunction(node.activation, i);
      let p = memo.get(f);
      if (!p) {
        const relu =
          node.activation.kind === "relu" ||
          (f.breakpoints.length === 1 && f.breakpoints[0]!.n === 0n && f.slopes[0]!.n === 0n && f.intercepts[0]!.n === 0n && f.slopes[1]!.equals(1) && f.intercepts[1]!.n === 0n);
        p = {
          breakpoints: f.breakpoints.map(enclose),
          slopes: f.slopes.map(enclose),
          intercepts: f.intercepts.map(enclose),
          bp: Float64Array.from(f.breakpoints.map(rationalToNumber)),
          sl: Float64Array.from(f.slopes.map(rationalToNumber)),
          ic: Float64Array.from(f.intercepts.map(rationalToNumber)),
          relu,
        };
        memo.set(f, p);
      }
      neurons.push(p);
    }
    return { kind: "activation", size: node.size, input: node.input, neurons };
  });
  const out: FloatNet = { nodes, output: net.output, inputSize: net.nodes[0]!.size, outputSize: net.nodes[net.output]!.size };
  cache.set(net, out);
  return out;
}

/** A rational for a message: short ones whole, long ones by their first digits. */
export function abbreviate(r: Rational): string {
  const text = formatRational(r);
  return text.length > 24 ? `${text.slice(0, 12)}…(${text.length} characters)` : text;
}

/** The nearest float and an upper bound of the exact conversion error. */
function toFloat(r: Rational): [number, number] {
  const exact = exactSmallDyadic(r);
  if (exact !== undefined) return [exact, 0];
  const f = rationalToNumber(r);
  if (!Number.isFinite(f)) throw new UsageError(`analysis: the weight or parameter ${abbreviate(r)} is beyond float range; verify and neurons bound networks with float enclosures (count, regions and bounds read it exactly)`);
  const d = dyadicFromFloat64(f)!.toRational();
  if (d.equals(r)) return [f, 0];
  return [f, up(rationalToNumber(d.sub(r).abs()) * 2)];
}

/** Float forward pass: the value of every node (proposals only). */
export function floatForward(fn: FloatNet, x: ArrayLike<number>): Float64Array[] {
  const values: Float64Array[] = [];
  for (const node of fn.nodes) {
    if (node.kind === "input") values.push(Float64Array.from(x));
    else if (node.kind === "affine") {
      // Row by row, inputs in order, starting from the bias (the same float sums as the exact-order loop).
      const out = new Float64Array(node.size);
      const W = node.W;
      const nIn = node.inputs.length;
      for (let r = 0; r < node.size; r++) {
        let s = node.b[r]!;
        const base = r * node.cols;
        for (let k = 0; k < nIn; k++) s = dotFrom(s, W, base + node.offsets[k]!, values[node.inputs[k]!]!);
        out[r] = s;
      }
      values.push(out);
    } else {
      const z = values[node.input]!;
      const out = new Float64Array(node.size);
      for (let i = 0; i < node.size; i++) {
        const f = node.neurons[i]!;
        const zi = z[i]!;
        if (f.relu) out[i] = zi > 0 ? zi : 0;
        else {
          const k = pieceIndex(f, zi);
          out[i] = f.sl[k]! * zi + f.ic[k]!;
        }
      }
      values.push(out);
    }
  }
  return values;
}

/**
 * s + Σ_c W[off+c]·v[c], summed in order: the inner loop of the forward pass in a function of its own, called once
 * per row, so that V8 optimizes it after a few rows of the first pass.
 */
function dotFrom(s: number, W: Float64Array, off: number, v: Float64Array): number {
  const n = v.length;
  for (let c = 0; c < n; c++) s += W[off + c]! * v[c]!;
  return s;
}

/** acc[c] += g·W[off+c] for c < size (the inner loop of floatGradient, as dotFrom). */
function addScaledRow(acc: Float64Array, g: number, W: Float64Array, off: number, size: number): void {
  for (let c = 0; c < size; c++) acc[c] += g * W[off + c]!;
}

function pieceIndex(f: FloatPwl, z: number): number {
  let k = 0;
  while (k < f.bp.length && z > f.bp[k]!) k++;
  return k;
}

/** Float gradient of c·output with respect to the input at x (the active region's Jacobian, transposed). */
export function floatGradient(fn: FloatNet, values: readonly Float64Array[], c: ArrayLike<number>): Float64Array {
  const grads: (Float64Array | undefined)[] = fn.nodes.map(() => undefined);
  grads[fn.output] = Float64Array.from(c);
  for (let id = fn.nodes.length - 1; id > 0; id--) {
    const g = grads[id];
    if (!g) continue;
    const node = fn.nodes[id]!;
    if (node.kind === "affine") {
      node.inputs.forEach((src, k) => {
        const size = fn.nodes[src]!.size;
        const acc = (grads[src] ??= new Float64Array(size));
        for (let r = 0; r < node.size; r++) {
          const gr = g[r]!;
          if (gr !== 0) addScaledRow(acc, gr, node.W, r * node.cols + node.offsets[k]!, size);
        }
      });
    } else if (node.kind === "activation") {
      const z = values[node.input]!;
      const acc = (grads[node.input] ??= new Float64Array(node.size));
      for (let i = 0; i < node.size; i++) {
        const f = node.neurons[i]!;
        const slope = f.relu ? (z[i]! > 0 ? 1 : 0) : f.sl[pieceIndex(f, z[i]!)]!;
        acc[i] += g[i]! * slope;
      }
    }
  }
  return grads[0] ?? new Float64Array(fn.inputSize);
}

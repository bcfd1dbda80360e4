// Exact forward evaluation: the output, every node's value, and the activation pattern (the piece of every
// neuron), over any Field (Rational for exact answers, Dyadic for the fast exact path on dyadic inputs; a
// dyadic network at a rational point runs in dyadics too, scaled by the point's common denominator).
import { RationalField, DyadicField, type Field } from "../exact/field.js";
import type { Dyadic } from "../exact/dyadic.js";
import { fixedFromFloats, fixedTimesDyadics, type FixedMatrix } from "../exact/fixed-point.js";
import { Rational, exactSmallDyadic, isDyadicRational, quotient } from "../exact/rational.js";
import { lcmOfDenominators } from "../exact/bigint.js";
import { UsageError } from "../errors.js";
import type { Network, NeuronRef } from "./ir.js";
import { neuronFunction, pieceOf } from "./activation.js";

export interface Evaluation<T> {
  readonly output: T[];
  /** Value of every node, by node id. */
  readonly values: T[][];
  /** Piece index of every neuron, one array per activation node (in order). */
  readonly pattern: number[][];
  /** Neurons whose pre-activation sits exactly on a breakpoint (they took the lower piece). */
  readonly ties: NeuronRef[];
}

/** Weights converted once per (network, field), so the dyadic path does not re-convert on every call. */
const convertedCache = new WeakMap<Network, Map<string, unknown>>();

interface ConvertedNode<T> {
  /** Float weights in fixed point, for the dyadic field (fixedTimesDyadics): no Dyadic per weight. */
  fixed?: FixedMatrix;
  weights?: T[][];
  bias?: T[];
  breakpoints?: T[][];
  slopes?: T[][];
  intercepts?: T[][];
}

function converted<T>(F: Field<T>, net: Network): ConvertedNode<T>[] {
  let perField = convertedCache.get(net);
  if (!perField) convertedCache.set(net, (perField = new Map()));
  const hit = perField.get(F.name) as ConvertedNode<T>[] | undefined;
  if (hit) return hit;
  const out: ConvertedNode<T>[] = net.nodes.map((node) => {
    if (node.kind === "affine") {
      // Float weights go straight to the field (F.fromFloat: no rational in between); on dyadics, to fixed point.
      const W = node.floatWeights ?? (F.dyadic ? exactFloats(node.weights) : undefined);
      const cols = node.size === 0 ? 0 : (W?.length ?? 0) / node.size;
      const fixed = W && F.dyadic ? fixedFromFloats(W, node.size, cols) : undefined;
      if (fixed) return { fixed, bias: node.bias.map((b) => F.fromRational(b)) };
      const weights = W ? Array.from({ length: node.size }, (_, r) => Array.from(W.subarray(r * cols, (r + 1) * cols), F.fromFloat)) : node.weights.map((row) => row.map((w) => F.fromRational(w)));
      return { weights, bias: node.bias.map((b) => F.fromRational(b)) };
    }
    if (node.kind === "activation") {
      const fns = Array.from({ length: node.size }, (_, i) => neuronFunction(node.activation, i));
      return {
        breakpoints: fns.map((f) => f.breakpoints.map((b) => F.fromRational(b))),
        slopes: fns.map((f) => f.slopes.map((b) => F.fromRational(b))),
        intercepts: fns.map((f) => f.intercepts.map((b) => F.fromRational(b))),
      };
    }
    return {};
  });
  perField.set(F.name, out);
  return out;
}

/**
 * Rational weights that are all exactly float64s (the integers and short dyadics of a JSON network), row-major,
 * or undefined: the dyadic field then takes the fixed-point path instead of one Dyadic per weight (at the
 * parameter limit: 320 MB and 3 s for a network of 4·10^6 small integers).
 */
function exactFloats(weights: readonly (readonly Rational[])[]): Float64Array | undefined {
  const cols = weights[0]?.length ?? 0;
  const out = new Float64Array(weights.length * cols);
  for (let r = 0; r < weights.length; r++) {
    const row = weights[r]!;
    for (let c = 0; c < cols; c++) {
      const v = exactSmallDyadic(row[c]!);
      if (v === undefined) return undefined;
      out[r * cols + c] = v;
    }
  }
  return out;
}

/**
 * Exact forward pass of `net` at `x` over the field F. With `scale` = D > 0, the pass of the network whose
 * biases, breakpoints and intercepts are all multiplied by D (weights and slopes as they are): at x = D·u that
 * is D·f(u), with the pieces and ties of f at u (each comparison z ≥ β becomes D·z ≥ D·β).
 */
export function evaluateIn<T>(F: Field<T>, net: Network, x: readonly T[], scale?: T): Evaluation<T> {
  const n = net.nodes[0]!.size;
  if (x.length !== n) throw new UsageError(`network/evaluate: the network takes ${n} inputs, got ${x.length}`);
  const conv = converted(F, net);
  const scaled = (v: T): T => (scale === undefined ? v : F.mul(v, scale));
  const values: T[][] = [];
  const pattern: number[][] = [];
  const ties: NeuronRef[] = [];
  net.nodes.forEach((node, id) => {
    if (node.kind === "input") {
      values.push([...x]);
    } else if (node.kind === "affine") {
      const arg: T[] = node.inputs.length === 1 ? values[node.inputs[0]!]! : node.inputs.flatMap((i): T[] => values[i]!);
      const { fixed, weights } = conv[id]!;
      const bias = scale === undefined ? conv[id]!.bias! : conv[id]!.bias!.map(scaled);
      // The fixed-point path exists only for the dyadic field (toDyadics and fromDyadic are the identity there).
      if (fixed) values.push(fixedTimesDyadics(fixed, F.toDyadics(arg), F.toDyadics(bias)).map((v) => F.fromDyadic(v)));
      else values.push(weights!.map((row, r) => F.dot(row, arg, bias[r])));
    } else {
      const z = values[node.input]!;
      const { breakpoints, slopes, intercepts } = conv[id]!;
      const layer = pattern.length;
      const pieces: number[] = [];
      values.push(
        z.map((zi, i) => {
          const { piece, tie } = pieceOf(F, scale === undefined ? breakpoints![i]! : breakpoints![i]!.map(scaled), zi);
          if (tie) ties.push({ layer, neuron: i });
          pieces.push(piece);
          return F.add(F.mul(slopes![i]![piece]!, zi), scaled(intercepts![i]![piece]!));
        }),
      );
      pattern.push(pieces);
    }
  });
  return { output: values[net.output]!, values, pattern, ties };
}

/**
 * Exact forward pass in rationals. On a dyadic network (float weights: ONNX, .nnet) it runs in dyadics at any
 * rational x: with D the least common denominator of x and X = D·x (integers), it evaluates D·f(X/D) with
 * evaluateIn's scale (the same pieces and ties) and divides each value by D once at the end, instead of a gcd
 * in every operation of a rational pass (an LP vertex of ACAS Xu through 6 layers of 50: 150 ms → a few).
 */
export function evaluate(net: Network, x: readonly Rational[]): Evaluation<Rational> {
  if (!isDyadicNetwork(net)) return evaluateIn(RationalField, net, x);
  const D = lcmOfDenominators(x);
  const X = x.map((v) => DyadicField.fromBigInt(v.s * v.n * (D / v.d)));
  const ev = evaluateIn(DyadicField, net, X, DyadicField.fromBigInt(D));
  const unscale = (v: Dyadic): Rational => quotient(v.toRational(), new Rational(D, 1n));
  const values = ev.values.map((node) => node.map(unscale));
  return { output: values[net.output]!, values, pattern: ev.pattern, ties: ev.ties };
}

/** True when every weight, bias and activation parameter is dyadic (so the Dyadic path applies). */
export function isDyadicNetwork(net: Network): boolean {
  let known = dyadicNetworks.get(net);
  if (known === undefined) {
    // Read the denominators only: converting every weight to a Dyadic (the evaluation cache) costs memory
    // that a network of millions of weights cannot spare when nothing evaluates it in dyadics.
    const dyadic = (values: readonly Rational[]): boolean => values.every(isDyadicRational);
    known = net.nodes.every((node) => {
      if (node.kind === "affine") return (node.floatWeights !== undefined || node.weights.every(dyadic)) && dyadic(node.bias);
      if (node.kind !== "activation") return true;
      for (let i = 0; i < node.size; i++) {
        const f = neuronFunction(node.activation, i);
        if (!dyadic(f.breakpoints) || !dyadic(f.slopes) || !dyadic(f.intercepts)) return false;
      }
      return true;
    });
    dyadicNetworks.set(net, known);
  }
  return known;
}

const dyadicNetworks = new WeakMap<Network, boolean>();

/** Exact forward pass in dyadics; the network and x must be dyadic (see isDyadicNetwork). */
export function evaluateDyadic(net: Network, x: readonly Dyadic[]): Evaluation<Dyadic> {
  return evaluateIn(DyadicField, net, x);
}

const PIECE_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz";

/** Pattern text: one character per neuron (its piece index), activation layers joined by "|". */
export function formatPattern(pattern: readonly (readonly number[])[]): string {
  return pattern.map((layer) => layer.map((p) => PIECE_DIGITS[p] ?? `(${p})`).join("")).join("|");
}

/** Inverse of formatPattern. */
export function parsePattern(text: string): number[][] {
  return text.split("|").map((layer) => {
    const out: number[] = [];
    for (let i = 0; i < layer.length; i++) {
      if (layer[i] === "(") {
        const close = layer.indexOf(")", i);
        out.push(Number(layer.slice(i + 1, close)));
        i = close;
      } else out.push(PIECE_DIGITS.indexOf(layer[i]!));
    }
    return out;
  });
}

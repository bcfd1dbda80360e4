// Exact weight gradients (the article's gated Hebbian rule): the derivative of a loss with respect to every
// weight and bias of every dense node at one input, by an exact backward pass over the network DAG on top of
// network/evaluate's forward pass. A pre-activation exactly on a breakpoint (a tie) makes the loss
// non-differentiable in the weights upstream of it: there each weight gets its two one-sided derivatives
// (an exact forward-mode pass in which every tie takes the side its tangent points to), whose hull is the
// Clarke subdifferential of the loss as a function of that weight.
import { LimitError, UsageError } from "../errors.js";
import { ZERO, rat, sign, type Rational } from "../exact/rational.js";
import { neuronFunction } from "../network/activation.js";
import { evaluate, type Evaluation } from "../network/evaluate.js";
import { inputSize, outputSize, type AffineNode, type Network, type NeuronRef } from "../network/ir.js";

/** The loss whose gradient is taken: mean squared error to a target, or the linear functional V·y. */
export type GradientLoss =
  | { readonly kind: "mse"; readonly target: readonly Rational[] }
  | { readonly kind: "output-weights"; readonly weights: readonly Rational[] };

/** Losses users may name whose gradient is not rational: refused with this reason. */
export const SMOOTH_LOSSES: Readonly<Record<string, string>> = {
  "cross-entropy": "its gradient softmax(y) − onehot(t) involves exp, so it is not a rational number",
  "crossentropy": "its gradient softmax(y) − onehot(t) involves exp, so it is not a rational number",
  "ce": "its gradient softmax(y) − onehot(t) involves exp, so it is not a rational number",
  "nll": "it needs log-probabilities (a softmax: exp and log), whose gradient is not a rational number",
  "bce": "its gradient involves the logistic function (exp), so it is not a rational number",
  "huber": "tessera computes mse and linear losses only (huber is piecewise quadratic and not supported)",
  "logcosh": "its gradient tanh(y − t) is not a rational number",
};

/**
 * One derivative: `right` for increasing the parameter, `left` for decreasing it (equal where the loss is
 * differentiable in it). Their hull [min, max] is the Clarke subdifferential in that parameter.
 */
export interface OneSided {
  readonly right: Rational;
  readonly left: Rational;
}

export interface DenseGradient {
  /** Node id of the dense (affine) node and its name. */
  readonly node: number;
  readonly name: string;
  /** d loss / d W[r][c]; same shape as the node's weights. */
  readonly weights: OneSided[][];
  readonly bias: OneSided[];
  /** The node's argument at this input (concatenation of its inputs' values): the x of the Hebbian rule. */
  readonly argument: Rational[];
}

export interface NeuronGradient extends NeuronRef {
  /** The dense node feeding this activation (its weight row `neuron` is this neuron's weights), if any. */
  readonly denseNode?: number;
  readonly preActivation: Rational;
  readonly piece: number;
  readonly tie: boolean;
  /** The slope of the neuron's piece; at a tie, the lower piece's slope as left and the upper's as right. */
  readonly slope: OneSided;
  /** d loss / d a (the error signal arriving from above) and d loss / d z = slope · d loss / d a. */
  readonly dLossdOutput: OneSided;
  readonly dLossdPreActivation: OneSided;
  /** True when the gradient of every weight and the bias of this neuron is exactly zero (no update). */
  readonly noUpdate: boolean;
}

export interface WeightGradientResult {
  readonly output: Rational[];
  readonly loss: Rational;
  readonly ties: NeuronRef[];
  /** Whether every derivative is two-sided (no tie affects any parameter). */
  readonly differentiable: boolean;
  readonly dense: DenseGradient[];
  readonly neurons: NeuronGradient[];
}

export interface WeightGradientOptions {
  /**
   * Upper bound on scalar multiply-adds spent on one-sided derivatives at ties (one forward-mode pass per
   * affected value). Default 20 000 000; above it a LimitError names the count.
   */
  readonly maxTieWork?: number;
}

const DEFAULT_MAX_TIE_WORK = 20_000_000;

/** Check the loss against the network's output size; throws a UsageError naming the flag. */
export function checkLoss(net: Network, loss: GradientLoss): void {
  const m = outputSize(net);
  const got = loss.kind === "mse" ? loss.target.length : loss.weights.length;
  if (got !== m) {
    const what = loss.kind === "mse" ? "the target" : "the output weights";
    throw new UsageError(`analysis/weight-gradient: ${what} has ${got} value${got === 1 ? "" : "s"}, the network has ${m} output${m === 1 ? "" : "s"}`);
  }
}

function lossValue(loss: GradientLoss, y: readonly Rational[]): Rational {
  if (loss.kind === "output-weights") return y.reduce((s, v, k) => s.add(v.mul(loss.weights[k]!)), ZERO);
  return y.reduce((s, v, k) => s.add(v.sub(loss.target[k]!).pow(2)), ZERO).div(y.length);
}

/** ∇_y loss (both losses are smooth in y): (2/m)(y − t) for mse, V for output weights. */
function lossGradient(loss: GradientLoss, y: readonly Rational[]): Rational[] {
  if (loss.kind === "output-weights") return [...loss.weights];
  return y.map((v, k) => v.sub(loss.target[k]!).mul(rat(2, y.length)));
}

const point = (v: Rational): OneSided => ({ right: v, left: v });

/** Backward pass with the forward pass's pieces (ties on their lower piece): d loss / d value of every node. */
function backward(net: Network, ev: Evaluation<Rational>, gy: readonly Rational[]): Rational[][] {
  const delta = net.nodes.map((node) => new Array<Rational>(node.size).fill(ZERO));
  delta[net.output] = [...gy];
  let layer = ev.pattern.length;
  for (let id = net.nodes.length - 1; id >= 1; id--) {
    const node = net.nodes[id]!;
    const d = delta[id]!;
    if (node.kind === "activation") {
      layer--;
      const into = delta[node.input]!;
      d.forEach((g, i) => {
        if (sign(g) !== 0) into[i] = into[i]!.add(g.mul(neuronFunction(node.activation, i).slopes[ev.pattern[layer]![i]!]!));
      });
    } else if (node.kind === "affine") {
      let offset = 0;
      for (const src of node.inputs) {
        const into = delta[src]!;
        for (let c = 0; c < into.length; c++) {
          let s = into[c]!;
          node.weights.forEach((row, r) => {
            if (sign(d[r]!) !== 0 && sign(row[offset + c]!) !== 0) s = s.add(d[r]!.mul(row[offset + c]!));
          });
          into[c] = s;
        }
        offset += into.length;
      }
    }
  }
  return delta;
}

/**
 * The directional derivative of the loss when the value of node `start`, entry `index`, moves by +1 (or -1 when
 * `direction` is -1): a forward-mode (tangent) pass in which a tied neuron takes the piece its tangent points to.
 */
function directional(net: Network, ev: Evaluation<Rational>, gy: readonly Rational[], start: number, index: number, direction: 1 | -1): Rational {
  const tangent: (Rational[] | undefined)[] = new Array(net.nodes.length).fill(undefined);
  const seed = new Array<Rational>(net.nodes[start]!.size).fill(ZERO);
  seed[index] = rat(direction);
  tangent[start] = seed;
  let layer = -1;
  net.nodes.forEach((node, id) => {
    if (node.kind === "activation") layer++;
    if (id <= start) return;
    if (node.kind === "activation") {
      const t = tangent[node.input];
      if (!t) return;
      const z = ev.values[node.input]!;
      tangent[id] = t.map((ti, i) => {
        if (sign(ti) === 0) return ZERO;
        const f = neuronFunction(node.activation, i);
        let piece = ev.pattern[layer]![i]!;
        // A tie sits on breakpoint `piece`; moving up takes the piece above it.
        if (f.breakpoints[piece] !== undefined && z[i]!.equals(f.breakpoints[piece]!) && sign(ti) > 0) piece++;
        return ti.mul(f.slopes[piece]!);
      });
    } else if (node.kind === "affine") {
      if (!node.inputs.some((src) => tangent[src])) return;
      const arg = node.inputs.flatMap((src) => tangent[src] ?? new Array<Rational>(net.nodes[src]!.size).fill(ZERO));
      tangent[id] = node.weights.map((row) => row.reduce((s, w, c) => (sign(arg[c]!) !== 0 && sign(w) !== 0 ? s.add(w.mul(arg[c]!)) : s), ZERO));
    }
  });
  const ty = tangent[net.output];
  return ty ? ty.reduce((s, v, k) => s.add(v.mul(gy[k]!)), ZERO) : ZERO;
}

/** Node ids whose values can reach the pre-activation of a tied neuron (their derivatives may be one-sided). */
function upstreamOfTies(net: Network, ties: readonly NeuronRef[]): Set<number> {
  const activationIds = net.nodes.flatMap((n, id) => (n.kind === "activation" ? [id] : []));
  const marked = new Set<number>();
  const stack = [...new Set(ties.map((t) => activationIds[t.layer]!))].map((id) => {
    const node = net.nodes[id]!;
    return node.kind === "activation" ? node.input : id;
  });
  while (stack.length) {
    const id = stack.pop()!;
    if (marked.has(id)) continue;
    marked.add(id);
    const node = net.nodes[id]!;
    if (node.kind === "affine") stack.push(...node.inputs);
    else if (node.kind === "activation") stack.push(node.input);
  }
  return marked;
}

/** d loss / d (x·(parameter)) from one-sided derivatives in the value it moves: x < 0 swaps the sides. */
function scaled(d: OneSided, x: Rational): OneSided {
  if (sign(x) === 0) return point(ZERO);
  return sign(x) > 0 ? { right: d.right.mul(x), left: d.left.mul(x) } : { right: d.left.mul(x), left: d.right.mul(x) };
}

/** The exact gradient of `loss` with respect to every dense weight and bias of `net` at input `x`. */
export function weightGradient(net: Network, x: readonly Rational[], loss: GradientLoss, options: WeightGradientOptions = {}): WeightGradientResult {
  if (x.length !== inputSize(net)) {
    throw new UsageError(`analysis/weight-gradient: the input has ${x.length} value${x.length === 1 ? "" : "s"}, the network takes ${inputSize(net)}`);
  }
  checkLoss(net, loss);
  const ev = evaluate(net, x);
  const gy = lossGradient(loss, ev.output);
  const delta = backward(net, ev, gy);
  const oneSidedNodes = ev.ties.length ? upstreamOfTies(net, ev.ties) : new Set<number>();
  const work = [...oneSidedNodes].reduce((s, id) => s + net.nodes[id]!.size, 0) * 2 * weightCount(net);
  const limit = options.maxTieWork ?? DEFAULT_MAX_TIE_WORK;
  if (work > limit) {
    throw new LimitError(`analysis/weight-gradient: ${ev.ties.length} tied neuron(s) need one-sided derivatives costing ~${work} multiply-adds, above the limit ${limit}`);
  }
  /** d loss / d value of node `id`, entry `i`: one-sided when a tie lies downstream. */
  const derivative = (id: number, i: number): OneSided =>
    oneSidedNodes.has(id)
      ? { right: directional(net, ev, gy, id, i, 1), left: directional(net, ev, gy, id, i, -1).neg() }
      : point(delta[id]![i]!);

  const dense: DenseGradient[] = [];
  const dz = new Map<number, OneSided[]>();
  net.nodes.forEach((node, id) => {
    if (node.kind !== "affine") return;
    const argument = node.inputs.flatMap((src) => ev.values[src]!);
    const rows = node.bias.map((_, r) => derivative(id, r));
    dz.set(id, rows);
    dense.push({ node: id, name: node.name, argument, bias: rows, weights: rows.map((d) => argument.map((xc) => scaled(d, xc))) });
  });

  const neurons: NeuronGradient[] = [];
  let layer = -1;
  net.nodes.forEach((node, id) => {
    if (node.kind !== "activation") return;
    layer++;
    const feeding = net.nodes[node.input]!;
    const denseNode = feeding.kind === "affine" ? node.input : undefined;
    for (let i = 0; i < node.size; i++) {
      const f = neuronFunction(node.activation, i);
      const piece = ev.pattern[layer]![i]!;
      const tie = ev.ties.some((t) => t.layer === layer && t.neuron === i);
      const slope = tie ? { left: f.slopes[piece]!, right: f.slopes[piece + 1]! } : point(f.slopes[piece]!);
      const dLossdOutput = derivative(id, i);
      const dLossdPreActivation = denseNode !== undefined ? dz.get(denseNode)![i]! : derivative(node.input, i);
      const rowGradient = denseNode !== undefined ? dense.find((g) => g.node === denseNode)! : undefined;
      const noUpdate = rowGradient
        ? [rowGradient.bias[i]!, ...rowGradient.weights[i]!].every((d) => sign(d.right) === 0 && sign(d.left) === 0)
        : sign(dLossdPreActivation.right) === 0 && sign(dLossdPreActivation.left) === 0;
      neurons.push({
        layer, neuron: i, ...(denseNode !== undefined ? { denseNode } : {}),
        preActivation: ev.values[node.input]![i]!, piece, tie, slope, dLossdOutput, dLossdPreActivation, noUpdate,
      });
    }
  });
  const differentiable = dense.every((g) => [...g.bias, ...g.weights.flat()].every((d) => d.right.equals(d.left)));
  return { output: ev.output, loss: lossValue(loss, ev.output), ties: ev.ties, differentiable, dense, neurons };
}

function weightCount(net: Network): number {
  return net.nodes.reduce((s, n) => s + (n.kind === "affine" ? (n as AffineNode).weights.length * ((n as AffineNode).weights[0]?.length ?? 0) : n.size), 0);
}

export interface DataGradientResult {
  readonly rows: number;
  /** Sum of the per-row losses and of the per-row one-sided derivatives (sides add separately). */
  readonly loss: Rational;
  readonly dense: { readonly node: number; readonly name: string; readonly weights: OneSided[][]; readonly bias: OneSided[] }[];
  /** Rows on which some pre-activation was tied. */
  readonly rowsWithTies: number;
  /** Neurons whose update was exactly zero on every row (for ReLU: inactive on every row, or a zero error signal). */
  readonly noUpdate: NeuronRef[];
  /** Neurons on their lowest piece on every row (for ReLU: never active on the data: dead on it). */
  readonly neverActive: NeuronRef[];
  readonly differentiable: boolean;
}

const addSided = (a: OneSided, b: OneSided): OneSided => ({ right: a.right.add(b.right), left: a.left.add(b.left) });

/**
 * The gradient summed over a data set (what one full-batch gradient step uses; divide by `rows` for the mean):
 * each row is the network's inputs followed by the loss target.
 */
export function dataWeightGradient(net: Network, rows: readonly { input: readonly Rational[]; target: readonly Rational[] }[], options: WeightGradientOptions = {}): DataGradientResult {
  let total: DataGradientResult["dense"] | undefined;
  let loss = ZERO;
  let rowsWithTies = 0;
  let updated: boolean[][] | undefined;
  let active: boolean[][] | undefined;
  for (const row of rows) {
    const g = weightGradient(net, row.input, { kind: "mse", target: row.target }, options);
    loss = loss.add(g.loss);
    if (g.ties.length) rowsWithTies++;
    total = total
      ? total.map((t, k) => ({ ...t, bias: t.bias.map((d, r) => addSided(d, g.dense[k]!.bias[r]!)), weights: t.weights.map((wr, r) => wr.map((d, c) => addSided(d, g.dense[k]!.weights[r]![c]!))) }))
      : g.dense.map((d) => ({ node: d.node, name: d.name, weights: d.weights, bias: d.bias }));
    updated ??= layerShape(g.neurons);
    active ??= layerShape(g.neurons);
    for (const n of g.neurons) {
      if (!n.noUpdate) updated[n.layer]![n.neuron] = true;
      if (n.piece > 0) active[n.layer]![n.neuron] = true;
    }
  }
  const refs = (flags: boolean[][] | undefined): NeuronRef[] =>
    (flags ?? []).flatMap((layer, l) => layer.flatMap((f, i) => (f ? [] : [{ layer: l, neuron: i }])));
  const dense = total ?? [];
  return {
    rows: rows.length, loss, dense, rowsWithTies, noUpdate: refs(updated), neverActive: refs(active),
    differentiable: dense.every((g) => [...g.bias, ...g.weights.flat()].every((d) => d.right.equals(d.left))),
  };
}

function layerShape(neurons: readonly NeuronRef[]): boolean[][] {
  const out: boolean[][] = [];
  for (const n of neurons) (out[n.layer] ??= [])[n.neuron] = false;
  return out;
}

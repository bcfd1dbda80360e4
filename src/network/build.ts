// Building networks: a small builder that every reader (tessera JSON, ONNX, NNET) and every test uses,
// so sizes are checked in one place. Identity-style helpers for residual Add and Concat live here.
import { ONE, ZERO, type Rational } from "../exact/rational.js";
import { UsageError } from "../errors.js";
import type { ActivationSpec, AffineNode, Network, NetworkMeta, NetworkNode } from "./ir.js";
import { pwlProblem } from "./activation.js";
import { rationalFromFloat64 } from "../exact/float.js";

const DEFAULT_META: NetworkMeta = { sourceFormat: "library", approximations: [], warnings: [] };

export class NetworkBuilder {
  private readonly nodes: NetworkNode[] = [];
  /** Weights and biases of the affine nodes so far. */
  private parameters = 0;

  /** `maxParameters`: the most weights and biases the network may have (readers pass the CLI's --max-parameters). */
  constructor(inputSize: number, inputName = "input", private readonly maxParameters = Infinity) {
    if (!Number.isInteger(inputSize) || inputSize < 1) throw new UsageError(`network/build: input size must be a positive integer, not ${inputSize}`);
    this.nodes.push({ kind: "input", name: inputName, size: inputSize });
  }

  /** The id of the last node added. */
  get last(): number {
    return this.nodes.length - 1;
  }

  size(id: number): number {
    const node = this.nodes[id];
    if (!node) throw new UsageError(`network/build: no node ${id}`);
    return node.size;
  }

  /**
   * Refuse, before anything is allocated, an affine node of `rows` × `width` weights (plus `rows` biases) that
   * would take the network beyond its parameter limit.
   */
  checkParameters(rows: number, width: number, label: string): void {
    const count = this.parameters + rows * (width + 1);
    if (count > this.maxParameters) {
      throw new UsageError(`network/build: ${label}: the network would have ${count} parameters, more than the limit of ${this.maxParameters} (raise it with --max-parameters)`);
    }
  }

  /** weights: out × (sum of input sizes); `inputs` defaults to the last node. Returns the new node id. */
  affine(weights: readonly (readonly Rational[])[], bias: readonly Rational[], inputs: readonly number[] = [this.last], name?: string): number {
    const width = inputs.reduce((s, id) => s + this.size(id), 0);
    const label = name ?? `affine${this.nodes.length}`;
    if (weights.length !== bias.length) {
      throw new UsageError(`network/build: ${label}: ${weights.length} weight rows but ${bias.length} biases`);
    }
    weights.forEach((row, i) => {
      if (row.length !== width) throw new UsageError(`network/build: ${label}: weight row ${i} has ${row.length} entries, its input has ${width}`);
    });
    this.checkParameters(bias.length, width, label);
    this.parameters += bias.length * (width + 1);
    const node: AffineNode = { kind: "affine", name: label, inputs: [...inputs], weights, bias, size: bias.length };
    this.nodes.push(node);
    return this.last;
  }

  /**
   * An affine node whose weights are float64s (row-major bias.length × width, each the exact value of its weight):
   * `floatWeights` keeps them, and `weights` is a read-only array whose row r is built in rationals on first read.
   */
  floatAffine(W: Float64Array, bias: readonly Rational[], inputs: readonly number[] = [this.last], name?: string): number {
    const width = inputs.reduce((s, id) => s + this.size(id), 0);
    const label = name ?? `affine${this.nodes.length}`;
    if (W.length !== bias.length * width) throw new UsageError(`network/build: ${label}: ${W.length} weights for ${bias.length} rows of ${width} inputs`);
    this.checkParameters(bias.length, width, label);
    this.parameters += bias.length * (width + 1);
    const node: AffineNode = { kind: "affine", name: label, inputs: [...inputs], weights: lazyRows(W, bias.length, width), bias, size: bias.length, floatWeights: W };
    this.nodes.push(node);
    return this.last;
  }

  activation(activation: ActivationSpec, input: number = this.last, name?: string): number {
    const size = this.size(input);
    const label = name ?? `${activation.kind}${this.nodes.length}`;
    if (activation.kind === "prelu" && activation.alpha.length !== 1 && activation.alpha.length !== size) {
      throw new UsageError(`network/build: ${label}: prelu has ${activation.alpha.length} slopes for ${size} neurons`);
    }
    if ((activation.kind === "hardtanh" || activation.kind === "clip") && activation.min.compare(activation.max) > 0) {
      throw new UsageError(`network/build: ${label}: min ${activation.min.toFraction()} exceeds max ${activation.max.toFraction()}`);
    }
    if (activation.kind === "pwl") {
      const problem = pwlProblem(activation.pwl);
      if (problem) throw new UsageError(`network/build: ${label}: the pwl function ${problem}`);
    }
    this.nodes.push({ kind: "activation", name: label, input, activation, size });
    return this.last;
  }

  /** Element-wise sum of equally sized nodes (a residual connection), as one affine node [I I ...]. */
  add(inputs: readonly number[], name?: string): number {
    const size = this.size(inputs[0]!);
    for (const id of inputs) {
      if (this.size(id) !== size) throw new UsageError(`network/build: ${name ?? "add"}: inputs of sizes ${inputs.map((i) => this.size(i)).join(" and ")} cannot be added`);
    }
    this.checkParameters(size, size * inputs.length, name ?? "add");
    const weights = Array.from({ length: size }, (_, r) => {
      const row: Rational[] = [];
      for (let k = 0; k < inputs.length; k++) for (let c = 0; c < size; c++) row.push(c === r ? ONE : ZERO);
      return row;
    });
    return this.affine(weights, new Array<Rational>(size).fill(ZERO), inputs, name);
  }

  /** Concatenation of nodes, as one identity affine node. */
  concat(inputs: readonly number[], name?: string): number {
    const size = inputs.reduce((s, id) => s + this.size(id), 0);
    this.checkParameters(size, size, name ?? "concat");
    const weights = Array.from({ length: size }, (_, r) => Array.from({ length: size }, (_, c) => (c === r ? ONE : ZERO)));
    return this.affine(weights, new Array<Rational>(size).fill(ZERO), inputs, name);
  }

  build(options: { output?: number; inputBox?: readonly (readonly [Rational, Rational])[]; meta?: Partial<NetworkMeta> } = {}): Network {
    const output = options.output ?? this.last;
    if (options.inputBox && options.inputBox.length !== this.nodes[0]!.size) {
      throw new UsageError(`network/build: the input box has ${options.inputBox.length} intervals for ${this.nodes[0]!.size} inputs`);
    }
    return {
      nodes: [...this.nodes],
      output,
      ...(options.inputBox ? { inputBox: options.inputBox } : {}),
      meta: { ...DEFAULT_META, ...options.meta },
    };
  }
}

/**
 * The rows × width matrix W (float64s, row-major) as rows of exact rationals, each row built on first read and kept:
 * a read-only array (a network read only by float engines never builds its rationals).
 */
function lazyRows(W: Float64Array, rows: number, width: number): readonly (readonly Rational[])[] {
  const built: Rational[][] = [];
  const indexOf = (key: string | symbol): number => {
    if (typeof key !== "string" || key === "" || key.length > 16) return -1;
    const k = Number(key);
    return Number.isInteger(k) && k >= 0 && k < rows && String(k) === key ? k : -1;
  };
  return new Proxy<Rational[][]>([], {
    get: (target, key, receiver) => {
      if (key === "length") return rows;
      const r = indexOf(key);
      if (r < 0) return Reflect.get(target, key, receiver);
      return (built[r] ??= Array.from(W.subarray(r * width, (r + 1) * width), (x) => rationalFromFloat64(x)!));
    },
    has: (target, key) => indexOf(key) >= 0 || Reflect.has(target, key),
    set: () => false,
  });
}

/** A plain multilayer perceptron: dense layers with the given activation between them (none after the last). */
export function sequential(
  inputSize: number,
  layers: readonly { weights: readonly (readonly Rational[])[]; bias: readonly Rational[] }[],
  activation: ActivationSpec = { kind: "relu" },
): Network {
  const b = new NetworkBuilder(inputSize);
  layers.forEach((layer, i) => {
    b.affine(layer.weights, layer.bias);
    if (i < layers.length - 1) b.activation(activation);
  });
  return b.build();
}

/** Parameter count: every weight, bias and per-neuron activation parameter. */
export function parameterCount(net: Network): number {
  let count = 0;
  for (const node of net.nodes) {
    if (node.kind === "affine") count += node.weights.length * (node.weights[0]?.length ?? 0) + node.bias.length;
    else if (node.kind === "activation") {
      const a = node.activation;
      if (a.kind === "leaky_relu") count += 1;
      else if (a.kind === "prelu") count += a.alpha.length;
      else if (a.kind === "hardtanh" || a.kind === "clip") count += 2;
      else if (a.kind === "pwl") count += a.pwl.breakpoints.length + a.pwl.slopes.length + a.pwl.intercepts.length;
    }
  }
  return count;
}

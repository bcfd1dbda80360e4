// The checker's own symbolic forward pass (independent of the region engine): the exact affine map
// x ↦ M·x + v of every node for a given (partial) activation pattern, over an exact Field<T> (Dyadic for
// float networks, Rational otherwise). Layer maps are cached by the pattern prefix they depend on, so
// walking a split tree (or regions in its order) recomputes only what changed.
import type { Field } from "../exact/field.js";
import { neuronFunction } from "../network/activation.js";
import type { Network } from "../network/ir.js";
import { activationNodeIds } from "../network/ir.js";

export interface FieldMap<T> {
  readonly M: readonly (readonly T[])[];
  readonly v: readonly T[];
}

export class SymbolicPass<T> {
  private readonly acts: number[];
  private readonly maps: FieldMap<T>[] = [];
  /** used[s]: the pattern of layer s − 1 that segment s was computed with ([] for segment 0), or undefined when stale. */
  private readonly used: (readonly number[] | undefined)[] = [];
  private readonly weights = new Map<number, { W: T[][]; b: T[] }>();

  constructor(
    private readonly F: Field<T>,
    private readonly net: Network,
    private readonly d: number,
  ) {
    this.acts = activationNodeIds(net);
  }

  /** Activation layers and their sizes. */
  layerSizes(): number[] {
    return this.acts.map((id) => this.net.nodes[id]!.size);
  }

  private ensure(upToSegment: number, pattern: readonly (readonly number[])[]): void {
    for (let s = 0; s <= upToSegment; s++) {
      const used = this.used[s];
      if (used !== undefined && (s === 0 || sameLayer(used, pattern[s - 1]!))) continue;
      const from = s === 0 ? 0 : this.acts[s - 1]!;
      const to = s === this.acts.length ? this.net.nodes.length : this.acts[s]!;
      for (let id = from; id < to; id++) this.node(id, pattern);
      this.used[s] = s === 0 ? [] : [...pattern[s - 1]!];
      for (let t = s + 1; t < this.used.length; t++) this.used[t] = undefined;
    }
  }

  private node(id: number, pattern: readonly (readonly number[])[]): void {
    const F = this.F;
    const node = this.net.nodes[id]!;
    const d = this.d;
    if (node.kind === "input") {
      this.maps[id] = { M: Array.from({ length: d }, (_, r) => Array.from({ length: d }, (_, c) => (r === c ? F.one : F.zero))), v: new Array<T>(d).fill(F.zero) };
    } else if (node.kind === "activation") {
      const layer = this.acts.indexOf(id);
      const z = this.maps[node.input]!;
      const M: T[][] = [];
      const v: T[] = [];
      for (let i = 0; i < node.size; i++) {
        const f = neuronFunction(node.activation, i);
        const piece = pattern[layer]![i]!;
        const slope = F.fromRational(f.slopes[piece]!);
        M.push(z.M[i]!.map((x) => F.mul(x, slope)));
        v.push(F.add(F.mul(z.v[i]!, slope), F.fromRational(f.intercepts[piece]!)));
      }
      this.maps[id] = { M, v };
    } else {
      let wb = this.weights.get(id);
      if (!wb) {
        wb = { W: node.weights.map((row) => row.map((w) => F.fromRational(w))), b: node.bias.map((b) => F.fromRational(b)) };
        this.weights.set(id, wb);
      }
      const argM = node.inputs.flatMap((i) => this.maps[i]!.M);
      const argV = node.inputs.flatMap((i) => this.maps[i]!.v);
      // Column k of the argument's gradient rows: M[r][k] = W[r]·column k, one exact dot product (a single
      // fixed-point sum on dyadics, no normalisation per term).
      const columns = Array.from({ length: d }, (_, k) => argM.map((row) => row[k]!));
      const M = wb.W.map((row) => columns.map((column) => F.dot(row, column)));
      const v = wb.W.map((row, r) => F.dot(row, argV, wb.b[r]!));
      this.maps[id] = { M, v };
    }
  }

  /** Pre-activation (w, c) of neuron `neuron` of activation layer `layer`; needs the pattern of earlier layers. */
  preactivation(layer: number, neuron: number, pattern: readonly (readonly number[])[]): { w: readonly T[]; c: T } {
    const z = this.layer(layer, pattern);
    return { w: z.M[neuron]!, c: z.v[neuron]! };
  }

  /** The pre-activation maps of every neuron of activation layer `layer` (row i: neuron i); needs the pattern of earlier layers. */
  layer(layer: number, pattern: readonly (readonly number[])[]): FieldMap<T> {
    this.ensure(layer, pattern);
    const node = this.net.nodes[this.acts[layer]!]!;
    if (node.kind !== "activation") throw new Error("check/symbolic: not an activation node");
    return this.maps[node.input]!;
  }

  /** The output map for a full pattern. */
  output(pattern: readonly (readonly number[])[]): FieldMap<T> {
    this.ensure(this.acts.length, pattern);
    return this.maps[this.net.output]!;
  }
}

function sameLayer(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

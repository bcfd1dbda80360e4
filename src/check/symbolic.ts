// The checker's own symbolic forward pass (independent of the region engine): the exact affine map
// x ↦ M·x + v of every node for a given (partial) activation pattern, in rationals. Layer maps are cached
// by the pattern prefix they depend on, so walking a split tree recomputes only what changed.
import { ONE, ZERO, type Rational } from "../exact/rational.js";
import { neuronFunction } from "../network/activation.js";
import type { Network } from "../network/ir.js";
import { activationNodeIds } from "../network/ir.js";

export interface RationalMap {
  readonly M: readonly (readonly Rational[])[];
  readonly v: readonly Rational[];
}

export class SymbolicPass {
  private readonly acts: number[];
  private readonly maps: RationalMap[] = [];
  /** keys[s]: the pattern prefix (layers < s) that segment s was computed with. */
  private readonly keys: (string | undefined)[] = [];

  constructor(
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
      const key = pattern.slice(0, s).map((l) => l.join(",")).join("|");
      if (this.keys[s] === key) continue;
      const from = s === 0 ? 0 : this.acts[s - 1]!;
      const to = s === this.acts.length ? this.net.nodes.length : this.acts[s]!;
      for (let id = from; id < to; id++) this.node(id, pattern);
      this.keys[s] = key;
      for (let t = s + 1; t < this.keys.length; t++) this.keys[t] = undefined;
    }
  }

  private node(id: number, pattern: readonly (readonly number[])[]): void {
    const node = this.net.nodes[id]!;
    const d = this.d;
    if (node.kind === "input") {
      this.maps[id] = { M: Array.from({ length: d }, (_, r) => Array.from({ length: d }, (_, c) => (r === c ? ONE : ZERO))), v: new Array<Rational>(d).fill(ZERO) };
    } else if (node.kind === "activation") {
      const layer = this.acts.indexOf(id);
      const z = this.maps[node.input]!;
      const M: Rational[][] = [];
      const v: Rational[] = [];
      for (let i = 0; i < node.size; i++) {
        const f = neuronFunction(node.activation, i);
        const piece = pattern[layer]![i]!;
        M.push(z.M[i]!.map((x) => x.mul(f.slopes[piece]!)));
        v.push(z.v[i]!.mul(f.slopes[piece]!).add(f.intercepts[piece]!));
      }
      this.maps[id] = { M, v };
    } else {
      const argM = node.inputs.flatMap((i) => this.maps[i]!.M);
      const argV = node.inputs.flatMap((i) => this.maps[i]!.v);
      const M = node.weights.map((row) => Array.from({ length: d }, (_, k) => row.reduce((s, w, c) => (w.n === 0n ? s : s.add(w.mul(argM[c]![k]!))), ZERO)));
      const v = node.weights.map((row, r) => row.reduce((s, w, c) => (w.n === 0n ? s : s.add(w.mul(argV[c]!))), node.bias[r]!));
      this.maps[id] = { M, v };
    }
  }

  /** Pre-activation (w, c) of neuron `neuron` of activation layer `layer`; needs the pattern of earlier layers. */
  preactivation(layer: number, neuron: number, pattern: readonly (readonly number[])[]): { w: readonly Rational[]; c: Rational } {
    this.ensure(layer, pattern);
    const node = this.net.nodes[this.acts[layer]!]!;
    if (node.kind !== "activation") throw new Error("check/symbolic: not an activation node");
    const z = this.maps[node.input]!;
    return { w: z.M[neuron]!, c: z.v[neuron]! };
  }

  /** The output map for a full pattern. */
  output(pattern: readonly (readonly number[])[]): RationalMap {
    this.ensure(this.acts.length, pattern);
    return this.maps[this.net.output]!;
  }
}

// The exact affine map x ↦ M·x + v of every network node on the current region of the depth-first search.
// Maps are written on descent, segment by segment: segment s holds the nodes from activation node s-1
// (its output needs the pattern of layer s-1) up to activation node s. A node's map is always the one of
// the current path because every segment is recomputed whenever the path enters it.
// `PathMaps` is what the search reads; `FieldMaps` computes it in any field (rational networks), and
// `FixedPointMaps` (fixed-point-maps.ts) is the fast engine for dyadic networks.
import type { Field } from "../exact/field.js";
import { neuronFunction } from "../network/activation.js";
import type { Network } from "../network/ir.js";
import { activationNodeIds } from "../network/ir.js";

export interface NodeMap<T> {
  /** size × d. */
  readonly M: readonly (readonly T[])[];
  readonly v: readonly T[];
}

export interface NeuronInfo<T> {
  /** Activation layer (index among activation nodes). */
  readonly layer: number;
  readonly neuron: number;
  /** Node id of the activation's input (whose map row is the pre-activation). */
  readonly inputNode: number;
  readonly breakpoints: readonly T[];
  readonly slopes: readonly T[];
  readonly intercepts: readonly T[];
}

/** A row of a node's map in fixed point: w_k = ints[k]·2^E (k < d), c = ints[d]·2^E. */
export interface FixedRow {
  readonly ints: readonly bigint[];
  readonly E: number;
}

/** Float rows with proven error bounds (float-maps.ts): row r of node id is values[id][r·(d+1) ..], |exact − float| ≤ error[id][r]. */
export interface FloatRows {
  readonly values: readonly Float64Array[];
  readonly error: readonly Float64Array[];
}

/** The maps of the current search path, as the enumeration reads them. */
export interface PathMaps<T> {
  /** Every neuron in topological order (activation layer by layer, then by index). */
  readonly neurons: readonly NeuronInfo<T>[];
  /** Index of the first neuron of each activation layer, plus the total at the end. */
  readonly layerStart: readonly number[];
  readonly layers: number;
  /** Recompute the maps of segment s (0 ≤ s ≤ layers) for the given pattern of the earlier layers. */
  computeSegment(s: number, pattern: readonly (readonly number[])[]): void;
  /** Row r of node id's map: z = w·x + c. */
  row(id: number, r: number): { w: readonly T[]; c: T };
  /** The same row in fixed point, when the engine keeps one (dyadic networks). */
  fixedRow(id: number, r: number): FixedRow | undefined;
  /** The output node's map. */
  output(): NodeMap<T>;
  /** Float maps with proven error bounds that follow the path, when the engine keeps them. */
  readonly float: FloatRows | undefined;
}

/** The neurons of a network's activation layers in topological order, with their pieces in the field. */
export function neuronTable<T>(F: Field<T>, net: Network): { acts: number[]; neurons: NeuronInfo<T>[]; layerStart: number[] } {
  const acts = activationNodeIds(net);
  const neurons: NeuronInfo<T>[] = [];
  const layerStart: number[] = [];
  acts.forEach((id, layer) => {
    const node = net.nodes[id]!;
    if (node.kind !== "activation") return;
    layerStart.push(neurons.length);
    for (let i = 0; i < node.size; i++) {
      const f = neuronFunction(node.activation, i);
      neurons.push({
        layer,
        neuron: i,
        inputNode: node.input,
        breakpoints: f.breakpoints.map((r) => F.fromRational(r)),
        slopes: f.slopes.map((r) => F.fromRational(r)),
        intercepts: f.intercepts.map((r) => F.fromRational(r)),
      });
    }
  });
  layerStart.push(neurons.length);
  return { acts, neurons, layerStart };
}

/** Exact maps in any field, node by node (the general path: rational networks or domains). */
export class FieldMaps<T> implements PathMaps<T> {
  readonly neurons: NeuronInfo<T>[];
  readonly layerStart: number[];
  private readonly acts: number[];
  private readonly maps: NodeMap<T>[] = [];
  private readonly zeroRow: T[];
  private readonly weightCache = new Map<number, T[][]>();
  readonly float = undefined;

  constructor(
    private readonly F: Field<T>,
    private readonly net: Network,
    private readonly d: number,
  ) {
    ({ acts: this.acts, neurons: this.neurons, layerStart: this.layerStart } = neuronTable(F, net));
    this.zeroRow = new Array<T>(d).fill(F.zero);
  }

  get layers(): number {
    return this.acts.length;
  }

  computeSegment(s: number, pattern: readonly (readonly number[])[]): void {
    const from = s === 0 ? 0 : this.acts[s - 1]!;
    const to = s === this.acts.length ? this.net.nodes.length : this.acts[s]!;
    for (let id = from; id < to; id++) this.computeNode(id, pattern);
  }

  private computeNode(id: number, pattern: readonly (readonly number[])[]): void {
    const F = this.F;
    const d = this.d;
    const node = this.net.nodes[id]!;
    if (node.kind === "input") {
      this.maps[id] = {
        M: Array.from({ length: d }, (_, r) => Array.from({ length: d }, (_, c) => (r === c ? F.one : F.zero))),
        v: new Array<T>(d).fill(F.zero),
      };
      return;
    }
    if (node.kind === "activation") {
      const layer = this.acts.indexOf(id);
      const z = this.maps[node.input]!;
      const start = this.layerStart[layer]!;
      const M: (readonly T[])[] = [];
      const v: T[] = [];
      for (let i = 0; i < node.size; i++) {
        const info = this.neurons[start + i]!;
        const piece = pattern[layer]![i]!;
        const slope = info.slopes[piece]!;
        const intercept = info.intercepts[piece]!;
        const sSign = F.sign(slope);
        // Rows are never mutated, so identity pieces share the pre-activation's row and flat pieces one zero row.
        const identity = sSign > 0 && F.compare(slope, F.one) === 0;
        M.push(sSign === 0 ? this.zeroRow : identity ? z.M[i]! : z.M[i]!.map((x) => F.mul(slope, x)));
        v.push(sSign === 0 ? intercept : identity ? F.add(z.v[i]!, intercept) : F.add(F.mul(slope, z.v[i]!), intercept));
      }
      this.maps[id] = { M, v };
      return;
    }
    // Affine: rows of the concatenated inputs, then W·rows + bias.
    const argM: (readonly T[])[] = [];
    const argV: T[] = [];
    for (const input of node.inputs) {
      const m = this.maps[input]!;
      argM.push(...m.M);
      argV.push(...m.v);
    }
    const M: T[][] = [];
    const v: T[] = [];
    for (let r = 0; r < node.size; r++) {
      const W = node.weights[r]!;
      const row = new Array<T>(d).fill(F.zero);
      let c0 = F.fromRational(node.bias[r]!);
      for (let c = 0; c < W.length; c++) {
        if (W[c]!.n === 0n) continue;
        const w = this.weight(id, r, c);
        const src = argM[c]!;
        for (let k = 0; k < d; k++) if (F.sign(src[k]!) !== 0) row[k] = F.add(row[k]!, F.mul(w, src[k]!));
        if (F.sign(argV[c]!) !== 0) c0 = F.add(c0, F.mul(w, argV[c]!));
      }
      M.push(row);
      v.push(c0);
    }
    this.maps[id] = { M, v };
  }

  private weight(id: number, r: number, c: number): T {
    let W = this.weightCache.get(id);
    if (!W) {
      const node = this.net.nodes[id]!;
      if (node.kind !== "affine") throw new Error("regions/affine-maps: not an affine node");
      W = node.weights.map((row) => row.map((x) => this.F.fromRational(x)));
      this.weightCache.set(id, W);
    }
    return W[r]![c]!;
  }

  row(id: number, r: number): { w: readonly T[]; c: T } {
    return { w: this.maps[id]!.M[r]!, c: this.maps[id]!.v[r]! };
  }

  fixedRow(): undefined {
    return undefined;
  }

  output(): NodeMap<T> {
    return this.maps[this.net.output]!;
  }
}

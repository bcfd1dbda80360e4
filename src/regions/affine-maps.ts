// The exact affine map x ↦ M·x + v of every network node on the current region of the depth-first search.
// Maps are written on descent, segment by segment: segment s holds the nodes from activation node s-1
// (its output needs the pattern of layer s-1) up to activation node s. A node's map is always the one of
// the current path because every segment is recomputed whenever the path enters it.
import { Dyadic } from "../exact/dyadic.js";
import type { Field } from "../exact/field.js";
import { neuronFunction } from "../network/activation.js";
import type { Network } from "../network/ir.js";
import { activationNodeIds } from "../network/ir.js";

export interface NodeMap<T> {
  /** size × d. */
  readonly M: T[][];
  readonly v: T[];
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

export class AffineMaps<T> {
  readonly maps: NodeMap<T>[] = [];
  readonly neurons: NeuronInfo<T>[] = [];
  /** Index of the first neuron of each activation layer, plus the total at the end. */
  readonly layerStart: number[] = [];
  private readonly acts: number[];

  constructor(
    private readonly F: Field<T>,
    private readonly net: Network,
    private readonly d: number,
  ) {
    this.acts = activationNodeIds(net);
    this.acts.forEach((id, layer) => {
      const node = net.nodes[id]!;
      if (node.kind !== "activation") return;
      this.layerStart.push(this.neurons.length);
      for (let i = 0; i < node.size; i++) {
        const f = neuronFunction(node.activation, i);
        this.neurons.push({
          layer,
          neuron: i,
          inputNode: node.input,
          breakpoints: f.breakpoints.map((r) => F.fromRational(r)),
          slopes: f.slopes.map((r) => F.fromRational(r)),
          intercepts: f.intercepts.map((r) => F.fromRational(r)),
        });
      }
    });
    this.layerStart.push(this.neurons.length);
  }

  get layers(): number {
    return this.acts.length;
  }

  /** Recompute the maps of segment s (0 ≤ s ≤ layers) for the given pattern of the earlier layers. */
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
      const M: T[][] = [];
      const v: T[] = [];
      for (let i = 0; i < node.size; i++) {
        const info = this.neurons[start + i]!;
        const piece = pattern[layer]![i]!;
        const slope = info.slopes[piece]!;
        const sSign = F.sign(slope);
        M.push(sSign === 0 ? new Array<T>(d).fill(F.zero) : z.M[i]!.map((x) => F.mul(slope, x)));
        v.push(F.add(sSign === 0 ? F.zero : F.mul(slope, z.v[i]!), info.intercepts[piece]!));
      }
      this.maps[id] = { M, v };
      return;
    }
    if (F.zero instanceof Dyadic) {
      this.maps[id] = this.affineDyadic(id) as unknown as NodeMap<T>;
      return;
    }
    // Affine: rows of the concatenated inputs, then W·rows + bias.
    const argM: T[][] = [];
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

  /** Weights and biases of an affine node as integers over one common exponent (dyadic networks). */
  private readonly fixedCache = new Map<number, { W: bigint[][]; EW: number; bias: Dyadic[] }>();

  /**
   * The dyadic fast path: W·arg + bias in fixed point. The weights share one exponent EW and the argument
   * one exponent EA, so every product is an integer at exponent EW + EA and the sums need no normalisation;
   * each output entry is normalised once (instead of once per operation).
   */
  private affineDyadic(id: number): NodeMap<Dyadic> {
    const node = this.net.nodes[id]!;
    if (node.kind !== "affine") throw new Error("regions/affine-maps: not an affine node");
    const d = this.d;
    let fixed = this.fixedCache.get(id);
    if (!fixed) {
      const Wd = node.weights.map((row) => row.map((x) => Dyadic.fromRational(x)!));
      let EW = Infinity;
      for (const row of Wd) for (const x of row) if (x.m !== 0n && x.e < EW) EW = x.e;
      if (EW === Infinity) EW = 0;
      fixed = { W: Wd.map((row) => row.map((x) => (x.m === 0n ? 0n : x.m << BigInt(x.e - EW)))), EW, bias: node.bias.map((b) => Dyadic.fromRational(b)!) };
      this.fixedCache.set(id, fixed);
    }
    const args = node.inputs.map((i) => this.maps[i]! as unknown as NodeMap<Dyadic>);
    let EA = Infinity;
    for (const a of args) {
      for (const row of a.M) for (const x of row) if (x.m !== 0n && x.e < EA) EA = x.e;
      for (const x of a.v) if (x.m !== 0n && x.e < EA) EA = x.e;
    }
    if (EA === Infinity) EA = 0;
    const toInt = (x: Dyadic): bigint => (x.m === 0n ? 0n : x.m << BigInt(x.e - EA));
    const argM: bigint[][] = [];
    const argV: bigint[] = [];
    for (const a of args) {
      for (const row of a.M) argM.push(row.map(toInt));
      for (const x of a.v) argV.push(toInt(x));
    }
    const E0 = fixed.EW + EA;
    const M: Dyadic[][] = [];
    const v: Dyadic[] = [];
    for (let r = 0; r < node.size; r++) {
      const Wr = fixed.W[r]!;
      const acc: bigint[] = new Array<bigint>(d).fill(0n);
      let acc0 = 0n;
      for (let c = 0; c < Wr.length; c++) {
        const w = Wr[c]!;
        if (w === 0n) continue;
        const src = argM[c]!;
        for (let k = 0; k < d; k++) if (src[k] !== 0n) acc[k] = acc[k]! + w * src[k]!;
        if (argV[c] !== 0n) acc0 += w * argV[c]!;
      }
      M.push(acc.map((x) => Dyadic.of(x, E0)));
      v.push(Dyadic.of(acc0, E0).add(fixed.bias[r]!));
    }
    return { M, v };
  }

  private readonly weightCache = new Map<number, T[][]>();

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

  /** The output node's map. */
  output(): NodeMap<T> {
    return this.maps[this.net.output]!;
  }
}

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
  private readonly zeroRow: T[];

  constructor(
    private readonly F: Field<T>,
    private readonly net: Network,
    private readonly d: number,
  ) {
    this.acts = activationNodeIds(net);
    this.zeroRow = new Array<T>(d).fill(F.zero);
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
   * each output entry is normalised once (instead of once per operation). Between sibling patterns only a
   * few argument rows change (the neurons whose piece differs), so the last product is kept and updated by
   * those rows only (a rank-k update) unless more than half of them changed.
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
    // The argument rows (map row and constant, d + 1 entries) of the concatenated inputs.
    const argRows: Dyadic[][] = [];
    for (const i of node.inputs) {
      const a = this.maps[i]! as unknown as NodeMap<Dyadic>;
      a.M.forEach((row, r) => argRows.push([...row, a.v[r]!]));
    }
    let EA = Infinity;
    for (const row of argRows) for (const x of row) if (x.m !== 0n && x.e < EA) EA = x.e;
    if (EA === Infinity) EA = 0;
    let st = this.fixedState.get(id);
    if (st && EA < st.EA) {
      // A finer argument: rescale the kept integers to the new exponent.
      const sh = BigInt(st.EA - EA);
      for (const row of st.argInts) for (let k = 0; k <= d; k++) row[k] = row[k]! << sh;
      for (const row of st.acc) for (let k = 0; k <= d; k++) row[k] = row[k]! << sh;
      st.EA = EA;
    }
    EA = st ? st.EA : EA;
    const ints = argRows.map((row) => row.map((x) => (x.m === 0n ? 0n : x.m << BigInt(x.e - EA))));
    const W = fixed.W;
    const changed: number[] = [];
    if (st) {
      for (let c = 0; c < ints.length; c++) {
        const a = ints[c]!;
        const b = st.argInts[c]!;
        for (let k = 0; k <= d; k++) {
          if (a[k] !== b[k]) {
            changed.push(c);
            break;
          }
        }
      }
    }
    if (!st || changed.length * 2 > ints.length) {
      // Full product W·arg in fixed point.
      const acc = W.map((Wr) => {
        const out = new Array<bigint>(d + 1).fill(0n);
        for (let c = 0; c < Wr.length; c++) {
          const w = Wr[c]!;
          if (w === 0n) continue;
          const src = ints[c]!;
          for (let k = 0; k <= d; k++) if (src[k] !== 0n) out[k] = out[k]! + w * src[k]!;
        }
        return out;
      });
      st = { EA, argInts: ints, acc };
      this.fixedState.set(id, st);
    } else {
      // Rank-k update: only the argument rows that changed since the last product.
      for (const c of changed) {
        const delta = ints[c]!.map((v, k) => v - st!.argInts[c]![k]!);
        for (let r = 0; r < W.length; r++) {
          const w = W[r]![c]!;
          if (w === 0n) continue;
          const out = st.acc[r]!;
          for (let k = 0; k <= d; k++) if (delta[k] !== 0n) out[k] = out[k]! + w * delta[k]!;
        }
      }
      st.argInts = ints;
    }
    const E0 = fixed.EW + EA;
    const M: Dyadic[][] = [];
    const v: Dyadic[] = [];
    for (let r = 0; r < node.size; r++) {
      const acc = st.acc[r]!;
      const row: Dyadic[] = new Array<Dyadic>(d);
      for (let k = 0; k < d; k++) row[k] = Dyadic.of(acc[k]!, E0);
      M.push(row);
      v.push(Dyadic.of(acc[d]!, E0).add(fixed.bias[r]!));
    }
    return { M, v };
  }

  /** The last fixed-point product of each affine node (its argument rows and accumulators), for updates. */
  private readonly fixedState = new Map<number, { EA: number; argInts: bigint[][]; acc: bigint[][] }>();

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

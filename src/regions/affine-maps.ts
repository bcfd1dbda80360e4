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
      if (F.zero instanceof Dyadic) this.fixedInput(id);
      return;
    }
    if (node.kind === "activation") {
      if (F.zero instanceof Dyadic) {
        // Fixed point only; the Dyadic map is materialised on request (nodeMap).
        this.fixedActivation(id, pattern);
        return;
      }
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
      this.affineDyadic(id);
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

  /**
   * The dyadic fast path keeps, next to the Dyadic maps, every node's map in fixed point: one integer row
   * per output (d map entries and the constant) over one binary exponent per node. The exponents are static
   * (fixed by the weights, biases, slopes and intercepts, never by the values), so a row can be passed from
   * node to node without rescaling, and a row is an immutable array: an unchanged row keeps its identity.
   */
  private readonly fx: ({ E: number; rows: bigint[][] } | undefined)[] = [];
  /** Static exponent of each node's fixed-point rows. */
  private readonly fxE: number[] = [];
  /** Per activation node: the last input row, piece and output row of each neuron (reused when both match). */
  private readonly actCache = new Map<number, { z: (bigint[] | undefined)[]; piece: number[]; out: bigint[][] }>();
  /** Per affine node: integer weights scaled to the node's exponent (W·2^{-(E−EA)}), bias at E, input shifts. */
  private readonly fixedCache = new Map<number, { W: bigint[][]; bias: bigint[]; EA: number; shifts: number[] }>();
  /** Per affine node: the argument rows of the last product (by identity) and its output rows. */
  private readonly fixedState = new Map<number, { args: bigint[][]; rows: bigint[][] }>();
  /** Per affine node: the integer rows last converted to Dyadics, and the Dyadic map made from them. */
  private readonly dyState = new Map<number, { src: bigint[][]; M: Dyadic[][]; v: Dyadic[] }>();

  private static expOf(x: Dyadic, acc: number): number {
    return x.m !== 0n && x.e < acc ? x.e : acc;
  }

  /** The static exponent of node id (its inputs' exponents must be known). */
  private fixedExponent(id: number): number {
    const known = this.fxE[id];
    if (known !== undefined) return known;
    const node = this.net.nodes[id]!;
    let E: number;
    if (node.kind === "input") E = 0;
    else if (node.kind === "activation") {
      const Ein = this.fixedExponent(node.input);
      E = Ein;
      const layer = this.acts.indexOf(id);
      const start = this.layerStart[layer]!;
      for (let i = 0; i < node.size; i++) {
        const info = this.neurons[start + i]! as unknown as NeuronInfo<Dyadic>;
        for (const s of info.slopes) if (s.m !== 0n) E = Math.min(E, Ein + s.e);
        for (const t of info.intercepts) E = AffineMaps.expOf(t, E);
      }
    } else {
      let EA = Infinity;
      for (const i of node.inputs) EA = Math.min(EA, this.fixedExponent(i));
      let EW = Infinity;
      for (const row of node.weights) for (const x of row) if (x.n !== 0n) EW = Math.min(EW, Dyadic.fromRational(x)!.e);
      E = EW === Infinity ? EA : EW + EA;
      for (const b of node.bias) if (b.n !== 0n) E = Math.min(E, Dyadic.fromRational(b)!.e);
    }
    this.fxE[id] = E;
    return E;
  }

  /** Fixed-point rows of the input node (the identity map). */
  private fixedInput(id: number): void {
    const d = this.d;
    this.fixedExponent(id);
    this.fx[id] = { E: 0, rows: Array.from({ length: d }, (_, r) => Array.from({ length: d + 1 }, (_, k) => (k === r ? 1n : 0n))) };
  }

  /** Fixed-point rows of an activation node: slope·z + intercept per neuron; identity pieces share z's row. */
  private fixedActivation(id: number, pattern: readonly (readonly number[])[]): void {
    const node = this.net.nodes[id]!;
    if (node.kind !== "activation") return;
    const d = this.d;
    const E = this.fixedExponent(id);
    const zin = this.fx[node.input]!;
    const Ein = zin.E;
    const layer = this.acts.indexOf(id);
    const start = this.layerStart[layer]!;
    let cache = this.actCache.get(id);
    if (!cache) {
      cache = { z: new Array<bigint[] | undefined>(node.size).fill(undefined), piece: new Array<number>(node.size).fill(-1), out: new Array<bigint[]>(node.size) };
      this.actCache.set(id, cache);
    }
    const rows: bigint[][] = new Array<bigint[]>(node.size);
    for (let i = 0; i < node.size; i++) {
      const z = zin.rows[i]!;
      const piece = pattern[layer]![i]!;
      if (cache.z[i] === z && cache.piece[i] === piece) {
        rows[i] = cache.out[i]!;
        continue;
      }
      const info = this.neurons[start + i]! as unknown as NeuronInfo<Dyadic>;
      const s = info.slopes[piece]!;
      const t = info.intercepts[piece]!;
      let out: bigint[];
      if (s.m === 1n && s.e === 0 && t.m === 0n && E === Ein) out = z;
      else if (s.m === 0n && t.m === 0n) out = this.zeroInts;
      else {
        out = new Array<bigint>(d + 1).fill(0n);
        if (s.m !== 0n) {
          const f = s.m << BigInt(Ein + s.e - E);
          for (let k = 0; k <= d; k++) if (z[k] !== 0n) out[k] = z[k]! * f;
        }
        if (t.m !== 0n) out[d] = out[d]! + (t.m << BigInt(t.e - E));
      }
      cache.z[i] = z;
      cache.piece[i] = piece;
      cache.out[i] = out;
      rows[i] = out;
    }
    this.fx[id] = { E, rows };
  }

  private zeroIntsCache?: bigint[];
  private get zeroInts(): bigint[] {
    return (this.zeroIntsCache ??= new Array<bigint>(this.d + 1).fill(0n));
  }

  /**
   * The dyadic fast path: W·arg + bias in fixed point. Weights, arguments and bias share the node's static
   * exponent, so every product and sum is an integer operation, and each output entry is normalised to a
   * Dyadic once, only when its row changed. Between sibling patterns only a few argument rows change (by
   * identity: the neurons whose piece or whose own row differs), so the last product is kept and updated
   * by those rows only (a rank-k update) unless more than half of them changed.
   */
  private affineDyadic(id: number): void {
    const node = this.net.nodes[id]!;
    if (node.kind !== "affine") throw new Error("regions/affine-maps: not an affine node");
    const d = this.d;
    const E = this.fixedExponent(id);
    let fixed = this.fixedCache.get(id);
    if (!fixed) {
      let EA = Infinity;
      for (const i of node.inputs) EA = Math.min(EA, this.fxE[i]!);
      fixed = {
        W: node.weights.map((row) =>
          row.map((x) => {
            const w = Dyadic.fromRational(x)!;
            return w.m === 0n ? 0n : w.m << BigInt(w.e + EA - E);
          }),
        ),
        bias: node.bias.map((b) => {
          const x = Dyadic.fromRational(b)!;
          return x.m === 0n ? 0n : x.m << BigInt(x.e - E);
        }),
        EA,
        shifts: node.inputs.map((i) => this.fxE[i]! - EA),
      };
      this.fixedCache.set(id, fixed);
    }
    // The argument rows of the concatenated inputs, at exponent EA (rows of finer inputs are shared as is).
    const args: bigint[][] = [];
    node.inputs.forEach((i, j) => {
      const rows = this.fx[i]!.rows;
      const sh = fixed.shifts[j]!;
      if (sh === 0) for (const row of rows) args.push(row);
      else {
        const b = BigInt(sh);
        for (const row of rows) args.push(row.map((x) => x << b));
      }
    });
    const W = fixed.W;
    let st = this.fixedState.get(id);
    const changed: number[] = [];
    if (st) for (let c = 0; c < args.length; c++) if (args[c] !== st.args[c]) changed.push(c);
    if (!st || changed.length * 2 > args.length) {
      // Full product W·arg + bias in fixed point.
      const rows = W.map((Wr, r) => {
        const out = new Array<bigint>(d + 1).fill(0n);
        out[d] = fixed.bias[r]!;
        for (let c = 0; c < Wr.length; c++) {
          const w = Wr[c]!;
          if (w === 0n) continue;
          const src = args[c]!;
          for (let k = 0; k <= d; k++) if (src[k] !== 0n) out[k] = out[k]! + w * src[k]!;
        }
        return out;
      });
      st = { args, rows };
      this.fixedState.set(id, st);
    } else if (changed.length > 0) {
      // Rank-k update: only the argument rows that changed since the last product; rows it leaves alone keep
      // their identity.
      const deltas: (bigint[] | undefined)[] = changed.map((c) => {
        const a = args[c]!;
        const b = st!.args[c]!;
        let nz = false;
        const delta = new Array<bigint>(d + 1);
        for (let k = 0; k <= d; k++) {
          const x = a[k]! - b[k]!;
          delta[k] = x;
          if (x !== 0n) nz = true;
        }
        return nz ? delta : undefined;
      });
      const rows = st.rows.slice();
      for (let r = 0; r < W.length; r++) {
        const Wr = W[r]!;
        let out: bigint[] | undefined;
        for (let j = 0; j < changed.length; j++) {
          const delta = deltas[j];
          if (!delta) continue;
          const w = Wr[changed[j]!]!;
          if (w === 0n) continue;
          out ??= rows[r]!.slice();
          for (let k = 0; k <= d; k++) if (delta[k] !== 0n) out[k] = out[k]! + w * delta[k]!;
        }
        if (out) rows[r] = out;
      }
      st.args = args;
      st.rows = rows;
    }
    this.fx[id] = { E, rows: st.rows };
  }

  /**
   * Row r of node id's map as Dyadics (w, c), converted from the fixed-point row only when that row changed
   * since it was last converted (dyadic networks; otherwise read from the maps).
   */
  row(id: number, r: number): { w: T[]; c: T } {
    if (!(this.F.zero instanceof Dyadic)) return { w: this.maps[id]!.M[r]!, c: this.maps[id]!.v[r]! };
    const fx = this.fx[id]!;
    const size = fx.rows.length;
    let dy = this.dyState.get(id);
    if (!dy) {
      dy = { src: new Array<bigint[]>(size), M: new Array<Dyadic[]>(size), v: new Array<Dyadic>(size) };
      this.dyState.set(id, dy);
    }
    const ints = fx.rows[r]!;
    if (dy.src[r] !== ints) {
      const d = this.d;
      const E = fx.E;
      const row: Dyadic[] = new Array<Dyadic>(d);
      for (let k = 0; k < d; k++) row[k] = ints[k] === 0n ? Dyadic.ZERO : Dyadic.of(ints[k]!, E);
      dy.M[r] = row;
      dy.v[r] = ints[d] === 0n ? Dyadic.ZERO : Dyadic.of(ints[d]!, E);
      dy.src[r] = ints;
    }
    return { w: dy.M[r]! as unknown as T[], c: dy.v[r]! as unknown as T };
  }

  /** Row r of node id's map in fixed point (d entries and the constant, all times 2^E); dyadic networks only. */
  fixedRow(id: number, r: number): { ints: readonly bigint[]; E: number } | undefined {
    const fx = this.fx[id];
    return fx ? { ints: fx.rows[r]!, E: fx.E } : undefined;
  }

  /** The whole map of a node (materialised from fixed point on dyadic networks). */
  nodeMap(id: number): NodeMap<T> {
    if (!(this.F.zero instanceof Dyadic)) return this.maps[id]!;
    const size = this.fx[id]!.rows.length;
    const M: T[][] = [];
    const v: T[] = [];
    for (let r = 0; r < size; r++) {
      const { w, c } = this.row(id, r);
      M.push(w);
      v.push(c);
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
    return this.nodeMap(this.net.output);
  }
}

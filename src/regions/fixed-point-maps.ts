// The fixed-point engine of the exact affine maps, for dyadic networks (float weights on dyadic domains):
// every node's map is kept as one integer row per output (d map entries and the constant) over one binary
// exponent per node. The exponents are static (fixed by the weights, biases, slopes and intercepts, never by
// the values), so a row can be passed from node to node without rescaling, and a row is an immutable array:
// an unchanged row keeps its identity, and an affine node updates its last product by the argument rows
// that changed (a rank-k update). Rows become canonical Dyadics only when asked for (`row`, `output`).
// When the network's parameters are float64 values, float maps with proven error bounds (float-maps.ts)
// follow the path eagerly and the exact maps are computed lazily: a segment is brought up to date only
// when an exact row of it (or the output map) is asked for.
import { Dyadic } from "../exact/dyadic.js";
import { DyadicField } from "../exact/field.js";
import type { Network } from "../network/ir.js";
import { neuronTable, type FixedRow, type NeuronInfo, type NodeMap, type PathMaps } from "./affine-maps.js";
import { FloatMaps } from "./float-maps.js";
import { checkDeadline } from "../geometry/deadline.js";

/** The dyadic neuron table, built once per network (every work unit builds its own maps; the table is read-only). */
const tables = new WeakMap<Network, ReturnType<typeof neuronTable<Dyadic>>>();
function dyadicTable(net: Network): ReturnType<typeof neuronTable<Dyadic>> {
  let table = tables.get(net);
  if (!table) {
    table = neuronTable(DyadicField, net);
    tables.set(net, table);
  }
  return table;
}

export class FixedPointMaps implements PathMaps<Dyadic> {
  readonly neurons: NeuronInfo<Dyadic>[];
  readonly layerStart: number[];
  readonly float: FloatMaps | undefined;
  private readonly acts: number[];
  /** Segment of each node (the search recomputes segment s when it enters activation layer s). */
  private readonly segmentOf: number[] = [];
  /** Exact segments from this one on are stale (lazy mode). */
  private staleFrom = Infinity;
  private pattern: readonly (readonly number[])[] = [];
  /** Exact segment computations (for the statistics). */
  exactSegments = 0;

  constructor(
    private readonly net: Network,
    private readonly d: number,
    lazy = true,
  ) {
    ({ acts: this.acts, neurons: this.neurons, layerStart: this.layerStart } = dyadicTable(net));
    this.float = lazy ? FloatMaps.build(net, d, this.acts, this.neurons, this.layerStart) : undefined;
    let s = 0;
    for (let id = 0; id < net.nodes.length; id++) {
      if (s < this.acts.length && this.acts[s] === id) s++;
      this.segmentOf.push(s);
    }
  }

  get layers(): number {
    return this.acts.length;
  }

  computeSegment(s: number, pattern: readonly (readonly number[])[]): void {
    if (!this.float) return this.exactSegment(s, pattern);
    this.float.computeSegment(s, pattern);
    this.pattern = pattern;
    if (s < this.staleFrom) this.staleFrom = s;
  }

  /** Bring the exact maps up to date up to segment s (lazy mode). */
  private ensureExact(s: number): void {
    while (this.staleFrom <= s) this.exactSegment(this.staleFrom++, this.pattern);
    if (this.staleFrom > this.acts.length) this.staleFrom = Infinity;
  }

  private exactSegment(s: number, pattern: readonly (readonly number[])[]): void {
    this.exactSegments++;
    const from = s === 0 ? 0 : this.acts[s - 1]!;
    const to = s === this.acts.length ? this.net.nodes.length : this.acts[s]!;
    for (let id = from; id < to; id++) {
      const node = this.net.nodes[id]!;
      if (node.kind === "input") this.fixedInput(id);
      else if (node.kind === "activation") this.fixedActivation(id, pattern);
      else this.affineDyadic(id);
    }
  }

  /** The output node's map. */
  output(): NodeMap<Dyadic> {
    this.ensureExact(this.acts.length);
    return this.nodeMap(this.net.output);
  }

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
        const info = this.neurons[start + i]!;
        for (const s of info.slopes) if (s.m !== 0n) E = Math.min(E, Ein + s.e);
        for (const t of info.intercepts) E = FixedPointMaps.expOf(t, E);
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
      const info = this.neurons[start + i]!;
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
      // Full product W·arg + bias in fixed point, over each argument row's nonzero entries (found once: the
      // input's rows are unit vectors, so the first layer costs the weights, not weights × d).
      const nonzero = args.map((src) => {
        const at: number[] = [];
        for (let k = 0; k <= d; k++) if (src[k] !== 0n) at.push(k);
        return at;
      });
      const rows = W.map((Wr, r) => {
        checkDeadline();
        const out = new Array<bigint>(d + 1).fill(0n);
        out[d] = fixed.bias[r]!;
        for (let c = 0; c < Wr.length; c++) {
          const w = Wr[c]!;
          if (w === 0n) continue;
          const src = args[c]!;
          for (const k of nonzero[c]!) out[k] = out[k]! + w * src[k]!;
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
  row(id: number, r: number): { w: readonly Dyadic[]; c: Dyadic } {
    this.ensureExact(this.segmentOf[id]!);
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
    return { w: dy.M[r]!, c: dy.v[r]! };
  }

  /** Row r of node id's map in fixed point (d entries and the constant, all times 2^E); dyadic networks only. */
  fixedRow(id: number, r: number): FixedRow | undefined {
    this.ensureExact(this.segmentOf[id]!);
    const fx = this.fx[id];
    return fx ? { ints: fx.rows[r]!, E: fx.E } : undefined;
  }

  /** The whole map of a node (materialised from fixed point). */
  private nodeMap(id: number): NodeMap<Dyadic> {
    const size = this.fx[id]!.rows.length;
    const M: (readonly Dyadic[])[] = [];
    const v: Dyadic[] = [];
    for (let r = 0; r < size; r++) {
      const { w, c } = this.row(id, r);
      M.push(w);
      v.push(c);
    }
    return { M, v };
  }
}

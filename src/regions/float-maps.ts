// Float copies of the search path's affine maps, each row with a proven bound on its error against the
// exact row (the approximate side of CGAL's filtered kernel; docs/algorithms/filtered-predicates.md).
// Only for networks whose weights, biases, slopes and intercepts are float64 values exactly (float32
// networks): the maps then differ from the exact ones by rounding alone. Rows live in one Float64Array per
// node, allocated once, and are updated in place along the depth-first path: an activation rewrites a
// neuron's row only when its piece or its input row changed (row versions), and an affine node updates its
// last product by the argument rows that changed (rank-k update), with a full product when more than half
// changed or after 32 rank-k updates (so the error bounds stay small).
import type { Dyadic } from "../exact/dyadic.js";
import { DyadicField } from "../exact/field.js";
import { gamma, inflate, UNIT_ROUNDOFF as u } from "../exact/float-error.js";
import type { Rational } from "../exact/rational.js";
import type { Network } from "../network/ir.js";
import type { NeuronInfo } from "./affine-maps.js";
import { checkDeadline } from "../geometry/deadline.js";

/** Rank-k updates of an affine node between two full products. */
const MAX_RANK_UPDATES = 32;

interface AffineState {
  readonly W: Float64Array;
  readonly absW: Float64Array;
  readonly bias: Float64Array;
  readonly nIn: number;
  /** Argument c is row argRow[c] of node argNode[c]. */
  readonly argNode: Int32Array;
  readonly argRow: Int32Array;
  /** The argument rows of the last product, their error bounds and versions. */
  readonly snap: Float64Array;
  readonly snapErr: Float64Array;
  readonly snapVer: Float64Array;
  readonly changed: Int32Array;
  readonly delta: Float64Array;
  readonly deltaMax: Float64Array;
  readonly deltaErr: Float64Array;
  /** Per argument row of the last full product: the index of its one nonzero entry, or −1. */
  readonly single: Int32Array;
  updates: number;
  full: boolean;
}

interface ActivationState {
  readonly layer: number;
  readonly lastVer: Float64Array;
  readonly lastPiece: Int32Array;
}

/** The float value of an exact dyadic, or undefined when it is not a float64 exactly. */
function exactFloat(x: Dyadic): number | undefined {
  const f = x.toNumber();
  return Number.isFinite(f) && DyadicField.fromFloat(f).equals(x) ? f : undefined;
}

const MAX_EXACT = 2n ** 53n;

/** The network's parameters as floats (read-only, shared by every FloatMaps of the network). */
interface FloatParams {
  readonly slopes: readonly Float64Array[];
  readonly intercepts: readonly Float64Array[];
  readonly affine: ReadonlyMap<number, { readonly W: Float64Array; readonly absW: Float64Array; readonly bias: Float64Array }>;
}

/**
 * Converted once per network (null: some parameter is not a float64 exactly): every work unit builds its own
 * FloatMaps, and the conversion of ACAS Xu's weights cost more than a small unit (shards cut the tree top
 * into hundreds of units).
 */
const paramsOf = new WeakMap<Network, FloatParams | null>();

function floatParams(net: Network, neurons: readonly NeuronInfo<Dyadic>[]): FloatParams | undefined {
  let params = paramsOf.get(net);
  if (params === undefined) {
    params = convertParams(net, neurons);
    paramsOf.set(net, params);
  }
  return params ?? undefined;
}

function convertParams(net: Network, neurons: readonly NeuronInfo<Dyadic>[]): FloatParams | null {
  const floats = (rows: readonly (readonly Rational[])[]): Float64Array | undefined => {
    const out = new Float64Array(rows.reduce((s, row) => s + row.length, 0));
    let i = 0;
    for (const row of rows) {
      checkDeadline();
      for (const r of row) {
        // An integer below 2^53 is a float exactly (no allocation: networks of millions of weights).
        if (r.d === 1n && r.n <= MAX_EXACT) {
          const f = Number(r.n);
          out[i++] = r.s < 0n ? -f : f;
          continue;
        }
        const f = exactFloat(DyadicField.fromRational(r));
        if (f === undefined) return undefined;
        out[i++] = f;
      }
    }
    return out;
  };
  const slopes: Float64Array[] = [];
  const intercepts: Float64Array[] = [];
  for (const info of neurons) {
    const s = info.slopes.map(exactFloat);
    const t = info.intercepts.map(exactFloat);
    if (s.some((x) => x === undefined) || t.some((x) => x === undefined)) return null;
    slopes.push(Float64Array.from(s as number[]));
    intercepts.push(Float64Array.from(t as number[]));
  }
  const affine = new Map<number, { W: Float64Array; absW: Float64Array; bias: Float64Array }>();
  for (let id = 0; id < net.nodes.length; id++) {
    const node = net.nodes[id]!;
    if (node.kind !== "affine") continue;
    // A node read from float weights (ONNX, .nnet) keeps them (network/build.ts, floatAffine: each is its weight's
    // exact value): its rational rows are then never built here (ACAS Xu: 45 ms and most of the start-up's GC).
    const W = node.floatWeights ?? floats(node.weights);
    const bias = floats([node.bias]);
    if (!W || !bias) return null;
    affine.set(id, { W, absW: W.map(Math.abs), bias });
  }
  return { slopes, intercepts, affine };
}

export class FloatMaps {
  /** Row r of node id: values[id][r·(d+1) + k] (k < d: the map, k = d: the constant). */
  readonly values: Float64Array[] = [];
  /** |exact − float| ≤ error[id][r] for every entry of row r. */
  readonly error: Float64Array[] = [];
  /** Row versions: a row's version changes whenever the row is rewritten. */
  private readonly version: Float64Array[] = [];
  private counter = 0;
  private readonly affine = new Map<number, AffineState>();
  private readonly activation = new Map<number, ActivationState>();
  private readonly slopes: Float64Array[] = [];
  private readonly intercepts: Float64Array[] = [];
  private readonly L: number;

  private constructor(
    private readonly net: Network,
    private readonly d: number,
    private readonly acts: readonly number[],
    private readonly neurons: readonly NeuronInfo<Dyadic>[],
    private readonly layerStart: readonly number[],
  ) {
    this.L = d + 1;
  }

  /** The float engine, or undefined when some parameter of the network is not a float64 exactly. */
  static build(net: Network, d: number, acts: readonly number[], neurons: readonly NeuronInfo<Dyadic>[], layerStart: readonly number[]): FloatMaps | undefined {
    const maps = new FloatMaps(net, d, acts, neurons, layerStart);
    return maps.prepare() ? maps : undefined;
  }

  private prepare(): boolean {
    const L = this.L;
    const params = floatParams(this.net, this.neurons);
    if (!params) return false;
    this.slopes.push(...params.slopes);
    this.intercepts.push(...params.intercepts);
    for (let id = 0; id < this.net.nodes.length; id++) {
      const node = this.net.nodes[id]!;
      this.values.push(new Float64Array(node.size * L));
      this.error.push(new Float64Array(node.size));
      this.version.push(new Float64Array(node.size).fill(-1));
      if (node.kind === "activation") {
        this.activation.set(id, { layer: this.acts.indexOf(id), lastVer: new Float64Array(node.size).fill(-1), lastPiece: new Int32Array(node.size).fill(-1) });
      } else if (node.kind === "affine") {
        const { W, absW, bias } = params.affine.get(id)!;
        const nIn = node.inputs.reduce((s, i) => s + this.net.nodes[i]!.size, 0);
        const argNode = new Int32Array(nIn);
        const argRow = new Int32Array(nIn);
        let c = 0;
        for (const i of node.inputs) for (let r = 0; r < this.net.nodes[i]!.size; r++, c++) [argNode[c], argRow[c]] = [i, r];
        this.affine.set(id, {
          W, absW, bias, nIn, argNode, argRow,
          snap: new Float64Array(nIn * L), snapErr: new Float64Array(nIn), snapVer: new Float64Array(nIn).fill(-1),
          changed: new Int32Array(nIn), delta: new Float64Array(nIn * L), deltaMax: new Float64Array(nIn), deltaErr: new Float64Array(nIn), single: new Int32Array(nIn),
          updates: 0, full: true,
        });
      }
    }
    return true;
  }

  /** Bring segment s (the nodes after activation s-1 up to activation s) up to date for the pattern. */
  computeSegment(s: number, pattern: readonly (readonly number[])[]): void {
    const from = s === 0 ? 0 : this.acts[s - 1]!;
    const to = s === this.acts.length ? this.net.nodes.length : this.acts[s]!;
    for (let id = from; id < to; id++) {
      const node = this.net.nodes[id]!;
      if (node.kind === "input") this.input(id);
      else if (node.kind === "activation") this.activate(id, pattern);
      else this.product(id);
    }
  }

  private input(id: number): void {
    const L = this.L;
    const vals = this.values[id]!;
    const ver = this.version[id]!;
    for (let r = 0; r < this.d; r++) {
      if (ver[r]! >= 0) continue;
      vals[r * L + r] = 1;
      ver[r] = ++this.counter;
    }
  }

  /** out_i = σ·z_i + τ·e_d for neuron i's piece (slope σ, intercept τ). */
  private activate(id: number, pattern: readonly (readonly number[])[]): void {
    const node = this.net.nodes[id]!;
    if (node.kind !== "activation") return;
    const st = this.activation.get(id)!;
    const L = this.L;
    const d = this.d;
    const z = this.values[node.input]!;
    const zErr = this.error[node.input]!;
    const zVer = this.version[node.input]!;
    const out = this.values[id]!;
    const err = this.error[id]!;
    const ver = this.version[id]!;
    const start = this.layerStart[st.layer]!;
    const layerPattern = pattern[st.layer]!;
    for (let i = 0; i < node.size; i++) {
      const piece = layerPattern[i]!;
      if (st.lastVer[i] === zVer[i] && st.lastPiece[i] === piece) continue;
      st.lastVer[i] = zVer[i]!;
      st.lastPiece[i] = piece;
      const sigma = this.slopes[start + i]![piece]!;
      const tau = this.intercepts[start + i]![piece]!;
      const o = i * L;
      if (sigma === 0) {
        out.fill(0, o, o + L);
        out[o + d] = tau;
        err[i] = 0;
      } else if (sigma === 1 && tau === 0) {
        out.set(z.subarray(o, o + L), o);
        err[i] = zErr[i]!;
      } else {
        let zmax = 0;
        for (let k = 0; k < L; k++) {
          const v = z[o + k]!;
          out[o + k] = sigma * v;
          if (Math.abs(v) > zmax) zmax = Math.abs(v);
        }
        out[o + d] = out[o + d]! + tau;
        err[i] = inflate(Math.abs(sigma) * zErr[i]! + 2 * u * (Math.abs(sigma) * zmax + Math.abs(tau)), 4);
      }
      ver[i] = ++this.counter;
    }
  }

  /** W·arg + bias: a rank-k update of the last product by the changed argument rows, or a full product. */
  private product(id: number): void {
    const st = this.affine.get(id)!;
    const L = this.L;
    const nIn = st.nIn;
    let k = 0;
    for (let c = 0; c < nIn; c++) if (this.version[st.argNode[c]!]![st.argRow[c]!] !== st.snapVer[c]) st.changed[k++] = c;
    if (k === 0 && !st.full) return;
    const out = this.values[id]!;
    const err = this.error[id]!;
    const ver = this.version[id]!;
    const nOut = out.length / L;
    const { W, absW } = st;
    if (st.full || 2 * k > nIn || st.updates >= MAX_RANK_UPDATES) {
      // Full product: |fl(Σ_c W_rc a_c + b_r) − exact| ≤ Σ_c |W_rc| e_c + γ_{nIn+1}(|b_r| + Σ_c |W_rc| max|a_c|).
      const amax = st.deltaMax;
      // Argument rows with at most one nonzero entry (the input's unit rows): that entry's index, else −1.
      const single = st.single;
      for (let c = 0; c < nIn; c++) {
        const src = this.values[st.argNode[c]!]!;
        const o = st.argRow[c]! * L;
        let m = 0;
        let at = -1;
        let nz = 0;
        for (let t = 0; t < L; t++) {
          const v = src[o + t]!;
          st.snap[c * L + t] = v;
          if (v !== 0) {
            nz++;
            at = t;
          }
          if (Math.abs(v) > m) m = Math.abs(v);
        }
        single[c] = nz === 1 ? at : -1;
        amax[c] = m;
        st.snapErr[c] = this.error[st.argNode[c]!]![st.argRow[c]!]!;
        st.snapVer[c] = this.version[st.argNode[c]!]![st.argRow[c]!]!;
      }
      const g = gamma(nIn + 1);
      // Arguments that are zero rows with no error (neurons on a flat piece: a ReLU that is off) add nothing.
      const live = st.changed;
      let nLive = 0;
      for (let c = 0; c < nIn; c++) if (amax[c]! > 0 || st.snapErr[c]! > 0) live[nLive++] = c;
      for (let r = 0; r < nOut; r++) {
        const o = r * L;
        out.fill(0, o, o + L - 1);
        out[o + L - 1] = st.bias[r]!;
        let eSum = 0;
        let mSum = Math.abs(st.bias[r]!);
        for (let j = 0; j < nLive; j++) {
          const c = live[j]!;
          const w = W[r * nIn + c]!;
          if (w === 0) continue;
          const a = absW[r * nIn + c]!;
          eSum += a * st.snapErr[c]!;
          mSum += a * amax[c]!;
          const so = c * L;
          const t1 = single[c]!;
          if (t1 >= 0) out[o + t1] = out[o + t1]! + w * st.snap[so + t1]!;
          else for (let t = 0; t < L; t++) out[o + t] = out[o + t]! + w * st.snap[so + t]!;
        }
        if ((r & 63) === 63) checkDeadline();
        err[r] = inflate(eSum + g * mSum, 2 * nIn + 2);
        ver[r] = ++this.counter;
      }
      st.updates = 0;
      st.full = false;
      return;
    }
    // Rank-k update: δ_j = a_c − snap_c (error ≤ e(a_c) + e(snap_c) + u·max|δ_j|), then
    // out_r += Σ_j W_rc δ_j with rounding ≤ γ_{k+1}(max|out_r| + Σ_j |W_rc| max|δ_j|).
    for (let j = 0; j < k; j++) {
      const c = st.changed[j]!;
      const src = this.values[st.argNode[c]!]!;
      const o = st.argRow[c]! * L;
      let m = 0;
      for (let t = 0; t < L; t++) {
        const v = src[o + t]!;
        const dv = v - st.snap[c * L + t]!;
        st.delta[j * L + t] = dv;
        st.snap[c * L + t] = v;
        if (Math.abs(dv) > m) m = Math.abs(dv);
      }
      const e = this.error[st.argNode[c]!]![st.argRow[c]!]!;
      st.deltaMax[j] = m;
      st.deltaErr[j] = e + st.snapErr[c]! + u * m;
      st.snapErr[c] = e;
      st.snapVer[c] = this.version[st.argNode[c]!]![st.argRow[c]!]!;
    }
    const g = gamma(k + 1);
    for (let r = 0; r < nOut; r++) {
      let eSum = 0;
      let dSum = 0;
      for (let j = 0; j < k; j++) {
        const a = absW[r * nIn + st.changed[j]!]!;
        if (a === 0) continue;
        eSum += a * st.deltaErr[j]!;
        dSum += a * st.deltaMax[j]!;
      }
      if (dSum === 0 && eSum === 0) continue;
      const o = r * L;
      let omax = 0;
      for (let t = 0; t < L; t++) if (Math.abs(out[o + t]!) > omax) omax = Math.abs(out[o + t]!);
      // Each entry is a sum of k + 1 rounded terms (its old value and the k products), in any order.
      for (let j = 0; j < k; j++) {
        const w = W[r * nIn + st.changed[j]!]!;
        if (w === 0) continue;
        const jo = j * L;
        for (let t = 0; t < L; t++) out[o + t] = out[o + t]! + w * st.delta[jo + t]!;
      }
      err[r] = inflate(err[r]! + eSum + g * (omax + dSum), 3 * k + 4);
      ver[r] = ++this.counter;
    }
    st.updates++;
  }
}

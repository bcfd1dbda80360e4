// The certificate checker's filtered bound engine: the relaxation rule of exact-bounds.ts (symbolic bounds,
// refinement of every neuron that straddles its breakpoint by back-substitution, the parent node's bounds
// intersected, lower lines a = 1 when u > −r·l) evaluated in float64 with a proven bound on every rounding
// error, as the region kernel's filtered predicates do (docs/algorithms/filtered-predicates.md). Every value
// it returns is a float that is a proven bound of the exact quantity, i.e. an exact dyadic that bounds it, so
// a leaf is accepted only by an exact comparison of such a bound with Σ μ_k b_k; when the float bound cannot
// prove a leaf, the checker replays it with the exact engine. It covers networks whose weights and biases are
// all float64 values exactly and whose activations are all ReLUs (every float32 ONNX/NNET ReLU network);
// others are checked exactly throughout. It imports nothing from the verifier (its float-* engine).
//
// Error model (src/exact/float-error.ts): a sequential float sum of m rounded products has
// |fl(Σ) − Σ| ≤ γ_m·Σ|terms|; every estimate of an error is itself a float sum of non-negative terms and is
// passed through `inflate`. The invariants, per expression block and per back-substitution row:
// - a symbolic row Ê(x) = Σ_k ê_k x_k + ê_0 with float coefficients that differ from the exact combination
//   E(x) by rounding only: |Ê(x) − E(x)| ≤ γ·Σ_c |w_c|·ρ_c on the box (ρ_c = Σ_k |row_c,k|·M_k + |row_c,0|,
//   M_k = max(|lo_k|, |hi_k|)), subtracted from (added to) the constant of a lower (upper) row;
// - back-substitution of λ·v: the float multipliers λ' of the next node differ from the exact W^T·λ by
//   ρ with |ρ_c| ≤ γ·(|prev_c| + Σ_j |λ_j·W_jc|), and ρ·h ≥ −Σ_c |ρ_c|·H_c (H = the node's magnitude bound),
//   so the bound loses at most γ·(Σ_c |prev_c|·H_c + Σ_j |λ_j|·v_j) with v_j = Σ_c |W_jc|·H_c; the constant is
//   one sequential float sum of T terms, within γ_T·Σ|terms| of its exact value.
import { dyadicFromFloat64, floorFloat, ceilFloat, nextDown, nextUp } from "../exact/float.js";
import { gamma, inflate } from "../exact/float-error.js";
import type { Rational } from "../exact/rational.js";
import type { Network } from "../network/ir.js";

/** An upper bound of the float operations behind any one error estimate (the premise of `inflate`). */
const OPS = 2 ** 19;
/** Networks with more weights than this are checked exactly (keeps every estimate within OPS operations). */
const MAX_WEIGHTS = 2 ** 22;

interface FilterAffine {
  readonly kind: "affine";
  readonly size: number;
  readonly inputs: readonly number[];
  readonly offsets: readonly number[];
  readonly cols: number;
  /** Row-major size × cols, every entry a float equal to the exact weight. */
  readonly W: Float64Array;
  readonly b: Float64Array;
}
type FilterNode = { readonly kind: "input"; readonly size: number } | FilterAffine | { readonly kind: "relu"; readonly size: number; readonly input: number };

/** The network in floats, when every weight and bias is a float64 exactly and every activation a ReLU. */
export interface FilterNet {
  readonly nodes: readonly FilterNode[];
  readonly inputSize: number;
  readonly output: number;
  /** Whether node id is the input of a ReLU node (its unstable neurons get refined). */
  readonly feedsRelu: readonly boolean[];
  /** Where each affine node's bounds start in a packed Inherited array (−1 for other nodes), and its length. */
  readonly packOffsets: readonly number[];
  readonly packLength: number;
}

/**
 * The bounds a node hands to its children: every affine node's lo then hi, packed in one array (what children
 * intersect with; one allocation per split node, so deep trees hold little per pending node).
 */
export interface Inherited {
  readonly data: Float64Array;
}

export function packBounds(fnet: FilterNet, fb: FilterBounds): Inherited {
  const data = new Float64Array(fnet.packLength);
  fnet.nodes.forEach((node, id) => {
    const o = fnet.packOffsets[id]!;
    if (o < 0) return;
    data.set(fb.lo[id]!, o);
    data.set(fb.hi[id]!, o + node.size);
  });
  return { data };
}

/** The packed bounds of affine node `id`: [lo, hi] (other nodes: undefined). */
export function inheritedOf(fnet: FilterNet, inh: Inherited, id: number): [Float64Array, Float64Array] | undefined {
  const o = fnet.packOffsets[id]!;
  if (o < 0) return undefined;
  const n = fnet.nodes[id]!.size;
  return [inh.data.subarray(o, o + n), inh.data.subarray(o + n, o + 2 * n)];
}

const exactFloat = (r: Rational): number | undefined => {
  const f = floorFloat(r);
  return Number.isFinite(f) && dyadicFromFloat64(f)!.toRational().equals(r) ? f : undefined;
};

const filterNets = new WeakMap<Network, FilterNet | null>();

/** The float form of the network for the filtered engine, or undefined when it must be checked exactly. */
export function filterNet(net: Network): FilterNet | undefined {
  const hit = filterNets.get(net);
  if (hit !== undefined) return hit ?? undefined;
  let weights = 0;
  const nodes: FilterNode[] = [];
  let ok = true;
  for (const node of net.nodes) {
    if (node.kind === "input") nodes.push({ kind: "input", size: node.size });
    else if (node.kind === "activation") {
      if (node.activation.kind !== "relu") ok = false;
      nodes.push({ kind: "relu", size: node.size, input: node.input });
    } else {
      const offsets: number[] = [];
      let cols = 0;
      for (const id of node.inputs) {
        offsets.push(cols);
        cols += net.nodes[id]!.size;
      }
      weights += node.size * cols;
      const W = new Float64Array(node.size * cols);
      const b = new Float64Array(node.size);
      for (let r = 0; r < node.size && ok; r++) {
        const bf = exactFloat(node.bias[r]!);
        if (bf === undefined) ok = false;
        else b[r] = bf;
        for (let c = 0; c < cols && ok; c++) {
          const w = exactFloat(node.weights[r]![c]!);
          if (w === undefined) ok = false;
          else W[r * cols + c] = w;
        }
      }
      nodes.push({ kind: "affine", size: node.size, inputs: node.inputs, offsets, cols, W, b });
    }
    if (!ok) break;
  }
  let packLength = 0;
  const packOffsets = nodes.map((node) => {
    if (node.kind !== "affine") return -1;
    packLength += 2 * node.size;
    return packLength - 2 * node.size;
  });
  const fnet: FilterNet | null =
    ok && weights <= MAX_WEIGHTS
      ? { nodes, inputSize: net.nodes[0]!.size, output: net.output, feedsRelu: nodes.map((_, id) => nodes.some((m) => m.kind === "relu" && m.input === id)), packOffsets, packLength }
      : null;
  filterNets.set(net, fnet);
  return fnet ?? undefined;
}

/** A box in floats (already rounded outward from the exact node box). */
export interface FilterBox {
  readonly lo: Float64Array;
  readonly hi: Float64Array;
}

/** Round an exact box outward to floats. */
export function filterBox(lo: readonly Rational[], hi: readonly Rational[]): FilterBox {
  return { lo: Float64Array.from(lo, floorFloat), hi: Float64Array.from(hi, ceilFloat) };
}

/**
 * Proven bounds of every node's values on a box, and every ReLU's relaxation: upper line s·z + tu (s ∈ [0, 1],
 * tu ≥ max(−s·l, (1 − s)·u)) and lower line a·z (a ∈ {0, 1} by the ratio rule); a stable ReLU gets its piece.
 */
export interface FilterBounds {
  readonly lo: readonly Float64Array[];
  readonly hi: readonly Float64Array[];
  readonly s: readonly (Float64Array | undefined)[];
  readonly tu: readonly (Float64Array | undefined)[];
  readonly a: readonly (Float64Array | undefined)[];
  /** Per node: max(|lo|, |hi|), made on first use (bounds only tighten afterwards, so it stays a bound). */
  readonly mag: (Float64Array | undefined)[];
}

const magnitude = (fb: FilterBounds, id: number): Float64Array => {
  let m = fb.mag[id];
  if (!m) {
    const lo = fb.lo[id]!;
    const hi = fb.hi[id]!;
    m = new Float64Array(lo.length);
    for (let i = 0; i < m.length; i++) m[i] = Math.max(Math.abs(lo[i]!), Math.abs(hi[i]!));
    fb.mag[id] = m;
  }
  return m;
};

/** Thrown inside the engine when a value is not finite: the filter gives up and the exact engine decides. */
class NotFinite extends Error {}

/**
 * The filtered bounds of every node on the box, intersected with `inherit` (bounds proved on a box containing
 * this one), or undefined when some value is not finite (the exact engine then decides).
 */
export function filteredBounds(fnet: FilterNet, box: FilterBox, ratio: number, inherit?: Inherited): FilterBounds | undefined {
  try {
    return propagate(fnet, box, ratio, inherit);
  } catch (error) {
    if (error instanceof NotFinite) return undefined;
    throw error;
  }
}

function propagate(fnet: FilterNet, box: FilterBox, ratio: number, inherit: Inherited | undefined): FilterBounds {
  const d = fnet.inputSize;
  const D = d + 1;
  const M = new Float64Array(d);
  for (let k = 0; k < d; k++) M[k] = Math.max(Math.abs(box.lo[k]!), Math.abs(box.hi[k]!));
  const Ls: Float64Array[] = [];
  const Us: Float64Array[] = [];
  const fb: FilterBounds = { lo: [], hi: [], s: [], tu: [], a: [], mag: [] };
  const lo = fb.lo as Float64Array[];
  const hi = fb.hi as Float64Array[];
  const push = (id: number, L: Float64Array, U: Float64Array, l: Float64Array, h: Float64Array, relu?: { s: Float64Array; tu: Float64Array; a: Float64Array }): void => {
    Ls[id] = L;
    Us[id] = U;
    lo[id] = l;
    hi[id] = h;
    (fb.s as (Float64Array | undefined)[])[id] = relu?.s;
    (fb.tu as (Float64Array | undefined)[])[id] = relu?.tu;
    (fb.a as (Float64Array | undefined)[])[id] = relu?.a;
  };
  /** ρ of every row of a block: Σ_k |e_k|·M_k + |e_0|. */
  const rowMagnitudes = (E: Float64Array, n: number): Float64Array => {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const o = i * D;
      let s = Math.abs(E[o + d]!);
      for (let k = 0; k < d; k++) s += Math.abs(E[o + k]!) * M[k]!;
      out[i] = s;
    }
    return out;
  };
  for (let id = 0; id < fnet.nodes.length; id++) {
    const node = fnet.nodes[id]!;
    if (node.kind === "input") {
      const E = new Float64Array(d * D);
      for (let k = 0; k < d; k++) E[k * D + k] = 1;
      push(id, E, E, Float64Array.from(box.lo), Float64Array.from(box.hi));
      continue;
    }
    const n = node.size;
    const L = new Float64Array(n * D);
    const U = new Float64Array(n * D);
    if (node.kind === "affine") {
      const rhoU = node.inputs.map((src) => rowMagnitudes(Us[src]!, fnet.nodes[src]!.size));
      const rhoL = node.inputs.map((src) => rowMagnitudes(Ls[src]!, fnet.nodes[src]!.size));
      const g = gamma(node.cols + 2);
      const W = node.W;
      const cols = node.cols;
      for (let r = 0; r < n; r++) {
        const ro = r * D;
        let absU = 0;
        let absL = 0;
        for (let idx = 0; idx < node.inputs.length; idx++) {
          const src = node.inputs[idx]!;
          const SU = Us[src]!;
          const SL = Ls[src]!;
          const rU = rhoU[idx]!;
          const rL = rhoL[idx]!;
          const size = fnet.nodes[src]!.size;
          const wo = r * cols + node.offsets[idx]!;
          for (let c = 0; c < size; c++) {
            const w = W[wo + c]!;
            if (w === 0) continue;
            const co = c * D;
            if (w > 0) {
              for (let k = 0; k < D; k++) {
                U[ro + k] += w * SU[co + k]!;
                L[ro + k] += w * SL[co + k]!;
              }
              absU += w * rU[c]!;
              absL += w * rL[c]!;
            } else {
              for (let k = 0; k < D; k++) {
                U[ro + k] += w * SL[co + k]!;
                L[ro + k] += w * SU[co + k]!;
              }
              absU -= w * rL[c]!;
              absL -= w * rU[c]!;
            }
          }
        }
        const b = node.b[r]!;
        U[ro + d] += b;
        L[ro + d] += b;
        U[ro + d] = nextUp(U[ro + d]! + inflate(g * (absU + Math.abs(b)), OPS));
        L[ro + d] = nextDown(L[ro + d]! - inflate(g * (absL + Math.abs(b)), OPS));
      }
      const l = new Float64Array(n);
      const h = new Float64Array(n);
      const gc = gamma(D + 1);
      for (let r = 0; r < n; r++) {
        const o = r * D;
        let vu = U[o + d]!;
        let au = Math.abs(vu);
        let vl = L[o + d]!;
        let al = Math.abs(vl);
        for (let k = 0; k < d; k++) {
          const cu = U[o + k]!;
          const tu = cu >= 0 ? cu * box.hi[k]! : cu * box.lo[k]!;
          vu += tu;
          au += Math.abs(tu);
          const cl = L[o + k]!;
          const tl = cl >= 0 ? cl * box.lo[k]! : cl * box.hi[k]!;
          vl += tl;
          al += Math.abs(tl);
        }
        h[r] = nextUp(vu + inflate(gc * au, OPS));
        l[r] = nextDown(vl - inflate(gc * al, OPS));
        if (!Number.isFinite(h[r]!) || !Number.isFinite(l[r]!)) throw new NotFinite();
      }
      if (inherit) {
        const data = inherit.data;
        const o = fnet.packOffsets[id]!;
        for (let j = 0; j < n; j++) {
          if (data[o + j]! > l[j]!) l[j] = data[o + j]!;
          if (data[o + n + j]! < h[j]!) h[j] = data[o + n + j]!;
        }
      }
      push(id, L, U, l, h);
      if (fnet.feedsRelu[id] && !node.inputs.every((src) => src === 0)) refine(fnet, fb, box, id);
      continue;
    }
    const zl = lo[node.input]!;
    const zh = hi[node.input]!;
    const SU = Us[node.input]!;
    const SL = Ls[node.input]!;
    const s = new Float64Array(n);
    const tu = new Float64Array(n);
    const a = new Float64Array(n);
    const l = new Float64Array(n);
    const h = new Float64Array(n);
    const g = gamma(3);
    for (let j = 0; j < n; j++) {
      const zlo = zl[j]!;
      const zhi = zh[j]!;
      const o = j * D;
      if (zhi <= 0) continue;
      if (zlo >= 0) {
        s[j] = 1;
        a[j] = 1;
        l[j] = zlo;
        h[j] = zhi;
        for (let k = 0; k < D; k++) {
          U[o + k] = SU[o + k]!;
          L[o + k] = SL[o + k]!;
        }
        continue;
      }
      // Unstable: the chord slope (any s in [0, 1] is sound), tu ≥ max(−s·l, u − s·u) rounded up, lower line s·z.
      let sj = zhi / (zhi - zlo);
      if (!(sj >= 0)) sj = 0;
      if (sj > 1) sj = 1;
      const t = Math.max(nextUp(-(sj * zlo)), nextUp(zhi - nextDown(sj * zhi)), 0);
      s[j] = sj;
      tu[j] = t;
      a[j] = zhi > -ratio * zlo ? 1 : 0;
      h[j] = zhi;
      let eu = Math.abs(t);
      let el = 0;
      for (let k = 0; k < d; k++) {
        const pu = sj * SU[o + k]!;
        const pl = sj * SL[o + k]!;
        U[o + k] = pu;
        L[o + k] = pl;
        eu += Math.abs(pu) * M[k]!;
        el += Math.abs(pl) * M[k]!;
      }
      const cu = sj * SU[o + d]!;
      const cl = sj * SL[o + d]!;
      eu += Math.abs(cu);
      el += Math.abs(cl);
      U[o + d] = nextUp(cu + t + inflate(g * eu, OPS));
      L[o + d] = nextDown(cl - inflate(g * el, OPS));
    }
    push(id, L, U, l, h, { s, tu, a });
  }
  return fb;
}

/** Tighten the bounds of affine node `id`'s neurons that straddle 0 by back-substitution of ±z_j, in one batch. */
function refine(fnet: FilterNet, fb: FilterBounds, box: FilterBox, id: number): void {
  const lo = fb.lo[id] as Float64Array;
  const hi = fb.hi[id] as Float64Array;
  const n = lo.length;
  const rows: number[] = [];
  for (let j = 0; j < n; j++) if (lo[j]! < 0 && hi[j]! > 0) rows.push(j);
  if (rows.length === 0) return;
  const m = rows.length;
  const C = new Float64Array(2 * m * n);
  rows.forEach((j, r) => {
    C[r * n + j] = 1;
    C[(m + r) * n + j] = -1;
  });
  const bounds = backSubstitute(fnet, fb, box, id, C, 2 * m);
  rows.forEach((j, r) => {
    const l = bounds[r]!;
    const u = -bounds[m + r]!;
    if (l > lo[j]!) lo[j] = l;
    if (u < hi[j]!) hi[j] = u;
  });
  fb.mag[id] = undefined;
}

/** Per affine node and input: v_j = Σ_c |W_jc|·H_c, cached per bounds object. */
const rowWeights = new WeakMap<FilterBounds, Map<number, Float64Array>>();

/**
 * Proven lower bounds of the m objectives C (rows of length size(start)) over the box, by back-substitution
 * through the relaxations of `fb`; `lower` replaces the lower-line slopes of some ReLU nodes (a ∈ [0, 1]).
 * A bound that is not finite comes back as −Infinity.
 */
export function backSubstitute(fnet: FilterNet, fb: FilterBounds, box: FilterBox, start: number, C: Float64Array, m: number, lower?: ReadonlyMap<number, Float64Array>): Float64Array {
  let cache = rowWeights.get(fb);
  if (!cache) {
    cache = new Map();
    rowWeights.set(fb, cache);
  }
  const lam: (Float64Array | undefined)[] = fnet.nodes.map(() => undefined);
  lam[start] = Float64Array.from(C);
  const K = new Float64Array(m);
  const Kabs = new Float64Array(m);
  const E = new Float64Array(m);
  let terms = 0;
  for (let id = start; id > 0; id--) {
    const lr = lam[id];
    if (!lr) continue;
    const node = fnet.nodes[id]!;
    const n = node.size;
    if (node.kind === "affine") {
      terms += n;
      for (let r = 0; r < m; r++) {
        let k = K[r]!;
        let ka = Kabs[r]!;
        for (let j = 0; j < n; j++) {
          const t = lr[r * n + j]! * node.b[j]!;
          k += t;
          ka += Math.abs(t);
        }
        K[r] = k;
        Kabs[r] = ka;
      }
      const g = gamma(n + 2);
      const W = node.W;
      const cols = node.cols;
      for (let idx = 0; idx < node.inputs.length; idx++) {
        const src = node.inputs[idx]!;
        const off = node.offsets[idx]!;
        const size = fnet.nodes[src]!.size;
        const H = magnitude(fb, src);
        const key = id * fnet.nodes.length + idx;
        let v = cache.get(key);
        if (!v) {
          v = new Float64Array(n);
          for (let j = 0; j < n; j++) {
            const wo = j * cols + off;
            let s = 0;
            for (let c = 0; c < size; c++) s += Math.abs(W[wo + c]!) * H[c]!;
            v[j] = s;
          }
          cache.set(key, v);
        }
        const prev = lam[src];
        const acc = prev ?? new Float64Array(m * size);
        // Inputs that are exactly 0 on the box contribute nothing whatever their multiplier: left at 0.
        let nl = 0;
        const live = new Int32Array(size);
        for (let c = 0; c < size; c++) if (H[c] !== 0) live[nl++] = c;
        for (let r = 0; r < m; r++) {
          const ao = r * size;
          const lo = r * n;
          let e = 0;
          if (prev) for (let c = 0; c < size; c++) e += Math.abs(acc[ao + c]!) * H[c]!;
          for (let j = 0; j < n; j++) {
            const l = lr[lo + j]!;
            if (l === 0) continue;
            e += Math.abs(l) * v[j]!;
            const wo = j * cols + off;
            if (nl === size) for (let c = 0; c < size; c++) acc[ao + c] += l * W[wo + c]!;
            else
              for (let q = 0; q < nl; q++) {
                const c = live[q]!;
                acc[ao + c] += l * W[wo + c]!;
              }
          }
          E[r] += g * e;
        }
        lam[src] = acc;
      }
    } else if (node.kind === "relu") {
      const z = node.input;
      const Z = magnitude(fb, z);
      const s = fb.s[id]!;
      const tu = fb.tu[id]!;
      const zl = fb.lo[z]!;
      const zh = fb.hi[z]!;
      const a = lowerSlopes(fb.a[id]!, lower?.get(id), zl, zh);
      const prev = lam[z];
      const acc = prev ?? new Float64Array(m * n);
      const g = gamma(3);
      terms += n;
      for (let r = 0; r < m; r++) {
        let e = 0;
        let k = K[r]!;
        let ka = Kabs[r]!;
        for (let j = 0; j < n; j++) {
          const l = lr[r * n + j]!;
          if (l === 0) continue;
          // λ ≥ 0 takes the lower line a·z, λ < 0 the upper line s·z + tu (a stable ReLU: its piece).
          const slope = l > 0 ? a[j]! : s[j]!;
          if (slope !== 0) {
            const old = acc[r * n + j]!;
            const p = l * slope;
            acc[r * n + j] = old + p;
            if (!(slope === 1 && old === 0)) e += (Math.abs(old) + Math.abs(p)) * Z[j]!;
          }
          if (l < 0 && tu[j] !== 0) {
            const t = l * tu[j]!;
            k += t;
            ka += Math.abs(t);
          }
        }
        K[r] = k;
        Kabs[r] = ka;
        E[r] += g * e;
      }
      lam[z] = acc;
    }
  }
  const d = fnet.inputSize;
  const coef = lam[0] ?? new Float64Array(m * d);
  terms += d;
  const gK = gamma(terms + 2);
  const out = new Float64Array(m);
  for (let r = 0; r < m; r++) {
    let v = K[r]!;
    let va = Kabs[r]!;
    for (let k = 0; k < d; k++) {
      const c = coef[r * d + k]!;
      const t = c >= 0 ? c * box.lo[k]! : c * box.hi[k]!;
      v += t;
      va += Math.abs(t);
    }
    const b = nextDown(v - inflate(gK * va + E[r]!, OPS));
    out[r] = Number.isFinite(b) ? b : -Infinity;
  }
  return out;
}

/** The lower-line slopes of one ReLU node: the rule's, with a leaf's recorded slopes for the neurons unstable here. */
function lowerSlopes(rule: Float64Array, recorded: Float64Array | undefined, zl: Float64Array, zh: Float64Array): Float64Array {
  if (!recorded) return rule;
  const a = Float64Array.from(rule);
  for (let j = 0; j < a.length; j++) if (zl[j]! < 0 && zh[j]! > 0) a[j] = recorded[j]!;
  return a;
}

// Sound bound propagation in float64 with provably safe rounding (see float-round.ts for the error
// constants): a forward pass of symbolic linear bounds L(x) ≤ z ≤ U(x) over an input box (symbolic
// intervals, Neurify style), giving every neuron concrete bounds [l, u] and a linear relaxation
// s·z + t_l ≤ f(z) ≤ s·z + t_u on [l, u]; then a backward pass (DeepPoly/CROWN back-substitution) that
// lower-bounds a linear objective c·y through those relaxations. Every float rounding error is bounded
// and pushed outward into the constants, so the bounds contain every exact forward pass on the box.
import type { FloatActivation, FloatAffine, FloatNet } from "./float-net.js";
import { up, down, sumError, widenError } from "./float-round.js";
import { lowerLineSlope, pwlRelax, reluRelax } from "./float-relax.js";
import { backSubstitute } from "./float-back-substitution.js";

export type { FloatBox, Relaxation, FloatBounds, ReluPhase } from "./float-bounds-types.js";
import type { FloatBox, Relaxation, FloatBounds, ReluPhase } from "./float-bounds-types.js";

/** Forward symbolic propagation over the box: concrete bounds and relaxations of every node. */
export interface PropagateOptions {
  /**
   * Tighten the bounds of every neuron that would be unstable by back-substitution to the input through the
   * relaxations of the earlier layers (DeepPoly/CROWN): tighter, and about one backward pass per such neuron.
   */
  readonly refine?: boolean;
  /**
   * Bounds already proved on a box containing this one (the parent branch): intersected with each affine
   * node's bounds before refinement, so neurons stable there are not refined again.
   */
  readonly inherit?: { readonly lo: readonly Float64Array[]; readonly hi: readonly Float64Array[] };
  /**
   * An unstable ReLU's lower line is a = 1 when u > −r·l, else a = 0 (default r = 1, DeepPoly's smaller-area
   * rule, which the certificate checker replays). Any r is sound.
   */
  readonly lowerSlopeRatio?: number;
  /**
   * ReLU splits: each listed neuron's pre-activation interval is cut to [l, min(u, 0)] (inactive) or
   * [max(l, 0), u] (active) right after the inherited bounds are applied (before refinement), so the bounds hold
   * for the inputs of the box that take these phases.
   */
  readonly phases?: readonly ReluPhase[];
}

const consumers = new WeakMap<FloatNet, boolean[]>();

export function propagate(fn: FloatNet, box: FloatBox, options: PropagateOptions = {}): FloatBounds {
  let feedsActivation = consumers.get(fn);
  if (!feedsActivation) {
    feedsActivation = fn.nodes.map((_, id) => fn.nodes.some((m) => m.kind === "activation" && m.input === id));
    consumers.set(fn, feedsActivation);
  }
  const ratio = options.lowerSlopeRatio ?? 1;
  const d = fn.inputSize;
  const D = d + 1;
  const M = Float64Array.from({ length: d }, (_, k) => Math.max(Math.abs(box.lo[k]!), Math.abs(box.hi[k]!)));
  const Ls: Float64Array[] = [];
  const Us: Float64Array[] = [];
  const lo: Float64Array[] = [];
  const hi: Float64Array[] = [];
  const relax: (Relaxation | undefined)[] = [];
  let unstable = 0;
  for (const node of fn.nodes) {
    if (node.kind === "input") {
      const E = new Float64Array(d * D);
      for (let k = 0; k < d; k++) E[k * D + k] = 1;
      Ls.push(E);
      Us.push(E);
      lo.push(Float64Array.from(box.lo));
      hi.push(Float64Array.from(box.hi));
      relax.push(undefined);
      continue;
    }
    const n = node.size;
    const L = new Float64Array(n * D);
    const U = new Float64Array(n * D);
    if (node.kind === "affine") {
      const rhoU: Float64Array[] = [];
      const rhoL: Float64Array[] = [];
      const mags: Float64Array[] = [];
      // Rows without input coefficients (inactive ReLUs, constants) contribute their constant only.
      const live: Uint8Array[] = [];
      // L and U of a block have the same input coefficients (the input rows, and every relaxation s·z + t, keep them
      // equal; only the constants differ): then the coefficients are summed once, into U, and copied to L.
      let shared = true;
      for (const src of node.inputs) {
        if (fn.nodes[src]!.kind === "input") {
          // The identity rows: every row is live and ρ_c = M_c (no pass over the d × (d+1) block).
          live.push(new Uint8Array(d).fill(1));
          rhoU.push(M);
          rhoL.push(M);
        } else {
          const stats = blockStats(Us[src]!, Ls[src]!, fn.nodes[src]!.size, d, M);
          live.push(stats.live);
          rhoU.push(stats.rhoU);
          rhoL.push(stats.rhoL);
          if (!stats.shared) shared = false;
        }
        if (node.Werr) mags.push(Float64Array.from(lo[src]!, (v, i) => Math.max(Math.abs(v), Math.abs(hi[src]![i]!))));
      }
      const pick = new Int32Array(node.cols);
      const sums = new Float64Array(2);
      for (let r = 0; r < n; r++) affineRow(fn, node, r, Us, Ls, rhoU, rhoL, live, mags, shared, pick, sums, U, L, d);
      const [l, h] = concretize(L, U, n, d, box);
      const inh = options.inherit;
      if (inh) {
        const id = lo.length;
        const pl = inh.lo[id]!;
        const ph = inh.hi[id]!;
        for (let j = 0; j < n; j++) {
          if (pl[j]! > l[j]!) l[j] = pl[j]!;
          if (ph[j]! < h[j]!) h[j] = ph[j]!;
        }
      }
      if (options.phases && imposePhases(fn, options.phases, lo.length, l, h)) {
        lo.push(l);
        hi.push(h);
        return { lo, hi, relax, unstable, L: Ls, U: Us, empty: true };
      }
      lo.push(l);
      hi.push(h);
      relax.push(undefined);
      if (options.refine && feedsActivation[lo.length - 1] && !node.inputs.every((src) => src === 0)) {
        refineByBackSubstitution(fn, { lo, hi, relax, unstable, L: Ls, U: Us }, box, lo.length - 1);
      }
    } else {
      const zl = lo[node.input]!;
      const zh = hi[node.input]!;
      const SU = Us[node.input]!;
      const SL = Ls[node.input]!;
      const rx = relaxActivation(node, zl, zh, ratio);
      unstable += rx.unstable;
      for (let i = 0; i < n; i++) relaxRow(U, L, SU, SL, i * D, d, rx.relax.s[i]!, rx.relax.tl[i]!, rx.relax.tu[i]!, M);
      lo.push(rx.lo);
      hi.push(rx.hi);
      relax.push(rx.relax);
    }
    Ls.push(L);
    Us.push(U);
  }
  return { lo, hi, relax, unstable, L: Ls, U: Us };
}

/**
 * Row r of an affine node's symbolic bounds: U and L gain Σ_c w_rc·(the source's row c) over every input node, then
 * the bias and the rounding error (pushed outward into the constants). A function of its own, called once per row,
 * so that V8 optimizes it after a few rows: the same loops inlined in `propagate` ran in the interpreter for most of
 * a one-shot root (on mnist 256×4 the first root took 3–4× a later one). `sums` is scratch of 2 entries.
 */
function affineRow(fn: FloatNet, node: FloatAffine, r: number, Us: readonly Float64Array[], Ls: readonly Float64Array[], rhoU: readonly Float64Array[], rhoL: readonly Float64Array[], live: readonly Uint8Array[], mags: readonly Float64Array[], shared: boolean, pick: Int32Array, sums: Float64Array, U: Float64Array, L: Float64Array, d: number): void {
  const D = d + 1;
  const ro = r * D;
  // Rounding errors: for output row r and coefficient k, |err_k| ≤ γ Σ_i |w_ri|·|e_ik|, and the constant
  // absorbs Σ_k |err_k|·M_k ≤ γ Σ_i |w_ri|·ρ_i with ρ_i = Σ_k |e_ik|·M_k (M_d = 1): one magnitude per row.
  sums[0] = 0;
  sums[1] = 0;
  let werr = 0;
  for (let idx = 0; idx < node.inputs.length; idx++) {
    const src = node.inputs[idx]!;
    const size = fn.nodes[src]!.size;
    const wo = r * node.cols + node.offsets[idx]!;
    if (fn.nodes[src]!.kind === "input") identityTerms(U, L, ro, node.W, wo, size, shared, rhoU[idx]!, rhoL[idx]!, sums);
    else {
      // The coefficients: Σ_c w_c·SU_c over the live sources, four rows at a time (SU and SL share them).
      if (shared) accumulateRows(U, ro, node.W, wo, Us[src]!, live[idx]!, size, D, d, pick);
      sourceTerms(U, L, ro, node.W, wo, size, Us[src]!, Ls[src]!, rhoU[idx]!, rhoL[idx]!, live[idx]!, shared, d, sums);
    }
    if (node.Werr) werr += weightedSum(node.Werr, wo, mags[idx]!, size);
  }
  if (shared) L.set(U.subarray(ro, ro + d), ro);
  const b = node.b[r]!;
  U[ro + d] += b;
  L[ro + d] += b;
  const terms = node.cols + 1;
  const extra = werr + (node.bErr ? node.bErr[r]! : 0);
  const eu = sumError(sums[0]! + Math.abs(b), terms) + extra;
  const el = sumError(sums[1]! + Math.abs(b), terms) + extra;
  U[ro + d] = up(U[ro + d]! + widenError(eu));
  L[ro + d] = down(L[ro + d]! - widenError(el));
}

/**
 * The input's expressions are the identity rows: row c is x_c, so w·x_c lands in column c alone (one exact term per
 * column; the error terms are kept as for any source). sums[0] and sums[1] gain the magnitudes of U and L.
 */
function identityTerms(U: Float64Array, L: Float64Array, ro: number, W: Float64Array, wo: number, size: number, shared: boolean, rU: Float64Array, rL: Float64Array, sums: Float64Array): void {
  let absU = 0;
  let absL = 0;
  for (let c = 0; c < size; c++) {
    const w = W[wo + c]!;
    U[ro + c] += w;
    if (!shared) L[ro + c] += w;
    if (w > 0) {
      absU += w * rU[c]!;
      absL += w * rL[c]!;
    } else {
      absU -= w * rL[c]!;
      absL -= w * rU[c]!;
    }
  }
  sums[0] += absU;
  sums[1] += absL;
}

/**
 * The constants of row ro from a symbolic source (w > 0: U gains w·SU and L gains w·SL; w < 0: the other way round),
 * and the coefficients too when the blocks do not share them; sums[0] and sums[1] gain the magnitudes of U and L.
 */
function sourceTerms(U: Float64Array, L: Float64Array, ro: number, W: Float64Array, wo: number, size: number, SU: Float64Array, SL: Float64Array, rU: Float64Array, rL: Float64Array, lv: Uint8Array, shared: boolean, d: number, sums: Float64Array): void {
  const D = d + 1;
  let absU = 0;
  let absL = 0;
  let cu = 0;
  let cl = 0;
  for (let c = 0; c < size; c++) {
    const w = W[wo + c]!;
    if (w === 0) continue;
    const co = c * D;
    if (w > 0) {
      if (shared) {
        cu += w * SU[co + d]!;
        cl += w * SL[co + d]!;
      } else addScaledPair(U, L, ro, w, SU, SL, co, lv[c] === 0 ? d : 0, D);
      absU += w * rU[c]!;
      absL += w * rL[c]!;
    } else {
      if (shared) {
        cu += w * SL[co + d]!;
        cl += w * SU[co + d]!;
      } else addScaledPair(U, L, ro, w, SL, SU, co, lv[c] === 0 ? d : 0, D);
      absU -= w * rL[c]!;
      absL -= w * rU[c]!;
    }
  }
  U[ro + d] += cu;
  L[ro + d] += cl;
  sums[0] += absU;
  sums[1] += absL;
}

/** Σ_c E[o+c]·v[c] for c < size. */
function weightedSum(E: Float64Array, o: number, v: Float64Array, size: number): number {
  let s = 0;
  for (let c = 0; c < size; c++) s += E[o + c]! * v[c]!;
  return s;
}

/**
 * Row o of an activation node's symbolic bounds from its input's row o through the relaxation s·z + t ≤ f(z) ≤
 * s·z + t_u (s < 0 swaps the source blocks), with each product's rounding pushed into the constants.
 */
function relaxRow(U: Float64Array, L: Float64Array, SU: Float64Array, SL: Float64Array, o: number, d: number, si: number, tl: number, tu: number, M: Float64Array): void {
  if (si === 0) {
    U[o + d] = tu;
    L[o + d] = tl;
    return;
  }
  const srcU = si > 0 ? SU : SL;
  const srcL = si > 0 ? SL : SU;
  if (si === 1 && tu === 0 && tl === 0) {
    for (let k = 0; k <= d; k++) {
      U[o + k] = srcU[o + k]!;
      L[o + k] = srcL[o + k]!;
    }
    return;
  }
  let eu = 0;
  let el = 0;
  for (let k = 0; k < d; k++) {
    const pu = si * srcU[o + k]!;
    const pl = si * srcL[o + k]!;
    U[o + k] = pu;
    L[o + k] = pl;
    eu += sumError(Math.abs(pu), 1) * M[k]!;
    el += sumError(Math.abs(pl), 1) * M[k]!;
  }
  const cu = si * srcU[o + d]!;
  const cl = si * srcL[o + d]!;
  eu += sumError(Math.abs(cu) + Math.abs(tu), 2);
  el += sumError(Math.abs(cl) + Math.abs(tl), 2);
  U[o + d] = up(cu + tu + widenError(eu));
  L[o + d] = down(cl + tl - widenError(el));
}

/**
 * U[ro+k] += w·A[co+k] and L[ro+k] += w·B[co+k] for k in [from, D): the hot loop of the forward pass, in a function
 * of its own so that V8 optimizes it after a few calls (inside the large loop of `propagate`, the first pass over a
 * 784-input network ran several times slower than later ones).
 */
function addScaledPair(U: Float64Array, L: Float64Array, ro: number, w: number, A: Float64Array, B: Float64Array, co: number, from: number, D: number): void {
  for (let k = from; k < D; k++) {
    U[ro + k] += w * A[co + k]!;
    L[ro + k] += w * B[co + k]!;
  }
}

/**
 * U[ro+k] += Σ_c W[wo+c]·A[c·D+k] for k in [0, d), over the sources c that are live with a nonzero weight: the hot
 * loop of the forward pass (on mnist 256×4, three 256 × 256 × 785 products per root). Four source rows are
 * summed per pass over the output row, so the row is loaded and stored once per four products. The order of the
 * float additions does not matter to the error bound: a sum of n products in any order is within γ_n·Σ|products|
 * (Higham §3.1), which is what `sumError(…, cols + 1)` covers. `pick` is scratch of at least `size` entries.
 */
function accumulateRows(U: Float64Array, ro: number, W: Float64Array, wo: number, A: Float64Array, live: Uint8Array, size: number, D: number, d: number, pick: Int32Array): void {
  let n = 0;
  for (let c = 0; c < size; c++) if (live[c] !== 0 && W[wo + c] !== 0) pick[n++] = c;
  let q = 0;
  for (; q + 4 <= n; q += 4) {
    const c0 = pick[q]!;
    const c1 = pick[q + 1]!;
    const c2 = pick[q + 2]!;
    const c3 = pick[q + 3]!;
    const w0 = W[wo + c0]!;
    const o0 = c0 * D;
    const w1 = W[wo + c1]!;
    const o1 = c1 * D;
    const w2 = W[wo + c2]!;
    const o2 = c2 * D;
    const w3 = W[wo + c3]!;
    const o3 = c3 * D;
    for (let k = 0; k < d; k++) U[ro + k] += w0 * A[o0 + k]! + w1 * A[o1 + k]! + w2 * A[o2 + k]! + w3 * A[o3 + k]!;
  }
  for (; q < n; q++) {
    const c = pick[q]!;
    const w = W[wo + c]!;
    const o = c * D;
    for (let k = 0; k < d; k++) U[ro + k] += w * A[o + k]!;
  }
}


/** Every neuron's relaxation on [zl, zh], its value bounds, and how many neurons straddle a breakpoint. */
function relaxActivation(node: FloatActivation, zl: Float64Array, zh: Float64Array, ratio: number): { relax: Relaxation; lo: Float64Array; hi: Float64Array; unstable: number } {
  const n = node.size;
  const s = new Float64Array(n);
  const tl = new Float64Array(n);
  const al = new Float64Array(n);
  const ta = new Float64Array(n);
  const tu = new Float64Array(n);
  const l = new Float64Array(n);
  const h = new Float64Array(n);
  let unstable = 0;
  for (let i = 0; i < n; i++) {
    const f = node.neurons[i]!;
    const r = f.relu ? reluRelax(zl[i]!, zh[i]!) : pwlRelax(f, zl[i]!, zh[i]!);
    s[i] = r.s;
    tl[i] = r.tl;
    // The lower line back-substitution uses (exact-relax.ts states the rule).
    al[i] = f.relu && r.unstable ? lowerLineSlope(zl[i]!, zh[i]!, ratio) : r.s;
    ta[i] = f.relu && r.unstable ? 0 : r.tl;
    tu[i] = r.tu;
    l[i] = r.lo;
    h[i] = r.hi;
    if (r.unstable) unstable++;
  }
  return { relax: { s, tl, tu, a: al, ta }, lo: l, hi: h, unstable };
}

/**
 * The bounds of a node whose box is its parent's (a ReLU split's child): the parent's bounds cut by the phases,
 * refined by back-substitution where a neuron still straddles a breakpoint, and the relaxations on them. No
 * symbolic pass: L and U are empty (the rule the certificate checker replays for ReLU split children).
 * `refinedThrough`: affine nodes with ids up to it are not refined again, because the inherited bounds already are
 * their refinement. That holds through the affine node that feeds the newest split ReLU: a node's refinement reads
 * only the relaxations of earlier activations, which are the parent's there, so it would give the parent's bounds
 * again (bit for bit), and these are what the child inherits. On mnist 256×4 re-refining them was most of a node.
 */
export function propagateInherited(fn: FloatNet, box: FloatBox, options: PropagateOptions & { readonly inherit: NonNullable<PropagateOptions["inherit"]>; readonly refinedThrough?: number }): FloatBounds {
  const ratio = options.lowerSlopeRatio ?? 1;
  const lo: Float64Array[] = [];
  const hi: Float64Array[] = [];
  const relax: (Relaxation | undefined)[] = [];
  const none: Float64Array[] = [];
  let unstable = 0;
  for (const node of fn.nodes) {
    const id = lo.length;
    none.push(new Float64Array(0));
    if (node.kind === "input") {
      lo.push(Float64Array.from(box.lo));
      hi.push(Float64Array.from(box.hi));
      relax.push(undefined);
    } else if (node.kind === "affine") {
      const l = Float64Array.from(options.inherit.lo[id]!);
      const h = Float64Array.from(options.inherit.hi[id]!);
      const empty = options.phases ? imposePhases(fn, options.phases, id, l, h) : false;
      lo.push(l);
      hi.push(h);
      if (empty) return { lo, hi, relax, unstable, L: none, U: none, empty: true };
      relax.push(undefined);
      const feeds = fn.nodes.some((m) => m.kind === "activation" && m.input === id);
      const refined = options.refinedThrough !== undefined && id <= options.refinedThrough;
      if (options.refine && feeds && !refined && !node.inputs.every((src) => src === 0)) refineByBackSubstitution(fn, { lo, hi, relax, unstable, L: none, U: none }, box, id);
    } else {
      const rx = relaxActivation(node, lo[node.input]!, hi[node.input]!, ratio);
      unstable += rx.unstable;
      lo.push(rx.lo);
      hi.push(rx.hi);
      relax.push(rx.relax);
    }
  }
  return { lo, hi, relax, unstable, L: none, U: none };
}

/** Cut the bounds [l, h] of affine node `id` by the phases of the ReLUs it feeds; true when some interval became empty. */
function imposePhases(fn: FloatNet, phases: readonly ReluPhase[], id: number, l: Float64Array, h: Float64Array): boolean {
  let empty = false;
  for (const p of phases) {
    const act = fn.nodes[p.node];
    if (!act || act.kind !== "activation" || act.input !== id) continue;
    const j = p.neuron;
    if (p.active) l[j] = Math.max(l[j]!, 0);
    else h[j] = Math.min(h[j]!, 0);
    if (l[j]! > h[j]!) empty = true;
  }
  return empty;
}

/** Back-substitution bounds for the neurons of affine node `id` whose interval straddles a breakpoint. */
function refineByBackSubstitution(fn: FloatNet, fb: FloatBounds, box: FloatBox, id: number): void {
  const users = fn.nodes.filter((m): m is FloatActivation => m.kind === "activation" && m.input === id);
  const lo = fb.lo[id] as Float64Array;
  const hi = fb.hi[id] as Float64Array;
  const n = lo.length;
  const rows: number[] = [];
  for (let j = 0; j < n; j++) {
    const straddles = users.some((m) => {
      const f = m.neurons[j]!;
      for (let k = 0; k < f.breakpoints.length; k++) if (lo[j]! < f.breakpoints[k]!.hi && hi[j]! > f.breakpoints[k]!.lo) return true;
      return false;
    });
    if (straddles) rows.push(j);
  }
  if (rows.length === 0) return;
  // Objectives +z_j (lower bounds) and −z_j (upper bounds), all in one batch.
  const m = rows.length;
  const C = new Float64Array(2 * m * n);
  rows.forEach((j, r) => {
    C[r * n + j] = 1;
    C[(m + r) * n + j] = -1;
  });
  const { bounds } = backSubstitute(fn, fb, box, id, C, 2 * m);
  rows.forEach((j, r) => {
    const l = bounds[r]!;
    const u = -bounds[m + r]!;
    if (l > lo[j]!) lo[j] = l;
    if (u < hi[j]!) hi[j] = u;
  });
}



/** Per row of an upper/lower block pair: whether it has a nonzero input coefficient, and ρ = Σ_k |E_k|·M_k + |E_d| of each. */
interface BlockStats {
  readonly live: Uint8Array;
  readonly rhoU: Float64Array;
  readonly rhoL: Float64Array;
  /** True when U and L have the same coefficients in columns 0..d−1 (constants aside). */
  readonly shared: boolean;
}

/** One pass over the rows of an n × (d+1) block pair for what an affine node reads of its source (BlockStats). */
function blockStats(U: Float64Array, L: Float64Array, n: number, d: number, M: Float64Array): BlockStats {
  const live = new Uint8Array(n);
  const rhoU = new Float64Array(n);
  const rhoL = new Float64Array(n);
  const out = new Float64Array(3);
  let shared = true;
  for (let i = 0; i < n; i++) {
    rowStats(U, L, i * (d + 1), d, M, out);
    rhoU[i] = out[0]!;
    rhoL[i] = out[1]!;
    live[i] = out[2]! & 1;
    if (out[2]! & 2) shared = false;
  }
  return { live, rhoU, rhoL, shared };
}

/** out = [ρ of U's row, ρ of L's row, (1 if some coefficient is nonzero) + (2 if U and L differ in a coefficient)]. */
function rowStats(U: Float64Array, L: Float64Array, o: number, d: number, M: Float64Array, out: Float64Array): void {
  let su = Math.abs(U[o + d]!);
  let sl = Math.abs(L[o + d]!);
  let flags = 0;
  for (let k = 0; k < d; k++) {
    const u = U[o + k]!;
    const l = L[o + k]!;
    su += Math.abs(u) * M[k]!;
    sl += Math.abs(l) * M[k]!;
    if (u !== 0 || l !== 0) flags |= 1;
    if (u !== l) flags |= 2;
  }
  out[0] = su;
  out[1] = sl;
  out[2] = flags;
}

/** Rigorous min of each row of L and max of each row of U over the box. */
function concretize(L: Float64Array, U: Float64Array, n: number, d: number, box: FloatBox): [Float64Array, Float64Array] {
  const lo = new Float64Array(n);
  const hi = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    hi[r] = rowMax(U, r * (d + 1), d, box.lo, box.hi);
    lo[r] = -rowMax(L, r * (d + 1), d, box.lo, box.hi, -1);
  }
  return [lo, hi];
}

/**
 * A float ≥ the max of sign·(Σ_k E[o+k]·x_k + E[o+d]) over the box (sign −1 gives minus the min). One call per row,
 * so V8 optimizes it after a few rows.
 */
function rowMax(E: Float64Array, o: number, d: number, lo: Float64Array, hi: Float64Array, sign = 1): number {
  let v = sign * E[o + d]!;
  let a = Math.abs(v);
  for (let k = 0; k < d; k++) {
    const c = sign * E[o + k]!;
    const t = c >= 0 ? c * hi[k]! : c * lo[k]!;
    v += t;
    a += Math.abs(t);
  }
  return up(v + sumError(a, d + 1));
}

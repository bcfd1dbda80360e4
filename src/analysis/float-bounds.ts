// Sound bound propagation in float64 with provably safe rounding (see float-round.ts for the error
// constants): a forward pass of symbolic linear bounds L(x) ≤ z ≤ U(x) over an input box (symbolic
// intervals, Neurify style), giving every neuron concrete bounds [l, u] and a linear relaxation
// s·z + t_l ≤ f(z) ≤ s·z + t_u on [l, u]; then a backward pass (DeepPoly/CROWN back-substitution) that
// lower-bounds a linear objective c·y through those relaxations. Every float rounding error is bounded
// and pushed outward into the constants, so the bounds contain every exact forward pass on the box.
import type { FloatActivation, FloatNet } from "./float-net.js";
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
      // Rounding errors: for output row r and coefficient k, |err_k| ≤ γ Σ_i |w_ri|·|e_ik|, and the constant
      // absorbs Σ_k |err_k|·M_k ≤ γ Σ_i |w_ri|·ρ_i with ρ_i = Σ_k |e_ik|·M_k (M_d = 1): one magnitude per row.
      const terms = node.cols + 1;
      const rhoU: Float64Array[] = [];
      const rhoL: Float64Array[] = [];
      const mags: Float64Array[] = [];
      // Rows without input coefficients (inactive ReLUs, constants) contribute their constant only.
      const live: Uint8Array[] = [];
      for (const src of node.inputs) {
        if (fn.nodes[src]!.kind === "input") {
          // The identity rows: every row is live and ρ_c = M_c (no pass over the d × (d+1) block).
          live.push(new Uint8Array(d).fill(1));
          rhoU.push(M);
          rhoL.push(M);
        } else {
          live.push(liveRows(Us[src]!, Ls[src]!, fn.nodes[src]!.size, d));
          rhoU.push(rowMagnitudes(Us[src]!, fn.nodes[src]!.size, d, M));
          rhoL.push(rowMagnitudes(Ls[src]!, fn.nodes[src]!.size, d, M));
        }
        if (node.Werr) mags.push(Float64Array.from(lo[src]!, (v, i) => Math.max(Math.abs(v), Math.abs(hi[src]![i]!))));
      }
      // L and U of a block have the same input coefficients (the input rows, and every relaxation s·z + t, keep them
      // equal; only the constants differ): then the coefficients are summed once, into U, and copied to L, in the
      // same order of operations, so the result is bit for bit what two sums give.
      const shared = node.inputs.every((src) => fn.nodes[src]!.kind === "input" || sameCoefficients(Us[src]!, Ls[src]!, fn.nodes[src]!.size, d));
      for (let r = 0; r < n; r++) {
        const ro = r * D;
        let absU = 0;
        let absL = 0;
        let werr = 0;
        for (let idx = 0; idx < node.inputs.length; idx++) {
          const src = node.inputs[idx]!;
          const SU = Us[src]!;
          const SL = Ls[src]!;
          const rU = rhoU[idx]!;
          const rL = rhoL[idx]!;
          const size = fn.nodes[src]!.size;
          const wo = r * node.cols + node.offsets[idx]!;
          if (fn.nodes[src]!.kind === "input") {
            // The input's expressions are the identity rows: row c is x_c, so w·x_c lands in column c alone
            // (one exact term per column; the error terms below are kept as for any source).
            for (let c = 0; c < size; c++) {
              const w = node.W[wo + c]!;
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
          } else {
            const lv = live[idx]!;
            for (let c = 0; c < size; c++) {
              const w = node.W[wo + c]!;
              if (w === 0) continue;
              const co = c * D;
              const from = lv[c] === 0 ? d : 0;
              // w > 0: U gains w·SU and L gains w·SL; w < 0: the other way round.
              const toU = w > 0 ? SU : SL;
              const toL = w > 0 ? SL : SU;
              if (shared) {
                if (from < d) addScaled(U, ro, w, toU, co, from, d);
                U[ro + d] += w * toU[co + d]!;
                L[ro + d] += w * toL[co + d]!;
              } else addScaledPair(U, L, ro, w, toU, toL, co, from, D);
              absU += Math.abs(w) * (w > 0 ? rU : rL)[c]!;
              absL += Math.abs(w) * (w > 0 ? rL : rU)[c]!;
            }
          }
          if (node.Werr) {
            const mg = mags[idx]!;
            for (let c = 0; c < size; c++) werr += node.Werr[wo + c]! * mg[c]!;
          }
        }
        if (shared) L.set(U.subarray(ro, ro + d), ro);
        const b = node.b[r]!;
        U[ro + d] += b;
        L[ro + d] += b;
        const extra = werr + (node.bErr ? node.bErr[r]! : 0);
        const eu = sumError(absU + Math.abs(b), terms) + extra;
        const el = sumError(absL + Math.abs(b), terms) + extra;
        U[ro + d] = up(U[ro + d]! + widenError(eu));
        L[ro + d] = down(L[ro + d]! - widenError(el));
      }
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
      for (let i = 0; i < n; i++) {
        const r = { s: rx.relax.s[i]!, tl: rx.relax.tl[i]!, tu: rx.relax.tu[i]! };
        const o = i * D;
        const si = r.s;
        if (si === 0) {
          U[o + d] = r.tu;
          L[o + d] = r.tl;
          continue;
        }
        const srcU = si > 0 ? SU : SL;
        const srcL = si > 0 ? SL : SU;
        if (si === 1 && r.tu === 0 && r.tl === 0) {
          for (let k = 0; k < D; k++) {
            U[o + k] = srcU[o + k]!;
            L[o + k] = srcL[o + k]!;
          }
          continue;
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
        eu += sumError(Math.abs(cu) + Math.abs(r.tu), 2);
        el += sumError(Math.abs(cl) + Math.abs(r.tl), 2);
        U[o + d] = up(cu + r.tu + widenError(eu));
        L[o + d] = down(cl + r.tl - widenError(el));
      }
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

/** U[ro+k] += w·A[co+k] for k in [from, to) (the shared-coefficient form of addScaledPair). */
function addScaled(U: Float64Array, ro: number, w: number, A: Float64Array, co: number, from: number, to: number): void {
  for (let k = from; k < to; k++) U[ro + k] += w * A[co + k]!;
}

/** True when the two n × (d+1) blocks have the same coefficients in columns 0..d−1 (constants aside). */
function sameCoefficients(U: Float64Array, L: Float64Array, n: number, d: number): boolean {
  const D = d + 1;
  for (let i = 0; i < n; i++) {
    const o = i * D;
    for (let k = 0; k < d; k++) if (U[o + k] !== L[o + k]) return false;
  }
  return true;
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
 */
export function propagateInherited(fn: FloatNet, box: FloatBox, options: PropagateOptions & { readonly inherit: NonNullable<PropagateOptions["inherit"]> }): FloatBounds {
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
      if (options.refine && feeds && !node.inputs.every((src) => src === 0)) refineByBackSubstitution(fn, { lo, hi, relax, unstable, L: none, U: none }, box, id);
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

/** 1 for the rows of an upper/lower block pair with some nonzero input coefficient, 0 for constant rows. */
function liveRows(U: Float64Array, L: Float64Array, n: number, d: number): Uint8Array {
  const D = d + 1;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const o = i * D;
    for (let k = 0; k < d; k++) {
      if (U[o + k] !== 0 || L[o + k] !== 0) {
        out[i] = 1;
        break;
      }
    }
  }
  return out;
}

/** ρ_i = Σ_k |E_ik|·M_k + |E_id| for every row of an expression block. */
function rowMagnitudes(E: Float64Array, n: number, d: number, M: Float64Array): Float64Array {
  const D = d + 1;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const o = i * D;
    let s = Math.abs(E[o + d]!);
    for (let k = 0; k < d; k++) s += Math.abs(E[o + k]!) * M[k]!;
    out[i] = s;
  }
  return out;
}

/** Rigorous min of each row of L and max of each row of U over the box. */
function concretize(L: Float64Array, U: Float64Array, n: number, d: number, box: FloatBox): [Float64Array, Float64Array] {
  const D = d + 1;
  const lo = new Float64Array(n);
  const hi = new Float64Array(n);
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
    hi[r] = up(vu + sumError(au, D));
    lo[r] = down(vl - sumError(al, D));
  }
  return [lo, hi];
}

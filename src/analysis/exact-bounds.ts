// Exact symbolic bounds over a dyadic box, in BigInt fixed point: the forward pass of float-bounds.ts
// (symbolic intervals with a linear relaxation s·z + t_l ≤ f(z) ≤ s·z + t_u per neuron; the backward pass is
// exact-back-substitution.ts), but every value is an exact dyadic m·2^e. Each
// block of expressions shares one exponent; when mantissas outgrow PRECISION bits they are shifted right
// and the truncation is pushed outward into the constants (|δ_k·x_k| ≤ unit·M_k on the box), so no
// rounding is ever unaccounted for. Used by the certificate checker and by `bounds`/`neurons`; it imports
// nothing from the verifier.
import { Dyadic } from "../exact/dyadic.js";
import { Rational, bitLength } from "../exact/rational.js";
import type { Network } from "../network/ir.js";
import { PRECISION, SLOPE_BITS, absBig, ceilUnits, dy, floorUnits, maxAbs, prepare, shiftUnits, units, type Block, type DyadicBox, type ExactBounds, type ExactNode } from "./exact-fixed.js";
import { isRelu, lowerLineSlope, relaxNeuron } from "./exact-relax.js";
import { exactUnitLowerBound } from "./exact-back-substitution.js";

export { floorDyadic, ceilDyadic, type ExactBounds, type DyadicBox } from "./exact-fixed.js";
export { exactObjectiveLowerBound } from "./exact-back-substitution.js";

/** The options of exactPropagate: the same as float-bounds.ts's PropagateOptions, in exact dyadics. */
export interface ExactPropagateOptions {
  /** Tighten the bounds of every neuron that would be unstable by exact back-substitution (DeepPoly/CROWN). */
  readonly refine?: boolean;
  /**
   * Bounds proved on a box containing this one (the parent node of a certificate tree): intersected with each
   * affine node's bounds before refinement, so neurons stable there are not refined again.
   */
  readonly inherit?: { readonly lo: readonly (readonly Dyadic[])[]; readonly hi: readonly (readonly Dyadic[])[] };
  /** An unstable ReLU's lower line is a = 1 when u > −r·l, else 0 (exact-relax.ts, lowerLineSlope; default 1). */
  readonly lowerSlopeRatio?: bigint;
  /**
   * ReLU splits (a certificate tree's path): each listed ReLU's pre-activation interval is cut to [l, min(u, 0)]
   * (inactive) or [max(l, 0), u] (active) after the inherited bounds, before refinement.
   */
  readonly phases?: readonly { readonly node: number; readonly neuron: number; readonly active: boolean }[];
}

/** Forward exact symbolic propagation over the box; `refine` adds back-substitution bounds for unstable neurons. */
export function exactPropagate(net: Network, box: DyadicBox, options: ExactPropagateOptions = {}): ExactBounds {
  const ratio = options.lowerSlopeRatio ?? 1n;
  const nodes = prepare(net);
  const feeds = nodes.map((_, id) => nodes.some((m) => m.kind === "activation" && m.input === id));
  const d = box.lo.length;
  const D = d + 1;
  const eB = Math.min(0, ...box.lo.map((v) => v.e), ...box.hi.map((v) => v.e));
  const bLo = box.lo.map((v) => units(v, eB));
  const bHi = box.hi.map((v) => units(v, eB));
  let mSum = 0n;
  for (let k = 0; k < d; k++) mSum += absBig(bLo[k]!) > absBig(bHi[k]!) ? absBig(bLo[k]!) : absBig(bHi[k]!);
  /** ceil(Σ_k M_k): truncation slack per unit of an expression block. */
  const mCeil = eB >= 0 ? mSum << BigInt(eB) : (mSum + (1n << BigInt(-eB)) - 1n) >> BigInt(-eB);
  const Ls: Block[] = [];
  const Us: Block[] = [];
  const lo: Dyadic[][] = [];
  const hi: Dyadic[][] = [];
  const relax: ExactBounds["relax"][number][] = [];
  let unstable = 0;
  const concretize = (blk: Block, n: number, upper: boolean): Dyadic[] =>
    Array.from({ length: n }, (_, r) => {
      const o = r * D;
      let s = blk.m[o + d]! << BigInt(-eB);
      for (let k = 0; k < d; k++) {
        const c = blk.m[o + k]!;
        if (c !== 0n) s += c * ((c > 0n) === upper ? bHi[k]! : bLo[k]!);
      }
      return dy(s, blk.e + eB);
    });
  for (const node of nodes) {
    if (node.kind === "input") {
      const m = new Array<bigint>(d * D).fill(0n);
      for (let k = 0; k < d; k++) m[k * D + k] = 1n;
      Ls.push({ m, e: 0 });
      Us.push({ m, e: 0 });
      lo.push([...box.lo]);
      hi.push([...box.hi]);
      relax.push(undefined);
      continue;
    }
    const n = node.size;
    let U: Block;
    let L: Block;
    if (node.kind === "affine") {
      const eIn = Math.min(...node.inputs.flatMap((s) => [Us[s]!.e, Ls[s]!.e]));
      const align = (b: Block): bigint[] => (b.e === eIn ? b.m : b.m.map((v) => v << BigInt(b.e - eIn)));
      const SU = node.inputs.map((s) => align(Us[s]!));
      const SL = node.inputs.map((s) => align(Ls[s]!));
      const e = eIn + node.eW;
      const um = new Array<bigint>(n * D).fill(0n);
      const lm = new Array<bigint>(n * D).fill(0n);
      // Rows that are zero in both blocks (inactive ReLUs) contribute nothing: skip them.
      const live = node.inputs.map((src, idx) =>
        Array.from({ length: nodes[src]!.size }, (_, c) => {
          for (let k = 0; k < D; k++) if (SU[idx]![c * D + k] !== 0n || SL[idx]![c * D + k] !== 0n) return true;
          return false;
        }),
      );
      for (let r = 0; r < n; r++) {
        const ro = r * D;
        node.inputs.forEach((src, idx) => {
          const su = SU[idx]!;
          const sl = SL[idx]!;
          const lv = live[idx]!;
          const size = nodes[src]!.size;
          const wo = r * node.cols + node.offsets[idx]!;
          if (nodes[src]!.kind === "input") {
            // The input's expressions are the identity rows (lower = upper): row c has its one nonzero in column c.
            for (let c = 0; c < size; c++) {
              const w = node.W[wo + c]!;
              if (w === 0n) continue;
              const a = su[c * D + c]!;
              um[ro + c] += w * a;
              lm[ro + c] += w * a;
            }
            return;
          }
          for (let c = 0; c < size; c++) {
            const w = node.W[wo + c]!;
            if (w === 0n || !lv[c]) continue;
            const co = c * D;
            const pu = w > 0n ? su : sl;
            const pl = w > 0n ? sl : su;
            for (let k = 0; k < D; k++) {
              const a = pu[co + k]!;
              if (a !== 0n) um[ro + k] += w * a;
              const b = pl[co + k]!;
              if (b !== 0n) lm[ro + k] += w * b;
            }
          }
        });
        const bd = node.biasDy?.[r];
        if (bd && !node.Werr) {
          const bu = shiftUnits(bd, e, true);
          um[ro + d] += bu;
          lm[ro + d] += bu === shiftUnits(bd, e, false) ? bu : shiftUnits(bd, e, false);
          continue;
        }
        let bu = node.bias[r]!;
        let bl = bu;
        if (node.Werr) {
          // |Σ (w − W)·a| ≤ Σ |w − W|·max|a| over the input node's exact bounds.
          let err = bu.mul(0);
          node.inputs.forEach((src, idx) => {
            for (let c = 0; c < nodes[src]!.size; c++) {
              const we = node.Werr![r * node.cols + node.offsets[idx]! + c];
              if (we) err = err.add(we.mul(maxAbs(lo[src]![c]!, hi[src]![c]!).toRational()));
            }
          });
          bu = bu.add(err);
          bl = bl.sub(err);
        }
        um[ro + d] += ceilUnits(bu, e);
        lm[ro + d] += floorUnits(bl, e);
      }
      U = shrink({ m: um, e }, n, d, mCeil, true);
      L = shrink({ m: lm, e }, n, d, mCeil, false);
      const l = concretize(L, n, false);
      const h = concretize(U, n, true);
      const id = lo.length;
      const inh = options.inherit;
      if (inh) {
        for (let j = 0; j < n; j++) {
          if (inh.lo[id]![j]!.compare(l[j]!) > 0) l[j] = inh.lo[id]![j]!;
          if (inh.hi[id]![j]!.compare(h[j]!) < 0) h[j] = inh.hi[id]![j]!;
        }
      }
      const empty = imposeExactPhases(nodes, options.phases ?? [], id, l, h);
      lo.push(l);
      hi.push(h);
      if (empty) return { lo, hi, relax, unstable, empty: true };
      relax.push(undefined);
      if (options.refine && feeds[id] && !node.inputs.every((src) => src === 0)) refine(net, { lo, hi, relax, unstable }, box, id);
    } else {
      const zl = lo[node.input]!;
      const zh = hi[node.input]!;
      const eIn = Math.min(Us[node.input]!.e, Ls[node.input]!.e);
      const su = Us[node.input]!.m.map((v) => v << BigInt(Us[node.input]!.e - eIn));
      const sl = Ls[node.input]!.m.map((v) => v << BigInt(Ls[node.input]!.e - eIn));
      const e = eIn - SLOPE_BITS;
      const um = new Array<bigint>(n * D).fill(0n);
      const lm = new Array<bigint>(n * D).fill(0n);
      const rx = exactRelaxActivation(node, zl, zh, ratio);
      unstable += rx.unstable;
      for (let j = 0; j < n; j++) {
        const r = rx.neurons[j]!;
        const o = j * D;
        if (r.s !== 0n) {
          const pu = r.s > 0n ? su : sl;
          const pl = r.s > 0n ? sl : su;
          for (let k = 0; k < D; k++) {
            um[o + k] = r.s * pu[o + k]!;
            lm[o + k] = r.s * pl[o + k]!;
          }
        }
        um[o + d] += shiftUnits(r.tu, e, true);
        lm[o + d] += shiftUnits(r.tl, e, false);
      }
      U = shrink({ m: um, e }, n, d, mCeil, true);
      L = shrink({ m: lm, e }, n, d, mCeil, false);
      lo.push(rx.lo);
      hi.push(rx.hi);
      relax.push(rx.relax);
    }
    Us.push(U);
    Ls.push(L);
  }
  return { lo, hi, relax, unstable };
}

type ExactActivation = Extract<ExactNode, { kind: "activation" }>;

/** Every neuron's exact relaxation on [zl, zh] (with the integer slope mantissas), its value bounds, and the unstable count. */
function exactRelaxActivation(node: ExactActivation, zl: readonly Dyadic[], zh: readonly Dyadic[], ratio: bigint) {
  const rs: Dyadic[] = [];
  const rtl: Dyadic[] = [];
  const rtu: Dyadic[] = [];
  const ra: Dyadic[] = [];
  const rta: Dyadic[] = [];
  const nlo: Dyadic[] = [];
  const nhi: Dyadic[] = [];
  const neurons: ReturnType<typeof relaxNeuron>[] = [];
  let unstable = 0;
  for (let j = 0; j < node.size; j++) {
    const r = relaxNeuron(node.fns[j]!, zl[j]!, zh[j]!);
    neurons.push(r);
    if (r.unstable) unstable++;
    rs.push(dy(r.s, -SLOPE_BITS));
    rtl.push(r.tl);
    rtu.push(r.tu);
    // Back-substitution's lower line (DeepPoly's a ∈ {0, 1} for an unstable ReLU, else the parallel one).
    const relu = isRelu(node.fns[j]!) && r.unstable;
    ra.push(relu ? lowerLineSlope(zl[j]!, zh[j]!, ratio) : dy(r.s, -SLOPE_BITS));
    rta.push(relu ? Dyadic.ZERO : r.tl);
    nlo.push(r.lo);
    nhi.push(r.hi);
  }
  return { relax: { s: rs, tl: rtl, tu: rtu, a: ra, ta: rta }, lo: nlo, hi: nhi, neurons, unstable };
}

/**
 * The exact bounds of a node whose box is its parent's (a ReLU split's child): the parent's bounds cut by the
 * phases, refined by exact back-substitution where a neuron still straddles a breakpoint, and the relaxations on
 * them; no symbolic pass (the float rule of float-bounds.ts's propagateInherited).
 */
export function exactPropagateInherited(net: Network, box: DyadicBox, options: ExactPropagateOptions & { readonly inherit: NonNullable<ExactPropagateOptions["inherit"]> }): ExactBounds {
  const ratio = options.lowerSlopeRatio ?? 1n;
  const nodes = prepare(net);
  const lo: Dyadic[][] = [];
  const hi: Dyadic[][] = [];
  const relax: ExactBounds["relax"][number][] = [];
  let unstable = 0;
  for (const node of nodes) {
    const id = lo.length;
    if (node.kind === "input") {
      lo.push([...box.lo]);
      hi.push([...box.hi]);
      relax.push(undefined);
    } else if (node.kind === "affine") {
      const l = [...options.inherit.lo[id]!];
      const h = [...options.inherit.hi[id]!];
      const empty = imposeExactPhases(nodes, options.phases ?? [], id, l, h);
      lo.push(l);
      hi.push(h);
      if (empty) return { lo, hi, relax, unstable, empty: true };
      relax.push(undefined);
      const feeds = nodes.some((m) => m.kind === "activation" && m.input === id);
      if (options.refine && feeds && !node.inputs.every((src) => src === 0)) refine(net, { lo, hi, relax, unstable }, box, id);
    } else {
      const rx = exactRelaxActivation(node, lo[node.input]!, hi[node.input]!, ratio);
      unstable += rx.unstable;
      lo.push(rx.lo);
      hi.push(rx.hi);
      relax.push(rx.relax);
    }
  }
  return { lo, hi, relax, unstable };
}

/** Cut the bounds of affine node `id` by the phases of the ReLUs it feeds; true when some interval became empty. */
function imposeExactPhases(nodes: readonly ExactNode[], phases: NonNullable<ExactPropagateOptions["phases"]>, id: number, l: Dyadic[], h: Dyadic[]): boolean {
  let empty = false;
  for (const p of phases) {
    const act = nodes[p.node];
    if (!act || act.kind !== "activation" || act.input !== id) continue;
    const j = p.neuron;
    if (p.active && l[j]!.sign() < 0) l[j] = Dyadic.ZERO;
    if (!p.active && h[j]!.sign() > 0) h[j] = Dyadic.ZERO;
    if (l[j]!.compare(h[j]!) > 0) empty = true;
  }
  return empty;
}

/**
 * Tighten the bounds of the neurons of affine node `id` that straddle a breakpoint, by exact back-substitution
 * of ±z_j to the input through the relaxations of the earlier activation nodes (DeepPoly/CROWN).
 */
function refine(net: Network, eb: ExactBounds, box: DyadicBox, id: number): void {
  const nodes = prepare(net);
  const lo = eb.lo[id] as Dyadic[];
  const hi = eb.hi[id] as Dyadic[];
  const users = nodes.filter((m): m is Extract<ExactNode, { kind: "activation" }> => m.kind === "activation" && m.input === id);
  for (let j = 0; j < lo.length; j++) {
    const l = lo[j]!;
    const u = hi[j]!;
    const straddles = users.some((m) => {
      const f = m.fns[j]!;
      if (isRelu(f)) return l.sign() < 0 && u.sign() > 0;
      const lr = l.toRational();
      const ur = u.toRational();
      return f.breakpoints.some((b) => b.compare(lr) > 0 && b.compare(ur) < 0);
    });
    if (!straddles) continue;
    const nl = exactUnitLowerBound(net, eb, box, id, j, 1n);
    const nu = exactUnitLowerBound(net, eb, box, id, j, -1n).neg();
    if (nl.compare(l) > 0) lo[j] = nl;
    if (nu.compare(u) < 0) hi[j] = nu;
  }
}

/** Keep at most PRECISION mantissa bits: floor-shift and push the truncation outward into the constants. */
function shrink(b: Block, n: number, d: number, mCeil: bigint, upper: boolean): Block {
  let top = 0n;
  for (const v of b.m) {
    const a = absBig(v);
    if (a > top) top = a;
  }
  const sh = bitLength(top) - PRECISION;
  if (sh <= 0) return b;
  const S = BigInt(sh);
  const D = d + 1;
  const m = b.m.map((v) => v >> S);
  for (let r = 0; r < n; r++) {
    const o = r * D + d;
    // Constant: ceil for an upper block (floor already for a lower one), then the coefficient slack.
    m[o] = upper ? -(-b.m[o]! >> S) + mCeil : m[o]! - mCeil;
  }
  return { m, e: b.e + sh };
}


// Exact symbolic bounds over a dyadic box, in BigInt fixed point: the forward pass of float-bounds.ts
// (symbolic intervals with a linear relaxation s·z + t_l ≤ f(z) ≤ s·z + t_u per neuron; the backward pass is
// exact-back-substitution.ts), but every value is an exact dyadic m·2^e. Each
// block of expressions shares one exponent; when mantissas outgrow PRECISION bits they are shifted right
// and the truncation is pushed outward into the constants (|δ_k·x_k| ≤ unit·M_k on the box), so no
// rounding is ever unaccounted for. Used by the certificate checker and by `bounds`/`neurons`; it imports
// nothing from the verifier. Long loops look at the installed deadline (geometry/deadline.ts).
import { Dyadic } from "../exact/dyadic.js";
import { Rational, bitLength } from "../exact/rational.js";
import type { Network } from "../network/ir.js";
import { PRECISION, SLOPE_BITS, absBig, ceilUnits, dy, floorUnits, maxAbs, prepare, shiftUnits, units, type Block, type DyadicBox, type ExactBounds, type ExactNode } from "./exact-fixed.js";
import { isRelu, lowerLineSlope, relaxNeuron } from "./exact-relax.js";
import { exactUnitLowerBound } from "./exact-back-substitution.js";
import { checkDeadline } from "../geometry/deadline.js";

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

/**
 * Which nodes keep their symbolic blocks, and until when. An affine node always computes its expressions (its
 * bounds come from them) but keeps them only when a later node reads them; an activation node computes its
 * expressions only when an affine node reads them (a last ReLU layer needs its bounds, not its expressions).
 * A kept block is dropped after its last reader. At the parameter limit (2047 inputs, 2048 ReLUs) the blocks of
 * the hidden layer and its ReLUs were four arrays of 2048 × 2048 BigInts, most of `neurons`' 1.2 GB.
 */
function blockPlan(nodes: readonly ExactNode[]): { readonly keep: readonly boolean[]; readonly lastReader: readonly number[] } {
  const readers: number[][] = nodes.map(() => []);
  nodes.forEach((node, id) => {
    if (node.kind === "affine") for (const src of node.inputs) readers[src]!.push(id);
    else if (node.kind === "activation") readers[node.input]!.push(id);
  });
  const computes: boolean[] = nodes.map((node) => node.kind === "affine");
  const keep: boolean[] = nodes.map(() => false);
  for (let id = nodes.length - 1; id >= 0; id--) {
    keep[id] = readers[id]!.some((r) => computes[r]!);
    if (nodes[id]!.kind === "activation") computes[id] = keep[id]!;
  }
  return { keep, lastReader: readers.map((r) => Math.max(-1, ...r)) };
}

/** Forward exact symbolic propagation over the box; `refine` adds back-substitution bounds for unstable neurons. */
export function exactPropagate(net: Network, box: DyadicBox, options: ExactPropagateOptions = {}): ExactBounds {
  const ratio = options.lowerSlopeRatio ?? 1n;
  const nodes = prepare(net);
  const feeds = nodes.map((_, id) => nodes.some((m) => m.kind === "activation" && m.input === id));
  const { keep, lastReader } = blockPlan(nodes);
  const d = box.lo.length;
  const D = d + 1;
  const eB = Math.min(0, ...box.lo.map((v) => v.e), ...box.hi.map((v) => v.e));
  const bLo = box.lo.map((v) => units(v, eB));
  const bHi = box.hi.map((v) => units(v, eB));
  let mSum = 0n;
  for (let k = 0; k < d; k++) mSum += absBig(bLo[k]!) > absBig(bHi[k]!) ? absBig(bLo[k]!) : absBig(bHi[k]!);
  /** ceil(Σ_k M_k): truncation slack per unit of an expression block. */
  const mCeil = eB >= 0 ? mSum << BigInt(eB) : (mSum + (1n << BigInt(-eB)) - 1n) >> BigInt(-eB);
  /** Each node's expressions (undefined when not kept, or after their last reader); the input's are the identity. */
  const Us: (Block | undefined)[] = [];
  const Ls: (Block | undefined)[] = [];
  /** The exponent of each node's expressions (known whether or not the block is kept). */
  const exps: number[] = [];
  const lo: Dyadic[][] = [];
  const hi: Dyadic[][] = [];
  const relax: ExactBounds["relax"][number][] = [];
  let unstable = 0;
  /** The bound of one row (o: its offset in m) at exponent e: the upper one takes each coefficient's worse corner. */
  const concretizeRow = (m: readonly bigint[], o: number, e: number, upper: boolean): Dyadic => {
    let s = m[o + d]! << BigInt(-eB);
    for (let k = 0; k < d; k++) {
      const c = m[o + k]!;
      if (c !== 0n) s += c * ((c > 0n) === upper ? bHi[k]! : bLo[k]!);
    }
    return dy(s, e + eB);
  };
  const concretize = (blk: Block, n: number, upper: boolean): Dyadic[] => Array.from({ length: n }, (_, r) => concretizeRow(blk.m, r * D, blk.e, upper));
  for (const node of nodes) {
    const id = lo.length;
    if (node.kind === "input") {
      // The identity rows are materialized only for an activation that reads the input directly; an affine
      // node reads the input's coefficients off the diagonal (1 at exponent 0).
      const m = keep[id] && nodes.some((x) => x.kind === "activation" && x.input === id) ? identityRows(d) : undefined;
      Us.push(m && { m, e: 0 });
      Ls.push(m && { m, e: 0 });
      exps.push(0);
      lo.push([...box.lo]);
      hi.push([...box.hi]);
      relax.push(undefined);
      continue;
    }
    const n = node.size;
    let U: Block | undefined;
    let L: Block | undefined;
    if (node.kind === "affine") {
      const eIn = Math.min(...node.inputs.map((s) => exps[s]!));
      const align = (b: Block): bigint[] => (b.e === eIn ? b.m : b.m.map((v) => v << BigInt(b.e - eIn)));
      const SU = node.inputs.map((s) => (nodes[s]!.kind === "input" ? [] : align(Us[s]!)));
      const SL = node.inputs.map((s) => (nodes[s]!.kind === "input" ? [] : align(Ls[s]!)));
      /** The input's diagonal coefficient at exponent eIn. */
      const one = 1n << BigInt(-eIn);
      const e = eIn + node.eW;
      // Kept: the whole block (shrunk below). Not kept: one row at a time, concretized exactly (no shrinking).
      const um = new Array<bigint>((keep[id] ? n : 1) * D).fill(0n);
      const lm = new Array<bigint>((keep[id] ? n : 1) * D).fill(0n);
      const l: Dyadic[] = [];
      const h: Dyadic[] = [];
      // Rows that are zero in both blocks (inactive ReLUs) contribute nothing: skip them.
      const live = node.inputs.map((src, idx) =>
        nodes[src]!.kind === "input"
          ? []
          : Array.from({ length: nodes[src]!.size }, (_, c) => {
              for (let k = 0; k < D; k++) if (SU[idx]![c * D + k] !== 0n || SL[idx]![c * D + k] !== 0n) return true;
              return false;
            }),
      );
      for (let r = 0; r < n; r++) {
        // A row costs up to (inputs × coordinates) BigInt products: the deadline is looked at per row.
        checkDeadline();
        const ro = keep[id] ? r * D : 0;
        if (!keep[id] && r > 0) {
          um.fill(0n);
          lm.fill(0n);
        }
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
              const a = w * one;
              um[ro + c] += a;
              lm[ro + c] += a;
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
        } else {
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
        if (!keep[id]) {
          l.push(concretizeRow(lm, 0, e, false));
          h.push(concretizeRow(um, 0, e, true));
        }
      }
      if (keep[id]) {
        U = shrink({ m: um, e }, n, d, mCeil, true);
        L = shrink({ m: lm, e }, n, d, mCeil, false);
        l.push(...concretize(L, n, false));
        h.push(...concretize(U, n, true));
      }
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
      exps.push(U && L ? Math.min(U.e, L.e) : e);
      if (options.refine && feeds[id] && !node.inputs.every((src) => src === 0)) refine(net, { lo, hi, relax, unstable }, box, id);
    } else {
      const zl = lo[node.input]!;
      const zh = hi[node.input]!;
      const rx = exactRelaxActivation(node, zl, zh, ratio);
      unstable += rx.unstable;
      const eIn = exps[node.input]!;
      const e = eIn - SLOPE_BITS;
      if (keep[id]) {
        const inU = Us[node.input]!;
        const inL = Ls[node.input]!;
        const su = inU.m.map((v) => v << BigInt(inU.e - eIn));
        const sl = inL.m.map((v) => v << BigInt(inL.e - eIn));
        const um = new Array<bigint>(n * D).fill(0n);
        const lm = new Array<bigint>(n * D).fill(0n);
        for (let j = 0; j < n; j++) {
          if (j % 64 === 0) checkDeadline();
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
      }
      exps.push(U && L ? Math.min(U.e, L.e) : e);
      lo.push(rx.lo);
      hi.push(rx.hi);
      relax.push(rx.relax);
    }
    Us.push(keep[id] ? U : undefined);
    Ls.push(keep[id] ? L : undefined);
    // Blocks whose last reader this node was are not needed any more.
    nodes.forEach((_, src) => {
      if (src < id && lastReader[src] === id) {
        Us[src] = undefined;
        Ls[src] = undefined;
      }
    });
  }
  return { lo, hi, relax, unstable };
}

/** The identity rows of d inputs as a block's mantissas (row c: 1 in column c, constant 0). */
function identityRows(d: number): bigint[] {
  const m = new Array<bigint>(d * (d + 1)).fill(0n);
  for (let k = 0; k < d; k++) m[k * (d + 1) + k] = 1n;
  return m;
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
    checkDeadline();
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


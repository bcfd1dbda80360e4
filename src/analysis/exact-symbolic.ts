// Exact symbolic bounds over a dyadic box, in BigInt fixed point: the same two passes as float-bounds.ts
// (forward symbolic intervals with a linear relaxation s·z + t_l ≤ f(z) ≤ s·z + t_u per neuron, then a
// back-substitution lower bound of a linear objective), but every value is an exact dyadic m·2^e. Each
// block of expressions shares one exponent; when mantissas outgrow PRECISION bits they are shifted right
// and the truncation is pushed outward into the constants (|δ_k·x_k| ≤ unit·M_k on the box), so no
// rounding is ever unaccounted for. Used by the certificate checker and by `bounds`/`neurons`; it imports
// nothing from the verifier.
import { Dyadic } from "../exact/dyadic.js";
import { Rational, bitLength, rationalToNumber } from "../exact/rational.js";
import { neuronFunction } from "../network/activation.js";
import type { Network, PiecewiseLinear } from "../network/ir.js";

/** Mantissa bits kept in expression blocks (relative precision about 2^-PRECISION). */
const PRECISION = 72;
/** Relaxation slopes are multiples of 2^-SLOPE_BITS. */
const SLOPE_BITS = 40;

/** m·2^e as a Dyadic. */
const dy = (m: bigint, e: number): Dyadic => Dyadic.of(m, e);
/** floor(r / 2^e) for a rational r. */
function floorUnits(r: Rational, e: number): bigint {
  const num = r.s * r.n;
  const [n, d] = e >= 0 ? [num, r.d << BigInt(e)] : [num << BigInt(-e), r.d];
  const q = n / d;
  return n < 0n && q * d !== n ? q - 1n : q;
}
function ceilUnits(r: Rational, e: number): bigint {
  return -floorUnits(r.neg(), e);
}
/** A dyadic ≤ r (r itself when dyadic with exponent ≥ e). */
export function floorDyadic(r: Rational, e: number): Dyadic {
  const d = Dyadic.fromRational(r);
  return d && d.e >= e ? d : dy(floorUnits(r, e), e);
}
export function ceilDyadic(r: Rational, e: number): Dyadic {
  const d = Dyadic.fromRational(r);
  return d && d.e >= e ? d : dy(ceilUnits(r, e), e);
}
/** The mantissa of a dyadic expressed in units of 2^e (e ≤ d.e). */
const units = (d: Dyadic, e: number): bigint => d.m << BigInt(d.e - e);
const absBig = (x: bigint): bigint => (x < 0n ? -x : x);
/** A dyadic in units of 2^e, rounded up or down when its exponent is finer than e. */
function shiftUnits(d: Dyadic, e: number, roundUp: boolean): bigint {
  if (d.e >= e) return d.m << BigInt(d.e - e);
  const S = BigInt(e - d.e);
  return roundUp ? -(-d.m >> S) : d.m >> S;
}

/** An affine node with integer weights at a common exponent, plus exact truncation errors when needed. */
interface ExactAffine {
  readonly kind: "affine";
  readonly size: number;
  readonly inputs: readonly number[];
  readonly offsets: readonly number[];
  readonly cols: number;
  readonly W: bigint[];
  readonly eW: number;
  /** |w − W·2^eW| per entry as rationals, or undefined when every weight is exact. */
  readonly Werr: (Rational | undefined)[] | undefined;
  readonly bias: readonly Rational[];
  /** The biases as dyadics when they all are. */
  readonly biasDy: readonly Dyadic[] | undefined;
}
type ExactNode = { readonly kind: "input"; readonly size: number } | ExactAffine | { readonly kind: "activation"; readonly size: number; readonly input: number; readonly fns: readonly PiecewiseLinear[] };

const prepared = new WeakMap<Network, ExactNode[]>();

function prepare(net: Network): ExactNode[] {
  const hit = prepared.get(net);
  if (hit) return hit;
  const out = net.nodes.map((node): ExactNode => {
    if (node.kind === "input") return { kind: "input", size: node.size };
    if (node.kind === "activation") return { kind: "activation", size: node.size, input: node.input, fns: Array.from({ length: node.size }, (_, i) => neuronFunction(node.activation, i)) };
    const offsets: number[] = [];
    let cols = 0;
    for (const id of node.inputs) {
      offsets.push(cols);
      cols += net.nodes[id]!.size;
    }
    const flat = node.weights.flat();
    const dys = flat.map((w) => Dyadic.fromRational(w));
    let eMin = Infinity;
    let top = -Infinity;
    for (const w of flat) if (w.n !== 0n) top = Math.max(top, bitLength(w.n) - bitLength(w.d));
    for (const d of dys) if (d && !d.isZero()) eMin = Math.min(eMin, d.e);
    // Exact when every weight is dyadic and the common exponent keeps integers below ~2^200.
    const exact = dys.every((d) => d !== undefined) && (eMin === Infinity || top - eMin <= 200);
    const eW = eMin === Infinity ? 0 : exact ? eMin : top - 100;
    const W = flat.map((w, i) => (dys[i] && dys[i]!.e >= eW ? units(dys[i]!, eW) : floorUnits(w, eW)));
    const Werr = exact ? undefined : flat.map((w, i) => {
      const e = w.sub(dy(W[i]!, eW).toRational()).abs();
      return e.n === 0n ? undefined : e;
    });
    const bd = node.bias.map((b) => Dyadic.fromRational(b));
    const biasDy = bd.every((b): b is Dyadic => b !== undefined) ? bd : undefined;
    return { kind: "affine", size: node.size, inputs: node.inputs, offsets, cols, W, eW, Werr, bias: node.bias, biasDy };
  });
  prepared.set(net, out);
  return out;
}

/** A block of n linear expressions in d inputs: row-major n × (d + 1) mantissas (constant last) at 2^e. */
interface Block {
  m: bigint[];
  e: number;
}

export interface ExactBounds {
  /** Exact dyadic bounds of every node's values. */
  readonly lo: readonly Dyadic[][];
  readonly hi: readonly Dyadic[][];
  /** Relaxations of activation nodes: slope and intercepts per neuron (undefined for other nodes). */
  readonly relax: readonly ({ s: Dyadic[]; tl: Dyadic[]; tu: Dyadic[]; a: Dyadic[]; ta: Dyadic[] } | undefined)[];
  /** Neurons whose bounds straddle a breakpoint. */
  readonly unstable: number;
}

/** An input box with dyadic bounds (round a rational box outward with floorDyadic/ceilDyadic first). */
export interface DyadicBox {
  readonly lo: readonly Dyadic[];
  readonly hi: readonly Dyadic[];
}

/** Forward exact symbolic propagation over the box; `refine` adds back-substitution bounds for unstable neurons. */
export function exactPropagate(net: Network, box: DyadicBox, options: { readonly refine?: boolean } = {}): ExactBounds {
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
      lo.push(concretize(L, n, false));
      hi.push(concretize(U, n, true));
      relax.push(undefined);
      const id = lo.length - 1;
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
      const rs: Dyadic[] = [];
      const rtl: Dyadic[] = [];
      const rtu: Dyadic[] = [];
      const ra: Dyadic[] = [];
      const rta: Dyadic[] = [];
      const nlo: Dyadic[] = [];
      const nhi: Dyadic[] = [];
      for (let j = 0; j < n; j++) {
        const r = relaxNeuron(node.fns[j]!, zl[j]!, zh[j]!);
        if (r.unstable) unstable++;
        rs.push(dy(r.s, -SLOPE_BITS));
        rtl.push(r.tl);
        rtu.push(r.tu);
        // Back-substitution's lower line (DeepPoly's a ∈ {0, 1} for an unstable ReLU, else the parallel one).
        const relu = isRelu(node.fns[j]!) && r.unstable;
        ra.push(relu ? (zh[j]!.compare(zl[j]!.neg()) > 0 ? Dyadic.ONE : Dyadic.ZERO) : dy(r.s, -SLOPE_BITS));
        rta.push(relu ? Dyadic.ZERO : r.tl);
        nlo.push(r.lo);
        nhi.push(r.hi);
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
      lo.push(nlo);
      hi.push(nhi);
      relax.push({ s: rs, tl: rtl, tu: rtu, a: ra, ta: rta });
    }
    Us.push(U);
    Ls.push(L);
  }
  return { lo, hi, relax, unstable };
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
  const zero = new Rational(0n, 1n);
  for (let j = 0; j < lo.length; j++) {
    const l = lo[j]!.toRational();
    const u = hi[j]!.toRational();
    const straddles = users.some((m) => m.fns[j]!.breakpoints.some((b) => b.compare(l) > 0 && b.compare(u) < 0));
    if (!straddles) continue;
    const c = new Array<Rational>(lo.length).fill(zero);
    c[j] = new Rational(1n, 1n);
    const nl = exactObjectiveLowerBound(net, eb, box, c, id);
    c[j] = new Rational(-1n, 1n);
    const nu = exactObjectiveLowerBound(net, eb, box, c, id).neg();
    if (nl.compare(l) > 0) lo[j] = Dyadic.fromRational(nl)!;
    if (nu.compare(u) < 0) hi[j] = Dyadic.fromRational(nu)!;
  }
}

function maxAbs(a: Dyadic, b: Dyadic): Dyadic {
  const x = a.sign() < 0 ? a.neg() : a;
  const y = b.sign() < 0 ? b.neg() : b;
  return x.compare(y) >= 0 ? x : y;
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

interface NeuronRelaxation {
  /** Slope in units of 2^-SLOPE_BITS. */
  s: bigint;
  tl: Dyadic;
  tu: Dyadic;
  lo: Dyadic;
  hi: Dyadic;
  unstable: boolean;
}

/** s·z + t_l ≤ f(z) ≤ s·z + t_u on [l, u], exactly: t from the extreme values of f(z) − s·z at the candidates. */
function relaxNeuron(f: PiecewiseLinear, l: Dyadic, u: Dyadic): NeuronRelaxation {
  if (isRelu(f)) return reluRelax(l, u);
  const lr = l.toRational();
  const ur = u.toRational();
  const at = (z: Rational): Rational => {
    let k = 0;
    while (k < f.breakpoints.length && z.compare(f.breakpoints[k]!) > 0) k++;
    return f.slopes[k]!.mul(z).add(f.intercepts[k]!);
  };
  const cands = [lr, ur, ...f.breakpoints.filter((b) => b.compare(lr) > 0 && b.compare(ur) < 0)];
  const unstable = cands.length > 2;
  const fl = at(lr);
  const fu = at(ur);
  const chord = ur.compare(lr) > 0 ? rationalToNumber(fu.sub(fl)) / rationalToNumber(ur.sub(lr)) : rationalToNumber(f.slopes[0]!);
  const s = BigInt(Math.round((Number.isFinite(chord) ? chord : 0) * 2 ** SLOPE_BITS));
  const sr = new Rational(s, 1n << BigInt(SLOPE_BITS));
  let tl: Rational | undefined;
  let tu: Rational | undefined;
  let vlo: Rational | undefined;
  let vhi: Rational | undefined;
  for (const z of cands) {
    const fz = at(z);
    const g = fz.sub(sr.mul(z));
    if (!tl || g.compare(tl) < 0) tl = g;
    if (!tu || g.compare(tu) > 0) tu = g;
    if (!vlo || fz.compare(vlo) < 0) vlo = fz;
    if (!vhi || fz.compare(vhi) > 0) vhi = fz;
  }
  const eOut = Math.min(l.e, u.e, -SLOPE_BITS) - 64;
  return { s, tl: floorDyadic(tl!, eOut), tu: ceilDyadic(tu!, eOut), lo: floorDyadic(vlo!, eOut), hi: ceilDyadic(vhi!, eOut), unstable };
}

const ONE_SLOPE = 1n << BigInt(SLOPE_BITS);

function isRelu(f: PiecewiseLinear): boolean {
  return (
    f.breakpoints.length === 1 && f.breakpoints[0]!.n === 0n && f.slopes[0]!.n === 0n && f.intercepts[0]!.n === 0n &&
    f.slopes[1]!.n === 1n && f.slopes[1]!.d === 1n && f.slopes[1]!.s > 0n && f.intercepts[1]!.n === 0n
  );
}

/** ReLU, all in dyadics: stable pieces exactly; otherwise s ≈ u/(u−l), t_l = 0, t_u = max(−s·l, u − s·u). */
function reluRelax(l: Dyadic, u: Dyadic): NeuronRelaxation {
  if (u.sign() <= 0) return { s: 0n, tl: Dyadic.ZERO, tu: Dyadic.ZERO, lo: Dyadic.ZERO, hi: Dyadic.ZERO, unstable: false };
  if (l.sign() >= 0) return { s: ONE_SLOPE, tl: Dyadic.ZERO, tu: Dyadic.ZERO, lo: l, hi: u, unstable: false };
  const un = u.toNumber();
  let s = BigInt(Math.round((un / (un - l.toNumber())) * 2 ** SLOPE_BITS));
  if (s < 0n) s = 0n;
  if (s > ONE_SLOPE) s = ONE_SLOPE;
  const sd = dy(s, -SLOPE_BITS);
  const a = sd.mul(l).neg();
  const b = u.sub(sd.mul(u));
  // g(z) = relu(z) − s·z at l, 0, u is −s·l ≥ 0, 0, u·(1 − s) ≥ 0.
  return { s, tl: Dyadic.ZERO, tu: a.compare(b) >= 0 ? a : b, lo: Dyadic.ZERO, hi: u, unstable: true };
}

/**
 * An exact lower bound of c·output over the box, by back-substitution through the relaxations of
 * `exactPropagate` (c rational; its non-dyadic part is bounded with the output bounds).
 */
export function exactObjectiveLowerBound(net: Network, eb: ExactBounds, box: DyadicBox, c: readonly Rational[], start: number = net.output): Rational {
  const nodes = prepare(net);
  let K = Dyadic.ZERO;
  /** Slack subtracted at the end (≥ 0): every truncation, bounded with the node bounds. */
  let err = Dyadic.ZERO;
  const mag = (id: number, i: number): Dyadic => maxAbs(eb.lo[id]![i]!, eb.hi[id]![i]!);
  const lam: (Block | undefined)[] = nodes.map(() => undefined);
  const eC = -PRECISION - 64;
  const cm = c.map((v) => floorUnits(v, eC));
  c.forEach((v, i) => {
    const rem = v.sub(dy(cm[i]!, eC).toRational());
    if (rem.n !== 0n) err = err.add(ceilDyadic(rem.abs(), eC - 64).mul(mag(start, i)));
  });
  lam[start] = { m: cm, e: eC };
  const addInto = (src: number, m: bigint[], e: number): void => {
    const prev = lam[src];
    if (!prev) lam[src] = { m, e };
    else {
      const e0 = Math.min(prev.e, e);
      lam[src] = { m: prev.m.map((v, i) => (v << BigInt(prev.e - e0)) + (m[i]! << BigInt(e - e0))), e: e0 };
    }
  };
  for (let id = start; id > 0; id--) {
    let lb = lam[id];
    const node = nodes[id]!;
    if (!lb || node.kind === "input") continue;
    // Truncate the multipliers to PRECISION bits: λ = λ' + δ with 0 ≤ δ < unit, so λ·v ≥ λ'·v − unit·Σ|v|.
    let top = 0n;
    for (const v of lb.m) if (absBig(v) > top) top = absBig(v);
    const sh = bitLength(top) - PRECISION;
    if (sh > 0) {
      lb = { m: lb.m.map((v) => v >> BigInt(sh)), e: lb.e + sh };
      let total = Dyadic.ZERO;
      for (let i = 0; i < node.size; i++) total = total.add(mag(id, i));
      err = err.add(total.mul(dy(1n, lb.e)));
    }
    const e = lb.e;
    if (node.kind === "affine") {
      for (let r = 0; r < node.size; r++) {
        const l = lb.m[r]!;
        if (l === 0n) continue;
        const bd = node.biasDy?.[r];
        K = K.add(bd ? bd.mul(dy(l, e)) : floorDyadic(node.bias[r]!.mul(new Rational(l, 1n)), -PRECISION - 64 - e).mul(dy(1n, e)));
      }
      node.inputs.forEach((src, idx) => {
        const size = nodes[src]!.size;
        const out = new Array<bigint>(size).fill(0n);
        const zeroValue = Array.from({ length: size }, (_, col) => eb.lo[src]![col]!.isZero() && eb.hi[src]![col]!.isZero());
        for (let r = 0; r < node.size; r++) {
          const l = lb!.m[r]!;
          if (l === 0n) continue;
          const wo = r * node.cols + node.offsets[idx]!;
          for (let col = 0; col < size; col++) {
            const w = node.W[wo + col]!;
            // An input that is exactly 0 on the box contributes nothing (its multiplier may stay 0).
            if (w !== 0n && !zeroValue[col]) out[col] += l * w;
            const we = node.Werr?.[wo + col];
            if (we) err = err.add(ceilDyadic(we.mul(new Rational(absBig(l), 1n)), -PRECISION - 64).mul(dy(1n, e)).mul(mag(src, col)));
          }
        }
        addInto(src, out, e + node.eW);
      });
    } else {
      const rx = eb.relax[id]!;
      const out = new Array<bigint>(node.size).fill(0n);
      for (let j = 0; j < node.size; j++) {
        const l = lb.m[j]!;
        if (l === 0n) continue;
        out[j] = l * units(l > 0n ? rx.a[j]! : rx.s[j]!, -SLOPE_BITS);
        const t = l > 0n ? rx.ta[j]! : rx.tu[j]!;
        if (!t.isZero()) K = K.add(t.mul(dy(l, e)));
      }
      addInto(node.input, out, e - SLOPE_BITS);
    }
  }
  const li = lam[0];
  if (li) {
    li.m.forEach((v, k) => {
      if (v !== 0n) K = K.add(dy(v, li.e).mul(v > 0n ? box.lo[k]! : box.hi[k]!));
    });
  }
  return K.sub(err).toRational();
}

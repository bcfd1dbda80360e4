// Exact fixed-point arithmetic for the exact bound passes: dyadic rounding helpers, the network prepared as
// integer weight matrices at a common exponent per affine node (with exact truncation errors when a weight is
// not representable), and the shared types. Used by exact-bounds.ts and exact-back-substitution.ts.
import { Dyadic } from "../exact/dyadic.js";
import { Rational, bitLength } from "../exact/rational.js";
import { sharedBigInt, trailingZeros } from "../exact/bigint.js";
import { neuronFunction } from "../network/activation.js";
import type { Network, PiecewiseLinear } from "../network/ir.js";

/** Mantissa bits kept in expression blocks (relative precision about 2^-PRECISION). */
export const PRECISION = 72;
/** Relaxation slopes are multiples of 2^-SLOPE_BITS. */
export const SLOPE_BITS = 40;

/** m·2^e as a Dyadic. */
export const dy = (m: bigint, e: number): Dyadic => Dyadic.of(m, e);
/** floor(r / 2^e) for a rational r. */
export function floorUnits(r: Rational, e: number): bigint {
  const num = r.s * r.n;
  const [n, d] = e >= 0 ? [num, r.d << BigInt(e)] : [num << BigInt(-e), r.d];
  const q = n / d;
  return n < 0n && q * d !== n ? q - 1n : q;
}
export function ceilUnits(r: Rational, e: number): bigint {
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
export const units = (d: Dyadic, e: number): bigint => d.m << BigInt(d.e - e);
export { absBigInt as absBig } from "../exact/bigint.js";
/** A dyadic in units of 2^e, rounded up or down when its exponent is finer than e. */
export function shiftUnits(d: Dyadic, e: number, roundUp: boolean): bigint {
  if (d.e >= e) return d.m << BigInt(d.e - e);
  const S = BigInt(e - d.e);
  return roundUp ? -(-d.m >> S) : d.m >> S;
}

/** An affine node with integer weights at a common exponent, plus exact truncation errors when needed. */
export interface ExactAffine {
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
export type ExactNode = { readonly kind: "input"; readonly size: number } | ExactAffine | { readonly kind: "activation"; readonly size: number; readonly input: number; readonly fns: readonly PiecewiseLinear[] };

const prepared = new WeakMap<Network, ExactNode[]>();

export function prepare(net: Network): ExactNode[] {
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
    // One pass over the weights for the common exponent (no per-weight Dyadic objects: at the parameter limit
    // 4·10^6 of them were most of the set-up's garbage), a second for the integer mantissas.
    let eMin = Infinity;
    let top = -Infinity;
    let dyadic = true;
    for (const row of node.weights) {
      for (const w of row) {
        if (w.n === 0n) continue;
        top = Math.max(top, bitLength(w.n) - bitLength(w.d));
        if (w.d === 1n) eMin = Math.min(eMin, trailingZeros(w.n));
        else if ((w.d & (w.d - 1n)) === 0n) eMin = Math.min(eMin, 1 - bitLength(w.d));
        else dyadic = false;
      }
    }
    // Exact when every weight is dyadic and the common exponent keeps integers below ~2^200.
    const exact = dyadic && (eMin === Infinity || top - eMin <= 200);
    const eW = eMin === Infinity ? 0 : exact ? eMin : top - 100;
    const W: bigint[] = new Array<bigint>(cols * node.size);
    const Werr: (Rational | undefined)[] | undefined = exact ? undefined : new Array<Rational | undefined>(cols * node.size);
    let i = 0;
    for (const row of node.weights) {
      for (const w of row) {
        // A dyadic ±n/2^k in units of 2^eW is a shift (>> floors, as floorUnits does below its exponent).
        const k = w.d === 1n ? 0 : (w.d & (w.d - 1n)) === 0n ? bitLength(w.d) - 1 : -1;
        const sh = -k - eW;
        const v = k < 0 ? floorUnits(w, eW) : sh >= 0 ? (w.s * w.n) << BigInt(sh) : (w.s * w.n) >> BigInt(-sh);
        // Small mantissas shared (one heap BigInt per weight was 100 MB at the parameter limit).
        W[i] = sharedBigInt(v);
        if (Werr) {
          const e = w.sub(dy(v, eW).toRational()).abs();
          Werr[i] = e.n === 0n ? undefined : e;
        }
        i++;
      }
    }
    const bd = node.bias.map((b) => Dyadic.fromRational(b));
    const biasDy = bd.every((b): b is Dyadic => b !== undefined) ? bd : undefined;
    return { kind: "affine", size: node.size, inputs: node.inputs, offsets, cols, W, eW, Werr, bias: node.bias, biasDy };
  });
  prepared.set(net, out);
  return out;
}

/** A block of n linear expressions in d inputs: row-major n × (d + 1) mantissas (constant last) at 2^e. */
export interface Block {
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
  /** True when some neuron's bounds cross once the ReLU phases are imposed (no input takes them); the bounds stop there. */
  readonly empty?: boolean;
}

/** An input box with dyadic bounds (round a rational box outward with floorDyadic/ceilDyadic first). */
export interface DyadicBox {
  readonly lo: readonly Dyadic[];
  readonly hi: readonly Dyadic[];
}


export function maxAbs(a: Dyadic, b: Dyadic): Dyadic {
  const x = a.sign() < 0 ? a.neg() : a;
  const y = b.sign() < 0 ? b.neg() : b;
  return x.compare(y) >= 0 ? x : y;
}


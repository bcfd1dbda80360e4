// The one place where a neuron is decided: which pieces of neuron j's activation meet the interior of the
// current split-tree node R (interior witness p), each kept piece with an exact interior witness, each
// pruned run of pieces with an exact bound certificate. z(x) = w·x + c is the pre-activation on R. z takes
// every value of the open interval (min z, max z) on R's interior, so the kept pieces are contiguous: the
// piece of p, the pieces up to max z (upper side) and down to min z (lower side). Constant z never splits.
// The order of the tests: a verdict the layer's box already gave (the same at every node below the box's
// node), the box filter (regions/box-filter.ts: no LP), then the exact path with certified LPs.
import { Dyadic } from "../exact/dyadic.js";
import type { Field } from "../exact/field.js";
import { Rational, bitLength } from "../exact/rational.js";
import { certificateBound, certificateMultipliers, type BoundCertificate } from "../geometry/certificate.js";
import { certifiedOptimum, exactUpperBound, floatUpperBound, proposedUpperBound, type LpStats } from "../geometry/lp.js";
import { pieceOf } from "../network/activation.js";
import type { FixedRow, NeuronInfo, PathMaps } from "./affine-maps.js";
import { boxKeepsInPiece, boxMagnitudes, floatBoxVerdict, type FilterRow, type RegionBox } from "./box-filter.js";
import { floatInside, floatValueBetween, multipliersProve } from "./lp-filter.js";
import { proposeMax } from "../geometry/float-lp.js";
import { nextDown, nextUp } from "../exact/float.js";
import type { RowStack } from "./row-stack.js";
import type { BoundCertificateRecord, Child, Decision, SplitRecord, SplitRow } from "./types.js";
import { interiorPointAlongTarget } from "./witness.js";

export interface DecideContext<T> {
  readonly F: Field<T>;
  readonly certify: boolean;
  /** Keep the certificates in the split records (region maps); `count` verifies them and drops them. */
  readonly keepRecords: boolean;
  readonly stats: LpStats;
}

/**
 * Decides the neurons of one search: reads each neuron's pre-activation row from the path's maps (in fixed
 * point when the engine keeps one) and keeps the float copy of the last witness.
 */
export class NeuronDecider<T> {
  private readonly bpf: readonly (readonly number[])[];
  /** Floats just below / above each breakpoint (bpDown ≤ β ≤ bpUp), for the filtered proofs (and the split rows' float copies). */
  readonly bpDown: readonly (readonly number[])[];
  readonly bpUp: readonly (readonly number[])[];
  private lastP: readonly T[] | undefined;
  // Float64Array, not number[]: an array's elements kind (small integers or doubles) is part of its hidden
  // class, and a witness of whole numbers would make the float filters' code see a second kind.
  private lastPf = new Float64Array(0);
  private exactP: readonly T[] | undefined;
  private exactPf: Float64Array | undefined;
  /** LP decisions are proved in floats first (no records kept, float maps present). */
  private readonly filtered: boolean;

  constructor(
    private readonly ctx: DecideContext<T>,
    private readonly maps: PathMaps<T>,
  ) {
    const F = ctx.F;
    this.filtered = ctx.certify && !ctx.keepRecords && maps.float !== undefined;
    this.bpf = maps.neurons.map((info) => info.breakpoints.map((b) => F.toNumber(b)));
    // Beyond float range: −Infinity below / +Infinity above (safe; the filter then cannot decide that side).
    const below = (b: T): number => {
      let f = F.toNumber(b);
      while (Number.isFinite(f) && F.compare(F.fromFloat(f), b) > 0) f = nextDown(f);
      return Number.isFinite(f) ? f : -Infinity;
    };
    const above = (b: T): number => {
      let f = F.toNumber(b);
      while (Number.isFinite(f) && F.compare(F.fromFloat(f), b) < 0) f = nextUp(f);
      return Number.isFinite(f) ? f : Infinity;
    };
    this.bpDown = maps.neurons.map((info) => info.breakpoints.map(below));
    this.bpUp = maps.neurons.map((info) => info.breakpoints.map(above));
  }

  /** Decide neuron j (global index) on the node with these rows and witness p; box: the layer's box, if any. */
  decide(rows: RowStack<T>, p: readonly T[], j: number, box: RegionBox<T> | undefined): Decision<T> {
    const first = this.boxStage(p, j, box, rows.d);
    return "decision" in first ? first.decision : this.lpStage(rows, p, j, box, first.guess, first.nonzero);
  }

  /**
   * Witness first (regions/enumerate.ts, `count --max-regions`): neuron j's piece at the witness p, with no
   * LP. The whole decision when it needs no LP anyway (the box decides j, z is constant, p is on a
   * breakpoint); else p's piece, proved (in floats with an error bound, else exactly), and the split row:
   * the node's other pieces are decided by `decide` when the search comes back to this node (same rows, same p).
   */
  witnessPiece(rows: RowStack<T>, p: readonly T[], j: number, box: RegionBox<T> | undefined): { decision: Decision<T> } | WitnessPieces<T> {
    const first = this.boxStage(p, j, box, rows.d);
    if ("decision" in first) return first;
    const F = this.ctx.F;
    const info = this.maps.neurons[j]!;
    const K = info.breakpoints.length;
    const fm = this.maps.float;
    let floatRow: SplitRow<T>["float"];
    if (box && fm && first.guess !== undefined) {
      const vals = fm.values[info.inputNode]!;
      const d = rows.d;
      const off = info.neuron * (d + 1);
      const e = fm.error[info.inputNode]![info.neuron]!;
      const s0 = first.guess;
      const pf = this.exactFloats(p);
      if (this.filtered) floatRow = { wc: vals.slice(off, off + d + 1), e };
      if (this.filtered && first.nonzero && pf) {
        const maps = this.maps;
        const row = { exact: () => maps.row(info.inputNode, info.neuron), float: floatRow! };
        // p is in piece s0 and the box could not keep z there (as filteredLpDecision records it).
        if (floatValueBetween(vals, off, d, e, pf, s0 > 0 ? this.bpUp[j]![s0 - 1]! : -Infinity, s0 < K ? this.bpDown[j]![s0]! : Infinity)) {
          box.decided.set(j, null);
          return { children: [{ piece: s0, witness: p }], row };
        }
        // p is on a breakpoint, or too close to call: a step off it each way, proved in floats.
        const both = this.floatStepOff(rows, pf, j, vals, off, e);
        if (both) {
          box.decided.set(j, null);
          return { children: both, row };
        }
      }
    }
    const { w, c } = this.maps.row(info.inputNode, info.neuron);
    if (w.every((v) => F.sign(v) === 0)) return { decision: this.lpStage(rows, p, j, box, first.guess, first.nonzero) };
    const { piece, tie } = pieceOf(F, info.breakpoints, F.dot(w, p, c));
    if (tie) return { decision: this.lpStage(rows, p, j, box, first.guess, first.nonzero) };
    return { children: [{ piece, witness: p }], row: { exact: { w, c }, ...(floatRow ? { float: floatRow } : {}) } };
  }

  /**
   * Witness first, p on (or too near) breakpoint t of neuron j, the one nearest to the float z(p): the points
   * p ∓ ε·ŵ in pieces t and t + 1, ε a quarter of the float step that stays inside the rows and the two
   * pieces, each point proved strictly inside the rows and its piece (lp-filter.ts). Undefined when a proof fails.
   */
  private floatStepOff(rows: RowStack<T>, pf: Float64Array, j: number, vals: Float64Array, off: number, e: number): Child<T>[] | undefined {
    const d = rows.d;
    const bpf = this.bpf[j]!;
    const K = bpf.length;
    let zf = vals[off + d]!;
    let ww = 0;
    for (let k = 0; k < d; k++) {
      zf += vals[off + k]! * pf[k]!;
      ww += vals[off + k]! * vals[off + k]!;
    }
    if (K === 0 || !(ww > 0) || !Number.isFinite(zf)) return undefined;
    let t = 0;
    for (let s = 1; s < K; s++) if (Math.abs(bpf[s]! - zf) < Math.abs(bpf[t]! - zf)) t = s;
    // The largest step either way that keeps z between the neighbouring breakpoints and p inside every row.
    let eps = Infinity;
    if (t + 1 < K) eps = Math.min(eps, (bpf[t + 1]! - zf) / ww);
    if (t > 0) eps = Math.min(eps, (zf - bpf[t - 1]!) / ww);
    const { af, bf } = rows;
    for (let i = 0; i < rows.length; i++) {
      let slack = bf[i]!;
      let rate = 0;
      for (let k = 0; k < d; k++) {
        const a = af[i * d + k]!;
        if (a === 0) continue;
        slack -= a * pf[k]!;
        rate += a * vals[off + k]!;
      }
      if (rate !== 0) eps = Math.min(eps, slack / Math.abs(rate));
    }
    eps = Number.isFinite(eps) ? eps / 4 : 1 / Math.sqrt(ww);
    if (!(eps > 0)) return undefined;
    const F = this.ctx.F;
    const children: Child<T>[] = [];
    for (const [piece, dir] of [
      [t, -1],
      [t + 1, 1],
    ] as const) {
      const q = new Float64Array(d);
      for (let k = 0; k < d; k++) q[k] = pf[k]! + dir * eps * vals[off + k]!;
      const lo = piece > 0 ? this.bpUp[j]![piece - 1]! : -Infinity;
      const hi = piece < K ? this.bpDown[j]![piece]! : Infinity;
      if (!floatValueBetween(vals, off, d, e, q, lo, hi) || !floatInside(rows, q)) return undefined;
      children.push({ piece, witness: Array.from(q, (v) => F.fromFloat(v)) });
    }
    return children;
  }

  /**
   * The tests without an LP: a verdict the layer's box already gave, the box filter (float, then exact on
   * the fixed-point row). Else the float guess of p's piece (when a box and a float row give one) and
   * whether the float row is nonzero.
   */
  private boxStage(p: readonly T[], j: number, box: RegionBox<T> | undefined, d: number): { decision: Decision<T> } | { guess: number | undefined; nonzero: boolean } {
    const ctx = this.ctx;
    const info = this.maps.neurons[j]!;
    const cached = box?.decided.get(j);
    if (cached) {
      ctx.stats.boxDecisions++;
      return { decision: { keep: cached.keep, children: [{ piece: cached.keep[0], witness: p }], record: cached.record } };
    }
    const fm = this.maps.float;
    if (box && fm) {
      // The filtered kernel: the float row with its proven error bound decides, the exact proof only when too close to call.
      const vals = fm.values[info.inputNode]!;
      const off = info.neuron * (d + 1);
      const e = fm.error[info.inputNode]![info.neuron]!;
      const guess = this.floatPieceAt(vals, off, d, p, j);
      let nonzero = false;
      for (let k = 0; k < d && !nonzero; k++) nonzero = vals[off + k] !== 0;
      if (cached === undefined) {
        const K = info.breakpoints.length;
        const verdict = floatBoxVerdict(box, vals, off, d, e, guess < K, guess < K ? this.bpDown[j]![guess]! : 0, guess > 0, guess > 0 ? this.bpUp[j]![guess - 1]! : 0);
        if (nonzero && verdict === 1) return { decision: this.byBox(box, p, j, guess, info) };
        // Too close to call (or a float row that rounded to w = 0): the exact proof on the fixed-point row.
        if (verdict === 0 || !nonzero) {
          ctx.stats.filterFailures++;
          const fixed = this.maps.fixedRow(info.inputNode, info.neuron);
          const row = fixed ? fixedFilterRow<T>(fixed) : undefined;
          if (row && boxKeepsInPiece(ctx.F, box, row, guess, info.breakpoints, this.bpf[j]!)) return { decision: this.byBox(box, p, j, guess, info) };
        }
      }
      return { guess, nonzero };
    }
    if (box && cached === undefined) {
      const fixed = this.maps.fixedRow(info.inputNode, info.neuron);
      const row = fixed ? fixedFilterRow<T>(fixed) : this.exactFilterRow(info);
      if (row) {
        const guess = this.floatPiece(row, p, j);
        if (boxKeepsInPiece(ctx.F, box, row, guess, info.breakpoints, this.bpf[j]!)) return { decision: this.byBox(box, p, j, guess, info) };
        return { guess, nonzero: true };
      }
    }
    return { guess: undefined, nonzero: true };
  }

  /** The LP stage of `decide`: the filtered LP decision (count), else the exact path with certified LPs. */
  private lpStage(rows: RowStack<T>, p: readonly T[], j: number, box: RegionBox<T> | undefined, guess: number | undefined, nonzero: boolean): Decision<T> {
    const ctx = this.ctx;
    const info = this.maps.neurons[j]!;
    const fm = this.maps.float;
    let floatRow: { wc: Float64Array; e: number } | undefined;
    if (box && fm && guess !== undefined) {
      const vals = fm.values[info.inputNode]!;
      const d = rows.d;
      const off = info.neuron * (d + 1);
      const e = fm.error[info.inputNode]![info.neuron]!;
      if (this.filtered && nonzero) {
        // The LP decision proved in floats (lp-filter.ts); the exact path only when that cannot decide.
        const decision = this.filteredLpDecision(rows, p, j, box, info, vals, off, e, guess);
        if (decision) return decision;
        ctx.stats.lpFilterFailures++;
      }
      // Outside count the rows keep the exact rows' own float copies: the float maps' rounding depends on the
      // search's history, and region maps must not (they are byte-identical for any number of threads).
      if (this.filtered) floatRow = { wc: vals.slice(off, off + d + 1), e };
    }
    const { w, c } = this.maps.row(info.inputNode, info.neuron);
    const decision = exactDecision(ctx, rows, p, j, w, c, info.breakpoints, box, guess, this.bpf[j]!);
    // The split rows carry the float row too, for the float filters of the nodes below.
    return floatRow && decision.row ? { ...decision, row: { ...decision.row, float: floatRow } } : decision;
  }

  /**
   * The LP decision of neuron j proved in floats (docs/algorithms/filtered-predicates.md, "LP decisions"):
   * the piece of p by its float value with an error bound, each kept piece by a float witness proved inside
   * the rows and the piece, each pruned side by the float simplex's multipliers with their residual bounded
   * on the box. No exact row is read; the split rows are exact only when an exact path later reads them.
   * Undefined when some proof fails (the exact path then decides). Only without records (`count`).
   */
  private filteredLpDecision(rows: RowStack<T>, p: readonly T[], j: number, box: RegionBox<T>, info: NeuronInfo<T>, vals: Float64Array, off: number, e: number, s0: number): Decision<T> | undefined {
    const d = rows.d;
    const X = boxMagnitudes(box, d);
    const pf = this.exactFloats(p);
    if (!X || !pf) return undefined;
    const K = info.breakpoints.length;
    const bpDown = this.bpDown[j]!;
    const bpUp = this.bpUp[j]!;
    if (!floatValueBetween(vals, off, d, e, pf, s0 > 0 ? bpUp[s0 - 1]! : -Infinity, s0 < K ? bpDown[s0]! : Infinity)) return undefined;
    // p is in piece s0 and the box could not keep z there: the box cannot decide this neuron in the subtree.
    box.decided.set(j, null);
    const upPieces = Array.from({ length: K - s0 }, (_, t) => s0 + 1 + t);
    const downPieces = Array.from({ length: s0 }, (_, t) => s0 - 1 - t);
    const up = upPieces.length ? this.filteredSide(rows, pf, j, vals, off, e, X, 1, upPieces) : NO_SIDE;
    if (!up) return undefined;
    const down = downPieces.length ? this.filteredSide(rows, pf, j, vals, off, e, X, -1, downPieces) : NO_SIDE;
    if (!down) return undefined;
    const lo = s0 - down.count;
    const hi = s0 + up.count;
    const F = this.ctx.F;
    const children: Child<T>[] = [];
    for (let t = down.count - 1; t >= 0; t--) children.push({ piece: downPieces[t]!, witness: Array.from(down.witnesses[t]!, (v) => F.fromFloat(v)) });
    children.push({ piece: s0, witness: p });
    for (let t = 0; t < up.count; t++) children.push({ piece: upPieces[t]!, witness: Array.from(up.witnesses[t]!, (v) => F.fromFloat(v)) });
    const maps = this.maps;
    return {
      keep: [lo, hi],
      children,
      record: { neuron: j, keep: [lo, hi], ...(lo > 0 ? { lower: EMPTY_CERT } : {}), ...(hi < K ? { upper: EMPTY_CERT } : {}) },
      ...(lo < hi ? { row: { exact: () => maps.row(info.inputNode, info.neuron), float: { wc: vals.slice(off, off + d + 1), e } } } : {}),
    };
  }

  /**
   * One side of a filtered LP decision in the oriented variable dir·z: the float simplex's maximum says how
   * many pieces beyond p's are met; each gets a float witness proved inside the rows and its piece, and the
   * first piece not met is excluded by the multipliers' proven bound. Undefined when a proof fails.
   */
  private filteredSide(rows: RowStack<T>, pf: Float64Array, j: number, vals: Float64Array, off: number, e: number, X: Float64Array, dir: 1 | -1, pieces: readonly number[]): { count: number; witnesses: Float64Array[] } | undefined {
    const d = rows.d;
    const stats = this.ctx.stats;
    const wf = new Float64Array(d);
    for (let k = 0; k < d; k++) wf[k] = dir * vals[off + k]!;
    stats.lps++;
    const prop = proposeMax(rows.af, rows.bf, rows.length, d, wf);
    stats.simplexIterations += prop.iterations;
    if (prop.status !== "optimal") return undefined;
    const top = prop.value + dir * vals[off + d]!;
    const bpf = this.bpf[j]!;
    const bpDown = this.bpDown[j]!;
    const bpUp = this.bpUp[j]!;
    const K = bpf.length;
    // Piece s is entered beyond breakpoint s−1 going up (z > β_{s−1}), beyond breakpoint s going down (z < β_s).
    const tau = (s: number): number => (dir === 1 ? bpf[s - 1]! : -bpf[s]!);
    let count = 0;
    while (count < pieces.length && tau(pieces[count]!) < top) count++;
    const w = vals.subarray(off, off + d);
    const witnesses: Float64Array[] = [];
    for (let t = 0; t < count; t++) {
      const s = pieces[t]!;
      const lo = s > 0 ? bpUp[s - 1]! : -Infinity;
      const hi = s < K ? bpDown[s]! : Infinity;
      const q = floatTargetPoint(pf, w, vals[off + d]!, s > 0 ? bpf[s - 1]! : -Infinity, s < K ? bpf[s]! : Infinity, { kind: "bounded", xf: prop.x });
      if (!q || !floatInside(rows, q) || !floatValueBetween(vals, off, d, e, q, lo, hi)) return undefined;
      witnesses.push(q);
    }
    if (count < pieces.length) {
      const s = pieces[count]!;
      const t = dir === 1 ? bpDown[s - 1]! : -bpUp[s]!;
      if (!multipliersProve(rows, prop.basis, prop.y, vals, off, dir, e, X, t)) return undefined;
    }
    return { count, witnesses };
  }

  /** p's coordinates as floats when every one is a float exactly (witnesses made from float points), else undefined. */
  private exactFloats(p: readonly T[]): Float64Array | undefined {
    if (p !== this.exactP) {
      const F = this.ctx.F;
      this.exactP = p;
      const pf = Float64Array.from(p, (v) => F.toNumber(v));
      this.exactPf = p.every((v, k) => Number.isFinite(pf[k]!) && F.compare(F.fromFloat(pf[k]!), v) === 0) ? pf : undefined;
    }
    return this.exactPf;
  }

  private byBox(box: RegionBox<T>, p: readonly T[], j: number, piece: number, info: NeuronInfo<T>): Decision<T> {
    const decision = stableDecision(p, j, piece, info.breakpoints.length, box.id, this.ctx.keepRecords);
    box.decided.set(j, decision);
    this.ctx.stats.boxDecisions++;
    return decision;
  }

  /** The float row of the exact map row (fields without a fixed-point engine); undefined when w = 0. */
  private exactFilterRow(info: NeuronInfo<T>): FilterRow<T> | undefined {
    const F = this.ctx.F;
    const { w, c } = this.maps.row(info.inputNode, info.neuron);
    if (w.every((v) => F.sign(v) === 0)) return undefined;
    return { wf: w.map((v) => F.toNumber(v)), cf: F.toNumber(c), exact: { w, c } };
  }

  /** floatPiece on a row of the float maps. */
  private floatPieceAt(vals: Float64Array, off: number, d: number, p: readonly T[], j: number): number {
    if (p !== this.lastP) {
      this.lastP = p;
      this.lastPf = Float64Array.from(p, (v) => this.ctx.F.toNumber(v));
    }
    let zf = vals[off + d]!;
    for (let k = 0; k < d; k++) zf += vals[off + k]! * this.lastPf[k]!;
    const bpf = this.bpf[j]!;
    let piece = 0;
    while (piece < bpf.length && bpf[piece]! < zf) piece++;
    return piece;
  }

  /** The piece of the float value of z(p): a guess, which the box proof confirms or not. */
  private floatPiece(row: FilterRow<T>, p: readonly T[], j: number): number {
    if (p !== this.lastP) {
      this.lastP = p;
      this.lastPf = Float64Array.from(p, (v) => this.ctx.F.toNumber(v));
    }
    let zf = row.cf;
    for (let k = 0; k < row.wf.length; k++) zf += row.wf[k]! * this.lastPf[k]!;
    const bpf = this.bpf[j]!;
    let piece = 0;
    while (piece < bpf.length && bpf[piece]! < zf) piece++;
    return piece;
  }
}

/** The float row of a fixed-point map row; undefined when w = 0 or the floats are out of range. */
function fixedFilterRow<T>(fixed: FixedRow): FilterRow<T> | undefined {
  const { ints, E } = fixed;
  const d = ints.length - 1;
  const scale = 2 ** E;
  if (!(scale > 0) || !Number.isFinite(scale)) return undefined;
  let nonzero = false;
  const wf = new Array<number>(d);
  for (let k = 0; k < d; k++) {
    const x = ints[k]!;
    if (x !== 0n) nonzero = true;
    wf[k] = Number(x) * scale;
  }
  const cf = Number(ints[d]!) * scale;
  if (!nonzero || !Number.isFinite(cf) || !wf.every(Number.isFinite)) return undefined;
  return { wf, cf, fixed };
}

/**
 * The decision "neuron stays in `piece` on the whole region", proved by box `boxId` on each bounded side
 * (lower side when piece > 0, upper side when piece < k, k = number of breakpoints); p is the witness.
 */
function stableDecision<T>(p: readonly T[], neuron: number, piece: number, k: number, boxId: number, keepRecords: boolean): Decision<T> {
  const proof = keepRecords ? { box: boxId } : EMPTY_CERT;
  return {
    keep: [piece, piece],
    children: [{ piece, witness: p }],
    record: { neuron, keep: [piece, piece], ...(piece > 0 ? { lower: proof } : {}), ...(piece < k ? { upper: proof } : {}) },
  };
}

const EMPTY_CERT: BoundCertificateRecord = { rows: [], y: [], den: 1n };

/** Witness first: the pieces of a node known without an LP (contiguous, increasing) and the neuron's split row. */
export interface WitnessPieces<T> {
  readonly children: readonly Child<T>[];
  readonly row: SplitRow<T>;
}

const NO_SIDE = { count: 0, witnesses: [] as number[][] };

/** The interval of piece s: (bp[s-1], bp[s]) with undefined for ±∞. */
export function pieceBounds<T>(bp: readonly T[], s: number): [T | undefined, T | undefined] {
  return [s > 0 ? bp[s - 1] : undefined, s < bp.length ? bp[s] : undefined];
}

/**
 * One side of the decision in the oriented variable z' = dir·z: thresholds τ_0 < τ_1 < ... (the
 * breakpoints beyond p's piece, oriented), z'(p) < τ_0. Returns how many pieces beyond are kept, the
 * certificate that z' ≤ τ_count (when count < thresholds), and a witness for each kept piece.
 */
function decideSide<T>(
  ctx: DecideContext<T>,
  rows: RowStack<T>,
  p: readonly T[],
  w: readonly T[],
  c: T,
  bp: readonly T[],
  dir: 1 | -1,
  pieces: readonly number[],
): { count: number; cert?: BoundCertificateRecord; witnesses: T[][] } {
  const F = ctx.F;
  const wd = dir === 1 ? w : w.map((v) => F.neg(v));
  const cd = dir === 1 ? c : F.neg(c);
  const tau = pieces.map((s) => (dir === 1 ? bp[s - 1]! : F.neg(bp[s]!)));
  const zq = (q: readonly T[]): T => F.dot(w, q, c);
  const record = (cert: BoundCertificate): BoundCertificateRecord => (ctx.keepRecords ? certificateMultipliers(cert) : EMPTY_CERT);
  if (!ctx.certify) {
    const fb = floatUpperBound(F, rows, wd, ctx.stats);
    if (fb) {
      const top = fb.kind === "unbounded" ? Infinity : fb.value + F.toNumber(cd);
      let count = 0;
      while (count < tau.length && F.toNumber(tau[count]!) < top) count++;
      const witnesses: T[][] = [];
      for (let j = 0; j < count; j++) witnesses.push(floatTarget(ctx, p, w, c, bp, pieces[j]!, fb.ub) ?? [...p]);
      return { count, ...(count < tau.length ? { cert: EMPTY_CERT } : {}), witnesses };
    }
  }
  // A float optimum clearly beyond the last threshold keeps every piece: their witnesses, checked exactly,
  // prove it, and no certificate is written then; the certificate is made only when a witness fails.
  const top = F.toNumber(tau[tau.length - 1]!) - F.toNumber(cd);
  const first = proposedUpperBound(F, rows, wd, ctx.stats, ctx.certify ? top + 2 ** -20 * (Math.abs(top) + 1) : Infinity);
  if (first.kind === "deferred") {
    const kept: T[][] = [];
    for (const s of pieces) {
      const q = floatTarget(ctx, p, w, c, bp, s, { kind: "bounded", xf: first.xf });
      if (!q || !witnessOk(F, rows, q, zq(q), bp, s)) break;
      kept.push(q);
    }
    if (kept.length === pieces.length) return { count: pieces.length, witnesses: kept };
  }
  const proposed = first.kind === "deferred" ? certifiedOptimum(F, rows, wd, first, ctx.stats) : first;
  const ub = proposed.kind === "uncertified" ? exactUpperBound(F, rows, wd, ctx.stats).bound : proposed;
  const countFor = (cert: BoundCertificate): number => {
    const B = certificateBound(F, rows, cert);
    const den = F.fromBigInt(cert.den);
    const top = F.add(B, F.mul(den, cd));
    let count = 0;
    while (count < tau.length && F.compare(F.mul(den, tau[count]!), top) < 0) count++;
    return count;
  };
  let count = ub.kind === "unbounded" ? tau.length : countFor(ub.cert);
  const witnesses: T[][] = [];
  if (!ctx.certify || count === 0) {
    if (count > 0) {
      // Benchmark mode: float points, unchecked.
      for (let j = 0; j < count; j++) witnesses.push(floatTarget(ctx, p, w, c, bp, pieces[j]!, ub) ?? [...p]);
    }
    return { count, ...(count < tau.length && ub.kind === "bounded" ? { cert: record(ub.cert) } : {}), witnesses };
  }
  let ok = true;
  for (let j = 0; j < count && ok; j++) {
    const q = floatTarget(ctx, p, w, c, bp, pieces[j]!, ub);
    if (q && witnessOk(F, rows, q, zq(q), bp, pieces[j]!)) witnesses.push(q);
    else ok = false;
  }
  if (ok) return { count, ...(count < tau.length && ub.kind === "bounded" ? { cert: record(ub.cert) } : {}), witnesses };
  // Exact fallback: the exact extreme point or ray, exact targets, dyadic rounding.
  const ex = exactUpperBound(F, rows, wd, ctx.stats);
  witnesses.length = 0;
  count = ex.bound.kind === "unbounded" ? tau.length : countFor(ex.bound.cert);
  for (let j = 0; j < count; j++) {
    const s = pieces[j]!;
    witnesses.push(interiorPointAlongTarget(F, rows, p, w, c, bp, s, "point" in ex ? { kind: "point", x: ex.point } : { kind: "ray", r: ex.bound.kind === "unbounded" ? ex.bound.ray : [] }));
  }
  return { count, ...(count < tau.length && ex.bound.kind === "bounded" ? { cert: record(ex.bound.cert) } : {}), witnesses };
}

/** Exactly: q strictly inside the rows and strictly inside piece s of the breakpoints. */
export function witnessOk<T>(F: Field<T>, rows: RowStack<T>, q: readonly T[], z: T, bp: readonly T[], s: number): boolean {
  const [lo, hi] = pieceBounds(bp, s);
  if (lo !== undefined && F.compare(z, lo) <= 0) return false;
  if (hi !== undefined && F.compare(z, hi) >= 0) return false;
  for (let i = 0; i < rows.a.length; i++) if (F.compare(F.dot(rows.a[i]!, q), rows.b[i]!) >= 0) return false;
  return true;
}

/** A float point in piece s along the float optimum (segment from p) or ray, as exact dyadics. */
function floatTarget<T>(
  ctx: DecideContext<T>,
  p: readonly T[],
  w: readonly T[],
  c: T,
  bp: readonly T[],
  s: number,
  ub: { readonly kind: "bounded"; readonly xf?: Float64Array } | { readonly kind: "unbounded"; readonly ray: readonly T[] },
): T[] | undefined {
  const F = ctx.F;
  const [loT, hiT] = pieceBounds(bp, s);
  const lo = loT === undefined ? -Infinity : F.toNumber(loT);
  const hi = hiT === undefined ? Infinity : F.toNumber(hiT);
  const extreme = ub.kind === "unbounded" ? { kind: "unbounded" as const, ray: Float64Array.from(ub.ray, (v) => F.toNumber(v)) } : ub.xf ? { kind: "bounded" as const, xf: ub.xf } : undefined;
  if (!extreme) return undefined;
  const q = floatTargetPoint(
    Float64Array.from(p, (v) => F.toNumber(v)),
    Float64Array.from(w, (v) => F.toNumber(v)),
    F.toNumber(c),
    lo,
    hi,
    extreme,
  );
  return q ? Array.from(q, (v) => F.fromFloat(v)) : undefined;
}

/**
 * A float point whose float value of z = w·x + c is inside (lo, hi): on the segment from p to the float
 * optimum xf, or along the float ray from p. A proposal: callers prove it (exactly, or lp-filter.ts).
 */
function floatTargetPoint(
  pf: Float64Array,
  wf: Float64Array,
  cf: number,
  lo: number,
  hi: number,
  ub: { readonly kind: "bounded"; readonly xf: Float64Array } | { readonly kind: "unbounded"; readonly ray: Float64Array },
): Float64Array | undefined {
  const d = pf.length;
  const zf = (x: Float64Array): number => {
    let z = cf;
    for (let k = 0; k < d; k++) z += x[k]! * wf[k]!;
    return z;
  };
  const zp = zf(pf);
  // Float64Arrays throughout: one hidden class for the filters that read q (lp-filter.ts), whatever its values.
  const q = new Float64Array(d);
  if (ub.kind === "unbounded") {
    const rf = ub.ray;
    const slope = zf(rf) - cf;
    if (!(Math.abs(slope) > 0)) return undefined;
    const target = pickTarget(lo, hi, zp);
    const mu = (target - zp) / slope;
    if (!(mu > 0) || !Number.isFinite(mu)) return undefined;
    for (let k = 0; k < d; k++) q[k] = pf[k]! + mu * rf[k]!;
  } else {
    const zx = zf(ub.xf);
    const lo2 = Math.max(lo, Math.min(zp, zx));
    const hi2 = Math.min(hi, Math.max(zp, zx));
    if (!(hi2 > lo2)) return undefined;
    const lambda = ((lo2 + hi2) / 2 - zp) / (zx - zp);
    if (!(lambda > 0 && lambda < 1)) return undefined;
    for (let k = 0; k < d; k++) q[k] = pf[k]! + lambda * (ub.xf[k]! - pf[k]!);
  }
  for (let k = 0; k < d; k++) if (!Number.isFinite(q[k]!)) return undefined;
  return q;
}

/** A target value inside (lo, hi), beyond zp: the middle, or one unit past a finite end. */
function pickTarget(lo: number, hi: number, zp: number): number {
  if (Number.isFinite(lo) && Number.isFinite(hi)) return (lo + hi) / 2;
  if (Number.isFinite(lo)) return lo + Math.max(1, Math.abs(lo - zp));
  if (Number.isFinite(hi)) return hi - Math.max(1, Math.abs(hi - zp));
  return zp;
}

/**
 * The exact path: neuron `neuron` (global index) with pre-activation w·x + c on the rows, witness p. The box
 * filter is tried here with the exact piece of z(p) when the float guess `tried` was another piece, and its
 * verdict is cached for the layer's subtree.
 */
function exactDecision<T>(
  ctx: DecideContext<T>,
  rows: RowStack<T>,
  p: readonly T[],
  neuron: number,
  w: readonly T[],
  c: T,
  bp: readonly T[],
  box: RegionBox<T> | undefined,
  tried: number | undefined,
  bpf: readonly number[],
): Decision<T> {
  const F = ctx.F;
  const k = bp.length;
  if (w.every((v) => F.sign(v) === 0)) {
    const s = pieceOf(F, bp, c).piece;
    return {
      keep: [s, s],
      children: [{ piece: s, witness: p }],
      record: { neuron, keep: [s, s], ...(s > 0 ? { lower: EMPTY_CERT } : {}), ...(s < k ? { upper: EMPTY_CERT } : {}) },
    };
  }
  const zp = F.dot(w, p, c);
  const { piece: s0, tie } = pieceOf(F, bp, zp);
  if (box && box.decided.get(neuron) === undefined) {
    let byBox: Decision<T> | undefined;
    if (!tie && s0 !== tried && boxKeepsInPiece(F, box, { wf: w.map((v) => F.toNumber(v)), cf: F.toNumber(c), exact: { w, c } }, s0, bp, bpf)) {
      byBox = stableDecision(p, neuron, s0, k, box.id, ctx.keepRecords);
    }
    box.decided.set(neuron, byBox ?? null);
    if (byBox) {
      ctx.stats.boxDecisions++;
      return byBox;
    }
  }
  const known: Child<T>[] = [];
  let loKnown = s0;
  let hiKnown = s0;
  if (!tie) known.push({ piece: s0, witness: p });
  else {
    // p sits on breakpoint s0: both neighbouring pieces meet R's interior; step off along ±w.
    hiKnown = s0 + 1;
    known.push({ piece: s0, witness: stepOff(F, rows, p, w, c, bp, s0, -1) }, { piece: s0 + 1, witness: stepOff(F, rows, p, w, c, bp, s0 + 1, 1) });
  }
  const upPieces = Array.from({ length: k - hiKnown }, (_, j) => hiKnown + 1 + j);
  const downPieces = Array.from({ length: loKnown }, (_, j) => loKnown - 1 - j);
  const up = upPieces.length ? decideSide(ctx, rows, p, w, c, bp, 1, upPieces) : { count: 0, witnesses: [] as T[][] };
  const down = downPieces.length ? decideSide(ctx, rows, p, w, c, bp, -1, downPieces) : { count: 0, witnesses: [] as T[][] };
  const lo = loKnown - down.count;
  const hi = hiKnown + up.count;
  const children: Child<T>[] = [];
  for (let j = down.count - 1; j >= 0; j--) children.push({ piece: downPieces[j]!, witness: down.witnesses[j]! });
  children.push(...known);
  for (let j = 0; j < up.count; j++) children.push({ piece: upPieces[j]!, witness: up.witnesses[j]! });
  const record: SplitRecord = {
    neuron,
    keep: [lo, hi],
    ...("cert" in down && down.cert ? { lower: down.cert } : {}),
    ...("cert" in up && up.cert ? { upper: up.cert } : {}),
  };
  return { keep: [lo, hi], children, record, ...(lo < hi ? { row: { exact: { w, c } } } : {}) };
}


/** An integer ≥ log2|r| (r ≠ 0), from the bit lengths (no float). */
function log2Ceil(r: Rational): number {
  return r.n === 0n ? -Infinity : bitLength(r.n) - bitLength(r.d) + 1;
}

/** p + ε·dir·w for a dyadic ε small enough to be strictly inside the rows and inside piece s. */
function stepOff<T>(F: Field<T>, rows: RowStack<T>, p: readonly T[], w: readonly T[], c: T, bp: readonly T[], s: number, dir: 1 | -1): T[] {
  const wn = w.reduce((m, v) => Math.max(m, Math.abs(F.toNumber(v))), 0);
  // 2^e·‖w‖∞ < 1/2; from the exact values when ‖w‖∞ is beyond float range (1e400) or below it (1e-400).
  let e = wn > 0 && Number.isFinite(wn) ? Math.floor(Math.log2(1 / wn)) - 1 : -Math.max(...w.map((v) => log2Ceil(F.toRational(v)))) - 1;
  for (let tries = 0; tries < 4000; tries++, e--) {
    const eps = F.fromDyadic(Dyadic.of(BigInt(dir), e));
    const q = p.map((v, k) => F.add(v, F.mul(eps, w[k]!)));
    if (witnessOk(F, rows, q, F.dot(w, q, c), bp, s)) return q;
  }
  throw new Error("regions/decide: no step off a breakpoint stays inside the region");
}

// Closing one branch-and-bound node: is some combination Σ μ_k (a_k·y − b_k) of the disjunct's constraints
// provably > 0 on the node's box? Tried in order: each constraint alone (one batched back-substitution), each
// alone again with re-chosen lower lines (`retunedBound`), then pairs and all constraints by multipliers
// (multipliers.ts, proposals bounded soundly here). A node that stays open returns what the split heuristics
// need. Every call returns its counterexample proposals as a value (no shared state), so closing nodes is
// re-entrant.
import { dyadicFromFloat64 } from "../exact/float.js";
import type { FloatActivation, FloatNet } from "./float-net.js";
import { floatForward } from "./float-net.js";
import type { FloatBounds, FloatBox, ReluPhase } from "./float-bounds.js";
import { backSubstitute, objectiveLowerBound } from "./float-back-substitution.js";
import { lagrangeMultipliers, lpMultipliers, pairMultipliers } from "./multipliers.js";
import { floorFloat, ceilFloat, up, sumError, widenError } from "./float-round.js";
import type { OutputConstraint } from "./problem.js";

/** One constraint a_k·y ≤ b_k of the disjunct as a float objective: c ≥ a_k entrywise with its error, b rounded up. */
export interface Objective {
  readonly c: Float64Array;
  readonly cErr: Float64Array | undefined;
  /** A float ≥ b_k. */
  readonly bUp: number;
}

export function objectives(conj: readonly OutputConstraint[]): Objective[] {
  return conj.map((k) => {
    const c = Float64Array.from(k.a.map((v) => ceilFloat(v)));
    const errs = k.a.map((v, i) => {
      const d = dyadicFromFloat64(c[i]!)!.toRational();
      return d.equals(v) ? 0 : c[i]! - floorFloat(v);
    });
    return { c, cErr: errs.some((e) => e > 0) ? Float64Array.from(errs) : undefined, bUp: ceilFloat(k.b) };
  });
}

/** A float input with its float output: a counterexample candidate for the caller to check exactly. */
export interface Proposal {
  readonly x: Float64Array;
  readonly y: Float64Array;
}

/** Lower-line slopes re-chosen by retunedBound: per activation node id whose slopes changed, one a per neuron. */
export type LowerLineChoice = ReadonlyMap<number, Float64Array>;

export type NodeClosure =
  | { readonly closed: true; readonly mu: number[]; readonly lower?: LowerLineChoice; readonly beta?: number[] }
  | {
      readonly closed: false;
      /** The best objective's final linear bound on the input, its back-substitution multipliers, its margin. */
      readonly coef: Float64Array;
      readonly lambda: readonly (Float64Array | undefined)[];
      readonly margin: number;
      /** The minimizing vertices of the retuned bounds (ACAS Xu 5_3 prop 2: violated after 2,518 branches instead of 9,800). */
      readonly proposals: readonly Proposal[];
    };

/**
 * Close a node on its bounds `fb`: the multipliers μ that prove it, or the best objective's linear bound for the
 * split heuristics. `retunePasses` > 0 also tries each objective with re-chosen lower lines (retunedBound).
 */
export function closeNode(fn: FloatNet, fb: FloatBounds, box: FloatBox, objs: readonly Objective[], retunePasses: number, phases: readonly ReluPhase[] = []): NodeClosure {
  const m = objs.length;
  if (m === 0) return { closed: false, coef: new Float64Array(fn.inputSize), lambda: [], margin: -Infinity, proposals: [] };
  const size = fn.outputSize;
  const C = new Float64Array(m * size);
  const E = new Float64Array(m * size);
  objs.forEach((o, k) => {
    C.set(o.c, k * size);
    if (o.cErr) E.set(o.cErr, k * size);
  });
  const bs = backSubstitute(fn, fb, box, fn.output, C, m, objs.some((o) => o.cErr) ? E : undefined);
  const margins = Float64Array.from(objs, (o, k) => bs.bounds[k]! - o.bUp);
  const single = (k: number): number[] => objs.map((_, j) => (j === k ? 1 : 0));
  const k = margins.findIndex((_, j) => bs.bounds[j]! > objs[j]!.bUp);
  if (k >= 0) return { closed: true, mu: single(k) };
  const d = fn.inputSize;
  const proposals: Proposal[] = [];
  if (retunePasses > 0) {
    for (let j = 0; j < m; j++) {
      const r = retunedBound(fn, fb, box, objs[j]!, bs.coef.subarray(j * d, (j + 1) * d), retunePasses, proposals);
      if (r.bound > objs[j]!.bUp) return { closed: true, mu: single(j), lower: r.lower };
    }
  }
  if (m > 1) {
    const pick = pairMultipliers(margins, bs.coef, box.lo, box.hi);
    if (pick.estimate > 0 && combinedBoundHolds(fn, fb, box, objs, pick.mu)) return { closed: true, mu: pick.mu };
    if (m > 2) {
      const lp = lpMultipliers(margins, bs.coef, box.lo, box.hi);
      if (lp && lp.estimate > 0 && combinedBoundHolds(fn, fb, box, objs, lp.mu)) return { closed: true, mu: lp.mu };
    }
  }
  let kb = 0;
  for (let j = 1; j < m; j++) if (margins[j]! > margins[kb]!) kb = j;
  if (phases.length > 0) {
    const beta = lagrangeBound(fn, fb, box, objs[kb]!, bs.coef.subarray(kb * d, (kb + 1) * d), margins[kb]!, phases);
    if (beta) return { closed: true, mu: single(kb), beta };
  }
  // The best constraint's row of the batch: its input coefficients and per-node multipliers.
  const lambda = bs.lambda.map((L, id) => (L ? L.subarray(kb * fn.nodes[id]!.size, (kb + 1) * fn.nodes[id]!.size) : undefined));
  return { closed: false, coef: bs.coef.subarray(kb * d, (kb + 1) * d), lambda, margin: margins[kb]!, proposals };
}

/**
 * A second lower bound of one objective with the lower lines of the unstable ReLUs re-chosen at the input vertex
 * x* that minimizes the previous bound: a = 1 where z(x*) > 0, else 0 (the line that is tight at x*), for up to
 * `passes` passes. Sound for any choice in [0, 1]; the caller keeps the larger bound, with the slopes that gave
 * it (the nodes whose slopes changed). Each x* (with its float output) is appended to `proposals`.
 */
function retunedBound(fn: FloatNet, fb: FloatBounds, box: FloatBox, o: Objective, coef: Float64Array, passes: number, proposals: Proposal[]): { bound: number; lower: LowerLineChoice } {
  let best = -Infinity;
  let lower: LowerLineChoice = new Map();
  let rx = fb.relax;
  let cf = coef;
  for (let it = 0; it < passes; it++) {
    const x = Float64Array.from(cf, (c, i) => (c > 0 ? box.lo[i]! : box.hi[i]!));
    const values = floatForward(fn, x);
    proposals.push({ x, y: values[fn.output]! });
    let changed = false;
    rx = fn.nodes.map((node, id) => {
      const r = rx[id];
      if (node.kind !== "activation" || !r) return r;
      const z = values[node.input]!;
      const zl = fb.lo[node.input]!;
      const zh = fb.hi[node.input]!;
      let a: Float64Array | undefined;
      for (let j = 0; j < node.size; j++) {
        if (!node.neurons[j]!.relu || !(zl[j]! < 0 && zh[j]! > 0)) continue;
        const aj = z[j]! > 0 ? 1 : 0;
        if (aj !== r.a[j]) {
          a ??= Float64Array.from(r.a);
          a[j] = aj;
        }
      }
      if (!a) return r;
      changed = true;
      return { ...r, a };
    });
    if (!changed) break;
    const res = objectiveLowerBound(fn, { ...fb, relax: rx }, box, o.c, o.cErr);
    if (res.bound > best) {
      best = res.bound;
      const changedNodes = new Map<number, Float64Array>();
      rx.forEach((r, id) => {
        if (r && r !== fb.relax[id]) changedNodes.set(id, r.a);
      });
      lower = changedNodes;
    }
    cf = res.coef;
  }
  return { bound: best, lower };
}

/**
 * The objective with the split constraints of the node's ReLU phases as Lagrange terms (β-CROWN): a ReLU cut to
 * z ≤ 0 adds +β·z, one cut to z ≥ 0 adds −β·z (each ≤ 0 on the node's inputs). β is proposed by lagrangeMultipliers
 * from the linear bounds of −s_i·z_i; the Lagrangian is then bounded soundly. Returns β (one per phase) when that
 * bound exceeds b, else undefined.
 */
function lagrangeBound(fn: FloatNet, fb: FloatBounds, box: FloatBox, o: Objective, coef: Float64Array, margin: number, phases: readonly ReluPhase[]): number[] | undefined {
  const d = fn.inputSize;
  const k = phases.length;
  const minOverBox = (row: Float64Array): number => {
    let v = 0;
    for (let i = 0; i < d; i++) v += row[i]! >= 0 ? row[i]! * box.lo[i]! : row[i]! * box.hi[i]!;
    return v;
  };
  const pre = phases.map((p) => (fn.nodes[p.node] as FloatActivation).input);
  const coefs = new Float64Array(k * d);
  const consts = new Float64Array(k);
  // One batched back-substitution per pre-activation node: −s_i·z_i (s = +1 active, −1 inactive).
  for (const node of new Set(pre)) {
    const rows = phases.flatMap((p, i) => (pre[i] === node ? [i] : []));
    const size = fn.nodes[node]!.size;
    const C = new Float64Array(rows.length * size);
    rows.forEach((i, r) => (C[r * size + phases[i]!.neuron] = phases[i]!.active ? -1 : 1));
    const bs = backSubstitute(fn, fb, box, node, C, rows.length);
    rows.forEach((i, r) => {
      const row = bs.coef.subarray(r * d, (r + 1) * d);
      coefs.set(row, i * d);
      consts[i] = bs.bounds[r]! - minOverBox(row);
    });
  }
  const { beta, estimate } = lagrangeMultipliers(margin - minOverBox(coef), coef, consts, coefs, box.lo, box.hi);
  if (!(estimate > 0) || beta.every((b) => b === 0)) return undefined;
  const inject = phases.flatMap((p, i) => (beta[i] === 0 ? [] : [{ node: pre[i]!, neuron: p.neuron, coef: p.active ? -beta[i]! : beta[i]! }]));
  return objectiveLowerBound(fn, fb, box, o.c, o.cErr, fn.output, inject).bound > o.bUp ? beta : undefined;
}

/** Sound check that Σ μ_k (a_k·y − b_k) > 0 on the box: the combined objective's bound against Σ μ_k b_k rounded up. */
function combinedBoundHolds(fn: FloatNet, fb: FloatBounds, box: FloatBox, objs: readonly Objective[], mu: readonly number[]): boolean {
  const size = fn.outputSize;
  const c = new Float64Array(size);
  const e = new Float64Array(size);
  let rhs = 0;
  objs.forEach((o, k) => {
    const w = mu[k]!;
    if (w === 0) return;
    rhs = up(rhs + up(w * o.bUp));
    for (let i = 0; i < size; i++) {
      const p = w * o.c[i]!;
      c[i] += p;
      // Rounding of the product and the sum, plus the objective's own error scaled by μ_k.
      e[i] += sumError(Math.abs(c[i]!) + Math.abs(p), 2) + (o.cErr ? w * o.cErr[i]! : 0);
    }
  });
  for (let i = 0; i < size; i++) e[i] = widenError(e[i]!);
  return objectiveLowerBound(fn, fb, box, c, e).bound > rhs;
}

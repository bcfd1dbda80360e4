// `verify`: decide whether the unsafe set of a property is empty. The front door is `verify(net, problem)`.
// Per (input box, unsafe disjunct): first a counterexample search (random + gradient-guided, exact check),
// then branch and bound on input splits. Each branch node gets sound float bounds (float-bounds.ts); a node
// is closed when some constraint a_k·y ≤ b_k of the disjunct is provably violated on the whole node
// (lower bound of a_k·y − b_k > 0), and otherwise proposes the vertex minimizing the linear bound as a
// counterexample candidate (checked exactly) and is split on the input with the largest |coef|·width.
// The closed tree is the `holds` certificate; an exactly checked point is the `violated` answer; a limit
// gives `unknown`, never a guess.
import { formatRational } from "../exact/rational.js";
import { dyadicFromFloat64 } from "../exact/float.js";
import type { Network } from "../network/ir.js";
import { inputSize, outputSize } from "../network/ir.js";
import { floatNet, floatForward, type FloatNet } from "./float-net.js";
import { propagate, type FloatBounds, type FloatBox } from "./float-bounds.js";
import { backSubstitute, objectiveLowerBound } from "./back-substitution.js";
import { lpMultipliers, pairMultipliers } from "./multipliers.js";
import { MinQueue } from "./branch-queue.js";
import { floorFloat, ceilFloat, up, sumError, nextDown } from "./float-round.js";
import { checkProblem, type OutputConstraint, type VerificationProblem } from "./problem.js";
import {
  checkCandidate,
  descend,
  floatConjunction,
  searchCounterexample,
  violation,
  type Counterexample,
  type FloatConjunction,
  type SearchOptions,
} from "./counterexample.js";
import { VERIFY_CERTIFICATE_FORMAT, countLeaves, serializeProblem, type CertificateCase, type CertificateNode, type VerifyCertificate } from "./certificate.js";

export interface VerifyOptions {
  /** Wall-clock limit in seconds for the whole run (default: none). */
  readonly timeoutSeconds?: number;
  /** Branch nodes per (box, disjunct) case before giving up with `unknown` (default: no limit). */
  readonly maxNodes?: number;
  /** The counterexample search run before branching (see SearchOptions). */
  readonly search?: SearchOptions;
  /**
   * "fast-check" (default): leaves closed with back-substitution bounds are sub-split until plain symbolic bounds
   * close them (at most 512 nodes each), so the exact checker mostly runs its cheap pass. "compact": keep them
   * as refined leaves (fewer leaves, faster verify, slower check). "none": no certificate (the outcome has
   * none); children then reuse their parent's proved bounds, the fastest mode (`verify` without --certificate).
   */
  readonly certificate?: "fast-check" | "compact" | "none";
  /** Recorded in the certificate so `tessera check` finds the files. */
  readonly files?: { readonly network?: { file?: string; sha256?: string }; readonly property?: { file?: string; sha256?: string } };
}

export interface VerifyStats {
  /** Branch-and-bound nodes bounded (all cases). */
  nodes: number;
  /** Leaves of the certificate trees. */
  leaves: number;
  maxDepth: number;
  /** Float points evaluated by the counterexample search and exact checks of candidates. */
  searchPoints: number;
  exactChecks: number;
  cases: number;
  elapsedMs: number;
}

export type VerifyOutcome =
  | { readonly result: "holds"; readonly certificate?: VerifyCertificate; readonly stats: VerifyStats }
  | { readonly result: "violated"; readonly counterexample: Counterexample; readonly stats: VerifyStats }
  | { readonly result: "unknown"; readonly reason: string; readonly stats: VerifyStats };

interface TreeNode {
  split?: { dim: number; at: number };
  children?: [TreeNode, TreeNode];
  mu?: number[];
  /** Closed with back-substitution bounds (the checker must refine too). */
  refine?: boolean;
}

interface Branch {
  /** Outward float box used for bounds. */
  lo: Float64Array;
  hi: Float64Array;
  /** Inward float box: split points must lie strictly inside it to stay inside the exact box. */
  loIn: Float64Array;
  hiIn: Float64Array;
  depth: number;
  tree: TreeNode;
  /** Priority: lower is bounded first. */
  key: number;
  /** The parent's proved bounds (only when certificates are not needed). */
  inherit?: { readonly lo: readonly Float64Array[]; readonly hi: readonly Float64Array[] };
}


interface Objective {
  readonly c: Float64Array;
  readonly cErr: Float64Array | undefined;
  /** A float ≥ b_k. */
  readonly bUp: number;
}

function objectives(conj: readonly OutputConstraint[]): Objective[] {
  return conj.map((k) => {
    const c = Float64Array.from(k.a.map((v) => ceilFloat(v)));
    const errs = k.a.map((v, i) => {
      const d = dyadicFromFloat64(c[i]!)!.toRational();
      return d.equals(v) ? 0 : c[i]! - floorFloat(v);
    });
    return { c, cErr: errs.some((e) => e > 0) ? Float64Array.from(errs) : undefined, bUp: ceilFloat(k.b) };
  });
}

/** Decide the property: holds (with a certificate), violated (with an exact counterexample), or unknown. */
export function verify(net: Network, problem: VerificationProblem, options: VerifyOptions = {}): VerifyOutcome {
  const start = Date.now();
  const deadline = options.timeoutSeconds === undefined ? Infinity : start + options.timeoutSeconds * 1000;
  checkProblem(problem, inputSize(net), outputSize(net), "analysis/verify");
  const fn = floatNet(net);
  const stats: VerifyStats = { nodes: 0, leaves: 0, maxDepth: 0, searchPoints: 0, exactChecks: 0, cases: 0, elapsedMs: 0 };
  const done = <T extends VerifyOutcome>(o: T): T => {
    stats.elapsedMs = Date.now() - start;
    return o;
  };
  const search = { points: 0, exactChecks: 0 };
  const boxes = problem.boxes.map((box) => ({
    lo: Float64Array.from(box.lo.map(floorFloat)),
    hi: Float64Array.from(box.hi.map(ceilFloat)),
    loIn: Float64Array.from(box.lo.map(ceilFloat)),
    hiIn: Float64Array.from(box.hi.map(floorFloat)),
  }));
  const conj = problem.disjuncts.map(floatConjunction);
  // 1. A quick search for a counterexample on every case.
  for (let b = 0; b < boxes.length; b++) {
    for (let j = 0; j < conj.length; j++) {
      const cx = searchCounterexample(net, fn, problem, b, boxes[b]!.loIn, boxes[b]!.hiIn, conj[j]!, options.search ?? {}, search);
      if (cx) {
        Object.assign(stats, { searchPoints: search.points, exactChecks: search.exactChecks });
        return done({ result: "violated", counterexample: cx, stats });
      }
    }
  }
  // 2. Branch and bound per case.
  const cases: CertificateCase[] = [];
  for (let b = 0; b < boxes.length; b++) {
    for (let j = 0; j < conj.length; j++) {
      stats.cases++;
      const ctx: CaseContext = {
        net,
        fn,
        problem,
        boxIndex: b,
        disjunct: j,
        fc: conj[j]!,
        objs: objectives(problem.disjuncts[j]!),
        deadline,
        stats,
        search,
        fastCheck: options.certificate === undefined || options.certificate === "fast-check",
        inherit: options.certificate === "none",
      };
      const out = branchAndBound(ctx, { ...boxes[b]!, depth: 0 }, true, options.maxNodes ?? Infinity);
      Object.assign(stats, { searchPoints: search.points, exactChecks: search.exactChecks });
      if ("input" in out) return done({ result: "violated", counterexample: out, stats });
      if ("reason" in out) return done({ result: "unknown", reason: out.reason, stats });
      const tree = toCertificate(out.tree);
      stats.leaves += countLeaves(tree);
      cases.push({ box: b, disjunct: j, tree });
    }
  }
  const certificate: VerifyCertificate = {
    format: VERIFY_CERTIFICATE_FORMAT,
    version: 1,
    network: options.files?.network ?? {},
    property: options.files?.property ?? {},
    problem: serializeProblem(problem),
    cases,
  };
  return done(options.certificate === "none" ? { result: "holds", stats } : { result: "holds", certificate, stats });
}

interface CaseContext {
  readonly net: Network;
  readonly fn: FloatNet;
  readonly problem: VerificationProblem;
  readonly boxIndex: number;
  readonly disjunct: number;
  readonly fc: FloatConjunction;
  readonly objs: readonly Objective[];
  readonly deadline: number;
  readonly stats: VerifyStats;
  readonly search: { points: number; exactChecks: number };
  /** Sub-split leaves closed with back-substitution until plain symbolic bounds close them (cheap to check). */
  readonly fastCheck: boolean;
  /** Children reuse their parent's bounds (no certificate: a leaf's proof then depends on its ancestors). */
  readonly inherit: boolean;
}

/** Close a node: the multipliers μ that prove it, or the best objective's linear bound for the split heuristics. */
function closeNode(fn: FloatNet, fb: FloatBounds, box: FloatBox, objs: readonly Objective[], retune = false): { mu: number[] } | { coef: Float64Array; lambda: readonly (Float64Array | undefined)[]; margin: number } {
  const m = objs.length;
  if (m === 0) return { coef: new Float64Array(fn.inputSize), lambda: [], margin: -Infinity };
  const size = fn.outputSize;
  const C = new Float64Array(m * size);
  const E = new Float64Array(m * size);
  objs.forEach((o, k) => {
    C.set(o.c, k * size);
    if (o.cErr) E.set(o.cErr, k * size);
  });
  const bs = backSubstitute(fn, fb, box, fn.output, C, m, objs.some((o) => o.cErr) ? E : undefined);
  const margins = Float64Array.from(objs, (o, k) => bs.bounds[k]! - o.bUp);
  const k = margins.findIndex((_, j) => bs.bounds[j]! > objs[j]!.bUp);
  if (k >= 0) return { mu: objs.map((_, j) => (j === k ? 1 : 0)) };
  if (retune) {
    const d = fn.inputSize;
    for (let j = 0; j < m; j++) {
      const cj = bs.coef.subarray(j * d, (j + 1) * d);
      const b = retunedBound(fn, fb, box, objs[j]!, cj);
      if (b > objs[j]!.bUp) return { mu: objs.map((_, q) => (q === j ? 1 : 0)) };
    }
  }
  if (m > 1) {
    const pick = pairMultipliers(margins, bs.coef, box.lo, box.hi);
    if (pick.estimate > 0 && combinedBoundHolds(fn, fb, box, objs, pick.mu)) return { mu: pick.mu };
    if (m > 2) {
      const lp = lpMultipliers(margins, bs.coef, box.lo, box.hi);
      if (lp && lp.estimate > 0 && combinedBoundHolds(fn, fb, box, objs, lp.mu)) return { mu: lp.mu };
    }
  }
  let kb = 0;
  for (let j = 1; j < m; j++) if (margins[j]! > margins[kb]!) kb = j;
  // The best constraint's row of the batch: its input coefficients and per-node multipliers.
  const d = fn.inputSize;
  const lambda = bs.lambda.map((L, id) => (L ? L.subarray(kb * fn.nodes[id]!.size, (kb + 1) * fn.nodes[id]!.size) : undefined));
  return { coef: bs.coef.subarray(kb * d, (kb + 1) * d), lambda, margin: margins[kb]! };
}

/** Sign-gradient steps of the local counterexample search at every branch node. */
const LOCAL_DESCENT_STEPS = 8;
/** Passes of re-chosen lower lines per objective in "none" mode (retunedBound; ACAS Xu 3_3 prop 2: 1 pass 31,561 branches, 2 passes 25,593, 3 passes 25,435); 0 turns it off. */
const RETUNE_PASSES = 2;

/** lowerSlopeRatio of propagate in "none" mode (a = 1 only when u > 2·(−l)); certificate modes keep 1. */
const NO_CERTIFICATE_SLOPE_RATIO = 2;

/** Nodes a refined leaf may be sub-split into for a cheap-to-check certificate before it stays refined. */
const FAST_CHECK_BUDGET = 512;

/**
 * Branch and bound on one (box, disjunct) case. With `refine`, nodes get back-substitution bounds for their
 * unstable neurons and counterexample proposals; without, plain symbolic bounds and no proposals (the mode
 * used to sub-split a refined leaf, whose box is already known to be safe).
 */
function branchAndBound(
  ctx: CaseContext,
  root: { lo: Float64Array; hi: Float64Array; loIn: Float64Array; hiIn: Float64Array; depth: number },
  refine: boolean,
  maxNodes: number,
): { tree: TreeNode } | Counterexample | { reason: string } {
  const { net, fn, problem, boxIndex, disjunct, fc, objs, deadline, stats, search } = ctx;
  const tree: TreeNode = {};
  // Best first: the open node whose parent came closest to a violation (smallest best margin) is bounded next,
  // so counterexamples surface early; a holds answer must close every node whatever the order.
  const stack = new MinQueue<Branch>();
  stack.push({ lo: root.lo, hi: root.hi, loIn: root.loIn, hiIn: root.hiIn, depth: root.depth, tree, key: -Infinity });
  const d = fn.inputSize;
  let nodes = 0;
  while (stack.length) {
    const br = stack.pop()!;
    if (Date.now() > deadline) return { reason: "timeout" };
    if (nodes++ >= maxNodes) return { reason: `max-nodes (${maxNodes}) reached on box ${boxIndex}, disjunct ${disjunct}` };
    if (refine) stats.nodes++;
    stats.maxDepth = Math.max(stats.maxDepth, br.depth);
    const box = { lo: br.lo, hi: br.hi };
    const fb = propagate(fn, box, refine && ctx.inherit && br.inherit ? { refine, inherit: br.inherit, lowerSlopeRatio: NO_CERTIFICATE_SLOPE_RATIO } : { refine, ...(ctx.inherit ? { lowerSlopeRatio: NO_CERTIFICATE_SLOPE_RATIO } : {}) });
    retuneProposals.length = 0;
    const closed = closeNode(fn, fb, box, objs, RETUNE_PASSES > 0 && refine && ctx.inherit);
    if ("mu" in closed) {
      if (refine && ctx.fastCheck) {
        const sub = branchAndBound(ctx, br, false, FAST_CHECK_BUDGET);
        if ("tree" in sub) {
          Object.assign(br.tree, sub.tree);
          continue;
        }
      }
      br.tree.mu = closed.mu;
      if (refine) br.tree.refine = true;
      continue;
    }
    const { coef, lambda: bestLambda, margin } = closed;
    // The retuned bounds' minimizing vertices are proposals too (ACAS Xu 5_3 prop 2: violated after 2,518
    // branches instead of 9,800).
    for (const p of retuneProposals.splice(0)) {
      search.points++;
      if (violation(fc, p.y)[0] <= 1e-9) {
        search.exactChecks++;
        const cx = checkCandidate(net, problem, boxIndex, p.x);
        if (cx) return cx;
      }
    }
    // Propose the vertex that minimizes the best linear lower bound, and the centre.
    const vertex = Float64Array.from({ length: d }, (_, i) => (coef[i]! > 0 ? br.loIn[i]! : br.hiIn[i]!));
    for (const x of refine ? [vertex, Float64Array.from({ length: d }, (_, i) => (br.lo[i]! + br.hi[i]!) / 2)] : []) {
      const y = floatForward(fn, x)[fn.output]!;
      search.points++;
      if (violation(fc, y)[0] <= 1e-9) {
        search.exactChecks++;
        const cx = checkCandidate(net, problem, boxIndex, x);
        if (cx) return cx;
      }
    }
    // A short local descent from the vertex, inside this node's box.
    if (refine) {
      const cx = descend(net, fn, problem, boxIndex, br.loIn, br.hiIn, fc, vertex, LOCAL_DESCENT_STEPS, search);
      if (cx) return cx;
    }
    // Split on the input with the largest smear score that can still be split.
    const score = smear(fn, fb, bestLambda, coef, br);
    const order = Array.from({ length: d }, (_, i) => i).sort((a, b) => score[b]! - score[a]! || br.hi[b]! - br.lo[b]! - (br.hi[a]! - br.lo[a]!));
    let dim = -1;
    let at = 0;
    for (const i of order) {
      const p = (br.lo[i]! + br.hi[i]!) / 2;
      if (p > br.loIn[i]! && p < br.hiIn[i]!) {
        dim = i;
        at = p;
        break;
      }
    }
    if (dim < 0) return { reason: `a branch cannot be split further (box ${boxIndex}, disjunct ${disjunct}, depth ${br.depth})` };
    const inherit = ctx.inherit ? { lo: fb.lo, hi: fb.hi } : undefined;
    const left: Branch = { lo: br.lo, hi: Float64Array.from(br.hi), loIn: br.loIn, hiIn: Float64Array.from(br.hiIn), depth: br.depth + 1, tree: {}, key: margin, ...(inherit ? { inherit } : {}) };
    const right: Branch = { lo: Float64Array.from(br.lo), hi: br.hi, loIn: Float64Array.from(br.loIn), hiIn: br.hiIn, depth: br.depth + 1, tree: {}, key: margin, ...(inherit ? { inherit } : {}) };
    left.hi[dim] = at;
    left.hiIn[dim] = at;
    right.lo[dim] = at;
    right.loIn[dim] = at;
    br.tree.split = { dim, at };
    br.tree.children = [left.tree, right.tree];
    // Explore first the half holding the proposed vertex (where a counterexample is likeliest).
    // Ties: the half holding the proposed vertex (where a counterexample is likeliest) first.
    if (vertex[dim]! <= at) left.key = nextDown(margin);
    else right.key = nextDown(margin);
    stack.push(left);
    stack.push(right);
  }
  return { tree };
}

/**
 * Input-split score (a smear heuristic): how much of the bound's looseness each input accounts for. Every
 * relaxed neuron j contributes its gap (t_u − t_l) weighted by its back-substitution multiplier |λ_j|,
 * shared among inputs by |∂z_j/∂x_i|·width_i (from its symbolic bounds); the final linear bound adds
 * |coef_i|·width_i.
 */
function smear(fn: FloatNet, fb: FloatBounds, lambda: readonly (Float64Array | undefined)[], coef: Float64Array, br: Branch): Float64Array {
  const d = fn.inputSize;
  const D = d + 1;
  const score = new Float64Array(d);
  const width = Float64Array.from(br.hi, (h, i) => h - br.lo[i]!);
  fn.nodes.forEach((node, id) => {
    const lam = lambda[id];
    const rx = fb.relax[id];
    if (node.kind !== "activation" || !lam || !rx) return;
    const U = fb.U[node.input]!;
    const L = fb.L[node.input]!;
    for (let j = 0; j < node.size; j++) {
      const gap = rx.tu[j]! - rx.tl[j]!;
      if (!(gap > 0) || lam[j] === 0) continue;
      const w = Math.abs(lam[j]!) * gap;
      for (let i = 0; i < d; i++) score[i] += (w * Math.abs(U[j * D + i]! + L[j * D + i]!) * width[i]!) / 2;
    }
  });
  for (let i = 0; i < d; i++) score[i] += Math.abs(coef[i]!) * width[i]!;
  return score;
}

/**
 * A second lower bound of one objective with the lower lines of the unstable ReLUs re-chosen at the input vertex
 * x* that minimizes the first bound: a = 1 where z(x*) > 0, else 0 (the line that is tight at x*). Sound for any
 * choice in [0, 1]; the caller keeps the larger bound.
 */
/** The vertices x* of retunedBound with their float outputs: counterexample proposals for the node. */
const retuneProposals: { x: Float64Array; y: Float64Array }[] = [];

function retunedBound(fn: FloatNet, fb: FloatBounds, box: FloatBox, o: Objective, coef: Float64Array): number {
  let best = -Infinity;
  let rx = fb.relax;
  let cf = coef;
  for (let it = 0; it < RETUNE_PASSES; it++) {
    const x = Float64Array.from(cf, (c, i) => (c > 0 ? box.lo[i]! : box.hi[i]!));
    const values = floatForward(fn, x);
    retuneProposals.push({ x, y: values[fn.output]! });
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
    if (res.bound > best) best = res.bound;
    cf = res.coef;
  }
  return best;
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
  for (let i = 0; i < size; i++) e[i] = up(e[i]! * (1 + 2 ** -40));
  return objectiveLowerBound(fn, fb, box, c, e).bound > rhs;
}

function toCertificate(root: TreeNode): CertificateNode {
  const build = (t: TreeNode): CertificateNode => {
    if (t.mu !== undefined) {
      const mu = t.mu.map((v) => formatRational(dyadicFromFloat64(v)!.toRational()));
      return t.refine ? { mu, refine: true } : { mu };
    }
    const [a, b] = t.children!;
    return { split: { dim: t.split!.dim, at: formatRational(dyadicFromFloat64(t.split!.at)!.toRational()) }, children: [build(a), build(b)] };
  };
  return build(root);
}

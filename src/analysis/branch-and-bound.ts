// Branch and bound on input splits for one (input box, unsafe disjunct) case of `verify`. Each node (a sub-box)
// gets sound float bounds (float-bounds.ts) and is closed by close-node.ts or split at the midpoint of the input
// with the largest smear score; open nodes are bounded best-first (smallest parent margin first) so
// counterexamples surface early, and every open node proposes candidates that are checked exactly. All state
// lives in the CaseContext and the local queue: the search is re-entrant.
import type { FloatNet } from "./float-net.js";
import { floatForward } from "./float-net.js";
import { propagate, propagateInherited, type FloatBounds, type FloatBox, type PropagateOptions, type ReluPhase } from "./float-bounds.js";
import { MinQueue } from "./branch-queue.js";
import { nextDown } from "../exact/float.js";
import { closeNode, type NodeClosure, type Objective } from "./close-node.js";
import { descend, proposeCandidate, type Counterexample, type SearchContext } from "./counterexample.js";
import type { TreeNode } from "./certificate-writer.js";

/** Counters of one verify run (shared by its cases). */
export interface SearchStats {
  /** Branch-and-bound nodes bounded (all cases). */
  nodes: number;
  maxDepth: number;
}

/** Everything the search of one case needs. */
export interface CaseContext {
  /** The exact problem, this case's input box and unsafe conjunction, and the search counters. */
  readonly search: SearchContext;
  readonly disjunct: number;
  readonly objectives: readonly Objective[];
  /** Date.now() limit. */
  readonly deadline: number;
  readonly stats: SearchStats;
  /** Split ReLUs (true) or inputs (false) at open nodes. */
  readonly reluSplits: boolean;
  /** The root box's bounds when already computed (nodeBounds; shared by the disjuncts of one input box). */
  readonly rootBounds?: FloatBounds;
}

/** A node's box: outward floats for bounds, inward floats inside which split points keep the exact box. */
export interface BranchBox {
  readonly lo: Float64Array;
  readonly hi: Float64Array;
  readonly loIn: Float64Array;
  readonly hiIn: Float64Array;
  readonly depth: number;
}

/** An open node as plain data (structured-cloneable): what a worker thread receives as a work unit. */
export interface OpenBranch extends BranchBox {
  /** The ReLU phases imposed on this node (ReLU splits on its path). */
  readonly phases: readonly ReluPhase[];
  /** True for a ReLU split's child (its parent's box). */
  readonly sameBox?: boolean;
  /** Priority: lower is bounded first. */
  readonly key: number;
  /** The parent's proved bounds (a box containing this one: sound to intersect with). */
  readonly inherit?: { readonly lo: readonly Float64Array[]; readonly hi: readonly Float64Array[] };
  /** The node's identity: its choices from the case's root ("" the root, then "0" first child, "1" second). */
  readonly path: string;
}

interface Branch extends OpenBranch {
  readonly tree: TreeNode;
}

/**
 * Threads (verify-pool.ts): polled before every node; "stop" ends the search (result `{reason: "stopped"}`),
 * "donate" hands the shallowest open node to `donate` (undefined when none can be spared) and leaves an empty
 * tree node in its place, filled later from the tree of the unit that ran it (matched by path). "release"
 * (queued units, src/queue) hands every open node to `donate` the same way and returns the tree so far.
 */
export interface BranchControl {
  poll(): "stop" | "donate" | "release" | undefined;
  donate(node: OpenBranch | undefined): void;
  /** Nodes bounded so far in this case over all threads, this one included (for maxNodes). */
  countNode(): number;
}

export type CaseResult = { readonly tree: TreeNode } | Counterexample | { readonly reason: string };

/** Sign-gradient steps of the local counterexample search at every branch node. */
const LOCAL_DESCENT_STEPS = 8;
/** Passes of re-chosen lower lines per objective (retunedBound; ACAS Xu 3_3 prop 2: 1 pass 31,561 branches, 2 passes 25,593, 3 passes 25,435); 0 turns it off. */
const RETUNE_PASSES = 2;
/** The lowerSlopeRatio of every node's bounds (a = 1 only when u > 2·(−l)), recorded in the certificate. */
export const LOWER_SLOPE_RATIO = 2;
/** Float violation below which a node's proposals are checked exactly. */
const PROPOSAL_TOLERANCE = 1e-9;

/** Inputs up to this many dimensions are split (ACAS Xu: 5); larger inputs (MNIST: 784) split ReLUs instead. */
export const INPUT_SPLIT_MAX_DIMENSION = 16;

/**
 * A node's bounds: refined by back-substitution, intersected with its parent's, cut by its ReLU phases (the rule
 * the certificate records).
 */
export function nodeBounds(fn: FloatNet, box: FloatBox, inherit?: PropagateOptions["inherit"], phases: readonly ReluPhase[] = [], sameBox = false): FloatBounds {
  const options = { refine: true, lowerSlopeRatio: LOWER_SLOPE_RATIO, ...(phases.length ? { phases } : {}) };
  // A ReLU split's child has its parent's box: no symbolic pass, the parent's bounds cut by the phases and refined.
  if (sameBox && inherit) {
    // The newest split is the last phase: the affine node feeding its ReLU and every earlier one keep their
    // refined parent bounds (see propagateInherited).
    const newest = phases[phases.length - 1];
    const act = newest && fn.nodes[newest.node];
    return propagateInherited(fn, box, { ...options, inherit, ...(act && act.kind === "activation" ? { refinedThrough: act.input } : {}) });
  }
  return propagate(fn, box, { ...options, ...(inherit ? { inherit } : {}) });
}

/**
 * The ReLU to split (a BaBSR-like score): the unstable ReLU whose relaxation gap (t_u − t_l) weighted by its
 * back-substitution multiplier |λ_j| is largest; ties go to the earlier layer. Undefined when none is unstable.
 */
function pickRelu(fn: FloatNet, fb: FloatBounds, lambda: readonly (Float64Array | undefined)[]): { node: number; neuron: number } | undefined {
  let best: { node: number; neuron: number } | undefined;
  let bestScore = -1;
  fn.nodes.forEach((node, id) => {
    const rx = fb.relax[id];
    if (node.kind !== "activation" || !rx) return;
    const lam = lambda[id];
    const zl = fb.lo[node.input]!;
    const zh = fb.hi[node.input]!;
    for (let j = 0; j < node.size; j++) {
      if (!node.neurons[j]!.relu || !(zl[j]! < 0 && zh[j]! > 0)) continue;
      const score = (lam ? Math.abs(lam[j]!) : 0) * (rx.tu[j]! - rx.tl[j]!);
      if (score > bestScore) {
        bestScore = score;
        best = { node: id, neuron: j };
      }
    }
  });
  return best;
}

/**
 * Branch and bound on one case from `root`. Every node gets bounds refined by back-substitution, intersected
 * with its parent's (the rule the certificate records and the checker replays), and proposes counterexamples.
 */
export function branchAndBound(ctx: CaseContext, root: BranchBox | OpenBranch, maxNodes: number, control?: BranchControl): CaseResult {
  const steps = branchAndBoundSteps(ctx, root, maxNodes, control);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * The same search one node at a time: before every node it yields the key of the open node it bounds next (its
 * parent's margin), so a caller can interleave the cases of a property (verify.ts) without changing any case's tree.
 */
export function* branchAndBoundSteps(ctx: CaseContext, root: BranchBox | OpenBranch, maxNodes: number, control?: BranchControl): Generator<number, CaseResult, void> {
  const { search, disjunct, objectives: objs, deadline, stats } = ctx;
  const { fn, boxIndex } = search;
  const tree: TreeNode = {};
  // Best first: the open node whose parent came closest to a violation (smallest best margin) is bounded next,
  // so counterexamples surface early; a holds answer must close every node whatever the order.
  const queue = new MinQueue<Branch>();
  queue.push("path" in root ? { ...root, tree } : { lo: root.lo, hi: root.hi, loIn: root.loIn, hiIn: root.hiIn, depth: root.depth, phases: [], tree, key: -Infinity, path: "" });
  const d = fn.inputSize;
  const reluSplits = ctx.reluSplits;
  let nodes = 0;
  while (queue.length) {
    yield queue.minKey;
    const request = control?.poll();
    if (request === "stop") return { reason: "stopped" };
    if (request === "release") {
      for (let open = queue.pop(); open; open = queue.pop()) control!.donate(openBranch(open));
      return { tree };
    }
    // The shallowest open node: the biggest subtree this thread holds (nnenum's donation near the root). Never
    // the last open node: the donor would idle, and a unit's root would be named twice.
    if (request === "donate") {
      const given = queue.length > 1 ? queue.take((a, b) => a.depth < b.depth || (a.depth === b.depth && a.key < b.key)) : undefined;
      control!.donate(given && openBranch(given));
    }
    const br = queue.pop()!;
    if (Date.now() > deadline) return { reason: "timeout" };
    if ((control ? control.countNode() - 1 : nodes++) >= maxNodes) return { reason: `max-nodes (${maxNodes}) reached on box ${boxIndex}, disjunct ${disjunct}` };
    stats.nodes++;
    stats.maxDepth = Math.max(stats.maxDepth, br.depth);
    const box = { lo: br.lo, hi: br.hi };
    const fb = br.path === "" && ctx.rootBounds ? ctx.rootBounds : nodeBounds(fn, box, br.inherit, br.phases, br.sameBox);
    if (fb.empty) {
      br.tree.empty = true;
      continue;
    }
    const closed = closeNode(fn, fb, box, objs, RETUNE_PASSES, br.phases);
    if (closed.closed) {
      recordClosure(br.tree, closed);
      continue;
    }
    const { coef, lambda: bestLambda, margin } = closed;
    for (const p of closed.proposals) {
      const cx = proposeCandidate(search, p.x, p.y, PROPOSAL_TOLERANCE);
      if (cx) return cx;
    }
    // Propose the vertex that minimizes the best linear lower bound, and the centre.
    const vertex = Float64Array.from({ length: d }, (_, i) => (coef[i]! > 0 ? br.loIn[i]! : br.hiIn[i]!));
    for (const x of [vertex, Float64Array.from({ length: d }, (_, i) => (br.lo[i]! + br.hi[i]!) / 2)]) {
      const cx = proposeCandidate(search, x, floatForward(fn, x)[fn.output]!, PROPOSAL_TOLERANCE);
      if (cx) return cx;
    }
    // A short local descent from the vertex, inside this node's box.
    const local = descend(search, br.loIn, br.hiIn, vertex, LOCAL_DESCENT_STEPS);
    if (local) return local;
    if (reluSplits) {
      // Split the unstable ReLU with the largest score; both halves keep the box and inherit these bounds.
      const pick = pickRelu(fn, fb, bestLambda);
      if (!pick) return { reason: `a branch has no unstable ReLU left to split (box ${boxIndex}, disjunct ${disjunct}, depth ${br.depth})` };
      const child = (active: boolean): Branch => ({ ...br, depth: br.depth + 1, phases: [...br.phases, { ...pick, active }], sameBox: true, tree: {}, key: margin, inherit: { lo: fb.lo, hi: fb.hi }, path: br.path + (active ? "1" : "0") });
      const off = child(false);
      const on = child(true);
      br.tree.relu = pick;
      br.tree.children = [off.tree, on.tree];
      queue.push(off);
      queue.push(on);
      continue;
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
    const inherit = { lo: fb.lo, hi: fb.hi };
    // Ties: the half holding the proposed vertex (where a counterexample is likeliest) first.
    const first = vertex[dim]! <= at;
    const left: Branch = { lo: br.lo, hi: Float64Array.from(br.hi), loIn: br.loIn, hiIn: Float64Array.from(br.hiIn), depth: br.depth + 1, phases: br.phases, tree: {}, key: first ? nextDown(margin) : margin, inherit, path: br.path + "0" };
    const right: Branch = { lo: Float64Array.from(br.lo), hi: br.hi, loIn: Float64Array.from(br.loIn), hiIn: br.hiIn, depth: br.depth + 1, phases: br.phases, tree: {}, key: first ? margin : nextDown(margin), inherit, path: br.path + "1" };
    left.hi[dim] = at;
    left.hiIn[dim] = at;
    right.lo[dim] = at;
    right.loIn[dim] = at;
    br.tree.split = { dim, at };
    br.tree.children = [left.tree, right.tree];
    queue.push(left);
    queue.push(right);
  }
  return { tree };
}

/** A closed node's certificate entries: its multipliers, re-chosen lower lines and β. */
function recordClosure(tree: TreeNode, closed: Extract<NodeClosure, { closed: true }>): void {
  tree.mu = closed.mu;
  if (closed.lower && closed.lower.size > 0) tree.lower = closed.lower;
  if (closed.beta) tree.beta = closed.beta;
}

/**
 * The root of a case closed on the case's root bounds (ctx.rootBounds, else computed), without any proposal: its
 * tree (the same one `branchAndBound` gives when the root closes, counted as a node), or undefined when the root
 * stays open (not counted: `branchAndBound` bounds it again with its proposals).
 */
export function closeAtRoot(ctx: CaseContext, root: BranchBox): TreeNode | undefined {
  const box = { lo: root.lo, hi: root.hi };
  const fb = ctx.rootBounds ?? nodeBounds(ctx.search.fn, box);
  if (fb.empty) return { empty: true };
  const closed = closeNode(ctx.search.fn, fb, box, ctx.objectives, RETUNE_PASSES);
  if (!closed.closed) return undefined;
  ctx.stats.nodes++;
  const tree: TreeNode = {};
  recordClosure(tree, closed);
  return tree;
}

/** The plain data of an open node (without its tree node, which stays with the donor as a placeholder). */
function openBranch(br: Branch): OpenBranch {
  const { tree: _placeholder, ...open } = br;
  return open;
}

/**
 * Input-split score (a smear heuristic): how much of the bound's looseness each input accounts for. Every
 * relaxed neuron j contributes its gap (t_u − t_l) weighted by its back-substitution multiplier |λ_j|,
 * shared among inputs by |∂z_j/∂x_i|·width_i (from its symbolic bounds); the final linear bound adds
 * |coef_i|·width_i.
 */
function smear(fn: FloatNet, fb: FloatBounds, lambda: readonly (Float64Array | undefined)[], coef: Float64Array, br: BranchBox): Float64Array {
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

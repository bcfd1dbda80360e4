// `verify`: decide whether the unsafe set of a property is empty. The front door is `verify(net, problem)`:
// the orchestration only. A PGD attack and random points on every input box (counterexample.ts, shared by its disjuncts); the
// root of every (input box, unsafe disjunct) case bounded once per box; descents on the cases the root leaves
// open; then branch and bound (branch-and-bound.ts), whose nodes are closed by close-node.ts. The closed trees
// become the `holds` certificate (certificate-writer.ts); an exactly checked point is the `violated` answer; a
// limit gives `unknown`, never a guess. No module-level state: verify is re-entrant.
import type { Network } from "../network/ir.js";
import { inputSize, outputSize } from "../network/ir.js";
import { abbreviate, floatNet } from "./float-net.js";
import { rationalToNumber } from "../exact/rational.js";
import { UsageError } from "../errors.js";
import { floorFloat, ceilFloat } from "./float-round.js";
import { checkProblem, type VerificationProblem } from "./problem.js";
import { attack, descendFrom, floatConjunction, sampleBox, type BoxSample, type Counterexample, type SearchOptions } from "./counterexample.js";
import type { FloatNet } from "./float-net.js";
import type { FloatBounds } from "./float-bounds.js";
import { countLeaves, type CertificateCase, type VerifyCertificate } from "./certificate.js";
import { certificateDocument, certificateTree, type CertificateFiles, type TreeNode } from "./certificate-writer.js";
import { objectives } from "./close-node.js";
import { branchAndBound, branchAndBoundSteps, closeAtRoot, nodeBounds, INPUT_SPLIT_MAX_DIMENSION, LOWER_SLOPE_RATIO, type BranchBox, type CaseContext, type SearchStats } from "./branch-and-bound.js";

/**
 * The search when the input has more than INPUT_SPLIT_MAX_DIMENSION dimensions (MNIST: 784), where the PGD attack
 * finds the counterexamples: 32 random points per box (else 200), and one descent of 20 steps per open case (else 8
 * of 40: on mnist 256×4 the 2,880 float passes of those took 20 of the first 60 CPU s).
 */
const HIGH_DIMENSION_SEARCH = { randomPoints: 32, starts: 1, steps: 20 } as const;

export interface VerifyOptions {
  /** Wall-clock limit in seconds for the whole run (default: none). */
  readonly timeoutSeconds?: number;
  /** Branch nodes per (box, disjunct) case before giving up with `unknown` (default: no limit). */
  readonly maxNodes?: number;
  /** The counterexample search run before branching (see SearchOptions). */
  readonly search?: SearchOptions;
  /**
   * Return the `holds` certificate (default false). It records what the search proved; it never changes how
   * the verdict is found (one algorithm whatever the output), and costs only its serialization.
   */
  readonly certificate?: boolean;
  /**
   * What open branch-and-bound nodes split: "input" (the input with the largest smear score, halved) or "relu" (an
   * unstable ReLU, cut to z ≤ 0 / z ≥ 0). Default: inputs up to INPUT_SPLIT_MAX_DIMENSION dimensions, else ReLUs.
   */
  readonly split?: "input" | "relu";
  /** The file names recorded in the certificate (informational). */
  readonly files?: CertificateFiles;
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
  /** Worker threads (verify-pool.ts; informational): threads, units run, donations, CPU ms of each thread. */
  workers?: number;
  units?: number;
  donations?: number;
  threadCpuMs?: number[];
}

export type VerifyOutcome =
  | { readonly result: "holds"; readonly certificate?: VerifyCertificate; readonly stats: VerifyStats }
  | { readonly result: "violated"; readonly counterexample: Counterexample; readonly stats: VerifyStats }
  | { readonly result: "unknown"; readonly reason: string; readonly stats: VerifyStats };

/** The search context of each (box, disjunct) case (one run's, or one worker thread's with its own counters). */
export function caseContexts(
  net: Network,
  problem: VerificationProblem,
  fn: FloatNet,
  options: { readonly deadline: number; readonly split?: "input" | "relu"; readonly rootBounds?: readonly FloatBounds[] },
  stats: SearchStats,
  counters: { points: number; exactChecks: number },
): (box: number, disjunct: number) => CaseContext {
  const conj = problem.disjuncts.map(floatConjunction);
  const reluSplits = (options.split ?? (fn.inputSize > INPUT_SPLIT_MAX_DIMENSION ? "relu" : "input")) === "relu";
  return (b, j) => ({
    search: { net, fn, problem, boxIndex: b, conjunction: conj[j]!, stats: counters },
    disjunct: j,
    objectives: objectives(problem.disjuncts[j]!),
    deadline: options.deadline,
    stats,
    reluSplits,
    ...(options.rootBounds ? { rootBounds: options.rootBounds[b]! } : {}),
  });
}

/** A run after its first steps: the cases still open for branch and bound, and the outcome builders. */
export interface PreparedVerify {
  readonly fn: FloatNet;
  /** Float boxes of the input boxes (outward for bounds, inward for split points). */
  readonly boxes: readonly BranchBox[];
  readonly deadline: number;
  readonly stats: VerifyStats;
  /** Search points and exact checks (the first steps and every node's proposals). */
  readonly counters: { points: number; exactChecks: number };
  /** The (box, disjunct) cases that the root did not close, in the order one thread searches them. */
  readonly open: readonly { readonly box: number; readonly disjunct: number }[];
  /** The trees of the cases closed at their root, by "box/disjunct" (shards record them in their part). */
  readonly closed: ReadonlyMap<string, TreeNode>;
  caseContext(box: number, disjunct: number): CaseContext;
  /** Fill in the stats and return the outcome. */
  done<T extends VerifyOutcome>(outcome: T): T;
  /** The holds outcome, given the closed trees of the open cases (in `open` order). */
  holds(trees: readonly TreeNode[]): VerifyOutcome;
}

/**
 * Check the problem, then the first steps: random points on every input box (shared by its disjuncts), the root
 * of every case on bounds shared by the disjuncts of one box, descents on the cases the root leaves open. The
 * result is a violated outcome, or what the branch and bound of the open cases needs (in this thread or on
 * worker threads, verify-pool.ts).
 */
export function prepareVerify(net: Network, problem: VerificationProblem, options: VerifyOptions = {}): PreparedVerify | VerifyOutcome {
  const start = Date.now();
  const deadline = options.timeoutSeconds === undefined ? Infinity : start + options.timeoutSeconds * 1000;
  checkProblem(problem, inputSize(net), outputSize(net), "analysis/verify");
  const fn = floatNet(net);
  for (const v of [...problem.boxes.flatMap((b) => [...b.lo, ...b.hi]), ...problem.disjuncts.flatMap((d) => d.flatMap((k) => [...k.a, k.b]))]) {
    if (!Number.isFinite(rationalToNumber(v))) throw new UsageError(`analysis/verify: the property's bound ${abbreviate(v)} is beyond float range; verify bounds with float enclosures (bounds and regions --property read it exactly)`);
  }
  const stats: VerifyStats = { nodes: 0, leaves: 0, maxDepth: 0, searchPoints: 0, exactChecks: 0, cases: 0, elapsedMs: 0 };
  const counters = { points: 0, exactChecks: 0 };
  const done = <T extends VerifyOutcome>(o: T): T => {
    Object.assign(stats, { searchPoints: counters.points, exactChecks: counters.exactChecks, elapsedMs: Date.now() - start });
    return o;
  };
  const boxes = problem.boxes.map((box) => ({
    lo: Float64Array.from(box.lo.map(floorFloat)),
    hi: Float64Array.from(box.hi.map(ceilFloat)),
    loIn: Float64Array.from(box.lo.map(ceilFloat)),
    hiIn: Float64Array.from(box.hi.map(floorFloat)),
    depth: 0,
  }));
  const disjuncts = problem.disjuncts.length;
  // Random points and descents seldom find what the PGD attack missed in many dimensions: fewer there.
  const searchOptions = { ...(fn.inputSize > INPUT_SPLIT_MAX_DIMENSION ? HIGH_DIMENSION_SEARCH : {}), ...options.search };
  // The root of every case, on bounds shared by the disjuncts of one box: what it closes needs no descent.
  const rootBounds = boxes.map((box) => nodeBounds(fn, box));
  const caseContext = caseContexts(net, problem, fn, { deadline, ...(options.split ? { split: options.split } : {}), rootBounds }, stats, counters);
  // 1. The root of every case, closed on those bounds without any search: a robustness property that holds
  // at the root (most easy MNIST instances) then costs no attack (on mnist 256×4 the attack and the random points
  // took about a fifth of such a run). 2. At the first case of a box that stays open, a PGD attack from the box's
  // centre on that disjunct and every later one at once (the earlier ones are closed), before the box's other roots
  // are closed: a violated property is found as early as before. Then random points on every box with an open case,
  // each evaluated once and measured against every disjunct.
  stats.cases = boxes.length * disjuncts;
  const closedAtRoot = new Map<string, TreeNode>();
  const samples: (BoxSample | undefined)[] = [];
  for (let b = 0; b < boxes.length; b++) {
    const { loIn, hiIn } = boxes[b]!;
    const searches = problem.disjuncts.map((_, j) => caseContext(b, j).search);
    let attacked = false;
    for (let j = 0; j < disjuncts; j++) {
      const tree = closeAtRoot(caseContext(b, j), boxes[b]!);
      if (tree) {
        closedAtRoot.set(`${b}/${j}`, tree);
        continue;
      }
      if (attacked) continue;
      attacked = true;
      const found = attack(searches.slice(j), loIn, hiIn, Float64Array.from(loIn, (l, i) => (l + hiIn[i]!) / 2));
      if (found) return done({ result: "violated", counterexample: found, stats });
    }
    if (!attacked) {
      samples.push(undefined);
      continue;
    }
    const sample = sampleBox(searches, loIn, hiIn, searchOptions);
    if ("input" in sample) return done({ result: "violated", counterexample: sample, stats });
    samples.push(sample);
  }
  // 3. The root of every open case again, now with its proposals (the vertex of its best bound, the centre, a
  // short descent): a node of the branch and bound.
  const open: { box: number; disjunct: number }[] = [];
  for (let b = 0; b < boxes.length; b++) {
    for (let j = 0; j < disjuncts; j++) {
      if (closedAtRoot.has(`${b}/${j}`)) continue;
      const out = branchAndBound(caseContext(b, j), boxes[b]!, 1);
      if ("input" in out) return done({ result: "violated", counterexample: out, stats });
      if ("tree" in out) closedAtRoot.set(`${b}/${j}`, out.tree);
      else open.push({ box: b, disjunct: j });
    }
  }
  // 4. Descents from the best random points on the cases still open.
  for (const { box: b, disjunct: j } of open) {
    const cx = descendFrom(caseContext(b, j).search, boxes[b]!.loIn, boxes[b]!.hiIn, samples[b]!.starts[j]!, searchOptions);
    if (cx) return done({ result: "violated", counterexample: cx, stats });
  }
  return {
    fn,
    boxes,
    deadline,
    stats,
    counters,
    open,
    closed: closedAtRoot,
    caseContext,
    done,
    holds(trees) {
      const all = new Map(closedAtRoot);
      open.forEach((c, i) => all.set(`${c.box}/${c.disjunct}`, trees[i]!));
      const cases: CertificateCase[] = [];
      for (let b = 0; b < boxes.length; b++) {
        for (let j = 0; j < disjuncts; j++) {
          const tree = certificateTree(all.get(`${b}/${j}`)!, fn);
          stats.leaves += countLeaves(tree);
          cases.push({ box: b, disjunct: j, tree });
        }
      }
      if (options.certificate !== true) return done({ result: "holds", stats });
      return done({ result: "holds", certificate: certificateDocument(net, problem, { lowerSlopeRatio: LOWER_SLOPE_RATIO }, cases, options.files), stats });
    },
  };
}

/** Decide the property in this thread: holds (with a certificate), violated (with an exact counterexample), or unknown. */
export function verify(net: Network, problem: VerificationProblem, options: VerifyOptions = {}): VerifyOutcome {
  const run = prepareVerify(net, problem, options);
  if ("result" in run) return run;
  // 4. Branch and bound on the open cases, interleaved one node at a time (round robin): a counterexample in a
  // later case does not wait for the whole tree of an earlier one (ACAS Xu 2_9 prop 8, 3 disjuncts: the first case
  // had not closed after 1,599 nodes; interleaved, the second case gives the counterexample, 71 nodes in all),
  // and a holds answer costs the same nodes: each case's tree does not depend on the interleaving.
  const searches = run.open.map(({ box, disjunct }) => branchAndBoundSteps(run.caseContext(box, disjunct), run.boxes[box]!, options.maxNodes ?? Infinity));
  const trees: TreeNode[] = [];
  const active = new Set(run.open.keys());
  let unknown: string | undefined;
  while (active.size) {
    for (const i of active) {
      const step = searches[i]!.next();
      if (!step.done) continue;
      active.delete(i);
      const out = step.value;
      if ("input" in out) return run.done({ result: "violated", counterexample: out, stats: run.stats });
      if (!("reason" in out)) trees[i] = out.tree;
      else if (out.reason === "timeout") return run.done({ result: "unknown", reason: out.reason, stats: run.stats });
      // Another limit (max nodes, a node that cannot be split) ends this case only: a later case may still give a counterexample.
      else unknown ??= out.reason;
    }
  }
  if (unknown !== undefined) return run.done({ result: "unknown", reason: unknown, stats: run.stats });
  return run.holds(trees);
}

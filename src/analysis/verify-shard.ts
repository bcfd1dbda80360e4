// `verify --shard i/N` and the merge of its parts (docs/scale.md): every shard runs verify's first steps (they
// are deterministic: seeded points, the same descents) and then cuts the top of the open cases' branch-and-bound
// trees the same way, without talking to the others: open nodes are bounded breadth first until at least
// VERIFY_UNITS_PER_SHARD·N are open (fewer when the trees close first). Those open nodes are the cut; shard i
// runs every N-th of them (interleaved, so the deep and the shallow parts of the tree spread over the shards)
// to the end, each on its own as one thread would. A node's split and closure depend only on the node, so the
// top trees joined with the units' closed trees by path are the tree one run builds: the same nodes, leaves and
// holds certificate. The merge gives violated when any part has a counterexample (re-checked exactly here),
// holds only when every shard is there and closed all its units, and unknown (complete: false) otherwise.
import { InputError, invariant } from "../errors.js";
import type { Network } from "../network/ir.js";
import { branchAndBound, branchAndBoundSteps, LOWER_SLOPE_RATIO, type CaseResult, type OpenBranch } from "./branch-and-bound.js";
import { countLeaves, type CertificateCase } from "./certificate.js";
import { certificateDocument, certificateTree, type CertificateFiles, type TreeNode } from "./certificate-writer.js";
import { counterexampleAt, recheckCounterexample, type Counterexample } from "./counterexample.js";
import { floatNet } from "./float-net.js";
import type { VerificationProblem } from "./problem.js";
import { prepareVerify, type PreparedVerify, type VerifyOptions, type VerifyOutcome, type VerifyStats } from "./verify.js";
import { joinTree } from "./verify-pool.js";
import type { Rational } from "../exact/rational.js";

/** Open nodes of the cut per shard: the top of the trees is split into at least this many times N units. */
export const VERIFY_UNITS_PER_SHARD = 8;

/** A node of one open case's tree: the case's index in the run's open cases and the node's path. */
export interface NodeRef {
  readonly case: number;
  readonly path: string;
}

export const refKey = (r: NodeRef): string => `${r.case}:${r.path}`;

/** A tree rooted at a node (a top tree with its open nodes left as placeholders, or a unit's closed tree). */
export interface RootedTree<Tree = TreeNode> extends NodeRef {
  readonly tree: Tree;
}

/** The cut of the open cases' trees that every shard makes (trees as TreeNode, or as JSON in part files). */
export interface VerifyCut<Tree> {
  /** The (box, disjunct) cases left open by the root, in order (a NodeRef's `case` indexes this list). */
  readonly openCases: readonly { readonly box: number; readonly disjunct: number }[];
  /** The trees of the cases closed at their root. */
  readonly closedCases: readonly { readonly box: number; readonly disjunct: number; readonly tree: Tree }[];
  /** The top trees: the tree of every node bounded by the cut (its open children are placeholders). */
  readonly top: readonly RootedTree<Tree>[];
  /** The open nodes of the cut, in the order they are dealt to the shards. */
  readonly units: readonly NodeRef[];
}

/** What a shard found: the part's content before it is written (the CLI's verify-part.ts writes and reads it). */
export interface VerifyShard {
  /** The part's own answer: holds when every unit it was given closed (the run's verdict comes from the merge). */
  readonly result: "holds" | "violated" | "unknown";
  /** False when a limit (the timeout) stopped the shard before its work was done. */
  readonly complete: boolean;
  readonly reason?: string;
  /** An exact counterexample (in the property's box `box`). */
  readonly counterexample?: { readonly box: number; readonly input: readonly Rational[] };
  /** The cut, absent when the first steps already found a counterexample. */
  readonly cut?: VerifyCut<TreeNode>;
  /** This shard's units that closed, with their trees. */
  readonly closed: readonly RootedTree[];
  /** This shard's units without a closed tree (stopped by a limit or a counterexample, or unknown). */
  readonly open: readonly NodeRef[];
  /** The run's counters; `topNodes`: the nodes of the first steps and the cut (the same in every shard). */
  readonly stats: VerifyStats & { topNodes: number };
}

/** The units of shard `index` (1-based) of `count`: every count-th unit of the cut. */
export function shareOf<T>(units: readonly T[], index: number, count: number): T[] {
  return units.filter((_, k) => k % count === index - 1);
}

/** Bound one node and hand back its open children: its tree (a leaf, or a split with two placeholders). */
function expand(run: PreparedVerify, caseIndex: number, node: OpenBranch): { result: CaseResult; children: OpenBranch[] } {
  const c = run.open[caseIndex]!;
  const children: OpenBranch[] = [];
  let polls = 0;
  // The first poll lets the node be bounded; the second (when it split) releases its children.
  const result = branchAndBound(run.caseContext(c.box, c.disjunct), node, Infinity, {
    poll: () => (polls++ === 0 ? undefined : "release"),
    donate: (n) => n && children.push(n),
    countNode: () => polls,
  });
  return { result, children };
}

/** Run shard `index` of `count` of verify (see the file comment). */
export function verifyShard(net: Network, problem: VerificationProblem, index: number, count: number, options: VerifyOptions = {}): VerifyShard {
  const prepared = prepareVerify(net, problem, options);
  const topStats = (stats: VerifyStats, topNodes: number): VerifyShard["stats"] => ({ ...stats, topNodes, workers: 1 });
  if ("result" in prepared) {
    // The first steps answer only with a counterexample (a limit leaves the case open for the branch and bound).
    invariant(prepared.result === "violated", `analysis/verify: the first steps answered ${prepared.result}`);
    return { result: "violated", complete: true, counterexample: prepared.counterexample, closed: [], open: [], stats: topStats(prepared.stats, prepared.stats.nodes) };
  }
  const run = prepared;
  const openCases = run.open.map(({ box, disjunct }) => ({ box, disjunct }));
  const closedCases = [...run.closed].map(([key, tree]) => {
    const [box, disjunct] = key.split("/").map(Number) as [number, number];
    return { box, disjunct, tree };
  });
  // The cut: breadth first over every open case at once, until enough nodes are open.
  const target = VERIFY_UNITS_PER_SHARD * count;
  const frontier: { caseIndex: number; node: OpenBranch }[] = run.open.map((c, caseIndex) => ({ caseIndex, node: { ...run.boxes[c.box]!, phases: [], key: -Infinity, path: "" } }));
  const top: RootedTree[] = [];
  let next = 0;
  const finish = (fields: Partial<VerifyShard> & Pick<VerifyShard, "result" | "complete">, cut?: VerifyShard["cut"], topNodes = run.stats.nodes): VerifyShard => {
    // done() fills in the search counters and the elapsed time.
    run.done({ result: "unknown", reason: "", stats: run.stats });
    return { closed: [], open: [], ...fields, ...(cut ? { cut } : {}), stats: topStats(run.stats, topNodes) };
  };
  while (next < frontier.length && frontier.length - next < target) {
    const { caseIndex, node } = frontier[next++]!;
    const { result, children } = expand(run, caseIndex, node);
    if ("input" in result) return finish({ result: "violated", complete: true, counterexample: result });
    if ("reason" in result) return finish({ result: "unknown", complete: result.reason !== "timeout", reason: result.reason });
    top.push({ case: caseIndex, path: node.path, tree: result.tree });
    for (const child of children) frontier.push({ caseIndex, node: child });
  }
  const cutUnits = frontier.slice(next);
  const cut = { openCases, closedCases, top, units: cutUnits.map((u) => ({ case: u.caseIndex, path: u.node.path })) };
  const topNodes = run.stats.nodes;
  // This shard's units, interleaved one node at a time as verify() interleaves its cases (a counterexample in a
  // later unit does not wait for the whole tree of an earlier one).
  const mine = shareOf(cutUnits, index, count);
  const caseNodes = new Array<number>(run.open.length).fill(0);
  const searches = mine.map(({ caseIndex, node }) => {
    const c = run.open[caseIndex]!;
    return branchAndBoundSteps(run.caseContext(c.box, c.disjunct), node, options.maxNodes ?? Infinity, { poll: () => undefined, donate: () => undefined, countNode: () => ++caseNodes[caseIndex]! });
  });
  const ref = (k: number): NodeRef => ({ case: mine[k]!.caseIndex, path: mine[k]!.node.path });
  const closed: RootedTree[] = [];
  const active = new Set(mine.keys());
  let reason: string | undefined;
  while (active.size) {
    for (const k of active) {
      const step = searches[k]!.next();
      if (!step.done) continue;
      active.delete(k);
      const out = step.value;
      if ("tree" in out) {
        closed.push({ ...ref(k), tree: out.tree });
        continue;
      }
      const open = [...mine.keys()].filter((i) => !closed.some((c) => c.case === mine[i]!.caseIndex && c.path === mine[i]!.node.path)).map(ref);
      if ("input" in out) return finish({ result: "violated", complete: true, counterexample: out, closed, open }, cut, topNodes);
      if (out.reason === "timeout") return finish({ result: "unknown", complete: false, reason: out.reason, closed, open }, cut, topNodes);
      // Another limit ends this unit only: a later unit may still give a counterexample.
      reason ??= out.reason;
    }
  }
  const open = mine.map((_, k) => ref(k)).filter((r) => !closed.some((c) => c.case === r.case && c.path === r.path));
  if (reason !== undefined) return finish({ result: "unknown", complete: true, reason, closed, open }, cut, topNodes);
  return finish({ result: "holds", complete: true, closed, open }, cut, topNodes);
}

/** A part as merge reads it: the shard's content and where it came from. */
export interface ShardPart {
  readonly file: string;
  readonly index: number;
  readonly shard: VerifyShard;
}

export interface MergedVerify {
  readonly outcome: VerifyOutcome;
  /** Every shard present and none stopped by a limit. */
  readonly complete: boolean;
  readonly missingShards: readonly number[];
}

/**
 * The verdict of the parts of one sharded run (all of `count` shards of one network and problem, each at most
 * once: the caller checks that). Violated when a part has a counterexample that passes the exact re-check (one
 * that fails it is an error: the part is wrong); holds when every shard is there and every part closed all its
 * units, the trees joined by path (with the certificate when asked); unknown otherwise.
 */
export function mergeVerifyShards(net: Network, problem: VerificationProblem, parts: readonly ShardPart[], count: number, options: { readonly certificate?: boolean; readonly files?: CertificateFiles } = {}): MergedVerify {
  const present = new Set(parts.map((p) => p.index));
  const missingShards = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !present.has(i));
  const stats = mergedStats(parts);
  const complete = missingShards.length === 0 && parts.every((p) => p.shard.complete);
  for (const { file, shard } of parts) {
    const cx = shard.counterexample;
    if (!cx) continue;
    const box = cx.box < problem.boxes.length && recheckCounterexample(net, problem, { input: [...cx.input] }) ? counterexampleAt(net, problem, cx.box, [...cx.input]) : undefined;
    if (!box) throw new InputError(file, "counterexample", "fails the exact re-check (its input is outside the property's box, or its exact output is safe): the part is wrong and no verdict is taken from it");
    return { outcome: { result: "violated", counterexample: box, stats }, complete: true, missingShards };
  }
  const unknown = (reason: string): MergedVerify => ({ outcome: { result: "unknown", reason, stats }, complete, missingShards });
  if (missingShards.length) return unknown(`missing shards: ${missingShards.join(", ")}`);
  const notHolds = parts.find((p) => p.shard.result !== "holds");
  if (notHolds) return unknown(notHolds.shard.reason ?? "unknown");
  const cut = checkCuts(parts, count);
  if (!cut) return unknown("no part holds a cut");
  const trees = new Map<string, TreeNode>();
  for (const t of cut.top) trees.set(refKey(t), t.tree);
  for (const { file, shard } of parts) {
    for (const t of shard.closed) {
      if (trees.has(refKey(t))) throw new InputError(file, "verify.closed", `closes node "${t.path}" of case ${t.case} twice or over the top of the tree`);
      trees.set(refKey(t), t.tree);
    }
  }
  const fn = floatNet(net);
  const cases: CertificateCase[] = [];
  const byCase = new Map(cut.closedCases.map((c) => [`${c.box}/${c.disjunct}`, c.tree]));
  cut.openCases.forEach((c, i) => byCase.set(`${c.box}/${c.disjunct}`, joinTree(trees, i)));
  stats.leaves = 0;
  for (let b = 0; b < problem.boxes.length; b++) {
    for (let j = 0; j < problem.disjuncts.length; j++) {
      const tree = byCase.get(`${b}/${j}`);
      if (!tree) throw new InputError(parts[0]!.file, "verify", `has no tree for box ${b}, disjunct ${j}`);
      const certTree = certificateTree(tree, fn);
      stats.leaves += countLeaves(certTree);
      cases.push({ box: b, disjunct: j, tree: certTree });
    }
  }
  const holds: VerifyOutcome = options.certificate
    ? { result: "holds", certificate: certificateDocument(net, problem, { lowerSlopeRatio: LOWER_SLOPE_RATIO }, cases, options.files), stats }
    : { result: "holds", stats };
  return { outcome: holds, complete: true, missingShards };
}

/** The counters of the whole run: the first steps and the cut once, every shard's own nodes added. */
function mergedStats(parts: readonly ShardPart[]): VerifyStats {
  const first = parts[0]!.shard.stats;
  const own = (f: (s: VerifyShard["stats"]) => number): number => parts.reduce((sum, p) => sum + f(p.shard.stats), 0);
  return {
    nodes: first.topNodes + own((s) => s.nodes - s.topNodes),
    leaves: 0,
    maxDepth: Math.max(...parts.map((p) => p.shard.stats.maxDepth)),
    searchPoints: Math.max(...parts.map((p) => p.shard.stats.searchPoints)),
    exactChecks: Math.max(...parts.map((p) => p.shard.stats.exactChecks)),
    cases: first.cases,
    elapsedMs: own((s) => s.elapsedMs),
    workers: Math.max(...parts.map((p) => p.shard.stats.workers ?? 1)),
    units: parts.reduce((sum, p) => sum + p.shard.closed.length + p.shard.open.length, 0),
    donations: 0,
  };
}

/**
 * The cut every part made (they must agree: the same steps on the same input), checked to tile the trees: each
 * top tree's root is an open node of another top tree (or a case's root), each placeholder is filled by exactly
 * one top tree or one unit, and each shard closed exactly its share of the units.
 */
function checkCuts(parts: readonly ShardPart[], count: number): NonNullable<VerifyShard["cut"]> | undefined {
  const withCut = parts.filter((p) => p.shard.cut);
  if (withCut.length === 0) return undefined;
  const first = withCut[0]!;
  const cut = first.shard.cut!;
  const text = JSON.stringify(cutShape(cut));
  for (const p of withCut) {
    if (JSON.stringify(cutShape(p.shard.cut!)) !== text) throw new InputError(p.file, "verify.units", `cuts the tree otherwise than ${first.file}: the parts come from different runs (or one was edited)`);
  }
  // Each placeholder of a top tree is filled once: by a deeper top tree or by a unit of the cut.
  const holes = new Set<string>();
  for (const t of cut.top) collectPlaceholders(t.tree, t.path, (path) => holes.add(refKey({ case: t.case, path })));
  for (const r of [...cut.top.filter((t) => t.path !== ""), ...cut.units]) {
    if (!holes.delete(refKey(r))) throw new InputError(first.file, "verify.units", `node "${r.path}" of case ${r.case} is not an open node of the top trees, or is named twice`);
  }
  if (holes.size) throw new InputError(first.file, "verify.top", `open node ${[...holes][0]} is neither a top tree nor a unit`);
  for (const { file, index, shard } of parts) {
    const share = new Set(shareOf(cut.units, index, count).map(refKey));
    for (const t of shard.closed) {
      if (!share.delete(refKey(t))) throw new InputError(file, "verify.closed", `node "${t.path}" of case ${t.case} is not a unit of shard ${index}/${count}`);
      let open = false;
      collectPlaceholders(t.tree, t.path, () => (open = true));
      if (open) throw new InputError(file, "verify.closed", `the tree of node "${t.path}" of case ${t.case} has an open node: it is not closed`);
    }
    if (share.size) throw new InputError(file, "verify.closed", `unit ${[...share][0]} of shard ${index}/${count} has no closed tree, yet the part says holds`);
  }
  return cut;
}

/** What every part's cut must share (trees compared by their placeholders' paths and their splits). */
function cutShape(cut: NonNullable<VerifyShard["cut"]>): unknown {
  return { openCases: cut.openCases, closedCases: cut.closedCases.map((c) => [c.box, c.disjunct]), top: cut.top.map((t) => [t.case, t.path, JSON.stringify(t.tree, (k, v: unknown) => (v instanceof Map ? [...v].map(([n, a]) => [n, Array.from(a as Float64Array)]) : v))]), units: cut.units };
}

/** Call `open` with the path of every placeholder (an open node left for a unit) of a tree rooted at `path`. */
export function collectPlaceholders(tree: TreeNode, path: string, open: (path: string) => void): void {
  if (tree.mu === undefined && tree.split === undefined && tree.relu === undefined && tree.empty === undefined && tree.children === undefined) return open(path);
  if (tree.children) {
    collectPlaceholders(tree.children[0], path + "0", open);
    collectPlaceholders(tree.children[1], path + "1", open);
  }
}

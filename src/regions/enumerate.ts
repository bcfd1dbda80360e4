// The region engine's front door: `enumerateRegions(net, domain, options)`. A depth-first search over the
// neurons in topological order (docs/algorithms/regions.md): at each split-tree node, neuron j keeps the
// pieces that meet the node's interior (regions/decide.ts); a leaf after the last neuron is a region.
// Streaming: regions are handed to `onRegion` as they are found; the search keeps only the current path
// (constraint stack, maps, pending siblings), so memory does not grow with the regions already emitted.
import type { Dyadic } from "../exact/dyadic.js";
import { DyadicField, RationalField, type Field } from "../exact/field.js";
import type { Rational } from "../exact/rational.js";
import { UsageError } from "../errors.js";
import { formatPattern, isDyadicNetwork } from "../network/evaluate.js";
import type { Network } from "../network/ir.js";
import { resolveDomain, type ResolvedDomain } from "../geometry/domain.js";
import type { DomainSpec } from "../geometry/types.js";
import { interiorPoint } from "../geometry/interior.js";
import { newLpStats, type LpStats } from "../geometry/lp.js";
import { isBounded } from "../geometry/redundancy.js";
import { checkDeadline, deadlineAt, DeadlineError, withDeadline } from "../geometry/deadline.js";
import { isDyadicRational } from "../exact/rational.js";
import { FieldMaps, type PathMaps } from "./affine-maps.js";
import { NeuronDecider } from "./decide.js";
import { FixedPointMaps } from "./fixed-point-maps.js";
import { buildRegion } from "./leaf-to-region.js";
import { shortWitness } from "./witness.js";
import { exactMapDigest, floatMapDigest, outputGrid, type RegionKey } from "./map-key.js";
import { boxMagnitudes, boxRecord, regionBox, reuseBox, type RegionBox } from "./box-filter.js";
import { resolveOptions, type EnumerateOptions, type ResolvedOptions } from "./options.js";
import { RowStack, type ExactRow } from "./row-stack.js";
import type { NeuronInfo } from "./affine-maps.js";
import { inflate, UNIT_ROUNDOFF } from "../exact/float-error.js";
import type { Child, Decision, EnumerationStatus, Region, SplitRow, TreeRecord } from "./types.js";
import { ROOT_UNIT, comparePaths, pathKey, type WorkUnit } from "./work-unit.js";

export interface EnumerationStats {
  /** Split-tree decisions (neuron × node). */
  decisions: number;
  /** Decisions that kept two or more pieces. */
  splits: number;
  lp: LpStats;
  /** Live: neurons decided on the current path, and neurons in all (for progress). */
  depth: number;
  neurons: number;
}

export interface EnumerationResult {
  readonly status: EnumerationStatus;
  /** True exactly when status is "complete": every region was emitted. */
  readonly complete: boolean;
  readonly regions: number;
  readonly neurons: number;
  readonly elapsedMs: number;
  readonly domain: ResolvedDomain;
  /** "dyadic" when every weight and domain value is dyadic (the fast exact path), else "rational". */
  readonly arithmetic: "dyadic" | "rational";
  readonly certified: boolean;
  readonly stats: EnumerationStats;
}

/** The domain has no interior point (decided exactly), so no region exists. */
export class EmptyDomainError extends UsageError {
  override name = "EmptyDomainError";
}

/**
 * A layer reuses the previous layer's bounding box (looser but still certified: its certificates use a
 * prefix of the rows) until this many constraints were added since it was computed. Measured with
 * bench/regions.ts-style runs: 0 → 339, 2 → 432, 8 → 463 regions per CPU-second on ACAS Xu 1_1 over prop 1;
 * flat (~1,550) on the 3-32-32-32-2 net.
 */
const BOX_REUSE = 8;

/** Where a running unit stands: the next node it will visit, and its decisions so far (owned ones only). */
export interface UnitCursor {
  readonly path: number[];
  readonly decisions: number;
  readonly splits: number;
}

/** What a search offers its driver after each decision. */
export interface TickHooks {
  /** The next node this unit will visit: the rest of its interval starts there. */
  cursor(): UnitCursor;
  /**
   * Give away the rest of the interval after the shallowest node still waiting (nnenum's donation of the
   * subtrees nearest the root): the returned unit; this search then stops at its start. Undefined when
   * nothing is waiting.
   */
  donate(): WorkUnit | undefined;
  /** Where the unit stands in the whole tree, estimated (informational: the pool's choice of when to start threads). */
  progress(): UnitProgress;
}

/**
 * Positions in the whole tree's depth-first order as shares of it, estimated with equal weights for the children
 * of every node (Knuth's estimate of a backtrack search's progress): the cursor's, and the unit's end's (1 for
 * a unit that runs to the end of the tree; the end's nodes below the cursor's ancestors are not decided yet and
 * count as two children each). Floats that only weigh: nothing but the pool's timing depends on them.
 */
export interface UnitProgress {
  readonly done: number;
  readonly end: number;
}

/** A driver's hooks into the search of one work unit (src/regions/unit-runner.ts). */
export interface SearchControl {
  /** After each decision; returning true stops the search here (its remaining work was handed over). */
  tick(hooks: TickHooks): boolean;
  /** A bounding box was made on entering the node `path` (its identity across units). */
  onBox?(id: number, path: readonly number[]): void;
  /** A deadline interrupted the search (geometry/deadline.ts): the rest of the unit starts at this cursor. */
  interrupted?(cursor: UnitCursor): void;
}

/** Set by the search: after a region, whether the whole tree has more regions (no LP: it looks at the stack). */
export interface SearchProbe {
  more: () => boolean;
}

/** A split-tree node on the search stack: neuron j decided on the node with rowCount rows; next child to visit. */
interface Frame<T> {
  readonly j: number;
  readonly rowCount: number;
  decision: Decision<T>;
  next: number;
  /**
   * Witness first: the node's other pieces are not decided yet. Its children so far are pieces lo..hi (the
   * piece of the node's witness p, or the two around a breakpoint p is on); the rest of the decision is made
   * (on the same rows, from the same p) once their subtrees are done.
   */
  pending?: { readonly p: readonly T[]; readonly lo: number; readonly hi: number };
}

/**
 * The order the search visits the children of a node. "tree": increasing pieces (the split tree's preorder:
 * region ids, work units, shards and checkpoints rely on it). "witness": the piece of the node's witness
 * first, the other pieces decided only when the search comes back (no LP on the way down: the first region
 * is the witness's own); the same tree, so the same regions, in another order. Only for keys without
 * records in one search of the whole tree (`count --max-regions` on one thread).
 */
export type SearchOrder = "tree" | "witness";

/** The search's resume point (set by the search, read when a deadline interrupts it). */
interface ResumePoint {
  cursor: () => UnitCursor;
}

/** The search, telling `control` where it stood when a deadline interrupted it. */
function* interruptible<Y>(gen: Generator<Y, void>, at: ResumePoint, control: SearchControl | undefined): Generator<Y, void> {
  try {
    yield* gen;
  } catch (error) {
    if (error instanceof DeadlineError) control?.interrupted?.(at.cursor());
    throw error;
  }
}

/**
 * The search as a generator of regions (`true` stands for a region nobody asked to build); `null` is a
 * tick, yielded every few decisions so the driver can stop the search and let the event loop run.
 */
function* search<T>(
  F: Field<T>,
  maps: PathMaps<T>,
  resolved: ResolvedDomain,
  opts: ResolvedOptions,
  stats: EnumerationStats,
  unit: WorkUnit,
  control: SearchControl | undefined,
  probe: SearchProbe | undefined,
  at: ResumePoint,
  order: SearchOrder,
): Generator<Region | true | null, void> {
  const d = resolved.polyhedron.dim;
  const neurons = maps.neurons;
  const N = neurons.length;
  stats.neurons = N;
  // count (no records, float maps): decisions and boxes proved in floats first, so the rows carry proven float errors.
  const filtered = opts.certify && !opts.keepCertificates && maps.float !== undefined;
  const rows = new RowStack(F, d, filtered);
  // Zeros skip the conversion: a box in thousands of dimensions is millions of them.
  const toField = (v: Rational): T => (v.n === 0n ? F.zero : F.fromRational(v));
  resolved.polyhedron.halfspaces.forEach((h, index) => rows.push({ a: h.a.map(toField), b: toField(h.b) }, { kind: "domain", index }));
  const p0 = interiorPoint(F, rows, stats.lp);
  if (!p0) throw new EmptyDomainError("regions/enumerate: the domain has an empty interior, so it has no linear regions");
  const domainBounded = isBounded(F, rows, stats.lp);
  const pattern: number[][] = [];
  for (let l = 0; l < maps.layers; l++) pattern.push(new Array<number>(maps.layerStart[l + 1]! - maps.layerStart[l]!).fill(0));
  maps.computeSegment(0, pattern);
  let pending: TreeRecord[] = [];
  let id = 0;
  const ctx = { F, certify: opts.certify, keepRecords: opts.certify && opts.keepCertificates, stats: stats.lp };
  // The bounding box of the region at the entry of each layer (valid for the whole subtree of that layer).
  const boxes: (RegionBox<T> | undefined)[] = new Array<RegionBox<T> | undefined>(maps.layers).fill(undefined);
  let boxCount = 0;
  // The piece of neuron j on the current path (the path of choices from the root), j < depth.
  const path: number[] = [];
  // count: box bounds proved by float multipliers, their residual bounded on the enclosing box.
  const newBox = (depth: number, enclosing?: RegionBox<T>): RegionBox<T> => {
    const box = regionBox(F, rows, stats.lp, boxCount++, filtered && enclosing ? boxMagnitudes(enclosing, d) : undefined);
    control?.onBox?.(box.id, path.slice(0, depth));
    if (ctx.keepRecords) pending.push(boxRecord(box));
    return box;
  };
  if (maps.layers > 0) boxes[0] = newBox(0);
  // Regions are built only when someone consumes them (count just counts).
  const build = opts.onRegion !== undefined;
  // Without a built region, count's key: the pattern and the output map's digest (float map first, map-key.ts).
  const onKey = build ? undefined : opts.onRegionKey;
  const grid = onKey ? outputGrid(resolved.network) : undefined;
  const regionKey = (): RegionKey => {
    const float = maps.float ? floatMapDigest(maps.float, resolved.network.output, d, grid!) : undefined;
    if (float !== undefined) return { pattern: formatPattern(pattern), digest: float };
    stats.lp.exactKeys++;
    return { pattern: formatPattern(pattern), digest: exactMapDigest(F, maps.output(), grid!) };
  };
  // Decisions made since the previous region: their records ride on the next region, so a unit that stops
  // before that region hands them (and their counts) to the unit that owns them (work-unit.md, "Ownership").
  let sinceLeaf = { decisions: 0, splits: 0 };
  const emit = (witness: readonly T[]): Region | true => {
    sinceLeaf = { decisions: 0, splits: 0 };
    if (!build) {
      onKey?.(id, regionKey());
      id++;
      pending = [];
      return true;
    }
    const region = buildRegion(F, { id: id++, pattern, witness, reportedWitness: shortWitness(F, rows, witness), map: maps.output(), rows, domainBounded, opts, stats: stats.lp, splits: pending });
    pending = [];
    return region;
  };
  if (N === 0) {
    for (let s = 1; s <= maps.layers; s++) maps.computeSegment(s, pattern);
    if (probe) probe.more = () => false;
    yield emit(p0);
    return;
  }
  const decider = new NeuronDecider(ctx, maps);
  const witnessFirst = order === "witness";
  if (witnessFirst && (build || ctx.keepRecords || control || unit.start.length > 0 || unit.end)) throw new Error("regions/enumerate: the witness-first order is for keys without records over the whole tree");
  const decideAt = (j: number, p: readonly T[]): Frame<T> => {
    checkDeadline();
    const box = boxes[neurons[j]!.layer];
    const first = witnessFirst ? decider.witnessPiece(rows, p, j, box) : undefined;
    if (first && "children" in first) {
      const known = first.children;
      const lo = known[0]!.piece;
      const hi = known[known.length - 1]!.piece;
      const K = neurons[j]!.breakpoints.length;
      stats.decisions++;
      sinceLeaf.decisions++;
      if (known.length > 1) {
        stats.splits++;
        sinceLeaf.splits++;
      }
      // Both split rows of each known piece: valid on its child whichever other pieces turn out to be kept.
      const decision: Decision<T> = { keep: [0, K], children: known, record: { neuron: j, keep: [lo, hi] }, row: first.row };
      return { j, rowCount: rows.length, decision, next: 0, ...(lo > 0 || hi < K ? { pending: { p, lo, hi } } : {}) };
    }
    const decision = first ? first.decision : decider.decide(rows, p, j, box);
    stats.decisions++;
    sinceLeaf.decisions++;
    if (decision.children.length > 1) {
      stats.splits++;
      sinceLeaf.splits++;
    }
    if (ctx.keepRecords) pending.push(decision.record);
    return { j, rowCount: rows.length, decision, next: 0 };
  };
  // Entering child `child` of frame f: its split constraints, its piece in the pattern, the next layer's maps
  // and bounding box when it completes a layer.
  const enter = (f: Frame<T>, child: Child<T>): void => {
    const { keep, row } = f.decision;
    rows.truncate(f.rowCount);
    const info = neurons[f.j]!;
    const s = child.piece;
    path[f.j] = s;
    if (row) {
      if (s > keep[0]) pushSplitRow(F, rows, row, info, s - 1, -1, decider.bpDown[f.j]![s - 1]!, decider.bpUp[f.j]![s - 1]!);
      if (s < keep[1]) pushSplitRow(F, rows, row, info, s, 1, decider.bpDown[f.j]![s]!, decider.bpUp[f.j]![s]!);
    }
    pattern[info.layer]![info.neuron] = s;
    if (f.j + 1 === maps.layerStart[info.layer + 1]) {
      // The last segment (after the last activation layer) only gives the output map: built regions and keys need it.
      if (build || onKey || info.layer + 1 < maps.layers) maps.computeSegment(info.layer + 1, pattern);
      if (info.layer + 1 < maps.layers) {
        // Few constraints added since the previous layer's box: keep it (still valid, slightly loose).
        const prev = boxes[info.layer];
        // The verdict cache is per layer entry: the next layer's pre-activations depend on this path's pattern.
        boxes[info.layer + 1] = prev && rows.length - prev.rowCount <= BOX_REUSE ? reuseBox(prev) : newBox(f.j + 1, prev);
      }
    }
  };
  const stack: Frame<T>[] = [];
  // Witness first: the rest of a node's decision, once its witness's child is done (rows back to the node's;
  // the node's layer maps and box are still the path's: deeper nodes only recompute later layers).
  const completeDecision = (f: Frame<T>): void => {
    const { p, lo, hi } = f.pending!;
    rows.truncate(f.rowCount);
    checkDeadline();
    const full = decider.decide(rows, p, f.j, boxes[neurons[f.j]!.layer]);
    if (lo === hi && full.children.length > 1) {
      stats.splits++;
      sinceLeaf.splits++;
    }
    f.decision = { ...full, children: full.children.filter((c) => c.piece < lo || c.piece > hi) };
    f.next = 0;
    f.pending = undefined;
  };
  // Every child of a decision has an interior witness, so its subtree holds a region: more regions follow
  // exactly when a frame still has a child to visit (whole tree only: a unit's end is not looked at).
  // Witness first, a node not fully decided is decided now (deepest first) until one has another child.
  if (probe)
    probe.more = () => {
      if (stack.some((f) => f.next < f.decision.children.length)) return true;
      for (let i = stack.length - 1; i >= 0; i--) {
        const f = stack[i]!;
        if (!f.pending) continue;
        completeDecision(f);
        if (f.decision.children.length > 0) return true;
      }
      return false;
    };
  // A unit that starts below the root: replay the decisions along its start path (work-unit.md).
  const replayed = replayStart(unit.start, p0, decideAt, enter, stack, N, () => pending.length);
  // Records of the replayed nodes this unit does not own were emitted by the unit before it.
  pending = pending.slice(replayed.keepFrom);
  stats.decisions -= replayed.unowned.decisions;
  stats.splits -= replayed.unowned.splits;
  sinceLeaf = { ...replayed.owned };
  if (unit.start.length === N) yield emit(replayed.witness);
  else stack.push(decideAt(unit.start.length, replayed.witness));
  let end = unit.end;
  let endMatch = end ? commonPrefix(unit.start, end) : 0;
  // True when the node `path[0..j-1] + s` is at or after `end` in preorder (then so is everything left).
  const atEnd = (j: number, s: number): boolean => {
    if (!end || endMatch < j) return false;
    if (j >= end.length) return true;
    if (s !== end[j]) {
      if (s > end[j]!) return true;
      endMatch = j;
      return false;
    }
    if (j === end.length - 1) return true;
    endMatch = j + 1;
    return false;
  };
  const hooks: TickHooks = {
    cursor: () => {
      const top = stack[stack.length - 1]!;
      return { path: [...path.slice(0, top.j), top.decision.children[top.next]!.piece], decisions: stats.decisions - sinceLeaf.decisions, splits: stats.splits - sinceLeaf.splits };
    },
    donate: () => {
      const top = stack[stack.length - 1];
      for (const f of stack) {
        const children = f.decision.children;
        // The top frame was just decided: its first child is where this unit goes next, so it keeps that one.
        const from = f === top && f.next === 0 ? 1 : f.next;
        if (from >= children.length) continue;
        const start = [...path.slice(0, f.j), children[from]!.piece];
        if (end && comparePaths(start, end) >= 0) continue;
        const given: WorkUnit = { start, ...(end ? { end } : {}) };
        // This unit now ends where the given one starts (its path shares the first f.j choices with ours).
        end = start;
        endMatch = f.j;
        return given;
      }
      return undefined;
    },
    progress: () => {
      let done = 0;
      let weight = 1;
      const top = stack.length - 1;
      for (let i = 0; i <= top; i++) {
        const f = stack[i]!;
        const k = f.decision.children.length;
        if (k <= 1) continue;
        // Below the top, the child being searched is next − 1; the top frame has not entered a child yet.
        done += (weight * Math.max(0, i === top ? f.next : f.next - 1)) / k;
        weight /= k;
      }
      if (!end) return { done, end: 1 };
      // The end's ancestors on the current path are frames of the stack (stack[i] is the node at depth i).
      const shared = commonPrefix(path.slice(0, top), end);
      let at = 0;
      weight = 1;
      for (let i = 0; i < end.length; i++) {
        const children = i <= shared && i <= top ? stack[i]!.decision.children : undefined;
        const k = children ? children.length : 2;
        const index = children ? Math.max(0, children.findIndex((c) => c.piece === end![i])) : Math.min(end[i]!, 1);
        if (k <= 1) continue;
        at += (weight * index) / k;
        weight /= k;
      }
      return { done, end: Math.max(done, at) };
    },
  };
  let sinceTick = 0;
  // The node being entered: a deadline inside it (its box, its decision, its region) resumes there.
  let enteringJ = 0;
  let enteringPiece = 0;
  at.cursor = () => ({ path: [...path.slice(0, enteringJ), enteringPiece], decisions: stats.decisions - sinceLeaf.decisions, splits: stats.splits - sinceLeaf.splits });
  while (stack.length > 0) {
    const f = stack[stack.length - 1]!;
    const children = f.decision.children;
    if (f.next >= children.length) {
      if (f.pending) completeDecision(f);
      else stack.pop();
      continue;
    }
    const child = children[f.next++]!;
    if (atEnd(f.j, child.piece)) break;
    enteringJ = f.j;
    enteringPiece = child.piece;
    enter(f, child);
    if (f.j + 1 === N) {
      yield emit(child.witness);
      continue;
    }
    stack.push(decideAt(f.j + 1, child.witness));
    stats.depth = f.j + 1;
    if (control?.tick(hooks)) break;
    if (++sinceTick >= 64) {
      sinceTick = 0;
      yield null;
    }
  }
  // Decisions whose records were not emitted (a unit stopped between regions) belong to the unit that
  // continues from here; after a region, nothing is left over.
  stats.decisions -= sinceLeaf.decisions;
  stats.splits -= sinceLeaf.splits;
}

/**
 * Push the split constraint of breakpoint t of the neuron: dir = 1 for z ≤ β_t (w·x ≤ β_t − c), dir = −1
 * for z ≥ β_t (−w·x ≤ c − β_t). A lazy exact row stays lazy; the float copy's error on b adds the rounding
 * of b̂ = fl(dir·(β̂ − ĉ)) and the distance of β to its float (below ≤ β ≤ above: floats, maybe infinite).
 */
function pushSplitRow<T>(F: Field<T>, rows: RowStack<T>, row: SplitRow<T>, info: NeuronInfo<T>, t: number, dir: 1 | -1, below: number, above: number): void {
  const beta = info.breakpoints[t]!;
  const source = { kind: "neuron", layer: info.layer, neuron: info.neuron, breakpoint: t } as const;
  const exactOf = (r: { readonly w: readonly T[]; readonly c: T }): ExactRow<T> =>
    dir === 1 ? { a: r.w, b: F.sub(beta, r.c) } : { a: r.w.map((v) => F.neg(v)), b: F.sub(r.c, beta) };
  const exact = typeof row.exact === "function" ? ((lazy) => (): ExactRow<T> => exactOf(lazy()))(row.exact) : exactOf(row.exact);
  if (!row.float) return rows.push(exact, source);
  const { wc, e } = row.float;
  const d = rows.d;
  const af = new Float64Array(d);
  for (let k = 0; k < d; k++) af[k] = dir * wc[k]!;
  const bf = F.toNumber(beta);
  const c = wc[d]!;
  const eb = inflate(e + (above - below) + 2 * UNIT_ROUNDOFF * (Math.abs(c) + Math.abs(bf)), 8);
  rows.push(exact, source, { af, bf: dir * (bf - c), ea: e, eb });
}

/** Length of the common prefix of two paths. */
function commonPrefix(a: readonly number[], b: readonly number[]): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

interface Replay<T> {
  readonly witness: readonly T[];
  /** Decisions and splits of the replayed nodes this unit owns (their records ride on its first region). */
  readonly owned: { decisions: number; splits: number };
  readonly unowned: { decisions: number; splits: number };
  /** Index in the pending records from which the unit owns them. */
  readonly keepFrom: number;
}

/**
 * Replay the decisions along `start` (a path of pieces), leaving on `stack` the frames of its ancestors with
 * `next` just past the path's child, so the depth-first search continues in preorder after `start`'s subtree.
 * A replayed node's record is owned by this unit when every choice below it on the path is a first child
 * (then the first region after that node in preorder is this unit's first region); the rest were emitted by
 * the unit before. Throws when the path is not a node of this network's split tree.
 */
function replayStart<T>(
  start: readonly number[],
  p0: readonly T[],
  decideAt: (j: number, p: readonly T[]) => Frame<T>,
  enter: (f: Frame<T>, child: Child<T>) => void,
  stack: Frame<T>[],
  N: number,
  pendingLength: () => number,
): Replay<T> {
  if (start.length > N) throw new UsageError(`regions/enumerate: work unit ${pathKey(start)} is deeper than the ${N} neurons of the network`);
  let p = p0;
  const first: boolean[] = [];
  const split: boolean[] = [];
  // Pending records after the decision at depth j, before entering its child (which may add a box record).
  const mark: number[] = [];
  for (let j = 0; j < start.length; j++) {
    const f = decideAt(j, p);
    const children = f.decision.children;
    const index = children.findIndex((c) => c.piece === start[j]);
    if (index < 0) throw new UsageError(`regions/enumerate: work unit ${pathKey(start)} is not a node of this network's split tree (neuron ${j} has no piece ${start[j]} there)`);
    f.next = index + 1;
    first.push(index === 0);
    split.push(children.length > 1);
    stack.push(f);
    mark.push(pendingLength());
    enter(f, children[index]!);
    p = children[index]!.witness;
  }
  // Owned from depth r on: every choice path[r..] is a first child.
  let r = start.length;
  while (r > 0 && first[r - 1]) r--;
  const owned = { decisions: 0, splits: 0 };
  const unowned = { decisions: 0, splits: 0 };
  for (let j = 0; j < start.length; j++) {
    const side = j >= r ? owned : unowned;
    side.decisions++;
    if (split[j]) side.splits++;
  }
  // Records: the decision at depth j (owned when j ≥ r) is followed by the box made on entering its child
  // (owned when j + 1 ≥ r). With r = 0, everything, the root box included.
  return { witness: p, owned, unowned, keepFrom: r === 0 ? 0 : mark[r - 1]! };
}

/** "dyadic" when every weight and domain value is dyadic (the fixed-point engine), else "rational". */
export function arithmeticOf(resolved: ResolvedDomain): "dyadic" | "rational" {
  const dyadic = isDyadicNetwork(resolved.network) && resolved.polyhedron.halfspaces.every((h) => isDyadicRational(h.b) && h.a.every(isDyadicRational));
  return dyadic ? "dyadic" : "rational";
}

/**
 * The search in the number type the network and domain allow: the fixed-point engine on dyadics, else
 * rationals. `unit` (default: the whole tree) and `control` serve the work-unit runner (unit-runner.ts).
 */
export function searchFor(
  resolved: ResolvedDomain,
  opts: ResolvedOptions,
  stats: EnumerationStats,
  unit: WorkUnit = ROOT_UNIT,
  control?: SearchControl,
  probe?: SearchProbe,
  order: SearchOrder = "tree",
): { gen: Generator<Region | true | null, void>; arithmetic: "dyadic" | "rational" } {
  const d = resolved.polyhedron.dim;
  const arithmetic = arithmeticOf(resolved);
  // Where the unit resumes when a deadline interrupts it: its start during the set-up, then the node being entered.
  const at: ResumePoint = { cursor: () => ({ path: [...unit.start], decisions: 0, splits: 0 }) };
  const gen =
    arithmetic === "dyadic"
      ? search<Dyadic>(DyadicField, new FixedPointMaps(resolved.network, d, opts.filter), resolved, opts, stats, unit, control, probe, at, order)
      : search<Rational>(RationalField, new FieldMaps(RationalField, resolved.network, d), resolved, opts, stats, unit, control, probe, at, order);
  return { gen: interruptible(gen, at, control), arithmetic };
}

/**
 * Keys only, without records, with a region limit (`count --max-regions` on one thread): witness first, so
 * the first regions come without LPs on the way down (at 2047 inputs an LP is seconds). Which regions are
 * counted before the limit then differs from the tree order's; a search that ends before the limit visits
 * the same tree, so the count is the same.
 */
function countOrder(opts: ResolvedOptions): SearchOrder {
  const keysOnly = opts.onRegion === undefined && opts.onRegionKey !== undefined && !(opts.certify && opts.keepCertificates);
  return keysOnly && Number.isFinite(opts.maxRegions) ? "witness" : "tree";
}

/**
 * Enumerate every linear region of `net` over `domain` (default: the network's input box, else all of
 * R^d). Regions stream to `options.onRegion`; the result says whether the enumeration is complete and why
 * it stopped. Yields to the event loop every `progressIntervalMs`, so SIGINT (via `signal`) can stop it.
 */
export async function enumerateRegions(net: Network, domain?: DomainSpec, options: EnumerateOptions = {}): Promise<EnumerationResult> {
  const { onRegionKey, maxRegions = Infinity } = options;
  // A key is given before its region is yielded: none past --max-regions.
  const opts = resolveOptions(onRegionKey ? { ...options, onRegionKey: (id, key) => void (id < maxRegions && onRegionKey(id, key)) } : options);
  const start = performance.now();
  const resolved = resolveDomain(net, domain);
  const stats: EnumerationStats = { decisions: 0, splits: 0, lp: newLpStats(), depth: 0, neurons: 0 };
  let lastYield = start;
  let regions = 0;
  let status: EnumerationStatus = "complete";
  const probe: SearchProbe = { more: () => true };
  // --timeout and SIGINT also inside the set-up (the maps, the first LPs) and inside a decision (its LPs):
  // the interrupted step is dropped.
  const expired = deadlineAt(start + opts.timeoutMs, opts.signal);
  const stopped = (error: unknown): EnumerationStatus => {
    if (!(error instanceof DeadlineError)) throw error;
    return opts.signal?.aborted ? "interrupted" : "timeout";
  };
  let gen: Generator<Region | true | null, void> | undefined;
  let arithmetic: "dyadic" | "rational" | undefined;
  try {
    ({ gen, arithmetic } = withDeadline(expired, () => searchFor(resolved, opts, stats, ROOT_UNIT, undefined, probe, countOrder(opts))));
  } catch (error) {
    status = stopped(error);
  }
  const stopReason = (): EnumerationStatus | undefined => {
    if (regions >= opts.maxRegions) return "max-regions";
    if (opts.signal?.aborted) return "interrupted";
    if (performance.now() - start >= opts.timeoutMs) return "timeout";
    return undefined;
  };
  const early = stopReason();
  if (early) status = early;
  else if (gen) {
    for (;;) {
      let next: IteratorResult<Region | true | null, void>;
      try {
        next = withDeadline(expired, () => gen.next());
      } catch (error) {
        status = stopped(error);
        break;
      }
      if (next.done) break;
      const item = next.value;
      if (item) {
        regions++;
        if (item !== true) opts.onRegion?.(item);
      }
      const now = performance.now();
      if (now - lastYield >= opts.progressIntervalMs) {
        lastYield = now;
        opts.onProgress?.({ regions, elapsedMs: now - start, depth: stats.depth, neurons: stats.neurons });
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      const reason = stopReason();
      if (reason) {
        // Reaching max-regions exactly when the search is also done is still complete.
        if (reason === "max-regions" && !probe.more()) break;
        status = reason;
        gen.return();
        break;
      }
    }
  }
  const neurons = stats.neurons;
  return {
    status,
    complete: status === "complete",
    regions,
    neurons,
    elapsedMs: performance.now() - start,
    domain: resolved,
    arithmetic: arithmetic ?? arithmeticOf(resolved),
    certified: opts.certify,
    stats,
  };
}

/** All regions in an array (convenience for tests and small networks; not streaming). */
export async function collectRegions(net: Network, domain?: DomainSpec, options: Omit<EnumerateOptions, "onRegion"> = {}): Promise<{ regions: Region[]; result: EnumerationResult }> {
  const regions: Region[] = [];
  const result = await enumerateRegions(net, domain, { ...options, onRegion: (r) => regions.push(r) });
  return { regions, result };
}

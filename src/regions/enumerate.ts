// The region engine's front door: `enumerateRegions(net, domain, options)`. A depth-first search over the
// neurons in topological order (docs/algorithms/regions.md): at each split-tree node, neuron j keeps the
// pieces that meet the node's interior (regions/decide.ts); a leaf after the last neuron is a region.
// Streaming: regions are handed to `onRegion` as they are found; the search keeps only the current path
// (constraint stack, maps, pending siblings), so memory does not grow with the regions already emitted.
import type { Dyadic } from "../exact/dyadic.js";
import { DyadicField, RationalField, type Field } from "../exact/field.js";
import type { Rational } from "../exact/rational.js";
import { UsageError } from "../errors.js";
import { isDyadicNetwork } from "../network/evaluate.js";
import type { Network } from "../network/ir.js";
import { resolveDomain, type ResolvedDomain } from "../geometry/domain.js";
import type { DomainSpec } from "../geometry/types.js";
import { interiorPoint } from "../geometry/interior.js";
import { newLpStats, type LpStats } from "../geometry/lp.js";
import { isBounded } from "../geometry/redundancy.js";
import { isDyadicRational } from "../exact/rational.js";
import { FieldMaps, type PathMaps } from "./affine-maps.js";
import { NeuronDecider } from "./decide.js";
import { FixedPointMaps } from "./fixed-point-maps.js";
import { buildRegion } from "./leaf-to-region.js";
import { boxRecord, regionBox, type RegionBox } from "./box-filter.js";
import { resolveOptions, type EnumerateOptions, type ResolvedOptions } from "./options.js";
import { RowStack } from "./row-stack.js";
import type { Decision, EnumerationStatus, Region, TreeRecord } from "./types.js";

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

/** A split-tree node on the search stack: neuron j decided on the node with rowCount rows; next child to visit. */
interface Frame<T> {
  readonly j: number;
  readonly rowCount: number;
  readonly decision: Decision<T>;
  next: number;
}

/**
 * The search as a generator of regions (`true` stands for a region nobody asked to build); `null` is a
 * tick, yielded every few decisions so the driver can stop the search and let the event loop run.
 */
function* search<T>(F: Field<T>, maps: PathMaps<T>, resolved: ResolvedDomain, opts: ResolvedOptions, stats: EnumerationStats): Generator<Region | true | null, void> {
  const d = resolved.polyhedron.dim;
  const neurons = maps.neurons;
  const N = neurons.length;
  stats.neurons = N;
  const rows = new RowStack(F, d);
  resolved.polyhedron.halfspaces.forEach((h, index) => rows.push(h.a.map((v) => F.fromRational(v)), F.fromRational(h.b), { kind: "domain", index }));
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
  const newBox = (): RegionBox<T> => {
    const box = regionBox(F, rows, stats.lp, boxCount++);
    if (ctx.keepRecords) pending.push(boxRecord(box));
    return box;
  };
  if (maps.layers > 0) boxes[0] = newBox();
  // Regions are built only when someone consumes them (count just counts).
  const build = opts.onRegion !== undefined;
  const emit = (witness: readonly T[]): Region | true => {
    if (!build) {
      id++;
      pending = [];
      return true;
    }
    const region = buildRegion(F, { id: id++, pattern, witness, map: maps.output(), rows, domainBounded, opts, stats: stats.lp, splits: pending });
    pending = [];
    return region;
  };
  if (N === 0) {
    for (let s = 1; s <= maps.layers; s++) maps.computeSegment(s, pattern);
    yield emit(p0);
    return;
  }
  const decider = new NeuronDecider(ctx, maps);
  const decideAt = (j: number, p: readonly T[]): Frame<T> => {
    const decision = decider.decide(rows, p, j, boxes[neurons[j]!.layer]);
    stats.decisions++;
    if (decision.children.length > 1) stats.splits++;
    if (ctx.keepRecords) pending.push(decision.record);
    return { j, rowCount: rows.length, decision, next: 0 };
  };
  const stack: Frame<T>[] = [decideAt(0, p0)];
  let sinceTick = 0;
  while (stack.length > 0) {
    const f = stack[stack.length - 1]!;
    const { keep, children, row } = f.decision;
    if (f.next >= children.length) {
      stack.pop();
      continue;
    }
    const child = children[f.next++]!;
    rows.truncate(f.rowCount);
    const info = neurons[f.j]!;
    const s = child.piece;
    if (row) {
      const bp = info.breakpoints;
      if (s > keep[0]) rows.push(row.w.map((v) => F.neg(v)), F.sub(row.c, bp[s - 1]!), { kind: "neuron", layer: info.layer, neuron: info.neuron, breakpoint: s - 1 });
      if (s < keep[1]) rows.push([...row.w], F.sub(bp[s]!, row.c), { kind: "neuron", layer: info.layer, neuron: info.neuron, breakpoint: s });
    }
    pattern[info.layer]![info.neuron] = s;
    if (f.j + 1 === maps.layerStart[info.layer + 1]) {
      // The last segment (after the last activation layer) only gives the output map: built regions need it, counting does not.
      if (build || info.layer + 1 < maps.layers) maps.computeSegment(info.layer + 1, pattern);
      if (info.layer + 1 < maps.layers) {
        // Few constraints added since the previous layer's box: keep it (still valid, slightly loose).
        const prev = boxes[info.layer];
        // The verdict cache is per layer entry: the next layer's pre-activations depend on this path's pattern.
        boxes[info.layer + 1] = prev && rows.length - prev.rowCount <= BOX_REUSE ? { ...prev, decided: new Map() } : newBox();
      }
    }
    if (f.j + 1 === N) {
      yield emit(child.witness);
      continue;
    }
    stack.push(decideAt(f.j + 1, child.witness));
    stats.depth = f.j + 1;
    if (++sinceTick >= 64) {
      sinceTick = 0;
      yield null;
    }
  }
}

/** Run the search until its next region (true when there is none: the search is complete). */
function searchIsDone(gen: Generator<Region | true | null, void>): boolean {
  for (;;) {
    const next = gen.next();
    if (next.done) return true;
    if (next.value) return false;
  }
}

/** The search in the number type the network and domain allow: the fixed-point engine on dyadics, else rationals. */
function searchFor(resolved: ResolvedDomain, opts: ResolvedOptions, stats: EnumerationStats): { gen: Generator<Region | true | null, void>; arithmetic: "dyadic" | "rational" } {
  const d = resolved.polyhedron.dim;
  const dyadic = isDyadicNetwork(resolved.network) && resolved.polyhedron.halfspaces.every((h) => isDyadicRational(h.b) && h.a.every(isDyadicRational));
  if (dyadic) return { gen: search<Dyadic>(DyadicField, new FixedPointMaps(resolved.network, d), resolved, opts, stats), arithmetic: "dyadic" };
  return { gen: search<Rational>(RationalField, new FieldMaps(RationalField, resolved.network, d), resolved, opts, stats), arithmetic: "rational" };
}

/**
 * Enumerate every linear region of `net` over `domain` (default: the network's input box, else all of
 * R^d). Regions stream to `options.onRegion`; the result says whether the enumeration is complete and why
 * it stopped. Yields to the event loop every `progressIntervalMs`, so SIGINT (via `signal`) can stop it.
 */
export async function enumerateRegions(net: Network, domain?: DomainSpec, options: EnumerateOptions = {}): Promise<EnumerationResult> {
  const opts = resolveOptions(options);
  const resolved = resolveDomain(net, domain);
  const stats: EnumerationStats = { decisions: 0, splits: 0, lp: newLpStats(), depth: 0, neurons: 0 };
  const start = performance.now();
  let lastYield = start;
  let regions = 0;
  let status: EnumerationStatus = "complete";
  const { gen, arithmetic } = searchFor(resolved, opts, stats);
  const stopReason = (): EnumerationStatus | undefined => {
    if (regions >= opts.maxRegions) return "max-regions";
    if (opts.signal?.aborted) return "interrupted";
    if (performance.now() - start >= opts.timeoutMs) return "timeout";
    return undefined;
  };
  const early = stopReason();
  if (early) status = early;
  else {
    for (const item of gen) {
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
        if (reason === "max-regions" && searchIsDone(gen)) break;
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
    arithmetic,
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

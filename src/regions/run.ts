// The region engine's front door with worker threads (docs/scale.md): `enumerate(net, domain, options)` runs
// enumerate.ts in this thread when `workers` is 1, else as work units on a pool (pool.ts: this thread and
// workers − 1 threads); either way the regions reach the callbacks in the same tree order with the same ids,
// and the result is the same. Units and finished segments may also be given (shards, resumed checkpoints);
// on one worker they run in this thread, without starting a thread.
import { resolveDomain } from "../geometry/domain.js";
import type { DomainSpec } from "../geometry/types.js";
import { formatPattern } from "../network/evaluate.js";
import { activationNodeIds, type Network } from "../network/ir.js";
import { arithmeticOf, enumerateRegions, type EnumerationResult } from "./enumerate.js";
import type { EnumerateOptions } from "./options.js";
import { runPool, type PoolOptions, type PoolResult } from "./pool.js";
import { mapDigest, mapToJson, regionFromJson, regionToJson, type RegionJson } from "./region-map.js";
import { isKey, type LedgerSnapshot, type Segment } from "./unit-ledger.js";
import type { RegionKey } from "./unit-runner.js";
import type { WorkUnit } from "./work-unit.js";

export interface RunOptions extends EnumerateOptions {
  /** Worker threads (default 1: this thread, no work units). */
  readonly workers?: number;
  /** Each region's pattern and map digest (counting regions and linear pieces): cheap to move between threads. */
  readonly onRegionKey?: (id: number, key: RegionKey) => void;
  /** Each region as its region map entry. */
  readonly onRegionJson?: (json: RegionJson) => void;
  /** Run these units only (a shard, a resumed checkpoint's open units). */
  readonly units?: readonly WorkUnit[];
  /** Finished segments to join in (a resumed checkpoint). */
  readonly segments?: readonly Segment[];
  readonly checkpoint?: PoolOptions["checkpoint"];
  /** Keep the regions in the result's snapshot (part files). */
  readonly retain?: boolean;
  /** Who runs the work units (default: runPool, threads of this process; a queue of other machines plugs in here). */
  readonly runner?: UnitRunner;
  /** When the worker threads start (pool.ts, PoolOptions.threadStart; default: when the run looks long, or $TESSERA_THREAD_START). */
  readonly threadStart?: PoolOptions["threadStart"];
  /** Tests: the threads' start cost the rest of a run is compared with (pool.ts). */
  readonly threadCostMs?: number;
}

/** Runs work units somewhere and joins their regions in tree order: runPool, or another process's queue. */
export type UnitRunner = (net: Network, domain: DomainSpec | undefined, options: PoolOptions) => Promise<PoolResult>;

export interface RunResult extends EnumerationResult {
  /** How the work was spread (informational: the stats object of outputs). */
  readonly parallel: {
    readonly workers: number;
    readonly units: number;
    readonly donations: number;
    readonly threadCpuMs?: readonly number[];
    /** Worker threads started (0: the calling thread did the whole run, too short for threads to pay), and when (ms after the start). */
    readonly threadsStarted?: number;
    readonly threadsAtMs?: number;
  };
  /** Work units only: the finished segments and the open frontier. */
  readonly snapshot?: LedgerSnapshot;
}

function neuronCount(net: Network): number {
  return activationNodeIds(net).reduce((s, id) => s + net.nodes[id]!.size, 0);
}

/** Enumerate the regions of `net` over `domain` on `options.workers` threads (see the file comment). */
export async function enumerate(net: Network, domain: DomainSpec | undefined, options: RunOptions = {}): Promise<RunResult> {
  const { workers = 1, onRegionKey, onRegionJson, units, segments, checkpoint, retain, runner = runPool, onRegion, threadStart, threadCostMs, ...engine } = options;
  const wantsRegions = onRegion !== undefined || onRegionJson !== undefined;
  if (workers === 1 && !units && !segments && !checkpoint && !retain && !options.runner) {
    // Keys only (count): the search gives them without building a region (map-key.ts).
    if (onRegionKey && !wantsRegions) {
      const result = await enumerateRegions(net, domain, { ...engine, onRegionKey });
      return { ...result, parallel: { workers: 1, units: 1, donations: 0 } };
    }
    const sink =
      onRegion || onRegionKey || onRegionJson
        ? (r: Parameters<NonNullable<EnumerateOptions["onRegion"]>>[0]): void => {
            onRegion?.(r);
            if (onRegionJson) onRegionJson(regionToJson(r));
            if (onRegionKey) onRegionKey(r.id, { pattern: formatPattern(r.pattern), digest: mapDigest(mapToJson(r.map)) });
          }
        : undefined;
    const result = await enumerateRegions(net, domain, { ...engine, ...(sink ? { onRegion: sink } : {}) });
    return { ...result, parallel: { workers: 1, units: 1, donations: 0 } };
  }
  const resolved = resolveDomain(net, domain);
  const maxRegions = engine.maxRegions ?? Infinity;
  const pool = await runner(net, domain, {
    workers,
    settings: {
      certify: engine.certify ?? true,
      irredundant: engine.irredundant ?? true,
      keepCertificates: engine.keepCertificates ?? true,
      collectVertices: engine.collectVertices ?? false,
      detail: wantsRegions ? "json" : "key",
    },
    ...(units ? { units } : {}),
    ...(segments ? { segments } : {}),
    ...(checkpoint ? { checkpoint } : {}),
    retain: retain === true,
    ...(threadStart ? { threadStart } : {}),
    ...(threadCostMs !== undefined ? { threadCostMs } : {}),
    maxRegions,
    ...(engine.timeoutMs !== undefined ? { timeoutMs: engine.timeoutMs } : {}),
    ...(engine.signal ? { signal: engine.signal } : {}),
    ...(engine.onProgress ? { onProgress: engine.onProgress } : {}),
    ...(engine.progressIntervalMs !== undefined ? { progressIntervalMs: engine.progressIntervalMs } : {}),
    onItem: (item, id) => {
      // A limit stops the threads a little late: regions past --max-regions (in tree order) are dropped.
      if (id >= maxRegions) return;
      if (isKey(item)) return onRegionKey?.(id, item);
      onRegionJson?.(item);
      onRegion?.(regionFromJson(item));
      onRegionKey?.(id, { pattern: item.pattern, digest: mapDigest(item.map) });
    },
  });
  const neurons = neuronCount(resolved.network);
  const regions = Math.min(pool.regions, maxRegions);
  // Regions dropped past --max-regions make the answer incomplete even when the threads finished.
  const complete = pool.complete && pool.regions <= maxRegions;
  return {
    status: complete ? "complete" : pool.complete ? "max-regions" : pool.status,
    complete,
    regions,
    neurons,
    elapsedMs: pool.elapsedMs,
    domain: resolved,
    arithmetic: arithmeticOf(resolved),
    certified: engine.certify ?? true,
    stats: { decisions: pool.decisions, splits: pool.splits, lp: pool.lp, depth: 0, neurons },
    parallel: {
      workers: pool.workers,
      units: pool.units,
      donations: pool.donations,
      threadCpuMs: pool.threadCpuMs,
      ...(pool.threads ? { threadsStarted: pool.threads.started, ...(pool.threads.atMs !== undefined ? { threadsAtMs: Math.round(pool.threads.atMs) } : {}) } : {}),
    },
    snapshot: pool.snapshot,
  };
}

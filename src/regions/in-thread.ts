// Work units in the calling thread (`--workers 1` with units: a shard, a checkpoint, a resumed run): the same
// ledger and the same answer as the thread pool (pool.ts), without starting a worker thread. A second V8
// isolate would load the engine again and compile it again (about 0.2 CPU s to start and most of a second of
// JIT and GC on V8's helper threads), which on a shard of seconds is a large share of its cost. The search runs
// in slices of at most a second: between slices the event loop runs (SIGINT, progress, checkpoints), and the
// unit goes on from its cursor, so a slice costs one replay of a path.
import { newLpStats, type LpStats } from "../geometry/lp.js";
import type { DomainSpec } from "../geometry/types.js";
import type { Network } from "../network/ir.js";
import type { PoolOptions, PoolResult } from "./pool.js";
import type { EnumerationStatus } from "./types.js";
import { UnitLedger } from "./unit-ledger.js";
import { UnitEngine, type UnitItem } from "./unit-runner.js";
import { ROOT_UNIT, type WorkUnit } from "./work-unit.js";

/** Longest stretch of search between two turns of the event loop. */
const SLICE_MS = 1000;
/** Regions handed to the ledger at a time. */
const BATCH_ITEMS = 256;

function addLp(total: LpStats, part: LpStats): void {
  for (const key of Object.keys(total) as (keyof LpStats)[]) total[key] += part[key];
}

/** Run the units of `options` one after another in this thread (see the file comment); the result of runPool. */
export async function runInThread(net: Network, domain: DomainSpec | undefined, options: PoolOptions): Promise<PoolResult> {
  const start = performance.now();
  const engine = new UnitEngine(net, domain, options.settings);
  const ledger = new UnitLedger(options.onItem, options.retain === true || options.checkpoint !== undefined);
  const lp = newLpStats();
  let nextId = 0;
  for (const s of options.segments ?? []) ledger.add(nextId++, s, s);
  const queue: { id: number; unit: WorkUnit }[] = [];
  for (const unit of options.units ?? [ROOT_UNIT]) {
    const id = nextId++;
    ledger.add(id, unit);
    queue.push({ id, unit });
  }
  ledger.flush();
  const maxRegions = options.maxRegions ?? Infinity;
  const deadline = start + (options.timeoutMs ?? Infinity);
  const slice = Math.min(SLICE_MS, options.checkpoint?.everyMs ?? Infinity, options.onProgress ? (options.progressIntervalMs ?? 100) * 5 : Infinity);
  let stopReason: EnumerationStatus | undefined = maxRegions <= 0 ? "max-regions" : options.signal?.aborted ? "interrupted" : undefined;
  let lastCheckpoint = performance.now();
  try {
    while (queue.length > 0 && !stopReason) {
      const { id, unit } = queue.shift()!;
      const sliceEnd = performance.now() + slice;
      let items: UnitItem[] = [];
      let boxes: [number, string][] = [];
      const send = (): void => {
        if (items.length === 0 && boxes.length === 0) return;
        ledger.items(id, items, boxes);
        items = [];
        boxes = [];
      };
      const outcome = engine.run(unit, {
        poll: () => {
          if (ledger.regions + items.length >= maxRegions) {
            stopReason = "max-regions";
            return "stop";
          }
          const now = performance.now();
          if (now >= deadline) {
            stopReason = "timeout";
            return "stop";
          }
          return now >= sliceEnd ? "stop" : undefined;
        },
        item: (item) => {
          items.push(item);
          if (items.length >= BATCH_ITEMS) send();
        },
        box: (box, key) => void boxes.push([box, key]),
        donated: () => undefined,
        cursor: () => undefined,
      });
      send();
      addLp(lp, outcome.lp);
      if (outcome.rest) {
        // Stopped at its cursor (a slice ended, or a limit): the rest of its interval is a unit of its own.
        const rest = { id: nextId++, unit: { start: outcome.rest.path, ...(unit.end ? { end: unit.end } : {}) } };
        ledger.finish(id, outcome.decisions, outcome.splits, { id: rest.id, start: rest.unit.start });
        queue.unshift(rest);
      } else ledger.finish(id, outcome.decisions, outcome.splits);
      // Let SIGINT, timers and progress run between slices.
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (options.signal?.aborted) stopReason ??= "interrupted";
      const now = performance.now();
      options.onProgress?.({ regions: ledger.regions, elapsedMs: now - start, depth: 0, neurons: 0 });
      if (options.checkpoint && now - lastCheckpoint >= options.checkpoint.everyMs && queue.length > 0) {
        options.checkpoint.write(ledger.snapshot());
        lastCheckpoint = now;
      }
    }
  } catch (error) {
    ledger.dispose();
    throw error;
  }
  return { ...ledger.totals(stopReason), lp, elapsedMs: performance.now() - start, workers: 1, units: nextId - (options.segments?.length ?? 0), donations: 0, threadCpuMs: [] };
}

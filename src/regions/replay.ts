// A work-unit runner that runs nothing (regions/run.ts, UnitRunner): the finished segments of shard parts are
// joined in tree order through the unit ledger, with their regions' final ids and canonical box ids, as if a
// pool of threads had just found them. Intervals no part covers stay open, so the run is complete: false
// exactly when a shard or a unit is missing. `tessera merge` feeds the commands built on the region
// enumeration (bounds, lipschitz, neurons, graph, jumps) through it: they compute from the merged regions what
// one run computes from its own.
import { newLpStats } from "../geometry/lp.js";
import type { PoolResult } from "./pool.js";
import type { UnitRunner } from "./run.js";
import { UnitLedger, type Segment } from "./unit-ledger.js";
import type { WorkUnit } from "./work-unit.js";

/** Replay `segments` (finished, disjoint) with `open` (the intervals none of them covers) left open. */
export function replayRunner(segments: readonly Segment[], open: readonly WorkUnit[], status: PoolResult["status"] = "interrupted"): UnitRunner {
  return async (_net, _domain, options): Promise<PoolResult> => {
    const ledger = new UnitLedger(options.onItem, options.retain === true);
    let id = 0;
    for (const s of segments) ledger.add(id++, s, s);
    for (const u of open) ledger.add(id++, u);
    ledger.flush();
    return { ...ledger.totals(status), lp: newLpStats(), elapsedMs: 0, workers: 0, units: 0, donations: 0, threadCpuMs: [] };
  };
}

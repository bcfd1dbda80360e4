// The messages between the pool (src/regions/pool.ts) and its worker threads (worker-thread.ts), and the
// layout of the shared Int32Array through which the pool asks a busy thread for something.
import type { LpStats } from "../geometry/lp.js";
import type { UnitCursor, UnitProgress } from "./enumerate.js";
import type { UnitItem } from "./unit-runner.js";
import type { WorkUnitJson } from "./work-unit.js";

/**
 * Indices and bits of the shared flags: [stop, items in flight, request of slot 0, request of slot 1, ...]; a
 * request word holds the bits donate, cursor and progress.
 * "Items in flight" counts the regions the threads have posted and the pool has not taken yet: a thread
 * reserves its batch there before posting it and waits while the reservation would pass the pool's limit
 * (back-pressure), and the pool gives the count back when it has taken the batch.
 */
export const POOL_FLAG = Object.freeze({ stop: 0, inFlight: 1, firstSlot: 2, donate: 1, cursor: 2, progress: 4 });

/** Reserve `n` items in flight: wait while that would pass `limit` (unless none are in flight) or until the run stops. */
export function reserveInFlight(flags: Int32Array, n: number, limit: number): void {
  for (;;) {
    const current = Atomics.load(flags, POOL_FLAG.inFlight);
    if (current === 0 || current + n <= limit || Atomics.load(flags, POOL_FLAG.stop) !== 0) {
      if (Atomics.compareExchange(flags, POOL_FLAG.inFlight, current, current + n) === current) return;
      continue;
    }
    Atomics.wait(flags, POOL_FLAG.inFlight, current, 20);
  }
}

export type ToWorker = { readonly type: "unit"; readonly id: number; readonly unit: WorkUnitJson };

export type FromWorker =
  | { readonly type: "items"; readonly id: number; readonly items: UnitItem[]; readonly boxes: [number, string][] }
  | { readonly type: "donated"; readonly id: number; readonly unit: WorkUnitJson | null }
  | { readonly type: "cursor"; readonly id: number; readonly cursor: UnitCursor }
  | { readonly type: "progress"; readonly id: number; readonly progress: UnitProgress }
  | { readonly type: "done"; readonly id: number; readonly outcome: { regions: number; decisions: number; splits: number; lp: LpStats; rest?: UnitCursor; threadCpuMs: number } }
  | { readonly type: "error"; readonly id: number; readonly name: string; readonly message: string };

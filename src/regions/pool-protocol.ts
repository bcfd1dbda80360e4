// The messages between the pool (src/regions/pool.ts) and its worker threads (worker-thread.ts), and the
// layout of the shared Int32Array through which the pool asks a busy thread for something.
import type { LpStats } from "../geometry/lp.js";
import type { UnitCursor } from "./enumerate.js";
import type { UnitItem } from "./unit-runner.js";
import type { WorkUnitJson } from "./work-unit.js";

/** Indices and bits of the shared flags: [stop, request of slot 0, request of slot 1, ...]. */
export const POOL_FLAG = Object.freeze({ stop: 0, firstSlot: 1, donate: 1, cursor: 2 });

export type ToWorker = { readonly type: "unit"; readonly id: number; readonly unit: WorkUnitJson };

export type FromWorker =
  | { readonly type: "items"; readonly id: number; readonly items: UnitItem[]; readonly boxes: [number, string][] }
  | { readonly type: "donated"; readonly id: number; readonly unit: WorkUnitJson | null }
  | { readonly type: "cursor"; readonly id: number; readonly cursor: UnitCursor }
  | { readonly type: "done"; readonly id: number; readonly outcome: { regions: number; decisions: number; splits: number; lp: LpStats; rest?: UnitCursor; threadCpuMs: number } }
  | { readonly type: "error"; readonly id: number; readonly name: string; readonly message: string };

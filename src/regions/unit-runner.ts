// Running work units in the current thread (a worker thread of src/regions/pool.ts, or a shard's split of the
// tree top): the search of enumerate.ts over the unit's interval, each region turned into a plain item that
// can cross a thread or go into a file (a key for counting, or the region's JSON), each bounding box named by
// its tree position so that boxes made by different units get their canonical ids when the parts are joined.
import { resolveDomain, type ResolvedDomain } from "../geometry/domain.js";
import type { DomainSpec } from "../geometry/types.js";
import { newLpStats, type LpStats } from "../geometry/lp.js";
import type { Network } from "../network/ir.js";
import { arithmeticOf, searchFor, type EnumerationStats, type TickHooks, type UnitCursor, type UnitProgress } from "./enumerate.js";
import { resolveOptions } from "./options.js";
import type { RegionKey } from "./map-key.js";
import { regionToJson, type RegionJson } from "./region-map.js";
import { pathKey, type WorkUnit } from "./work-unit.js";
import { DeadlineError } from "../geometry/deadline.js";

/** What each region becomes: "key" (pattern and output-map digest, map-key.ts: enough to count regions and linear pieces), or "json" (the region map entry). */
export type RegionDetail = "key" | "json";

export type { RegionKey } from "./map-key.js";

/** A region as it leaves a unit: local region and box ids (renumbered when the units are joined, src/regions/unit-results.ts). */
export type UnitItem = RegionKey | RegionJson;

/** The engine settings every unit of a run shares (the part of EnumerateOptions that changes the answer). */
export interface UnitSettings {
  readonly certify: boolean;
  readonly irredundant: boolean;
  readonly keepCertificates: boolean;
  readonly collectVertices: boolean;
  readonly detail: RegionDetail;
}

/**
 * What a driver asks of a running unit at a decision: donate the rest after its shallowest waiting node and go
 * on; report its cursor; report its estimated progress; stop (the rest stays open); split (donate as soon as
 * something waits, then stop).
 */
export type UnitRequest = "donate" | "cursor" | "progress" | "stop" | "split";

/** The driver side of a running unit. */
export interface UnitSink {
  /** Polled after each decision. */
  poll(): UnitRequest | undefined;
  item(item: UnitItem): void;
  /** Box `id` of this unit was made on entering node `key` (work-unit.ts, pathKey). */
  box(id: number, key: string): void;
  /** The answer to "donate": the rest of the interval handed away (undefined: nothing was waiting). */
  donated(unit: WorkUnit | undefined): void;
  /** The answer to "cursor": every item before it was given to item() already. */
  cursor(cursor: UnitCursor): void;
  /** The answer to "progress". */
  progress?(progress: UnitProgress): void;
}

export interface UnitOutcome {
  readonly regions: number;
  readonly decisions: number;
  readonly splits: number;
  readonly lp: LpStats;
  /** Set when the unit stopped early ("stop"/"split"): the rest of its interval starts here. */
  readonly rest?: UnitCursor;
}

/** One network and domain, ready to run units (the domain is resolved and the field chosen once). */
export class UnitEngine {
  readonly resolved: ResolvedDomain;

  constructor(
    net: Network,
    domain: DomainSpec | undefined,
    private readonly settings: UnitSettings,
  ) {
    this.resolved = resolveDomain(net, domain);
  }

  get arithmetic(): "dyadic" | "rational" {
    return arithmeticOf(this.resolved);
  }

  /** Run `unit` to its end, or until the sink asks it to stop. */
  run(unit: WorkUnit, sink: UnitSink): UnitOutcome {
    const steps = this.steps(unit, sink);
    for (;;) {
      const step = steps.next();
      if (step.done) return step.value;
    }
  }

  /** run() as a generator that pauses every few decisions, so that a caller can let the event loop run between its steps. */
  *steps(unit: WorkUnit, sink: UnitSink): Generator<void, UnitOutcome> {
    const { certify, irredundant, keepCertificates, collectVertices, detail } = this.settings;
    let regions = 0;
    // Keys come from the search itself (no region is built: map-key.ts); map entries from built regions.
    const sinks =
      detail === "key"
        ? {
            onRegionKey: (_id: number, key: RegionKey): void => {
              regions++;
              sink.item(key);
            },
          }
        : { onRegion: () => undefined };
    const opts = resolveOptions({ certify, irredundant, keepCertificates, collectVertices, ...sinks });
    const stats: EnumerationStats = { decisions: 0, splits: 0, lp: newLpStats(), depth: 0, neurons: 0 };
    let rest: UnitCursor | undefined;
    const control = {
      tick: (hooks: TickHooks): boolean => {
        const request = sink.poll();
        if (request === undefined) return false;
        if (request === "donate") {
          sink.donated(hooks.donate());
          return false;
        }
        if (request === "cursor") {
          sink.cursor(hooks.cursor());
          return false;
        }
        if (request === "progress") {
          sink.progress?.(hooks.progress());
          return false;
        }
        if (request === "split") {
          // Hand away the rest after the first node with two children, then stop: the unit becomes two.
          const given = hooks.donate();
          if (!given) return false;
          sink.donated(given);
        }
        rest = hooks.cursor();
        return true;
      },
      // Box ids matter only to region map entries (their split records name boxes); keys carry none, so a
      // count neither sends nor keeps a tree position per box (that grew with every box of a long count).
      ...(detail === "json" ? { onBox: (id: number, path: readonly number[]) => sink.box(id, pathKey(path)) } : {}),
    };
    let interrupted: UnitCursor | undefined;
    try {
      const { gen } = searchFor(this.resolved, opts, stats, unit, { ...control, interrupted: (cursor) => void (interrupted = cursor) });
      for (const item of gen) {
        if (item === null) {
          yield;
          continue;
        }
        if (item === true) continue;
        regions++;
        sink.item(regionToJson(item));
      }
    } catch (error) {
      // A deadline (the driver's stop, geometry/deadline.ts) inside a decision: the rest starts where it was.
      if (!(error instanceof DeadlineError)) throw error;
      const at = interrupted ?? { path: [...unit.start], decisions: 0, splits: 0 };
      return { regions, decisions: at.decisions, splits: at.splits, lp: stats.lp, rest: at };
    }
    return { regions, decisions: stats.decisions, splits: stats.splits, lp: stats.lp, ...(rest ? { rest } : {}) };
  }
}

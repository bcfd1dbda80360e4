// Shards for batch engines (--shard i/N, docs/scale.md): the top of the split tree is cut, deterministically,
// into many more work units than shards (UNITS_PER_SHARD each), and shard i takes every N-th unit in tree
// order, so every shard of every machine computes the same cut without talking to the others, and the
// shards' sizes even out. Cutting a unit = running it until its first node with two children, then handing
// the later children away (the same donation the threads use).
import type { UnitEngine } from "./unit-runner.js";
import { ROOT_UNIT, type WorkUnit } from "./work-unit.js";

/** Units per shard in the cut (more: better balance, a little more replay). */
export const UNITS_PER_SHARD = 16;

/**
 * The tree cut into at least `target` units (fewer when the tree has fewer branches), in tree order: the unit
 * whose start is nearest the root is cut first (the first in tree order on ties).
 */
export function cutTree(engine: UnitEngine, target: number): WorkUnit[] {
  const units: WorkUnit[] = [ROOT_UNIT];
  const whole = new Set<WorkUnit>();
  while (units.length < target) {
    let best = -1;
    units.forEach((u, i) => {
      if (!whole.has(u) && (best < 0 || u.start.length < units[best]!.start.length)) best = i;
    });
    if (best < 0) break;
    const unit = units[best]!;
    let given: WorkUnit | undefined;
    engine.run(unit, { poll: () => "split", item: () => undefined, box: () => undefined, donated: (g) => (given = g), cursor: () => undefined });
    if (!given) {
      // No node with two children waiting in it: it stays whole.
      whole.add(unit);
      continue;
    }
    units.splice(best, 1, { start: unit.start, end: given.start }, given);
  }
  return units;
}

/** The units of shard `index` (1-based) of `count`: every count-th unit of the cut, from the index-th. */
export function shardOf(units: readonly WorkUnit[], index: number, count: number): WorkUnit[] {
  return units.filter((_, k) => k % count === index - 1);
}

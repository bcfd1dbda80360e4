// The answer does not depend on who runs which work unit (docs/scale.md, "Same answer for any N"): a property
// test over random small ReLU nets with degenerate integer weights (zero rows, repeated and parallel rows,
// hyperplanes through one point), bounded boxes and all of R^d. The reference is the in-process engine without
// work units (regions/enumerate.ts, collectRegions). Against it:
// - three worker threads and no work in this thread, the tree cut into many units up front, idle threads fed
//   by donations: the same region map, byte for byte, in the same order;
// - each shard of N (the cut `--shard i/N` uses) run on its own: together the reference's regions, each exactly
//   once.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { collectRegions } from "../../src/regions/enumerate.js";
import { runPool } from "../../src/regions/pool.js";
import { regionToJson, type RegionJson } from "../../src/regions/region-map.js";
import { enumerate } from "../../src/regions/run.js";
import { cutTree, shardUnits } from "../../src/regions/shards.js";
import { UnitEngine } from "../../src/regions/unit-runner.js";
import { degenerateNetCase as netCase } from "./helpers.js";

const SETTINGS = { certify: true, irredundant: true, keepCertificates: true, collectVertices: false, detail: "json" as const };

/** A region without what depends on its place in a run (its id, its piece id and the local ids of the boxes its certificate splits). */
const placeFree = (r: RegionJson): string => JSON.stringify({ pattern: r.pattern, map: r.map, witness: r.witness, constraints: r.constraints, bounded: r.bounded });

describe("the same regions whoever runs the units (property)", () => {
  it("3 threads, the tree cut into units up front, donations: the in-process map byte for byte", async () => {
    await fc.assert(
      fc.asyncProperty(netCase, async ({ net, domain, text }) => {
        const reference = (await collectRegions(net, domain)).regions.map((r) => JSON.stringify(regionToJson(r)));
        const got: string[] = [];
        const result = await enumerate(net, domain, {
          workers: 3,
          threadStart: "at-once",
          // No work in this thread: the three threads take the cut's units and each other's donations.
          runner: (n, d, options) => runPool(n, d, { ...options, here: false, units: cutTree(new UnitEngine(n, d, options.settings), 12) }),
          onRegionJson: (r) => void got.push(JSON.stringify(r)),
        });
        expect(result.complete, text).toBe(true);
        expect(got, text).toEqual(reference);
      }),
      { numRuns: 12 },
    );
  });

  it("shards 1..N run one by one: every region of the single run exactly once", async () => {
    await fc.assert(
      fc.asyncProperty(netCase, fc.integer({ min: 2, max: 5 }), async ({ net, domain, text }, count) => {
        const reference = (await collectRegions(net, domain)).regions.map((r) => placeFree(regionToJson(r))).sort();
        const engine = new UnitEngine(net, domain, SETTINGS);
        const got: string[] = [];
        for (let index = 1; index <= count; index++) {
          const result = await enumerate(net, domain, { workers: 1, units: shardUnits(engine, index, count), onRegionJson: (r) => void got.push(placeFree(r)) });
          expect(result.complete, `${text}, shard ${index}/${count}`).toBe(true);
        }
        expect(got.sort(), `${text}, ${count} shards`).toEqual(reference);
      }),
      { numRuns: 25 },
    );
  });
});

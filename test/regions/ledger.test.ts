// The unit ledger (src/regions/unit-ledger.ts) joins the regions of work units into tree order whatever order
// they arrive in; regions that wait for an earlier unit beyond a few go to a temporary file and come back in
// order. Against the expected sequence built by hand: each unit's items, units in tree order, ids 0, 1, 2, ...
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { UnitLedger } from "../../src/regions/unit-ledger.js";
import type { RegionKey } from "../../src/regions/unit-runner.js";

const key = (unit: number, k: number): RegionKey => ({ pattern: `${unit}|${k}`, digest: `d${unit}.${k}` });

describe("UnitLedger: tree order from any arrival order, with waiting regions spilled to disk", () => {
  it("one budget for all waiting units: 40 units waiting behind the first, 3 items each, never more than 8 in memory", () => {
    const emitted: string[] = [];
    const ledger = new UnitLedger((item) => void emitted.push(item.pattern), false, 8);
    for (let u = 0; u < 41; u++) ledger.add(u, u < 40 ? { start: [u], end: [u + 1] } : { start: [u] });
    ledger.flush();
    // Units 1..40 finish first (each would stay under a per-unit limit of 4), then unit 0.
    for (let u = 1; u <= 40; u++) {
      ledger.items(u, [0, 1, 2].map((k) => key(u, k)), []);
      ledger.finish(u, 0, 0);
    }
    expect(emitted).toEqual([]);
    ledger.items(0, [key(0, 0)], []);
    ledger.finish(0, 0, 0);
    ledger.drain();
    expect(emitted).toEqual(["0|0", ...Array.from({ length: 40 }, (_, i) => [0, 1, 2].map((k) => `${i + 1}|${k}`)).flat()]);
    expect(ledger.peakHeld).toBeLessThanOrEqual(8);
  });

  it("k units [u], [u+1], …: chunks arriving in any interleaving are emitted unit by unit, in order, ids 0, 1, 2, …", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 12 }), { minLength: 1, maxLength: 5 }),
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.nat(), { minLength: 60, maxLength: 60 }),
        (sizes, budget, choices) => {
          const emitted: [string, number][] = [];
          const ledger = new UnitLedger((item, id) => void emitted.push([item.pattern, id]), false, budget);
          // Units [u] .. [u+1] in tree order (the last one to the end of the tree).
          sizes.forEach((_, u) => ledger.add(u, u + 1 < sizes.length ? { start: [u], end: [u + 1] } : { start: [u] }));
          ledger.flush();
          const sent = sizes.map(() => 0);
          const done = sizes.map(() => false);
          let c = 0;
          while (done.some((d) => !d)) {
            const open = done.flatMap((d, u) => (d ? [] : [u]));
            const u = open[choices[c++ % choices.length]! % open.length]!;
            const chunk = Math.min(sizes[u]! - sent[u]!, 1 + (choices[c++ % choices.length]! % 3));
            if (chunk > 0) {
              ledger.items(u, Array.from({ length: chunk }, (_, k) => key(u, sent[u]! + k)), []);
              sent[u]! += chunk;
            } else {
              ledger.finish(u, 0, 0);
              done[u] = true;
            }
          }
          ledger.drain();
          const expected = sizes.flatMap((n, u) => Array.from({ length: n }, (_, k) => `${u}|${k}`));
          expect(emitted.map(([p]) => p)).toEqual(expected);
          expect(emitted.map(([, id]) => id)).toEqual(expected.map((_, i) => i));
          expect(ledger.regions).toBe(expected.length);
          // One budget for the whole ledger, however many units wait.
          expect(ledger.peakHeld).toBeLessThanOrEqual(budget);
        },
      ),
      { numRuns: 200 },
    );
  });
});

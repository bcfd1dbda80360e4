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

  it("items longer than the 64 KiB read-back chunk (lines across chunk boundaries, multi-byte text) come back whole and in order", () => {
    const emitted: RegionKey[] = [];
    const ledger = new UnitLedger((item) => void emitted.push(item as RegionKey), false, 2);
    ledger.add(0, { start: [0], end: [1] });
    ledger.add(1, { start: [1] });
    ledger.flush();
    // Unit 1's items wait (on disk beyond 2): sizes from a few bytes to 3 chunks, with "é" and "→" (2 and 3 bytes in UTF-8).
    const sizes = [1, 70_000, 5, 65_536, 65_535, 200_000, 3];
    const waiting = sizes.map((n, k): RegionKey => ({ pattern: `1|${k}`, digest: "é→".repeat(Math.ceil(n / 2)).slice(0, n) }));
    for (const item of waiting) ledger.items(1, [item], []);
    ledger.finish(1, 0, 0);
    expect(emitted).toEqual([]);
    ledger.items(0, [key(0, 0)], []);
    ledger.finish(0, 0, 0);
    expect(emitted).toEqual([key(0, 0), ...waiting]);
    expect(ledger.peakHeld).toBeLessThanOrEqual(2);
  });
});

describe("UnitLedger: box names are forgotten once the regions have left the node's subtree", () => {
  it("a full binary tree of depth 12 in one unit (4,096 regions, 4,095 boxes): the one-run box ids, at most a few hundred names held", () => {
    const depth = 12;
    type Item = { pattern: string; splits: { neuron: number; keep: number[]; lower: { box: number } }[] };
    const emitted: Item[] = [];
    const ledger = new UnitLedger((item) => void emitted.push(item as unknown as Item), false, 8);
    ledger.add(0, { start: [] });
    ledger.flush();
    // Depth first: a box on entering every inner node (local id = order made), a region at every leaf naming
    // the boxes of all its ancestors, root first; sent in batches of 16 regions with the boxes made meanwhile.
    let made = 0;
    const expected: number[][] = [];
    const firstSeen = new Map<number, number>();
    let batch: Item[] = [];
    let boxes: [number, string][] = [];
    const visit = (path: number[], above: number[]): void => {
      if (path.length === depth) {
        const splits = above.map((box, neuron) => ({ neuron, keep: [path[neuron]!], lower: { box } }));
        batch.push({ pattern: path.join(""), splits });
        expected.push(above.map((box) => firstSeen.get(box) ?? firstSeen.set(box, firstSeen.size).get(box)!));
        if (batch.length === 16) {
          ledger.items(0, batch as never[], boxes);
          [batch, boxes] = [[], []];
        }
        return;
      }
      const box = made++;
      boxes.push([box, path.length === 0 ? "/" : path.join(".")]);
      visit([...path, 0], [...above, box]);
      visit([...path, 1], [...above, box]);
    };
    visit([], []);
    ledger.finish(0, 0, 0);
    ledger.drain();
    expect(emitted).toHaveLength(2 ** depth);
    expect(emitted.map((r) => r.splits.map((s) => s.lower.box))).toEqual(expected);
    // Without forgetting, all 4,095 names (canonical and local) would be held by the end.
    expect(ledger.peakBoxNames).toBeLessThan(600);
  });

  it("two units, the second finished first (its regions wait on disk with all their boxes): the same ids, and few scans of the names", () => {
    const depth = 12;
    type Item = { pattern: string; splits: { neuron: number; keep: number[]; lower: { box: number } }[] };
    const emitted: Item[] = [];
    const ledger = new UnitLedger((item) => void emitted.push(item as unknown as Item), false, 8);
    // Unit 0 is the subtree of choice 0 at the root, unit 1 the rest; each makes its own boxes (local ids from 0).
    ledger.add(0, { start: [], end: [1] });
    ledger.add(1, { start: [1] });
    ledger.flush();
    const expected: number[][] = [];
    const firstSeen = new Map<string, number>();
    const units: { items: Item[]; boxes: [number, string][] }[] = [
      { items: [], boxes: [] },
      { items: [], boxes: [] },
    ];
    const made = [0, 0];
    const visit = (path: number[], above: [number, string][], unit: number): void => {
      const u = units[unit]!;
      if (path.length === depth) {
        u.items.push({ pattern: path.join(""), splits: above.map(([box], neuron) => ({ neuron, keep: [path[neuron]!], lower: { box } })) });
        expected.push(above.map(([, key]) => firstSeen.get(key) ?? firstSeen.set(key, firstSeen.size).get(key)!));
        return;
      }
      const key = path.length === 0 ? "/" : path.join(".");
      const box = made[unit]!++;
      u.boxes.push([box, key]);
      for (const c of [0, 1]) visit([...path, c], [...above, [box, key]], path.length === 0 ? c : unit);
    };
    // The root's box is made by both units (each replays the root); unit 1's copy is its own local box 0.
    units[1]!.boxes.push([made[1]!++, "/"]);
    visit([], [], 0);
    // Unit 1's regions name its own root box: rewrite their first split to local box 0 of unit 1.
    for (const item of units[1]!.items) item.splits[0]!.lower.box = 0;
    const send = (unit: number): void => {
      const { items, boxes } = units[unit]!;
      for (let k = 0; k < items.length; k += 16) ledger.items(unit, items.slice(k, k + 16) as never[], k === 0 ? boxes : []);
      ledger.finish(unit, 0, 0);
    };
    send(1);
    send(0);
    ledger.drain();
    expect(emitted.map((r) => r.splits.map((s) => s.lower.box))).toEqual(expected);
    // Without the doubling rule every region of unit 1 (2,048) would scan its ~2,000 waiting names.
    expect(ledger.boxPrunes).toBeLessThan(100);
  });

  it("a region naming a box of a node that is not above it is an internal error, never a wrong id", () => {
    const ledger = new UnitLedger(() => undefined, false, 8);
    ledger.add(0, { start: [] });
    ledger.flush();
    expect(() => ledger.items(0, [{ pattern: "10", splits: [{ neuron: 1, keep: [0], lower: { box: 0 } }] } as never], [[0, "0"]])).toThrow(/names the box of node 0, which is not above it/);
  });
});

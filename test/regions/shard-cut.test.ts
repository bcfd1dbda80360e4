// The weighted cut of --shard (src/regions/shards.ts): every boundary is a node of the split tree, the units
// tile the tree, so running them one after another gives exactly the single run's regions (each once, in tree
// order) and decisions; the cut is the same on every call (shards agree without talking); a cut that the sample
// cannot weigh falls back to the exact breadth-first cut. Expected values come from the in-process engine
// (a single run of enumerate.ts, no work units) and, for the Zaslavsky nets, from the formula.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { rat, type Rational } from "../../src/exact/rational.js";
import { seededRandom as rng } from "../../src/exact/random.js";
import type { DomainSpec } from "../../src/geometry/types.js";
import { loadNetwork } from "../../src/formats/load.js";
import type { Network } from "../../src/network/ir.js";
import { enumerateRegions } from "../../src/regions/enumerate.js";
import { PIECES_PER_SHARD, shardUnits, weightedCut, weightedShare } from "../../src/regions/shards.js";
import { UnitEngine, type UnitSettings } from "../../src/regions/unit-runner.js";
import { compareUnits, comparePaths, type WorkUnit } from "../../src/regions/work-unit.js";
import { binomial, oneLayer, randomMatrix, randomMlp, randomRational } from "./helpers.js";
import { projectFile } from "../project.js";

const SETTINGS: UnitSettings = { certify: true, irredundant: false, keepCertificates: false, collectVertices: false, detail: "key" };
const box = (d: number, lo: number, hi: number): DomainSpec => ({ kind: "box", lo: new Array<Rational>(d).fill(rat(lo)), hi: new Array<Rational>(d).fill(rat(hi)) });

/** Run the units one after another in this thread: the patterns in order and the decisions. */
function runUnits(engine: UnitEngine, units: readonly WorkUnit[]): { patterns: string[]; decisions: number } {
  const patterns: string[] = [];
  let decisions = 0;
  for (const unit of units) {
    const outcome = engine.run(unit, { poll: () => undefined, item: (item) => void patterns.push(item.pattern), box: () => undefined, donated: () => undefined, cursor: () => undefined });
    decisions += outcome.decisions;
  }
  return { patterns, decisions };
}

async function single(net: Network, domain: DomainSpec | undefined): Promise<{ patterns: string[]; decisions: number }> {
  const patterns: string[] = [];
  const r = await enumerateRegions(net, domain, { irredundant: false, onRegionKey: (_, key) => void patterns.push(key.pattern) });
  return { patterns, decisions: r.stats.decisions };
}

/** The cut's intervals follow each other: each ends where the next starts, the first at the root, the last open. */
function expectTiling(units: readonly WorkUnit[]): void {
  expect(units[0]!.start).toEqual([]);
  units.forEach((u, k) => {
    if (k + 1 < units.length) {
      expect(u.end).toEqual(units[k + 1]!.start);
      expect(comparePaths(u.start, u.end!)).toBeLessThan(0);
    } else expect(u.end).toBeUndefined();
  });
}

describe("weighted shard cut", () => {
  it("a 2-8-8-1 net on [-1,1]^2: boundaries are nodes, the units give the single run's regions and decisions, and the cut is reproducible", async () => {
    const net = randomMlp(rng(31), [2, 8, 8, 1]);
    const domain = box(2, -1, 1);
    const engine = new UnitEngine(net, domain, SETTINGS);
    const cut = weightedCut(engine, 8);
    expect(cut).toBeDefined();
    expect(cut!.length).toBeGreaterThan(4);
    expectTiling(cut!);
    const want = await single(net, domain);
    const got = runUnits(engine, cut!);
    expect(got.patterns).toEqual(want.patterns);
    expect(got.decisions).toBe(want.decisions);
    expect(weightedCut(new UnitEngine(net, domain, SETTINGS), 8)).toEqual(cut);
    // Each shard proves only its own boundaries: the shares, made separately, are the whole cut's intervals.
    for (const n of [2, 3]) {
      const shares = Array.from({ length: n }, (_, i) => weightedShare(new UnitEngine(net, domain, SETTINGS), 8, i + 1, n)!);
      shares.forEach((share, i) => expect(share).toEqual(cut!.filter((_, k) => k % n === i)));
      expect(shares.flat().sort(compareUnits)).toEqual(cut);
    }
  });

  it("shards 1..N of N = 2, 3, 5 together give every region once (Zaslavsky: 6 lines in general position in R^2 on a box holding every crossing)", async () => {
    const next = rng(77);
    const W = randomMatrix(next, 6, 2);
    const b = Array.from({ length: 6 }, () => randomRational(next, 5, 7));
    const net = oneLayer(next, W, b);
    const domain = box(2, -1000, 1000);
    const engine = new UnitEngine(net, domain, SETTINGS);
    const want = await single(net, domain);
    expect(want.patterns.length).toBe(binomial(6, 0) + binomial(6, 1) + binomial(6, 2));
    for (const n of [2, 3, 5]) {
      const all: string[] = [];
      let decisions = 0;
      for (let i = 1; i <= n; i++) {
        const r = runUnits(engine, shardUnits(engine, i, n));
        all.push(...r.patterns);
        decisions += r.decisions;
      }
      expect([...all].sort()).toEqual([...want.patterns].sort());
      expect(decisions).toBe(want.decisions);
    }
  });

  it("a net the sample cannot weigh (fewer distinct sampled regions than intervals) falls back to the exact cut", async () => {
    // 1 input, 2 ReLUs: 3 regions on [-1,1], too few for 4·N intervals.
    const net = oneLayer(rng(5), [[rat(1)], [rat(1)]], [rat(0), rat(-1, 2)]);
    const engine = new UnitEngine(net, box(1, -1, 1), SETTINGS);
    expect(weightedCut(engine, PIECES_PER_SHARD * 2)).toBeUndefined();
    const all = [...runUnits(engine, shardUnits(engine, 1, 2)).patterns, ...runUnits(engine, shardUnits(engine, 2, 2)).patterns];
    expect(all.sort()).toEqual((await single(net, box(1, -1, 1))).patterns.sort());
  });

  it("ACAS Xu 1_1 on a small box (67 regions, dyadic exact checks): the weighted cut's units give the single run's regions in order", async () => {
    const net = loadNetwork(projectFile("fixtures/acasxu/onnx/ACASXU_run2a_1_1_batch_2000.onnx"));
    const domain: DomainSpec = { kind: "box", lo: [rat(-3, 10), rat(-1, 500), rat(-1, 500), rat(3, 10), rat(3, 10)], hi: [rat(-149, 500), rat(1, 500), rat(1, 500), rat(151, 500), rat(151, 500)] };
    const engine = new UnitEngine(net, domain, SETTINGS);
    const want = await single(net, domain);
    expect(want.patterns.length).toBe(67);
    const cut = weightedCut(engine, 4);
    expect(cut!.length).toBeGreaterThan(1);
    expectTiling(cut!);
    const got = runUnits(engine, cut!);
    expect(got.patterns).toEqual(want.patterns);
  });

  it("property: on random 2-input nets and boxes, the cut (weighted or exact) of N shards tiles the tree", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 1e6 }), fc.integer({ min: 2, max: 4 }), fc.integer({ min: 1, max: 4 }), async (seed, n, r) => {
        const net = randomMlp(rng(seed), [2, 5, 4, 1]);
        const domain = box(2, -r, r);
        const engine = new UnitEngine(net, domain, SETTINGS);
        const want = await single(net, domain);
        const got: string[] = [];
        for (let i = 1; i <= n; i++) got.push(...runUnits(engine, shardUnits(engine, i, n)).patterns);
        expect(got.sort()).toEqual([...want.patterns].sort());
      }),
      { numRuns: 8 },
    );
  });
});

// When the worker threads start (src/regions/pool.ts, threadStart "when-long", the default): the calling thread
// searches alone and the threads start only once the rest of the run looks long enough to pay for another V8
// isolate. The rule on hand-computed progress samples; then the answers of runs whose threads start in the
// middle of the search, or never, against known counts (Zaslavsky's formula, Telgarsky's sawtooth) and against the
// in-process engine's region map, byte for byte; the CLI's default on a short run; a bad $TESSERA_THREAD_START.
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { rat } from "../../src/exact/rational.js";
import { writeNetworkJson } from "../../src/formats/network-json.js";
import { collectRegions } from "../../src/regions/enumerate.js";
import { restLooksLong, threadStartOf } from "../../src/regions/pool.js";
import { regionToJson, type RegionJson } from "../../src/regions/region-map.js";
import { enumerate } from "../../src/regions/run.js";
import { workersFromFlags } from "../../src/cli/workers-option.js";
import { seededRandom as rng } from "../../src/exact/random.js";
import type { DomainSpec } from "../../src/geometry/types.js";
import { binomial, oneLayer, randomMatrix, randomMlp, randomRational, sawtoothNet } from "./helpers.js";
import { buildCli, tempFiles } from "../cli/run.js";

/** Samples every 50 ms from 0 to `until` ms of one unit, its share done given by `done(t)`. */
const samples = (until: number, done: (t: number) => number): { id: number; t: number; done: number }[] =>
  Array.from({ length: until / 50 + 1 }, (_, k) => ({ id: 0, t: 50 * k, done: done(50 * k) }));

describe("restLooksLong: the rest of the run against the threads' cost (1 s of search: 2 s on 2 workers, 8/7 s on 8)", () => {
  it("steady progress of 0.1 % a millisecond: at 500 ms, half done, 500 ms left: too short for threads", () => {
    const s = samples(500, (t) => t / 1000);
    expect(restLooksLong(s, 1, 500, 0, 1)).toBe(false);
    expect(restLooksLong(s, 1, 500, 0, 7)).toBe(false);
  });

  it("0.01 % a millisecond: at 500 ms, 5 % done, 9.5 s left: threads start", () => {
    expect(restLooksLong(samples(500, (t) => t / 10000), 1, 500, 0, 1)).toBe(true);
  });

  it("no progress at all (the first region is deep): the rest is unbounded, threads start", () => {
    expect(restLooksLong(samples(500, () => 0), 1, 500, 0, 1)).toBe(true);
  });

  it("no verdict in the first 400 ms of the run (V8 compiling), nor on less than 200 ms of a unit's samples", () => {
    expect(restLooksLong(samples(350, () => 0), 1, 350, 0, 1)).toBe(false);
    expect(restLooksLong(samples(150, () => 0), 1, 5000, 0, 1)).toBe(false);
  });

  it("the rate of the later half of the samples (the earlier half is warm-up); queued units count as long as this one", () => {
    // Flat for 250 ms, then 0.3 in 250 ms: 0.0012 a ms, so 0.7 / 0.0012 = 583 ms left in this unit (the mean rate
    // over 500 ms would say 1,167 ms); the unit's whole length is then 500 + 583 = 1,083 ms.
    const s = samples(500, (t) => (t <= 250 ? 0 : ((t - 250) / 250) * 0.3));
    expect(restLooksLong(s, 1, 500, 0, 1)).toBe(false);
    // Two more units queued: 583 + 2 · 1,083 = 2,750 ms > 2,000.
    expect(restLooksLong(s, 1, 500, 2, 1)).toBe(true);
    // One: 583 + 1,083 = 1,667 ms: not on 2 workers (2,000), yes on 8 (1,143).
    expect(restLooksLong(s, 1, 500, 1, 1)).toBe(false);
    expect(restLooksLong(s, 1, 500, 1, 7)).toBe(true);
  });

  it("a unit with an end: the rest is measured to its end's share, not to the end of the tree", () => {
    // 0.00005 a ms; done 0.2 at 500 ms (from 0.175). End 0.25: 1,000 ms left; end 0.35: 3,000 ms.
    const s = samples(500, (t) => 0.175 + t * 0.00005);
    expect(restLooksLong(s, 0.25, 500, 0, 1)).toBe(false);
    expect(restLooksLong(s, 0.35, 500, 0, 1)).toBe(true);
  });

  it("no threads to start, a cost of 0 (tests: start at the first answer)", () => {
    expect(restLooksLong(samples(500, () => 0), 1, 500, 0, 0)).toBe(false);
    expect(restLooksLong(samples(50, (t) => t / 100), 1, 50, 0, 1, 0)).toBe(true);
  });

  it("$TESSERA_THREAD_START: at-once or when-long (the default); anything else is refused naming it", () => {
    expect(threadStartOf(undefined, {})).toBe("when-long");
    expect(threadStartOf(undefined, { TESSERA_THREAD_START: "at-once" })).toBe("at-once");
    expect(threadStartOf("when-long", { TESSERA_THREAD_START: "at-once" })).toBe("when-long");
    expect(() => threadStartOf(undefined, { TESSERA_THREAD_START: "soon" })).toThrow('TESSERA_THREAD_START: "soon" is not at-once or when-long');
    expect(() => workersFromFlags({}, { TESSERA_WORKERS: "2", TESSERA_THREAD_START: "soon" })).toThrow('TESSERA_THREAD_START: "soon" is not at-once or when-long');
  });
});

describe("the same answers whenever the threads start", () => {
  it("Zaslavsky: 10 hyperplanes in general position in R^3 give Σ_{i≤3} C(10,i) regions with threads started never, mid-run, at once", async () => {
    const next = rng(7310);
    const net = oneLayer(next, randomMatrix(next, 10, 3), Array.from({ length: 10 }, () => randomRational(next)));
    const expected = [0, 1, 2, 3].reduce((s, i) => s + binomial(10, i), 0);
    for (const workers of [2, 3]) {
      for (const [threadStart, threadCostMs] of [
        ["when-long", Infinity],
        ["when-long", 0],
        ["at-once", undefined],
      ] as const) {
        const patterns = new Set<string>();
        const result = await enumerate(net, undefined, { workers, irredundant: false, threadStart, ...(threadCostMs !== undefined ? { threadCostMs } : {}), onRegionKey: (_, key) => void patterns.add(key.pattern) });
        const what = `${workers} workers, ${threadStart}, cost ${threadCostMs}`;
        expect(result.complete, what).toBe(true);
        expect(result.regions, what).toBe(expected);
        expect(patterns.size, what).toBe(expected);
        // Never: the calling thread did the whole run in one unit.
        if (threadCostMs === Infinity) expect(result.parallel, what).toMatchObject({ threadsStarted: 0, units: 1, donations: 0 });
        if (threadStart === "at-once") expect(result.parallel.threadsStarted, what).toBe(workers - 1);
      }
    }
  });

  it("Telgarsky's sawtooth of depth 11 on [0,1]: 2^11 regions, and the map byte for byte the in-process engine's, with the threads started mid-run", async () => {
    const net = sawtoothNet(11);
    const domain: DomainSpec = { kind: "box", lo: [rat(0)], hi: [rat(1)] };
    const reference = await collectRegions(net, domain);
    const expected = reference.regions.map((r) => JSON.stringify(regionToJson(r)));
    expect(expected).toHaveLength(2 ** 11);
    for (const workers of [2, 3]) {
      const json: string[] = [];
      // Cost 0: the threads start at the calling thread's first progress answer (after ~100 ms), in the middle of the search.
      const result = await enumerate(net, domain, { workers, threadStart: "when-long", threadCostMs: 0, onRegionJson: (r: RegionJson) => void json.push(JSON.stringify(r)) });
      expect(result.complete).toBe(true);
      expect(json).toEqual(expected);
      expect(result.stats.decisions).toBe(reference.result.stats.decisions);
      expect(result.parallel.threadsStarted).toBe(workers - 1);
      expect(result.parallel.threadsAtMs).toBeGreaterThan(0);
    }
  });

  it("a random 2-8-8-8-1 net on [-3,3]^2: the same map whether the threads start mid-run or never", async () => {
    const net = randomMlp(rng(41), [2, 8, 8, 8, 1]);
    const domain: DomainSpec = { kind: "box", lo: [rat(-3), rat(-3)], hi: [rat(3), rat(3)] };
    const reference = (await collectRegions(net, domain)).regions.map((r) => JSON.stringify(regionToJson(r)));
    for (const threadCostMs of [0, Infinity]) {
      const json: string[] = [];
      const result = await enumerate(net, domain, { workers: 2, threadStart: "when-long", threadCostMs, onRegionJson: (r: RegionJson) => void json.push(JSON.stringify(r)) });
      expect(result.complete).toBe(true);
      expect(json).toEqual(reference);
    }
  });
});

describe("the CLI's default (no --workers, TESSERA_WORKERS=2, threads when long)", () => {
  const run = (file: string, env: Record<string, string>): { code: number | null; stdout: string; stderr: string } => {
    buildCli();
    const r = spawnSync(process.execPath, ["bin/tessera", "count", file, "--json"], { encoding: "utf8", env: { ...process.env, TESSERA_WORKERS: "2", TESSERA_THREAD_START: "", ...env } });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };

  it("a short count (8 planes in R^3, milliseconds) starts no thread and gives Zaslavsky's count", () => {
    const next = rng(4244);
    const net = oneLayer(next, randomMatrix(next, 8, 3), Array.from({ length: 8 }, () => randomRational(next)));
    const { "net.json": file } = tempFiles({ "net.json": writeNetworkJson(net) });
    const r = run(file!, {});
    expect(r.stderr).toBe("");
    const out = JSON.parse(r.stdout) as { regions: number; complete: boolean; stats: { workers: number; threadsStarted: number } };
    expect(out.complete).toBe(true);
    expect(out.regions).toBe([0, 1, 2, 3].reduce((s, i) => s + binomial(8, i), 0));
    expect(out.stats).toMatchObject({ workers: 2, threadsStarted: 0 });
  });

  it("a bad $TESSERA_THREAD_START: one line naming it, exit 1", () => {
    const next = rng(4245);
    const net = oneLayer(next, randomMatrix(next, 3, 2), Array.from({ length: 3 }, () => randomRational(next)));
    const { "net.json": file } = tempFiles({ "net.json": writeNetworkJson(net) });
    const r = run(file!, { TESSERA_THREAD_START: "soon" });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/TESSERA_THREAD_START: "soon" is not at-once or when-long/);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
  });
});

// Work units on worker threads (src/regions/run.ts, pool.ts): the same answer for --workers 1, 2, 3 — counts
// against Zaslavsky's formula, region maps byte-identical (certificates and box ids included) to the
// in-process engine's on ONNX fixtures and random nets, maps from threads accepted by `tessera check`,
// limits marked complete: false, a failing unit stopping the run, and the --workers flag's bad values.
import { describe, expect, it } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { rat, type Rational } from "../../src/exact/rational.js";
import { loadNetwork } from "../../src/formats/load.js";
import { enumerate } from "../../src/regions/run.js";
import { collectRegions } from "../../src/regions/enumerate.js";
import { runPool, usableCores } from "../../src/regions/pool.js";
import { regionToJson, type RegionJson } from "../../src/regions/region-map.js";
import type { DomainSpec } from "../../src/geometry/types.js";
import type { Network } from "../../src/network/ir.js";
import { TWO_LAYER_NET_JSON, binomial, oneLayer, randomMatrix, randomMlp, randomRational, sawtoothNet } from "./helpers.js";
import { seededRandom as rng } from "../../src/exact/random.js";
import { cli } from "../cli/run.js";
import { projectFile } from "../project.js";
import { workersFromFlags } from "../../src/cli/workers-option.js";

const box = (d: number, r: number): DomainSpec => ({ kind: "box", lo: new Array<Rational>(d).fill(rat(-r * 4, 4)), hi: new Array<Rational>(d).fill(rat(r * 4, 4)) });

async function mapOn(net: Network, domain: DomainSpec | undefined, workers: number): Promise<{ json: string[]; decisions: number; splits: number; complete: boolean }> {
  const json: string[] = [];
  const result = await enumerate(net, domain, { workers, onRegionJson: (r: RegionJson) => void json.push(JSON.stringify(r)) });
  return { json, decisions: result.stats.decisions, splits: result.stats.splits, complete: result.complete };
}

describe("counts equal Zaslavsky's formula on 1, 2 and 3 threads", () => {
  for (const [d, m] of [
    [2, 9],
    [3, 8],
  ] as const) {
    it(`m=${m} affine hyperplanes in general position in R^${d}: Σ_{i≤d} C(m,i)`, async () => {
      const seed = 300 + 10 * d + m;
      const next = rng(seed);
      const net = oneLayer(next, randomMatrix(next, m, d), Array.from({ length: m }, () => randomRational(next)));
      const expected = Array.from({ length: d + 1 }, (_, i) => binomial(m, i)).reduce((a, b) => a + b, 0);
      for (const workers of [1, 2, 3]) {
        const patterns = new Set<string>();
        const result = await enumerate(net, undefined, { workers, irredundant: false, onRegionKey: (_, key) => void patterns.add(key.pattern) });
        expect(result.complete, `seed ${seed}, ${workers} workers`).toBe(true);
        expect(result.regions, `seed ${seed}, ${workers} workers`).toBe(expected);
        expect(patterns.size).toBe(expected);
      }
    });
  }
});

describe("region maps are byte-identical for any number of threads", () => {
  const cases: [string, () => { net: Network; domain?: DomainSpec }][] = [
    ["a random 2-8-8-8-1 ReLU net on [-3,3]^2", () => ({ net: randomMlp(rng(41), [2, 8, 8, 8, 1]), domain: box(2, 3) })],
    ["the residual ONNX fixture on [-1/2,1/2]^n", () => {
      const net = loadNetwork(projectFile("fixtures/onnx/residual.onnx"));
      return { net, domain: box(net.nodes[0]!.size, 1 / 2) };
    }],
    ["the hardtanh ONNX fixture (two breakpoints a neuron) on [-1,1]^n", () => {
      const net = loadNetwork(projectFile("fixtures/onnx/hardtanh.onnx"));
      return { net, domain: box(net.nodes[0]!.size, 1) };
    }],
  ];
  for (const [name, make] of cases) {
    it(name, async () => {
      const { net, domain } = make();
      // The in-process engine (no work units) is the reference.
      const reference = await collectRegions(net, domain);
      const expected = reference.regions.map((r) => JSON.stringify(regionToJson(r)));
      expect(expected.length).toBeGreaterThan(1);
      for (const workers of [2, 3]) {
        const got = await mapOn(net, domain, workers);
        expect(got.complete).toBe(true);
        expect(got.json.length, `${workers} workers`).toBe(expected.length);
        expect(got.json, `${workers} workers`).toEqual(expected);
        expect(got.decisions).toBe(reference.result.stats.decisions);
        expect(got.splits).toBe(reference.result.stats.splits);
      }
    });
  }
});

describe("one memory budget with back-pressure: a slow consumer holds the threads back", () => {
  it("2^9 regions through a budget of 16 while each region takes 0.5 ms to write: at most 8 in flight, 8 waiting in memory, tree order kept", async () => {
    const layers = 9;
    const net = sawtoothNet(layers);
    const domain: DomainSpec = { kind: "box", lo: [rat(0)], hi: [rat(1)] };
    const reference = await collectRegions(net, domain);
    const expected = reference.regions.map((r) => JSON.stringify(regionToJson(r)));
    // Telgarsky: the sawtooth of depth L has 2^L pieces on [0,1].
    expect(expected).toHaveLength(2 ** layers);
    const got: string[] = [];
    const result = await runPool(net, domain, {
      workers: 2,
      budget: 16,
      settings: { certify: true, irredundant: true, keepCertificates: true, collectVertices: false, detail: "json" },
      onItem: (item) => {
        got.push(JSON.stringify(item));
        // A writer slower than the threads (a full pipe, a slow disk).
        const until = performance.now() + 0.5;
        while (performance.now() < until);
      },
    });
    expect(result.complete).toBe(true);
    expect(got).toEqual(expected);
    // Half the budget in flight, half in the ledger (else the threads would have run 2^9 regions ahead).
    expect(result.peak!.inFlight).toBeGreaterThan(0);
    expect(result.peak!.inFlight).toBeLessThanOrEqual(8);
    expect(result.peak!.held).toBeLessThanOrEqual(8);
  });
});

describe("the CLI with --workers", () => {
  const dir = mkdtempSync(join(tmpdir(), "tessera-workers-"));
  const netFile = join(dir, "net.json");
  writeFileSync(netFile, TWO_LAYER_NET_JSON);

  it("regions --json: the same bytes for --workers 1 and 3 except the stats object; both maps pass check", async () => {
    const outs: string[] = [];
    for (const workers of ["1", "3"]) {
      const file = join(dir, `map-${workers}.json`);
      const run = await cli("regions", netFile, "--box=-2:2", "-o", file, "--workers", workers);
      expect(run.code, run.stderr).toBe(0);
      const checked = await cli("check", file, netFile, "--json");
      expect(checked.code, checked.stderr + checked.stdout).toBe(0);
      const text = (await import("node:fs")).readFileSync(file, "utf8");
      const doc = JSON.parse(text) as { stats: { workers: number }; regions: unknown[] };
      expect(doc.stats.workers).toBe(Number(workers));
      outs.push(text.slice(0, text.lastIndexOf('"stats"')));
    }
    expect(outs[1]).toBe(outs[0]);
  });

  it("count --json: the same regions, pieces and decisions for --workers 1, 2, 3", async () => {
    const answers = [];
    for (const workers of ["1", "2", "3"]) {
      const run = await cli("count", netFile, "--box=-2:2", "--json", "--workers", workers);
      expect(run.code, run.stderr).toBe(0);
      const out = JSON.parse(run.stdout) as { regions: number; linearPieces: number; complete: boolean; stats: { decisions: number; splits: number; workers: number } };
      expect(out.stats.workers).toBe(Number(workers));
      answers.push([out.regions, out.linearPieces, out.complete, out.stats.decisions, out.stats.splits]);
    }
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[2]).toEqual(answers[0]);
  });

  it("graph, jumps, bounds, lipschitz and neurons --json: the same answer for --workers 1 and 2", async () => {
    const dropStats = (text: string): unknown => {
      const doc = JSON.parse(text) as Record<string, unknown>;
      // Timings and engine counters are informational (they differ from run to run).
      for (const key of ["elapsedMs", "stats", "graphMs", "enumeration", "lp"]) delete doc[key];
      return doc;
    };
    for (const argv of [["graph"], ["jumps"], ["bounds"], ["lipschitz", "--norm", "inf"], ["neurons"]]) {
      const outs = [];
      for (const workers of ["1", "2"]) {
        const run = await cli(argv[0]!, netFile, ...argv.slice(1), "--box=-2:2", "--json", "--workers", workers);
        expect(run.code, `${argv.join(" ")}: ${run.stderr}`).toBe(0);
        outs.push(dropStats(run.stdout));
      }
      expect(outs[1], argv.join(" ")).toEqual(outs[0]);
    }
  });

  it("--max-regions stops every thread: exactly that many regions, marked complete: false", async () => {
    const run = await cli("count", netFile, "--box=-2:2", "--json", "--workers", "2", "--max-regions", "3");
    expect(run.code, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout) as { regions: number; complete: boolean; status: string };
    expect(out).toMatchObject({ regions: 3, complete: false, status: "max-regions" });
  });

  const bad: [string[], RegExp][] = [
    [["--workers", "0"], /--workers: "0" is not a positive integer/],
    [["--workers", "-1"], /--workers: "-1" is not a positive integer/],
    [["--workers", "abc"], /--workers: "abc" is not a positive integer/],
    [["--workers", "1.5"], /--workers: "1.5" is not a positive integer/],
  ];
  for (const [flags, message] of bad) {
    it(`rejects ${flags.join(" ")}: one line, exit 1`, async () => {
      for (const command of ["count", "regions"]) {
        const run = await cli(command, netFile, ...flags);
        expect(run.code).toBe(1);
        expect(run.stderr).toMatch(message);
        expect(run.stderr.trim().split("\n")).toHaveLength(1);
      }
    });
  }
});

describe("failures and limits", () => {
  it("a unit that is not a node of the tree stops the run with an error naming it", async () => {
    const net = oneLayer(rng(5), randomMatrix(rng(5), 3, 2), [rat(0), rat(1), rat(-1)]);
    await expect(runPool(net, undefined, { workers: 2, settings: { certify: true, irredundant: false, keepCertificates: false, collectVertices: false, detail: "key" }, units: [{ start: [7] }], onItem: () => undefined })).rejects.toThrow("work unit 7 is not a node of this network's split tree");
  });

  it("TESSERA_WORKERS sets the default; a bad value is refused naming it", () => {
    expect(workersFromFlags({}, { TESSERA_WORKERS: "3" })).toBe(3);
    expect(workersFromFlags({ workers: "2" }, { TESSERA_WORKERS: "3" })).toBe(2);
    expect(() => workersFromFlags({}, { TESSERA_WORKERS: "abc" })).toThrow('TESSERA_WORKERS: "abc" is not a positive integer');
    expect(workersFromFlags({}, {})).toBe(usableCores());
  });

  it("the usable cores follow a cgroup CPU quota", () => {
    const dir = mkdtempSync(join(tmpdir(), "tessera-cgroup-"));
    const file = (text: string): string => {
      const f = join(dir, `cpu-${Math.random()}`);
      writeFileSync(f, text);
      return f;
    };
    const all = usableCores(join(dir, "absent"));
    expect(all).toBeGreaterThanOrEqual(1);
    expect(usableCores(file("max 100000\n"))).toBe(all);
    expect(usableCores(file("150000 100000\n"))).toBe(Math.min(all, 1));
    expect(usableCores(file("50000 100000\n"))).toBe(1);
    expect(usableCores(file(`${all * 100000 * 4} 100000\n`))).toBe(all);
  });
});

// --shard i/N + `tessera merge` for the commands built on the region enumeration (bounds, lipschitz, neurons,
// graph, jumps; src/cli/work-units.ts runShard, src/regions/replay.ts, src/cli/merge.ts): for N = 1, 2, 5 the
// merged answer is the single run's (elapsed times aside), and matches values known independently: Zaslavsky's
// counts for an arrangement of lines in general position in R^2 (29 regions; each of the 7 lines is cut into 7
// facets by the 6 others, so 49 edges), and a tent map's bounds and Lipschitz constant worked out by hand. A
// missing shard gives complete: false; every new flag's bad input is refused in one line.
import { describe, expect, it } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeNetworkJson } from "../../src/formats/network-json.js";
import { rat } from "../../src/exact/rational.js";
import { sequential } from "../../src/network/build.js";
import { seededRandom as rng } from "../../src/exact/random.js";
import { TWO_LAYER_NET_JSON, binomial, oneLayer, randomMatrix, randomRational } from "./helpers.js";
import { cli } from "../cli/run.js";

const dir = mkdtempSync(join(tmpdir(), "tessera-shard-commands-"));
const path = (name: string): string => join(dir, name);

const next = rng(1207);
const zaslavsky = path("zaslavsky.json");
writeFileSync(zaslavsky, writeNetworkJson(oneLayer(next, randomMatrix(next, 7, 2), Array.from({ length: 7 }, () => randomRational(next)))));
const twoLayer = path("two-layer.json");
writeFileSync(twoLayer, TWO_LAYER_NET_JSON);
// A tent on [0, 1] made of 2 ReLUs: y = 2·relu(x) − 4·relu(x − 1/2): 0 at 0 and 1, 1 at 1/2, slope ±2.
const tent = path("tent.json");
writeFileSync(tent, writeNetworkJson(sequential(1, [{ weights: [[rat(1)], [rat(1)]], bias: [rat(0), rat(-1, 2)] }, { weights: [[rat(2), rat(-4)]], bias: [rat(0)] }], { kind: "relu" })));

/** Shards 1..n of `command` (one thread each), then `merge --json` (or with `mergeArgs`). */
async function sharded(command: string, net: string, n: number, extra: string[], mergeArgs: string[] = ["--json"], skip?: number): Promise<{ code: number; stdout: string; stderr: string }> {
  const parts: string[] = [];
  for (let i = 1; i <= n; i++) {
    const part = path(`${command}-${n}-${i}-${extra.join("_").replace(/[^a-z0-9]/gi, "")}.json`);
    const run = await cli(command, net, ...extra, "--shard", `${i}/${n}`, "-o", part, "--workers", "1");
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe("");
    if (i !== skip) parts.push(part);
  }
  return cli("merge", ...parts, ...mergeArgs);
}

/** A JSON answer without its timings (the only fields a merged answer may differ in). */
function answer(text: string): unknown {
  return JSON.parse(text, (key, value: unknown) => (key === "elapsedMs" ? undefined : value));
}

async function single(command: string, net: string, extra: string[]): Promise<unknown> {
  const run = await cli(command, net, ...extra, "--json", "--workers", "1");
  expect(run.code, run.stderr).toBe(0);
  return answer(run.stdout);
}

describe("--shard + merge of the commands built on the region enumeration", () => {
  for (const n of [1, 2, 5]) {
    it(`N = ${n}: graph and jumps on 7 lines in general position (29 regions, 49 edges), bounds and lipschitz of a tent${n === 2 ? ", and bounds, lipschitz, neurons of a two-layer net as its single run" : ""}`, async () => {
      const regions = binomial(7, 0) + binomial(7, 1) + binomial(7, 2);
      const graph = await sharded("graph", zaslavsky, n, []);
      expect(graph.code, graph.stderr).toBe(0);
      expect(answer(graph.stdout)).toMatchObject({ counts: { regions, edges: 49 }, complete: true });
      expect(answer(graph.stdout)).toEqual({ ...(await single("graph", zaslavsky, [])) as object, network: { file: zaslavsky, inputs: 2, outputs: 1 } });
      const jumps = await sharded("jumps", zaslavsky, n, []);
      expect(answer(jumps.stdout)).toMatchObject({ counts: { regions, edges: 49 }, complete: true });
      expect(answer(jumps.stdout)).toEqual(await single("jumps", zaslavsky, []));

      // The two-layer net against its single run (a different path: no work units), for N = 2 only (test time).
      const box = ["--box=-2:2"];
      for (const command of n === 2 ? ["bounds", "lipschitz", "neurons"] : []) {
        const merged = await sharded(command, twoLayer, n, box);
        expect(merged.code, merged.stderr).toBe(0);
        expect(answer(merged.stdout), command).toEqual(await single(command, twoLayer, box));
      }
      if (n === 2) {
        const norm1 = await sharded("lipschitz", twoLayer, n, [...box, "--norm", "1"]);
        expect(answer(norm1.stdout)).toEqual(await single("lipschitz", twoLayer, [...box, "--norm", "1"]));
      }

      const bounds = answer((await sharded("bounds", tent, n, ["--box=0:1"])).stdout) as { outputs: { min: string; max: string; argmax: string[] }[]; complete: boolean };
      expect(bounds).toMatchObject({ outputs: [{ min: "0", max: "1", argmax: ["1/2"] }], complete: true, regions: 2 });
      const lipschitz = answer((await sharded("lipschitz", tent, n, ["--box=0:1"])).stdout);
      expect(lipschitz).toMatchObject({ constant: "2", complete: true, regions: 2 });
    });
  }

  it("a missing shard: the merged graph and bounds say complete: false, and stderr names the shard", async () => {
    const graph = await sharded("graph", zaslavsky, 3, [], ["--json"], 2);
    expect(graph.code).toBe(0);
    const doc = answer(graph.stdout) as { complete: boolean; counts: { regions: number } };
    expect(doc.complete).toBe(false);
    expect(doc.counts.regions).toBeLessThan(29);
    expect(graph.stderr).toMatch(/merged 2 of 3 shards \(missing: 2\)/);
    const bounds = await sharded("bounds", twoLayer, 3, ["--box=-2:2"], ["--json"], 3);
    expect(answer(bounds.stdout)).toMatchObject({ complete: false });
  });

  it("a count shard stopped by --max-regions (its part has open units): the merged count says complete: false, never a smaller complete count", async () => {
    const [p1, p2] = [path("max-1.json"), path("max-2.json")];
    expect((await cli("count", twoLayer, "--box=-2:2", "--shard", "1/2", "-o", p1, "--workers", "1", "--max-regions", "1")).code).toBe(0);
    expect((await cli("count", twoLayer, "--box=-2:2", "--shard", "2/2", "-o", p2, "--workers", "1")).code).toBe(0);
    const run = await cli("merge", p1, p2, "--json");
    expect(run.code, run.stderr).toBe(0);
    const merged = JSON.parse(run.stdout) as { regions: number; complete: boolean };
    expect(merged.complete).toBe(false);
    // 33 regions on [-2,2]^2 (helpers.ts); the stopped shard kept only its first.
    expect(merged.regions).toBeLessThan(33);
    expect(run.stderr).toMatch(/units left open; the result says complete: false/);
  });

  it("graph parts merge into a file in the format asked (--format, or the extension)", async () => {
    const out = path("merged.dot");
    const run = await sharded("graph", zaslavsky, 2, [], ["-o", out]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/wrote 29 regions and 49 edges to .*merged\.dot \(dot\)/);
  });
});

describe("bad input of --shard on bounds, lipschitz, neurons, graph, jumps and of merge", () => {
  const one = async (argv: string[], message: RegExp): Promise<void> => {
    const run = await cli(...argv);
    expect(run.code, run.stdout).toBe(1);
    expect(run.stderr).toMatch(message);
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
  };
  for (const command of ["bounds", "lipschitz", "neurons", "graph", "jumps"]) {
    it(`${command}: --shard 3/2, 0/0, a/b; --shard without -o`, async () => {
      await one([command, twoLayer, "--shard", "3/2", "-o", path("x.json")], /--shard: "3\/2": the shard index i must be between 1 and N = 2/);
      await one([command, twoLayer, "--shard", "0/0", "-o", path("x.json")], /--shard: "0\/0": the number of shards N must be at least 1/);
      await one([command, twoLayer, "--shard", "a/b", "-o", path("x.json")], /--shard: "a\/b" is not of the form i\/N/);
      await one([command, twoLayer, "--shard", "1/2"], /--shard: needs -o PART/);
    });
  }

  it("-o without --shard (bounds, lipschitz, neurons, jumps print their answer), neurons --data with --shard, and merge flags that do not fit the parts", async () => {
    for (const command of ["bounds", "lipschitz", "neurons", "jumps"]) await one([command, twoLayer, "-o", path("y.json")], new RegExp(`-o: is the part file of --shard; ${command} prints its answer`));
    const csv = path("rows.csv");
    writeFileSync(csv, "0,0\n1,1\n");
    await one(["neurons", twoLayer, "--data", csv, "--shard", "1/2", "-o", path("n.json")], /--data: cannot be combined with --shard/);
    const b1 = path("bad-b1.json");
    expect((await cli("bounds", twoLayer, "--shard", "1/1", "-o", b1)).code).toBe(0);
    await one(["merge", b1, "-o", path("m.json")], /-o: writes a region map or a graph; merge prints the answer of bounds/);
    await one(["merge", b1, "--format", "dot"], /--format: is the format of a merged graph, not of bounds/);
    const g1 = path("bad-g1.json");
    expect((await cli("graph", twoLayer, "--shard", "1/1", "-o", g1)).code).toBe(0);
    await one(["merge", b1, g1], /bad-g1\.json: command: is another command than in/);
  });
});

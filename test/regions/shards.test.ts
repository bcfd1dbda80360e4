// --shard i/N + `tessera merge`, checkpoints and --resume (src/cli/work-units.ts, merge.ts, regions/part-file.ts):
// merged counts equal Zaslavsky's formula and a single run for N = 1, 2, 5; a merged region map is the single
// run's map byte for byte (stats aside) and passes `tessera check`; a missing shard is reported incomplete;
// a run killed with SIGKILL and resumed from its checkpoint gives the same count; every bad input is refused.
import { describe, expect, it } from "vitest";
import { Ajv } from "ajv";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeNetworkJson } from "../../src/formats/network-json.js";
import { TWO_LAYER_NET_JSON, binomial, oneLayer, randomMatrix, randomRational } from "./helpers.js";
import { seededRandom as rng } from "../../src/exact/random.js";
import { cli } from "../cli/run.js";
import { projectFile } from "../project.js";

const dir = mkdtempSync(join(tmpdir(), "tessera-shards-"));
const path = (name: string): string => join(dir, name);

// Zaslavsky: m = 7 affine hyperplanes in general position in R^2 cut the plane into Σ_{i≤2} C(7,i) = 29 regions.
const next = rng(1207);
const zaslavsky = path("zaslavsky.json");
writeFileSync(zaslavsky, writeNetworkJson(oneLayer(next, randomMatrix(next, 7, 2), Array.from({ length: 7 }, () => randomRational(next)))));
const ZASLAVSKY_REGIONS = binomial(7, 0) + binomial(7, 1) + binomial(7, 2);

const twoLayer = path("two-layer.json");
writeFileSync(twoLayer, TWO_LAYER_NET_JSON);

interface CountOut {
  regions: number;
  linearPieces: number;
  complete: boolean;
  missingShards?: number[];
  stats: { decisions: number; splits: number };
}

async function countJson(...argv: string[]): Promise<CountOut> {
  const run = await cli("count", ...argv, "--json");
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as CountOut;
}

/** Run shards 1..n; the domain is --box=-2:2 unless `extra` names another (the Zaslavsky net: all of R^2). */
async function shards(command: "count" | "regions", net: string, n: number, tag: string, extra: string[] = ["--box=-2:2"]): Promise<string[]> {
  const parts: string[] = [];
  for (let i = 1; i <= n; i++) {
    const part = path(`${tag}-${i}-of-${n}.json`);
    const run = await cli(command, net, "--shard", `${i}/${n}`, "-o", part, "--workers", "1", ...extra);
    expect(run.code, run.stderr).toBe(0);
    parts.push(part);
  }
  return parts;
}

describe("count --shard i/N + merge", () => {
  for (const n of [1, 2, 5]) {
    it(`N = ${n}: Zaslavsky's ${ZASLAVSKY_REGIONS} regions, and the single run's pieces and decisions on a two-layer net`, async () => {
      const z = await shards("count", zaslavsky, n, "z", []);
      const merged = JSON.parse((await cli("merge", ...z, "--json")).stdout) as CountOut;
      expect(merged).toMatchObject({ regions: ZASLAVSKY_REGIONS, complete: true });
      const single = await countJson(twoLayer, "--box=-2:2", "--workers", "1");
      const parts = await shards("count", twoLayer, n, "t");
      const run = await cli("merge", ...parts, "--json");
      expect(run.code, run.stderr).toBe(0);
      const out = JSON.parse(run.stdout) as CountOut;
      expect([out.regions, out.linearPieces, out.complete, out.stats.decisions, out.stats.splits]).toEqual([single.regions, single.linearPieces, true, single.stats.decisions, single.stats.splits]);
    });
  }

  it("a missing shard: the merged count is marked complete: false with missingShards, exit 0", async () => {
    const parts = await shards("count", twoLayer, 5, "m");
    const run = await cli("merge", parts[0]!, parts[1]!, parts[3]!, parts[4]!, "--json");
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout) as CountOut;
    expect(out.complete).toBe(false);
    expect(out.missingShards).toEqual([3]);
    const all = JSON.parse((await cli("merge", ...parts, "--json")).stdout) as CountOut;
    expect(out.regions).toBeLessThan(all.regions);
  });
});

describe("regions --shard i/N + merge", () => {
  it("N = 2 and 5: the single run's map byte for byte (stats aside), accepted by check; a map missing a shard is incomplete", async () => {
    const single = path("single.json");
    expect((await cli("regions", twoLayer, "--box=-2:2", "-o", single, "--workers", "1")).code).toBe(0);
    const expected = readFileSync(single, "utf8");
    for (const n of [2, 5]) {
      const parts = await shards("regions", twoLayer, n, "r", ["--box=-2:2", "--workers", n === 2 ? "2" : "1"]);
      const merged = path(`merged-${n}.json`);
      const run = await cli("merge", ...parts, "-o", merged);
      expect(run.code, run.stderr).toBe(0);
      const text = readFileSync(merged, "utf8");
      expect(text.slice(0, text.lastIndexOf('"stats"'))).toBe(expected.slice(0, expected.lastIndexOf('"stats"')));
      const checked = await cli("check", merged, twoLayer);
      expect(checked.code, checked.stderr).toBe(0);
      if (n === 5) {
        const partial = path("partial.json");
        expect((await cli("merge", ...parts.slice(1), "-o", partial)).code).toBe(0);
        const doc = JSON.parse(readFileSync(partial, "utf8")) as { complete: boolean; missingShards: number[] };
        expect(doc.complete).toBe(false);
        expect(doc.missingShards).toEqual([1]);
      }
    }
  });
});

describe("part files and checkpoints validate against docs/schema/part.schema.json", () => {
  it("count and regions parts, and a checkpoint", async () => {
    const ajv = new Ajv({ allErrors: true });
    ajv.addSchema(JSON.parse(readFileSync(projectFile("docs/schema/work-unit.schema.json"), "utf8")) as object, "work-unit.schema.json");
    const validate = ajv.compile(JSON.parse(readFileSync(projectFile("docs/schema/part.schema.json"), "utf8")) as object);
    const checkpoint = path("schema.ckpt");
    expect((await cli("count", twoLayer, "--box=-2:2", "--workers", "1", "--checkpoint", checkpoint)).code).toBe(0);
    const files = [...(await shards("count", twoLayer, 2, "schema-c")), ...(await shards("regions", twoLayer, 2, "schema-r")), checkpoint];
    for (const file of files) {
      const doc = JSON.parse(readFileSync(file, "utf8")) as unknown;
      expect(validate(doc), `${file}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
    // The schema can fail: a part without its network hash is rejected.
    const broken = JSON.parse(readFileSync(files[0]!, "utf8")) as { network: { sha256?: string } };
    delete broken.network.sha256;
    expect(validate(broken)).toBe(false);
  });
});

describe("checkpoint and resume", () => {
  it("a run killed with SIGKILL after a checkpoint resumes to the same count", async () => {
    // A run long enough (16,270 regions, seconds even on an idle machine) that a checkpoint with open work is
    // written before it ends: on the small 2-16-16-2 net an idle CI machine finished before the first checkpoint.
    const net = projectFile("fixtures/bench/mlp-3-32-32-32-2.json");
    const expected = await countJson(net, "--box=-1:1", "--workers", "1");
    const checkpoint = path("run.ckpt");
    const args = ["count", net, "--box=-1:1", "--workers", "1", "--checkpoint", checkpoint, "--checkpoint-every", "0.2", "--json"];
    const main = new URL("../../src/cli/main.ts", import.meta.url).href;
    const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", `const { runCli } = await import(${JSON.stringify(main)}); process.exitCode = await runCli(${JSON.stringify(args)});`], { stdio: "ignore" });
    // Kill it as soon as a checkpoint holds some regions and some open work.
    const saved = await new Promise<{ open: number; regions: number }>((resolve, reject) => {
      const poll = setInterval(() => {
        if (!existsSync(checkpoint)) return;
        const doc = JSON.parse(readFileSync(checkpoint, "utf8")) as { open: unknown[]; segments: { regions: unknown[] }[] };
        const regions = doc.segments.reduce((s, g) => s + g.regions.length, 0);
        if (regions > 0 && doc.open.length > 0) {
          clearInterval(poll);
          child.kill("SIGKILL");
          resolve({ open: doc.open.length, regions });
        }
      }, 20);
      child.on("exit", () => {
        clearInterval(poll);
        reject(new Error("the run ended before a checkpoint with open work was seen"));
      });
    });
    await new Promise((resolve) => child.on("exit", resolve));
    expect(saved.regions).toBeLessThan(expected.regions);
    const resumed = await countJson(net, "--box=-1:1", "--workers", "2", "--resume", checkpoint);
    expect([resumed.regions, resumed.linearPieces, resumed.complete, resumed.stats.decisions]).toEqual([expected.regions, expected.linearPieces, true, expected.stats.decisions]);
  }, 120_000);
});

describe("bad input", () => {
  const one = async (argv: string[], message: RegExp): Promise<void> => {
    const run = await cli(...argv);
    expect(run.code, run.stdout).toBe(1);
    expect(run.stderr).toMatch(message);
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
  };
  for (const [shard, message] of [
    ["3/2", /--shard: "3\/2": the shard index i must be between 1 and N = 2/],
    ["0/3", /--shard: "0\/3": the shard index i must be between 1 and N = 3/],
    ["0/0", /--shard: "0\/0": the number of shards N must be at least 1/],
    ["a/b", /--shard: "a\/b" is not of the form i\/N/],
    ["1/0", /--shard: "1\/0": the number of shards N must be at least 1/],
  ] as const) {
    it(`--shard ${shard}`, async () => {
      await one(["count", twoLayer, "--shard", shard, "-o", path("x.json")], message);
      await one(["regions", twoLayer, "--shard", shard, "-o", path("x.json")], message);
    });
  }

  it("merge refuses parts of different networks, domains, versions and shard counts, a repeated shard and a truncated part", async () => {
    const [a1, a2] = await shards("count", twoLayer, 2, "bad-a");
    const [z1] = await shards("count", zaslavsky, 2, "bad-z", []);
    await one(["merge", a1!, z1!], /bad-z-1-of-2\.json: network: is another network than in/);
    const box = path("other-box.json");
    expect((await cli("count", twoLayer, "--box=-1:1", "--shard", "2/2", "-o", box, "--workers", "1")).code).toBe(0);
    await one(["merge", a1!, box], /other-box\.json: domain: is another domain than in/);
    const version = path("other-version.json");
    writeFileSync(version, readFileSync(a2!, "utf8").replace(/"tessera":"[^"]*"/, '"tessera":"0.0.1"'));
    await one(["merge", a1!, version], /other-version\.json: tessera: is another tessera version than in/);
    const [t1] = await shards("count", twoLayer, 3, "bad-three");
    await one(["merge", a1!, t1!], /bad-three-1-of-3\.json: shard\.count: is 3 but .* was cut into 2 shards/);
    const copy = path("copy.json");
    writeFileSync(copy, readFileSync(a1!));
    await one(["merge", a1!, copy], /copy\.json: shard\.index: shard 1\/2 is also .*bad-a-1-of-2\.json: a shard given twice/);
    const cut = path("cut.json");
    const text = readFileSync(a2!, "utf8");
    writeFileSync(cut, text.slice(0, Math.floor(text.length / 2)));
    await one(["merge", a1!, cut], /cut\.json: is not a complete JSON document .* a part cut short cannot be merged/);
  });

  it("--resume refuses a checkpoint of another network, and --shard without -o", async () => {
    const checkpoint = path("z.ckpt");
    expect((await cli("count", zaslavsky, "--workers", "1", "--checkpoint", checkpoint)).code).toBe(0);
    await one(["count", twoLayer, "--box=-2:2", "--resume", checkpoint], /z\.ckpt: network\.sha256: is the checkpoint of another network/);
    await one(["count", twoLayer, "--shard", "1/2"], /--shard: needs -o PART/);
  });

  it("--shard with --checkpoint or --resume is refused (a shard is rerun whole; docs/scale.md)", async () => {
    for (const command of ["count", "regions"]) {
      await one([command, twoLayer, "--shard", "1/2", "-o", path("s.json"), "--checkpoint", path("s.ckpt")], /--shard: cannot be combined with --checkpoint or --resume/);
      await one([command, twoLayer, "--shard", "1/2", "-o", path("s.json"), "--resume", path("s.ckpt")], /--shard: cannot be combined with --checkpoint or --resume/);
    }
  });
});

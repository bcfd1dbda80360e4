// `tessera check` against maps made by `tessera regions`: it accepts every map produced here (boxes,
// R^d, polytopes, slices, general activations, NDJSON, incomplete maps) and rejects a moved witness, a
// changed map entry, a dropped region and a corrupted certificate (one test each).
import { describe, expect, it, beforeAll } from "vitest";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../../src/cli/main.js";
import { writeNetworkJson } from "../../src/formats/network-json.js";
import { parseRational, rat } from "../../src/exact/rational.js";
import { randomMlp } from "./helpers.js";
import { seededRandom } from "../../src/exact/random.js";

const dir = mkdtempSync(join(tmpdir(), "tessera-check-"));

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await runCli(args, { stdout: (s) => (out += s), stderr: (s) => (err += s), stderrIsTTY: false });
  return { code, out, err };
}

function saveNet(name: string, widths: number[], seed: number, activation?: Parameters<typeof randomMlp>[2]): string {
  const file = join(dir, `${name}.json`);
  writeFileSync(file, writeNetworkJson(randomMlp(seededRandom(seed), widths, activation)));
  return file;
}

const seedNet = "fixtures/seed-three-neurons.json";
let net2: string;
let mapFile: string;
type MapDoc = { regions: Record<string, unknown>[]; counts: { regions: number } } & Record<string, unknown>;
let doc: MapDoc;

beforeAll(async () => {
  net2 = saveNet("net2", [2, 6, 6, 1], 41);
  mapFile = join(dir, "map.json");
  const made = await cli(["regions", net2, "--box=-1:1", "-o", mapFile]);
  expect(made.code).toBe(0);
  doc = JSON.parse(readFileSync(mapFile, "utf8")) as MapDoc;
  expect(doc.regions.length).toBeGreaterThan(6);
});

describe("check accepts every map the tests produce", () => {
  const polytope = join(dir, "polytope.json");
  writeFileSync(polytope, JSON.stringify({ A: [["1", "1"], ["-1", "0"], ["0", "-1"]], b: ["2", "1", "1"] }));
  const unbounded = join(dir, "halfplane.json");
  writeFileSync(unbounded, JSON.stringify({ A: [["1", "-1/3"]], b: ["1/2"] }));
  const cases: [string, () => string, string[]][] = [
    ["seed over R^2", () => seedNet, []],
    ["seed on a box", () => seedNet, ["--box=-1:1"]],
    ["2-6-6-1 on a box", () => net2, ["--box=-1:1,0:1/3"]],
    ["2-6-6-1 on a polytope", () => net2, ["--domain", polytope]],
    ["2-6-6-1 on an unbounded half-plane", () => net2, ["--domain", unbounded]],
    ["3-5-5-1 on a plane slice", () => saveNet("net3", [3, 5, 5, 1], 42), ["--plane", "0,0,0;1,0,1/2;0,1,-1", "--box=-2:2"]],
    ["3-5-5-1 on a line", () => saveNet("net3b", [3, 5, 5, 1], 43), ["--line", "0,0,0;1,1/2,1/3"]],
    ["2-5-5-1 hardtanh", () => saveNet("ht", [2, 5, 5, 1], 44, { kind: "hardtanh", min: rat(-1), max: rat(1) }), ["--box=-3:3"]],
    ["2-5-1 abs", () => saveNet("abs", [2, 5, 1], 45, { kind: "abs" }), []],
    ["an incomplete map (--max-regions 4)", () => net2, ["--box=-1:1", "--max-regions", "4"]],
  ];
  for (const [name, net, flags] of cases) {
    for (const ndjson of [false, true]) {
      it(`${name}${ndjson ? " (NDJSON)" : ""}`, async () => {
        const out = join(dir, `m-${name.replace(/\W+/g, "_")}${ndjson ? ".ndjson" : ".json"}`);
        const made = await cli(["regions", net(), ...flags, "-o", out, ...(ndjson ? ["--ndjson"] : [])]);
        expect(made.code, made.err).toBe(0);
        const checked = await cli(["check", out, net(), "--json"]);
        expect(checked.code, checked.err + checked.out).toBe(0);
        const report = JSON.parse(checked.out) as { ok: boolean; complete: boolean };
        expect(report.ok).toBe(true);
        expect(report.complete).toBe(!flags.includes("--max-regions"));
      });
    }
  }
});

async function rejects(mutate: (d: MapDoc) => void, message: RegExp): Promise<void> {
  const copy = JSON.parse(JSON.stringify(doc)) as MapDoc;
  mutate(copy);
  const file = join(dir, `bad-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(copy));
  const res = await cli(["check", file, net2]);
  expect(res.code).toBe(1);
  expect(res.err).toMatch(/^tessera: check failed: /);
  expect(res.err).toMatch(message);
  expect(res.err.trim().split("\n")).toHaveLength(1);
}

describe("check rejects tampered maps", () => {
  it("a moved witness", async () => {
    await rejects((d) => {
      d.regions[2]!.witness = d.regions[3]!.witness;
    }, /regions\[2\]\.witness/);
  });
  it("a changed map entry", async () => {
    await rejects((d) => {
      const map = d.regions[1]!.map as { A: string[][]; c: string[] };
      map.A[0]![1] = parseRational(map.A[0]![1]!).add(rat(1, 1000)).toFraction();
    }, /regions\[1\]\.map\.A\[0\]\[1\]/);
  });
  it("a dropped region (counts and ids renumbered to match)", async () => {
    await rejects((d) => {
      const splits = d.regions[3]!.splits as unknown[];
      d.regions.splice(3, 1);
      // Keep the dropped region's splits on the next region so only the missing leaf betrays it.
      d.regions[3]!.splits = [...splits, ...(d.regions[3]!.splits as unknown[])];
      d.regions.forEach((r, i) => (r.id = i));
      d.counts.regions = d.regions.length;
    }, /regions\[3\]/);
  });
  it("a dropped last region", async () => {
    await rejects((d) => {
      d.regions.pop();
      d.counts.regions = d.regions.length;
    }, /missing/);
  });
  it("a corrupted certificate", async () => {
    await rejects((d) => {
      type Cert = { y?: string[] };
      const withCert = d.regions.flatMap((r) => r.splits as { lower?: Cert; upper?: Cert }[]).find((s) => (s.upper?.y?.length ?? 0) > 0 || (s.lower?.y?.length ?? 0) > 0)!;
      const cert = (withCert.upper?.y?.length ? withCert.upper : withCert.lower!) as { y: string[] };
      cert.y[0] = String(BigInt(cert.y[0]!) * 3n); // the multiplier times 3 (the denominator stays)
    }, /splits\[\d+\]\.(upper|lower)/);
  });
  it("a corrupted bounding-box certificate", async () => {
    await rejects((d) => {
      const box = d.regions.flatMap((r) => r.splits as { box?: number; upper?: ({ y: string[] } | null)[] }[]).find((s) => s.box !== undefined && Array.isArray(s.upper))!;
      const axis = box.upper!.find((c) => c !== null && c.y.length > 0)!;
      axis.y[0] = String(BigInt(axis.y[0]!) + 1n); // the multiplier plus 1/den
    }, /splits\[\d+\]\.upper\[\d\]/);
  });
  it("a box reference to a box that is not on the path", async () => {
    await rejects((d) => {
      const split = d.regions.flatMap((r) => r.splits as { neuron?: number; upper?: { box?: number } }[]).find((s) => s.neuron !== undefined && s.upper?.box !== undefined)!;
      split.upper!.box = 9999;
    }, /is not a bounding box of this node's path/);
  });
  it("a widened piece range (a pruned piece claimed kept without its region)", async () => {
    await rejects((d) => {
      const s = (d.regions[0]!.splits as { keep: number[]; upper?: unknown }[]).find((x) => x.keep !== undefined && x.keep[0] === 0 && x.keep[1] === 0 && x.upper)!;
      s.keep = [0, 1];
      delete s.upper;
    }, /regions/);
  });
  it("a map of another network", async () => {
    const other = saveNet("other", [2, 6, 6, 1], 99);
    const res = await cli(["check", mapFile, other]);
    expect(res.code).toBe(1);
    expect(res.err).toMatch(/network\.sha256/);
  });
});

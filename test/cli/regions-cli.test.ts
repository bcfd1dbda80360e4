// The region commands through the CLI: count/regions/check output shapes, the region map against its
// JSON Schema (ajv), --box=-1:1, limits (--max-regions, --timeout) that still print output marked
// complete: false, and every bad-input row of docs/errors.md "Domains, limits and region maps".
import { describe, expect, it } from "vitest";
import { Ajv } from "ajv";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../../src/cli/main.js";
import { parseRational } from "../../src/exact/rational.js";
import { writeNetworkJson } from "../../src/formats/network-json.js";
import { randomMlp } from "../regions/helpers.js";
import { seededRandom } from "../../src/exact/random.js";
import { projectFile } from "../project.js";

const dir = mkdtempSync(join(tmpdir(), "tessera-regions-cli-"));
const seed = "fixtures/seed-three-neurons.json";
const net = join(dir, "net.json");
writeFileSync(net, writeNetworkJson(randomMlp(seededRandom(7), [2, 8, 8, 2])));
const validate = new Ajv({ allErrors: true }).compile(JSON.parse(readFileSync(projectFile("docs/schema/region-map.schema.json"), "utf8")) as object);

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await runCli(args, { stdout: (s) => (out += s), stderr: (s) => (err += s), stderrIsTTY: false });
  return { code, out, err };
}

describe("count", () => {
  it("--json: regions, complete, domain, elapsedMs", async () => {
    const r = await cli(["count", seed, "--json"]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.out) as Record<string, unknown>;
    expect(out).toMatchObject({ regions: 7, complete: true, domain: { kind: "all", dim: 2 } });
    expect(typeof out.elapsedMs).toBe("number");
  });
  it("--box=-1:1 and --box -1:1 give the same count", async () => {
    const a = JSON.parse((await cli(["count", seed, "--box=-1:1", "--json"])).out) as { regions: number };
    const b = JSON.parse((await cli(["count", seed, "--box", "-1:1", "--json"])).out) as { regions: number };
    expect(a.regions).toBe(5);
    expect(b.regions).toBe(5);
  });
  it("human text", async () => {
    const r = await cli(["count", seed]);
    expect(r.out).toMatch(/^regions\s+7$/m);
  });
});

describe("regions", () => {
  it("the JSON map validates against docs/schema/region-map.schema.json", async () => {
    for (const flags of [[], ["--box=-1:1", "--vertices"], ["--plane", "0,0;1,0;0,1", "--box=-2:2"], ["--max-regions", "3"]]) {
      const r = await cli(["regions", net, "--json", ...flags]);
      expect(r.code, r.err).toBe(0);
      const doc = JSON.parse(r.out) as unknown;
      expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    }
  });
  it("NDJSON: a header line, one region a line, a closing line; reassembled it validates", async () => {
    const r = await cli(["regions", seed, "--ndjson"]);
    const lines = r.out.trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0]).toMatchObject({ format: "tessera-region-map", version: 2 });
    expect(lines).toHaveLength(1 + 7 + 1);
    const doc = { ...lines[0], regions: lines.slice(1, -1), ...lines[lines.length - 1] };
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
  });
  it("--max-regions 5 prints 5 regions and complete: false", async () => {
    const r = await cli(["regions", net, "--box=-1:1", "--max-regions", "5", "--json"]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out) as { regions: unknown[]; complete: boolean; status: string };
    expect(doc.regions).toHaveLength(5);
    expect(doc.complete).toBe(false);
    expect(doc.status).toBe("max-regions");
    expect(r.err).toMatch(/complete: false/);
  });
  it("--max-regions equal to the count is still complete", async () => {
    const doc = JSON.parse((await cli(["regions", seed, "--max-regions", "7", "--json"])).out) as { complete: boolean };
    expect(doc.complete).toBe(true);
  });
  it("--timeout: output still comes, complete: false", async () => {
    const r = await cli(["count", net, "--timeout", "0.000000001", "--json"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ complete: false, status: "timeout" });
  });
  it("--vertices in 2-D: the exact areas of the regions add up exactly to the box's area", async () => {
    const r = await cli(["regions", net, "--box=-1:3/2,0:2", "--vertices", "--json"]);
    const doc = JSON.parse(r.out) as { regions: { vertices: string[][]; bounded: boolean }[]; complete: boolean };
    expect(doc.complete).toBe(true);
    let total = parseRational("0");
    for (const region of doc.regions) {
      const v = region.vertices.map((p) => p.map(parseRational));
      let twice = parseRational("0");
      for (let i = 0; i < v.length; i++) {
        const a = v[i]!;
        const b = v[(i + 1) % v.length]!;
        twice = twice.add(a[0]!.mul(b[1]!)).sub(b[0]!.mul(a[1]!));
      }
      total = total.add(twice.abs().div(2));
    }
    expect(doc.regions.length).toBeGreaterThan(10);
    expect(total.toFraction()).toBe("5");
  });
  it("human text lists one region a line", async () => {
    const r = await cli(["regions", seed]);
    expect(r.out.trim().split("\n")).toHaveLength(1 + 7 + 1);
  });
});

const polytope = (name: string, body: unknown): string => {
  const file = join(dir, name);
  writeFileSync(file, typeof body === "string" ? body : JSON.stringify(body));
  return file;
};

/** docs/errors.md, section "Domains, limits and region maps": every row is a case here. */
const rows: [id: string, args: () => string[], message: string | RegExp][] = [
  ["box-empty", () => ["count", seed, "--box="], '--box: is empty; give intervals such as "-1:1,0:1/2"'],
  ["box-not-interval", () => ["count", seed, "--box", "1"], '--box: interval 1: "1" is not of the form lo:hi'],
  ["box-not-rational", () => ["count", seed, "--box=-1:x"], '--box: interval 1: "x" is not a rational number'],
  ["box-no-interior", () => ["count", seed, "--box=0:1,1:1"], "--box: interval 2: lo must be below hi (1:1 has no interior)"],
  ["box-count", () => ["count", seed, "--box=0:1,0:1,0:1"], "--box: has 3 intervals, the network takes 2 inputs (give 2, or one for all)"],
  ["domain-missing", () => ["count", seed, "--domain", join(dir, "nope.json")], /nope\.json: no such file$/],
  ["domain-invalid-json", () => ["count", seed, "--domain", polytope("bad.json", '{"A": [[1, 0]], "b": [1]')], /bad\.json: line 1, column \d+: /],
  ["domain-no-A", () => ["count", seed, "--domain", polytope("noA.json", { b: ["1"] })], /noA\.json: A: is missing; a domain file is \{"A": \[\[\.\.\.\]\], "b": \[\.\.\.\]\} meaning A·x ≤ b$/],
  ["domain-columns", () => ["count", seed, "--domain", polytope("cols.json", { A: [["1", "0", "2"]], b: ["1"] })], /cols\.json: A\[0\]: expected 2 entries, found 3$/],
  ["domain-b-length", () => ["count", seed, "--domain", polytope("blen.json", { A: [["1", "0"], ["0", "1"]], b: ["1"] })], /blen\.json: b: has 1 entries but A has 2 rows$/],
  ["domain-not-rational", () => ["count", seed, "--domain", polytope("rat.json", { A: [["1", "x"]], b: ["1"] })], /rat\.json: A\[0\]\[1\]: "x" is not a rational number$/],
  ["domain-no-interior", () => ["count", seed, "--domain", polytope("flat.json", { A: [["1", "0"], ["-1", "0"]], b: ["0", "0"] })], /flat\.json: has an empty interior, so it contains no linear region$/],
  ["two-domains", () => ["count", seed, "--box=-1:1", "--domain", "x.json"], "--domain: cannot be combined with --box (give one input domain)"],
  ["line-points", () => ["count", seed, "--line", "0,0"], '--line: has 1 point, expected 2 separated by ";"'],
  ["line-coordinates", () => ["count", seed, "--line", "0,0;1"], "--line: point 2: has 1 coordinates, the network takes 2 inputs"],
  ["line-not-rational", () => ["count", seed, "--line", "0,a;1,1"], '--line: point 1, coordinate 2: "a" is not a rational number'],
  ["line-same-points", () => ["count", seed, "--line", "1,1;1,1"], "--line: two of its points coincide"],
  ["plane-collinear", () => ["count", seed, "--plane", "0,0;1,1;2,2"], "--plane: its three points are collinear"],
  ["line-and-plane", () => ["count", seed, "--line", "0,0;1,1", "--plane", "0,0;1,0;0,1"], "--plane: cannot be combined with --line (give one slice)"],
  ["slice-outside-box", () => ["count", seed, "--line", "5,5;6,5", "--box=-1:1"], "--line: has an empty interior, so it contains no linear region"],
  ["max-regions-zero", () => ["count", seed, "--max-regions", "0"], '--max-regions: "0" is not a positive integer'],
  ["max-regions-text", () => ["count", seed, "--max-regions", "many"], '--max-regions: "many" is not a positive integer'],
  ["timeout-text", () => ["count", seed, "--timeout=soon"], '--timeout: "soon" is not a positive number of seconds'],
  // (4 box rows + 3 ReLU rows) · 2 coordinates = 14 entries.
  ["hform-entries", () => ["regions", seed, "--box=-1:1", "--max-hform-entries", "13"], `${seed}: a region's certified H-form may have 7 rows (4 of the domain, 3 of the neurons) over the 2 domain coordinates: 14 entries, more than tessera's limit of 13 (raise it with --max-hform-entries, or cut the domain to a slice with --line or --plane; count needs no H-form)`],
  ["max-hform-entries-text", () => ["regions", seed, "--max-hform-entries", "lots"], '--max-hform-entries: "lots" is not a positive integer'],
  ["check-not-json", () => ["check", polytope("garbage.txt", "hello\n"), seed], /garbage\.txt: line 1: is neither a JSON document nor an NDJSON line \(a JSON object\)$/],
  ["check-unknown-format", () => ["check", polytope("fmt.json", { format: "foo" }), seed], /fmt\.json: format: "foo" is not a format tessera can check \(known: tessera-region-map.*\)$/],
  ["property-inputs", () => ["count", seed, "--property", polytope("p.vnnlib", "(declare-const X_0 Real)\n(declare-const Y_0 Real)\n(assert (<= X_0 1))\n(assert (>= X_0 0))\n(assert (<= Y_0 0))\n")], /p\.vnnlib: declares 1 inputs X_i, the network takes 2$/],
];

describe("bad inputs (docs/errors.md: Domains, limits and region maps)", () => {
  const documented = readFileSync(projectFile("docs/errors.md"), "utf8");
  const section = documented.slice(documented.indexOf("## Domains, limits and region maps"));
  for (const [id, args, message] of rows) {
    it(id, async () => {
      const r = await cli(args());
      expect(r.code).toBe(1);
      const line = r.err.trim();
      expect(line.split("\n")).toHaveLength(1);
      expect(line.startsWith("tessera: error: ")).toBe(true);
      const text = line.slice("tessera: error: ".length);
      if (typeof message === "string") expect(text).toBe(message);
      else expect(text).toMatch(message);
      expect(section, `docs/errors.md has a row for ${id}`).toContain(`| ${id} |`);
    });
  }
});

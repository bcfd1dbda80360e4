// `tessera check` verifies every field a region map prints: each kind of tampering below must be rejected
// with "check failed" naming the field, while the untouched map passes. Maps come from the real CLI.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Fraction from "fraction.js";
import { beforeAll, describe, expect, it } from "vitest";
import { cli } from "../cli/run.js";

const SEED = "fixtures/seed-three-neurons.json";
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let dir = "";
/** A 3-input network (hyperplanes x0 = x1, x1 + x2 = 1/2) for the 3-D vertex checks. */
let NET3 = "";
const maps: Record<string, Json> = {};

async function writeMap(name: string, ...args: string[]): Promise<void> {
  const file = join(dir, name);
  const run = await cli("regions", ...args, "--json", "-o", file);
  expect(run.code).toBe(0);
  maps[name] = JSON.parse(readFileSync(file, "utf8"));
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "tessera-tamper-"));
  NET3 = join(dir, "net3.json");
  writeFileSync(NET3, JSON.stringify({ format: "tessera-network", version: 1, inputs: 3, layers: [{ type: "dense", weights: [["1", "-1", "0"], ["0", "1", "1"]], bias: ["0", "-1/2"] }, { type: "relu" }, { type: "dense", weights: [["1", "2"]], bias: ["0"] }] }));
  await writeMap("plane.json", SEED); // all of R^2: unbounded regions, recession directions, boundedBy
  await writeMap("box.json", SEED, "--box=-1:1", "--vertices"); // bounded by the box, 2-D vertices
  await writeMap("cube.json", NET3, "--box=0:1", "--vertices"); // 3-D vertices
  // A float-weight network: multipliers and facet points with large, unrelated denominators.
  await writeMap("mlp.json", "fixtures/bench/mlp-2-16-16-2.json", "--box=-1:1"); // 127 regions
});

async function check(doc: Json, net = SEED): Promise<{ code: number; out: string }> {
  const file = join(dir, `t${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(doc));
  const run = await cli("check", file, net);
  return { code: run.code, out: run.stdout + run.stderr };
}

const copy = (name: string): Json => structuredClone(maps[name]!);
/** A factor far below float resolution, with a prime no row's denominator has. */
const FINE = 3n * 2n ** 100n;
/** The same multipliers written over a denominator `factor` times larger (numerators and den scaled). */
function rescaled(cert: Json, factor: bigint): void {
  cert.y = cert.y.map((v: string) => String(BigInt(v) * factor));
  cert.den = String(BigInt(cert.den) * factor);
}
/** The {rows, y, den} certificates of the map's split records (not box references), with at least one multiplier. */
const splitCertificates = (m: Json): Json[] =>
  m.regions.flatMap((r: Json) => r.splits.flatMap((s: Json) => [s.lower, s.upper].filter((c) => c && Array.isArray(c.y) && c.y.length > 0)));
/** x + 1/(3·2^100) as the map writes rationals: far below float resolution, with a denominator no row has. */
const nudged = (x: string): string => new Fraction(x).add(new Fraction(1n, 3n * 2n ** 100n)).toFraction();
const MLP = "fixtures/bench/mlp-2-16-16-2.json";

describe("check verifies every printed field of a region map", () => {
  it("the untouched maps pass, and say which fields are informational", async () => {
    for (const [name, net] of [["plane.json", SEED], ["box.json", SEED], ["cube.json", NET3], ["mlp.json", MLP]] as const) {
      const r = await check(copy(name), net);
      expect(r.out).toMatch(/all \d+ regions verified \(witness, pattern, map, irredundant constraints \(facets, none missing\), bounded, vertices, piece maps\)/);
      expect(r.out).toMatch(/connected and maximal is informational/);
      expect(r.code).toBe(0);
    }
  });

  const tamperings: Record<string, { map: string; net?: () => string; edit: (m: Json) => void; field: RegExp }> = {
    "a constraint deleted from the irredundant list": { map: "box.json", edit: (m) => m.regions[0].constraints.pop(), field: /regions\[0\]\.implied(: the path's constraint .* is neither listed nor implied|\[\d+\]\.rows\[\d+\]: \d+ is not a listed constraint)/ },
    "all constraints deleted": { map: "plane.json", edit: (m) => (m.regions[0].constraints = []), field: /regions\[0\]\.implied: the path's constraint/ },
    "a redundant path row listed as a constraint": {
      map: "box.json",
      edit: (m) => {
        const r = m.regions.find((x: Json) => x.implied.length > 0);
        const extra = r.implied.shift();
        // Its coefficients as the path has them: take them from another region that lists that source.
        const donor = m.regions.flatMap((x: Json) => x.constraints).find((c: Json) => JSON.stringify(c.source) === JSON.stringify(extra.source));
        r.constraints.push({ ...donor });
      },
      field: /regions\[\d+\]\.(constraints\[\d+\]\.facetPoint|implied)/,
    },
    "a facet point moved off its hyperplane": { map: "plane.json", edit: (m) => (m.regions[0].constraints[0].facetPoint = m.regions[0].witness), field: /regions\[0\]\.constraints\[0\]\.facetPoint: is not on the constraint's hyperplane/ },
    "implied multipliers changed": {
      map: "box.json",
      edit: (m) => {
        const r = m.regions.find((x: Json) => x.implied.some((i: Json) => i.y.length > 0));
        r.implied.find((i: Json) => i.y.length > 0).y[0] = "1000";
      },
      field: /implied\[\d+\]: Σ y_i a_i differs|implied\[\d+\]: Σ y_i b_i exceeds/,
    },
    "bounded flipped to true on an unbounded region": { map: "plane.json", edit: (m) => (m.regions[0].bounded = true), field: /regions\[0\]\.boundedBy: is missing/ },
    "bounded flipped to false inside a box": { map: "box.json", edit: (m) => (m.regions[0].bounded = false), field: /regions\[0\]\.bounded: is false, but the domain is bounded/ },
    "a recession direction that leaves the region": {
      map: "plane.json",
      edit: (m) => {
        const r = m.regions.find((x: Json) => x.bounded === false);
        r.recession = r.recession.map((v: string) => (v.startsWith("-") ? v.slice(1) : `-${v}`));
      },
      field: /recession: (leaves the region|is the zero vector)/,
    },
    "piece changed to another piece's id": { map: "plane.json", edit: (m) => (m.regions[1].piece = 0), field: /regions\[1\]\.piece: is 0, but its affine map differs/ },
    "piece ids out of order": { map: "plane.json", edit: (m) => (m.regions[0].piece = 3), field: /regions\[0\]\.piece: is 3; pieces are numbered 0, 1, …/ },
    "a 2-D vertex moved": { map: "box.json", edit: (m) => (m.regions[0].vertices[0] = m.regions[0].witness), field: /regions\[0\]\.vertices\[0\]: is not a vertex/ },
    "a 2-D vertex dropped": { map: "box.json", edit: (m) => m.regions[0].vertices.pop(), field: /regions\[0\]\.vertices: \d+ vertices for a region with \d+ facets: a vertex is missing/ },
    "2-D vertices out of order": { map: "box.json", edit: (m) => m.regions[0].vertices.reverse(), field: /regions\[0\]\.vertices\[\d+\]: the vertices are not in counter-clockwise order/ },
    "a 3-D vertex dropped": { map: "cube.json", net: () => NET3, edit: (m) => m.regions[0].vertices.pop(), field: /regions\[0\]\.vertices: \d+ vertices for a region with \d+ facets: a vertex is missing/ },
    "a 3-D vertex moved outside": { map: "cube.json", net: () => NET3, edit: (m) => (m.regions[0].vertices[0] = ["2", "2", "2"]), field: /regions\[0\]\.vertices\[0\]: violates constraint/ },
    "a float network's implied multiplier changed by 1/(3·2^100·den)": {
      map: "mlp.json",
      net: () => MLP,
      edit: (m) => {
        const item = m.regions.flatMap((x: Json) => x.implied).find((i: Json) => i.y.length > 0);
        rescaled(item, FINE);
        item.y[0] = String(BigInt(item.y[0]) + 1n);
      },
      field: /implied\[\d+\]: Σ y_i a_i differs|implied\[\d+\]: Σ y_i b_i exceeds/,
    },
    "a float network's split certificate: one numerator changed by 1": {
      map: "mlp.json",
      net: () => MLP,
      edit: (m) => {
        const cert = splitCertificates(m)[0]!;
        cert.y[0] = String(BigInt(cert.y[0]) + 1n);
      },
      field: /splits\[\d+\]\.(upper|lower): Σ y_i a_i differs/,
    },
    "a float network's split certificate: the common denominator changed by 1": {
      map: "mlp.json",
      net: () => MLP,
      edit: (m) => {
        const cert = splitCertificates(m)[0]!;
        cert.den = String(BigInt(cert.den) + 1n);
      },
      field: /splits\[\d+\]\.(upper|lower): Σ y_i a_i differs/,
    },
    "a float network's implied multipliers: the common denominator changed by 1": {
      map: "mlp.json",
      net: () => MLP,
      edit: (m) => {
        const item = m.regions.flatMap((x: Json) => x.implied).find((i: Json) => i.y.length > 0);
        item.den = String(BigInt(item.den) + 1n);
      },
      field: /implied\[\d+\]: Σ y_i a_i differs|implied\[\d+\]: Σ y_i b_i exceeds/,
    },
    "a zero common denominator": { map: "mlp.json", net: () => MLP, edit: (m) => (splitCertificates(m)[0]!.den = "0"), field: /splits\[\d+\]\.(upper|lower)\.den: is 0: the common denominator must be positive/ },
    "a negative common denominator (numerators negated too)": {
      map: "mlp.json",
      net: () => MLP,
      edit: (m) => {
        const cert = splitCertificates(m)[0]!;
        cert.den = `-${cert.den}`;
        cert.y = cert.y.map((v: string) => `-${v}`);
      },
      field: /splits\[\d+\]\.(upper|lower)\.den: is -\d+: the common denominator must be positive/,
    },
    "a missing common denominator": { map: "box.json", edit: (m) => delete m.regions.flatMap((x: Json) => x.implied)[0].den, field: /implied\[\d+\]\.den: undefined is not an integer string/ },
    "a multiplier written as a fraction": {
      map: "mlp.json",
      net: () => MLP,
      edit: (m) => {
        const cert = splitCertificates(m)[0]!;
        cert.y[0] = `${cert.y[0]}/${cert.den}`;
        cert.den = "1";
      },
      field: /splits\[\d+\]\.(upper|lower)\.y\[0\]: ".*" is not an integer string/,
    },
    "the bounding box removed from a region whose dropped rows it implies": {
      map: "mlp.json",
      net: () => MLP,
      edit: (m) => delete m.regions.find((x: Json) => x.boundedBy).boundedBy,
      field: /regions\[\d+\]\.implied: the path's constraint \S+ is neither listed nor implied \(a facet may be missing\)/,
    },
    "a bounding box's upper bound certificate changed": {
      map: "mlp.json",
      net: () => MLP,
      edit: (m) => {
        const cert = m.regions.find((x: Json) => x.boundedBy).boundedBy.upper[0];
        cert.y[0] = String(BigInt(cert.y[0]) + 1n);
      },
      field: /regions\[\d+\]\.boundedBy\.upper\[0\]: Σ y_i a_i is not e_0/,
    },
    "multipliers removed from a dropped row that the bounding box does not imply": {
      map: "mlp.json",
      net: () => MLP,
      edit: (m) => {
        const r = m.regions.find((x: Json) => x.boundedBy && x.implied.some((i: Json) => i.y.length > 0));
        r.implied = r.implied.filter((i: Json) => i.y.length === 0);
      },
      field: /regions\[\d+\]\.implied: the path's constraint \S+ is neither listed nor implied \(nor by the bounding box boundedBy\)/,
    },
    "a region with a bounding box said to be unbounded": {
      map: "mlp.json",
      net: () => MLP,
      edit: (m) => (m.regions.find((x: Json) => x.boundedBy).bounded = false),
      field: /regions\[\d+\]\.bounded: is false, but the domain is bounded/,
    },
    "a negative multiplier": { map: "box.json", edit: (m) => (m.regions.flatMap((x: Json) => x.implied).find((i: Json) => i.y.length > 0).y[0] = "-1"), field: /implied\[\d+\]\.y\[0\]: is negative/ },
    "a float network's facet point moved by 1/(3·2^100)": {
      map: "mlp.json",
      net: () => MLP,
      edit: (m) => {
        const point = m.regions[0].constraints[0].facetPoint;
        point[0] = nudged(point[0]);
        point[1] = nudged(point[1]);
      },
      field: /regions\[0\]\.constraints\[0\]\.facetPoint: (is not on the constraint's hyperplane|is not strictly inside)/,
    },
    "counts.decisions changed": { map: "plane.json", edit: (m) => (m.counts.decisions += 1), field: /counts\.decisions: says/ },
    "counts.linearPieces changed": { map: "plane.json", edit: (m) => (m.counts.linearPieces += 1), field: /counts\.linearPieces: says/ },
  };
  it("accepts the same multipliers over a larger common denominator (numerators and den scaled alike)", async () => {
    const doc = copy("mlp.json");
    for (const cert of splitCertificates(doc)) rescaled(cert, FINE);
    for (const item of doc.regions.flatMap((x: Json) => x.implied)) rescaled(item, 7n);
    const r = await check(doc, MLP);
    expect(r.out).toMatch(/all 127 regions verified/);
    expect(r.code).toBe(0);
  });

  for (const [name, t] of Object.entries(tamperings)) {
    it(`rejects: ${name}`, async () => {
      const doc = copy(t.map);
      t.edit(doc);
      const r = await check(doc, t.net?.() ?? SEED);
      expect(r.code).toBe(1);
      expect(r.out).toMatch(/check failed: /);
      expect(r.out).toMatch(t.field);
    });
  }
});

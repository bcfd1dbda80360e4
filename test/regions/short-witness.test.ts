// A region's reported witness is its interior point on the coarsest dyadic grid that stays strictly inside
// (regions/witness.ts, shortWitness): hand-computed witnesses of small cases, and a property test on random
// degenerate nets: every witness is strictly inside every constraint of its region (checked here with
// fraction.js) and every map passes `tessera check`.
import Fraction from "fraction.js";
import fc from "fast-check";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeNetworkJson } from "../../src/formats/network-json.js";
import { cli, tempFiles } from "../cli/run.js";
import { degenerateNetCase } from "./helpers.js";

interface MapRegion {
  pattern: string;
  witness: string[];
  constraints: { a: string[]; b: string }[];
}

const net = (inputs: number, layers: object[]): string => JSON.stringify({ format: "tessera-network", version: 1, inputs, layers });
const files = tempFiles({
  // y = relu(x): one breakpoint at 0.
  "relu.json": net(1, [{ type: "dense", weights: [["1"]], bias: ["0"] }, { type: "relu" }, { type: "dense", weights: [["1"]], bias: ["0"] }]),
  // y = relu(x1 - x2) + relu(x1 + x2 - 3).
  "two.json": net(2, [{ type: "dense", weights: [["1", "-1"], ["1", "1"]], bias: ["0", "-3"] }, { type: "relu" }, { type: "dense", weights: [["1", "1"]], bias: ["0"] }]),
});

async function regions(file: string, ...flags: string[]): Promise<MapRegion[]> {
  const run = await cli("regions", file, ...flags, "--json");
  expect(run.code, run.stderr).toBe(0);
  return (JSON.parse(run.stdout) as { regions: MapRegion[] }).regions;
}

describe("short witnesses", () => {
  it("relu(x) on [-1,1]: -1/2 and 1/2 (the integers -1, 0, 1 lie on the box's ends or on the breakpoint)", async () => {
    const map = await regions(files["relu.json"]!, "--box=-1:1");
    expect(map.map((r) => [r.pattern, r.witness])).toEqual([
      ["0", ["-1/2"]],
      ["1", ["1/2"]],
    ]);
  });

  it("relu(x1 - x2) + relu(x1 + x2 - 3) on [-4,4]^2: witnesses with denominators 1 or 2, not 53-bit fractions", async () => {
    // The lines x1 = x2 and x1 + x2 = 3 cross at (3/2, 3/2) and cut the box into four regions, each with an
    // inscribed disc of radius > 1 (the smallest, the triangle (3/2, 3/2), (-1, 4), (4, 4): area 25/4 over a
    // half-perimeter of 5/2 + 5/√2 ≈ 6.04, radius ≈ 1.03). Rounding to the grid 1/2 moves a point at most
    // √2/4 ≈ 0.35, so the engine's interior points (near the discs' centres, as its LPs propose them) stay inside
    // on that grid; the rounding to integers may land on a line (here (3, 3) for (5/2, 3)).
    const map = await regions(files["two.json"]!, "--box=-4:4");
    expect(map).toHaveLength(4);
    for (const r of map) for (const v of r.witness) expect(v, JSON.stringify(r.witness)).toMatch(/^-?\d+(\/2)?$/);
  });

  it("random degenerate nets (property): every witness strictly inside every constraint of its region; the map passes check", async () => {
    let k = 0;
    await fc.assert(
      fc.asyncProperty(degenerateNetCase, async ({ net: network, domain, text }) => {
        const file = join(files.dir!, `net-${k}.json`);
        const mapFile = join(files.dir!, `map-${k++}.json`);
        writeFileSync(file, writeNetworkJson(network));
        const box = domain?.kind === "box" ? [`--box=${domain.lo[0]!.toString()}:${domain.hi[0]!.toString()}`] : [];
        const run = await cli("regions", file, ...box, "--workers", "1", "--json", "-o", mapFile);
        expect(run.code, `${text}: ${run.stderr}`).toBe(0);
        const check = await cli("check", mapFile, file);
        expect(check.code, `${text}: ${check.stderr}`).toBe(0);
        const map = await regions(file, ...box);
        for (const r of map) {
          const x = r.witness.map((v) => new Fraction(v));
          for (const c of r.constraints) {
            const lhs = c.a.reduce((s, a, i) => s.add(new Fraction(a).mul(x[i]!)), new Fraction(0));
            expect(lhs.compare(new Fraction(c.b)), `${text}: witness ${r.witness} on ${JSON.stringify(c)}`).toBeLessThan(0);
          }
        }
      }),
      { numRuns: 15 },
    );
  });
});

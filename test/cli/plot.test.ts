// `tessera plot`: the SVG holds one polygon per region (7 for the seed network's three lines in general
// position, all three crossing points (2,1), (4/5,2/5), (1,0) inside [-3,3]², computed by hand), the
// polygons tile the box (their areas add up to the box's), and bad flags are one-line errors.
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { XMLParser } from "fast-xml-parser";
import { cli, tempFiles } from "./run.js";

const SEED = "fixtures/seed-three-neurons.json";

function polygons(svgFile: string): { points: [number, number][]; fill: string; title: string }[] {
  const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "" }).parse(readFileSync(svgFile, "utf8"));
  const list = doc.svg.g.polygon;
  return (Array.isArray(list) ? list : [list]).map((p: { points: string; fill: string; title: string }) => ({
    points: p.points.split(" ").map((xy) => xy.split(",").map(Number) as [number, number]),
    fill: p.fill,
    title: p.title,
  }));
}

function shoelace(points: [number, number][]): number {
  let s = 0;
  for (let i = 0; i < points.length; i++) {
    const [x1, y1] = points[i]!;
    const [x2, y2] = points[(i + 1) % points.length]!;
    s += x1 * y2 - x2 * y1;
  }
  return Math.abs(s) / 2;
}

describe("tessera plot", () => {
  it("the seed network on [-3,3]²: 7 polygons tiling the box, exact maps in the tooltips", async () => {
    const { dir } = tempFiles({});
    const out = `${dir}/seed.svg`;
    const run = await cli("plot", SEED, "--box=-3:3", "-o", out, "--json");
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ regions: 7, complete: true });
    const polys = polygons(out);
    expect(polys).toHaveLength(7);
    // The drawing is 640 px for 6 units: the box is 640 × 640 px².
    const total = polys.reduce((s, p) => s + shoelace(p.points), 0);
    expect(Math.abs(total - 640 * 640) / (640 * 640)).toBeLessThan(1e-4);
    // Pattern 000 is empty (x1 ≤ 2x2 and x2 ≤ x1 − 1 force x1 ≥ 2, then x2 ≤ 2 − 2x1 ≤ −2 < 1 ≤ x1/2 ≤ x2).
    expect(polys.some((p) => p.title.includes("pattern 000"))).toBe(false);
    // Only neuron 0 active: y = x1 − 2·x2.
    expect(polys.some((p) => p.title.endsWith("pattern 100 · y0 = 1·x1 + -2·x2 + 0"))).toBe(true);
    // All neurons active: y = (x1 - 2x2) + (1/3)(-x1 + x2 + 1) + (1/10)(2x1 + x2 - 2) = 13/15 x1 - 47/30 x2 + 2/15.
    expect(polys.some((p) => p.title.endsWith("pattern 111 · y0 = 13/15·x1 + -47/30·x2 + 2/15"))).toBe(true);
  });

  it("colouring by map gives equal colours only to equal maps; by region, 7 colours", async () => {
    const { dir } = tempFiles({});
    await cli("plot", SEED, "--box=-3:3", "-o", `${dir}/a.svg`, "--color", "region");
    expect(new Set(polygons(`${dir}/a.svg`).map((p) => p.fill)).size).toBe(7);
    await cli("plot", SEED, "--box=-3:3", "-o", `${dir}/b.svg`, "--color", "output");
    expect(polygons(`${dir}/b.svg`)).toHaveLength(7);
  });

  const bad: [string, string[], RegExp][] = [
    ["plot-color", ["--box=-3:3", "--color", "rainbow"], /^tessera: error: --color: "rainbow" is not one of map, region, output$/],
    ["plot-dimension", ["--line", "0,0;1,1", "--box=-1:1"], /^tessera: error: plot: the domain is 1-dimensional; /],
    ["plot-unbounded", [], /^tessera: error: plot: the domain \(all of R\^2\) is unbounded; bound it with --box$/],
    ["plot-output-index", ["--box=-1:1", "--color", "output", "--output-index", "2"], /^tessera: error: --output-index: 2 is above the number of outputs \(1\)$/],
  ];
  it.each(bad)("%s: exit 1 with one line", async (_id, args, message) => {
    const { dir } = tempFiles({});
    const run = await cli("plot", SEED, "-o", `${dir}/x.svg`, ...args);
    expect(run.code).toBe(1);
    const lines = run.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(message);
  });
});

// `tessera plot`: the SVG holds one polygon per region (7 for the seed network's three lines in general
// position, all three crossing points (2,1), (4/5,2/5), (1,0) inside [-3,3]², computed by hand), the exact
// polygons of `regions --vertices` tile the box (exact shoelace areas add up to the box's), the PNG has the
// requested size and is not blank, the gradient-norm range, decision boundary and bent hyperplanes are checked
// exactly against hand computations or a second rule, the 1-D sawtooth has its 2^L pieces, and bad flags are
// one-line errors.
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { XMLParser } from "fast-xml-parser";
import { PNG } from "pngjs";
import Fraction from "fraction.js";
import { cli, tempFiles } from "./run.js";
import { projectFile } from "../project.js";

const SEED = projectFile("fixtures/seed-three-neurons.json");
const MLP = projectFile("fixtures/bench/mlp-2-16-16-2.json");

type Attrs = Record<string, string> & { title?: string };
function svgGroup(svgFile: string, id: string, tag: string): Attrs[] {
  const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "" }).parse(readFileSync(svgFile, "utf8"));
  const groups = Array.isArray(doc.svg.g) ? doc.svg.g : [doc.svg.g];
  const list = groups.find((g: { id: string }) => g.id === id)?.[tag] ?? [];
  return Array.isArray(list) ? list : [list];
}

function polygons(svgFile: string): { points: [number, number][]; fill: string; title: string }[] {
  return svgGroup(svgFile, "regions", "polygon").map((p) => ({
    points: p.points!.split(" ").map((xy) => xy.split(",").map(Number) as [number, number]),
    fill: p.fill!,
    title: p.title!,
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

/** Exact shoelace area of a convex polygon given in any order (sorted by angle around the centroid). */
function exactArea(vertices: string[][]): Fraction {
  const pts = vertices.map((v) => v.map((s) => new Fraction(s)));
  const cx = pts.reduce((s, p) => s + p[0]!.valueOf(), 0) / pts.length;
  const cy = pts.reduce((s, p) => s + p[1]!.valueOf(), 0) / pts.length;
  pts.sort((p, q) => Math.atan2(p[1]!.valueOf() - cy, p[0]!.valueOf() - cx) - Math.atan2(q[1]!.valueOf() - cy, q[0]!.valueOf() - cx));
  let s = new Fraction(0);
  for (let i = 0; i < pts.length; i++) {
    const [p, q] = [pts[i]!, pts[(i + 1) % pts.length]!];
    s = s.add(p[0]!.mul(q[1]!).sub(q[0]!.mul(p[1]!)));
  }
  return s.abs().div(2);
}

interface RegionJson { id: number; pattern: string; map: { A: string[][]; c: string[] }; constraints: { a: string[]; b: string }[]; vertices: string[][] }
async function regionMap(net: string, ...args: string[]): Promise<RegionJson[]> {
  const run = await cli("regions", net, ...args, "--vertices", "--json");
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout).regions;
}

const F = (s: string | number): Fraction => new Fraction(s);
const dot = (a: string[], x: Fraction[]): Fraction => a.reduce((s, v, i) => s.add(F(v).mul(x[i]!)), F(0));
const output = (r: RegionJson, k: number, x: Fraction[]): Fraction => dot(r.map.A[k]!, x).add(F(r.map.c[k]!));
const inside = (r: RegionJson, x: Fraction[]): boolean => r.constraints.every((h) => dot(h.a, x).compare(F(h.b)) <= 0);

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

  it("the exact polygons of regions --vertices add up to the domain's area (seed: 36, 2-16-16-2: 4)", async () => {
    const seed = await regionMap(SEED, "--box=-3:3");
    expect(seed.reduce((s, r) => s.add(exactArea(r.vertices)), F(0)).toFraction()).toBe("36");
    const mlp = await regionMap(MLP, "--box=-1:1");
    expect(mlp.reduce((s, r) => s.add(exactArea(r.vertices)), F(0)).toFraction()).toBe("4");
  });

  it("colouring by map gives equal colours only to equal maps; by region, 7 colours", async () => {
    const { dir } = tempFiles({});
    await cli("plot", SEED, "--box=-3:3", "-o", `${dir}/a.svg`, "--color", "region");
    expect(new Set(polygons(`${dir}/a.svg`).map((p) => p.fill)).size).toBe(7);
    await cli("plot", SEED, "--box=-3:3", "-o", `${dir}/b.svg`, "--color", "output");
    expect(polygons(`${dir}/b.svg`)).toHaveLength(7);
    // A name without an extension (a device, a pipe) gets SVG.
    expect((await cli("plot", SEED, "--box=-3:3", "-o", `${dir}/picture`)).code).toBe(0);
    expect(polygons(`${dir}/picture`)).toHaveLength(7);
  });

  it("PNG: the requested size in px, and not blank (many colours, the regions' fills among them)", async () => {
    const { dir } = tempFiles({});
    const run = await cli("plot", SEED, "--box=-3:3", "-o", `${dir}/seed.png`, "--width", "300", "--height", "360", "--hyperplanes");
    expect(run.code).toBe(0);
    const png = PNG.sync.read(readFileSync(`${dir}/seed.png`));
    expect([png.width, png.height]).toEqual([300, 360]);
    const colors = new Set<number>();
    for (let i = 0; i < png.data.length; i += 4) colors.add(png.data.readUInt32BE(i));
    expect(colors.size).toBeGreaterThan(7);
    // The same picture as SVG has the same size, and the centre pixel of the plot is a region's fill, not white.
    await cli("plot", SEED, "--box=-3:3", "-o", `${dir}/seed.svg`, "--width", "300", "--height", "360");
    const svg = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "" }).parse(readFileSync(`${dir}/seed.svg`, "utf8")).svg;
    expect([svg.width, svg.height]).toEqual(["300", "360"]);
    const fills = new Set(polygons(`${dir}/seed.svg`).map((p) => p.fill.toLowerCase()));
    const at = (x: number, y: number): string => "#" + [0, 1, 2].map((k) => png.data[(y * 300 + x) * 4 + k]!.toString(16).padStart(2, "0")).join("");
    // The plot area is 220 × 220 px from (40, 40): probe points inside it, away from the lines.
    const probes = [at(60, 60), at(60, 240), at(240, 240), at(240, 60)];
    expect(probes.filter((c) => fills.has(c)).length).toBeGreaterThanOrEqual(3);
  });

  it("--color gradient-norm: the exact range of ‖J‖ over the regions (hand-computed Jacobians of the seed net)", async () => {
    // J = Σ over active neurons of v_k w_kᵀ: [1,-2], [-1/3,1/3], [1/5,1/10]. ℓ∞ (row sum of |J|): 001 → 3/10 … 101 → 31/10;
    // ℓ1 (largest |entry|, one row): 001 → 1/5 … 100 → 2.
    const { dir } = tempFiles({});
    const inf = await cli("plot", SEED, "--box=-3:3", "-o", `${dir}/g.svg`, "--color", "gradient-norm", "--json");
    expect(JSON.parse(inf.stdout).range).toEqual({ min: "3/10", max: "31/10" });
    expect(polygons(`${dir}/g.svg`).some((p) => p.title.endsWith("pattern 101 · y0 = 6/5·x1 + -19/10·x2 + -1/5 · ‖J‖∞ = 31/10"))).toBe(true);
    expect(readFileSync(`${dir}/g.svg`, "utf8")).toContain("‖J‖∞: 3/10");
    const one = await cli("plot", SEED, "--box=-3:3", "-o", `${dir}/h.svg`, "--color", "gradient-norm", "--norm", "1", "--json");
    expect(JSON.parse(one.stdout).range).toEqual({ min: "1/5", max: "2" });
  });

  it("--boundary (2 outputs): every segment has y0 = y1 at both ends and lies in its region; a region has one iff y0 − y1 changes sign on its vertices", async () => {
    const { dir } = tempFiles({});
    const run = await cli("plot", MLP, "--box=-1:1", "--boundary", "-o", `${dir}/b.svg`, "--json");
    expect(run.code).toBe(0);
    const segments: { region: number; outputs: number[]; from: string[]; to: string[] }[] = JSON.parse(run.stdout).boundary;
    const regions = await regionMap(MLP, "--box=-1:1");
    for (const s of segments) {
      const r = regions[s.region]!;
      for (const end of [s.from, s.to]) {
        const x = end.map(F);
        expect(output(r, 0, x).equals(output(r, 1, x))).toBe(true);
        expect(inside(r, x)).toBe(true);
      }
      expect(s.from).not.toEqual(s.to);
    }
    const crossing = regions.filter((r) => {
      const d = r.vertices.map((v) => output(r, 0, v.map(F)).sub(output(r, 1, v.map(F))).compare(0));
      return d.some((v) => v > 0) && d.some((v) => v < 0);
    });
    expect(segments.map((s) => s.region).sort((a, b) => a - b)).toEqual(crossing.map((r) => r.id));
    expect(segments.length).toBeGreaterThan(0);
    expect(svgGroup(`${dir}/b.svg`, "boundary", "line")).toHaveLength(segments.length);
  });

  it("--boundary (1 output): the segments where y = 0 (seed net shifted by −1: y − 1 = 0)", async () => {
    const shifted = JSON.parse(readFileSync(SEED, "utf8"));
    shifted.layers[2].bias = ["-1"];
    const { dir, "net.json": net } = tempFiles({ "net.json": JSON.stringify(shifted) });
    const run = await cli("plot", net!, "--box=-3:3", "--boundary", "-o", `${dir}/b.svg`, "--json");
    const segments: { region: number; from: string[]; to: string[] }[] = JSON.parse(run.stdout).boundary;
    const regions = await regionMap(net!, "--box=-3:3");
    for (const s of segments) for (const end of [s.from, s.to]) expect(output(regions[s.region]!, 0, end.map(F)).equals(0)).toBe(true);
    const crossing = regions.filter((r) => {
      const v = r.vertices.map((p) => output(r, 0, p.map(F)).compare(0));
      return v.some((s) => s > 0) && v.some((s) => s < 0);
    });
    expect(segments.map((s) => s.region).sort((a, b) => a - b)).toEqual(crossing.map((r) => r.id));
  });

  it("--hyperplanes: each neuron's line in [-3,3]² cut into 3 pieces by the other two (x1 extents 6, 5, 3)", async () => {
    // Neuron 0: x1 = 2x2, x1 from -3 to 3; neuron 1: x2 = x1 − 1, x1 from -2 to 3; neuron 2: x2 = 2 − 2x1, x1 from -1/2 to 5/2.
    const { dir } = tempFiles({});
    const run = await cli("plot", SEED, "--box=-3:3", "--hyperplanes", "-o", `${dir}/h.svg`, "--json");
    const segments: { layer: number; neuron: number; from: string[]; to: string[] }[] = JSON.parse(run.stdout).hyperplanes;
    const w = [[1, -2, 0], [-1, 1, 1], [2, 1, -2]];
    const extent = [6, 5, 3];
    for (let k = 0; k < 3; k++) {
      const mine = segments.filter((s) => s.neuron === k);
      expect(mine).toHaveLength(3);
      for (const s of mine) for (const end of [s.from, s.to]) expect(dot(w[k]!.slice(0, 2).map(String), end.map(F)).add(w[k]![2]!).equals(0)).toBe(true);
      expect(mine.reduce((sum, s) => sum.add(F(s.to[0]!).sub(F(s.from[0]!)).abs()), F(0)).equals(extent[k]!)).toBe(true);
    }
    expect(svgGroup(`${dir}/h.svg`, "hyperplanes", "line")).toHaveLength(9);
  });

  it("1-D: Telgarsky's sawtooth with L = 4 layers has 16 pieces, breakpoints at k/16 with values 1 (k odd) and 0 (k even)", async () => {
    // tent(x) = 2 relu(x) − 4 relu(x − 1/2) on [0, 1]; layer l+1 takes tent of layer l: weights [[2,-4],[2,-4]], bias [0,-1/2].
    const L = 4;
    const layers: unknown[] = [{ type: "dense", weights: [["1"], ["1"]], bias: ["0", "-1/2"] }, { type: "relu" }];
    for (let l = 1; l < L; l++) layers.push({ type: "dense", weights: [["2", "-4"], ["2", "-4"]], bias: ["0", "-1/2"] }, { type: "relu" });
    layers.push({ type: "dense", weights: [["2", "-4"]], bias: ["0"] });
    const { dir, "saw.json": saw } = tempFiles({ "saw.json": JSON.stringify({ format: "tessera-network", version: 1, inputs: 1, layers }) });
    const run = await cli("plot", saw!, "--box=0:1", "-o", `${dir}/saw.svg`, "--json");
    expect(run.code).toBe(0);
    const summary = JSON.parse(run.stdout);
    expect(summary.dimension).toBe(1);
    expect(summary.breakpoints).toEqual(Array.from({ length: 15 }, (_, i) => ({ t: new Fraction(i + 1, 16).toFraction(), y: [(i + 1) % 2 === 1 ? "1" : "0"] })));
    expect(svgGroup(`${dir}/saw.svg`, "breakpoints", "circle")).toHaveLength(15);
    expect(svgGroup(`${dir}/saw.svg`, "pieces", "line")).toHaveLength(16);
    expect(svgGroup(`${dir}/saw.svg`, "regions", "rect")).toHaveLength(summary.regions);
    expect(svgGroup(`${dir}/saw.svg`, "breakpoints", "circle")[0]!.title).toBe("breakpoint x1 = 1/16 · y0 = 1");
  });

  it("1-D by --line: the seed net along x1 = x2 has breakpoints where a neuron flips (t = 1/2: n2 = 3t − 2 … computed by hand)", async () => {
    // On x = (t, t): n0 = −t, n1 = 1, n2 = 3t − 2; y = relu(−t) + 1/3 + relu(3t − 2)/10: breakpoints t = 0 (y = 1/3) and t = 2/3 (y = 1/3).
    const { dir } = tempFiles({});
    const run = await cli("plot", SEED, "--line", "0,0;1,1", "--box=-3:3", "-o", `${dir}/l.svg`, "--json");
    expect(JSON.parse(run.stdout).breakpoints).toEqual([{ t: "0", y: ["1/3"] }, { t: "2/3", y: ["1/3"] }]);
  });

  const bad: [string, string[], RegExp][] = [
    ["plot-color", ["--box=-3:3", "--color", "rainbow"], /^tessera: error: --color: "rainbow" is not one of map, region, output, gradient-norm$/],
    ["plot-norm", ["--box=-3:3", "--color", "gradient-norm", "--norm", "2"], /^tessera: error: --norm: "2" is not one of inf, 1$/],
    ["plot-unbounded", [], /^tessera: error: plot: the domain \(all of R\^2\) is unbounded; bound it with --box$/],
    ["plot-output-index", ["--box=-1:1", "--color", "output", "--output-index", "2"], /^tessera: error: --output-index: 2 is above the number of outputs \(1\)$/],
    ["plot-width", ["--box=-1:1", "--width", "20"], /^tessera: error: --width: 20 px leaves no room for the picture \(at least \d+\)$/],
    ["plot-height", ["--box=-1:1", "--height", "0"], /^tessera: error: --height: "0" is not a positive integer$/],
  ];
  it.each(bad)("%s: exit 1 with one line", async (_id, args, message) => {
    const { dir } = tempFiles({});
    const run = await cli("plot", SEED, "-o", `${dir}/x.svg`, ...args);
    expect(run.code).toBe(1);
    const lines = run.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(message);
  });

  const badOutput: [string, string, string[], RegExp][] = [
    ["plot-dimension", projectFile("fixtures/bench/mlp-3-32-32-32-2.json"), ["--box=-1:1", "-o", "x.svg"], /^tessera: error: plot: the domain is 3-dimensional; pictures are 1-D .* or 2-D /],
    ["plot-extension", SEED, ["--box=-1:1", "-o", "x.gif"], /^tessera: error: -o: ".*x\.gif" has the unknown extension "\.gif" \(give \.svg or \.png\)$/],
    ["plot-unwritable", SEED, ["--box=-1:1", "-o", "no-such-dir/x.png"], /^tessera: error: .*no-such-dir\/x\.png: cannot be written \(ENOENT: its folder does not exist\)$/],
  ];
  it.each(badOutput)("%s: exit 1 with one line", async (_id, net, args, message) => {
    const { dir } = tempFiles({});
    const run = await cli("plot", net, ...args.map((a) => (a.startsWith("x.") || a === "picture" || a.startsWith("no-such") ? `${dir}/${a}` : a)));
    expect(run.code).toBe(1);
    const lines = run.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(message);
  });

  it("docs/errors.md's Pictures section has exactly these cases", () => {
    const doc = readFileSync(projectFile("docs/errors.md"), "utf8");
    const start = doc.indexOf("## Pictures");
    const section = doc.slice(start, doc.indexOf("\n## ", start + 5));
    const ids = [...section.matchAll(/^\| (plot-[a-z0-9-]+) \|/gm)].map((m) => m[1]);
    expect(new Set(ids)).toEqual(new Set([...bad.map((c) => c[0]), ...badOutput.map((c) => c[0])]));
  });

  it("docs/gallery.md shows only committed pictures, drawn from committed networks (scripts/gallery.ts made it)", () => {
    const md = readFileSync(projectFile("docs/gallery.md"), "utf8");
    const pictures = [...md.matchAll(/\]\((gallery\/[^)]+\.png)\)/g)].map((m) => `docs/${m[1]}`);
    expect(pictures.length).toBe(8);
    for (const file of pictures) {
      const png = PNG.sync.read(readFileSync(projectFile(file)));
      expect(png.width).toBeGreaterThanOrEqual(400);
    }
    const nets = [...md.matchAll(/tessera plot (\S+)/g)].map((m) => m[1]!);
    expect(nets.length).toBe(8);
    for (const net of nets) expect(readFileSync(projectFile(net)).length).toBeGreaterThan(0);
  });
});

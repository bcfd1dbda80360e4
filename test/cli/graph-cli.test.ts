// `tessera graph`, `clarke` and `jumps` through the CLI: the seed network's graph (7 regions, 9 edges, JSON valid
// against docs/schema/graph.schema.json), GEXF/GraphML/DOT outputs and files, limits marked complete: false,
// relu at 0 → [0, 1], the seed's 4 Jacobians at (2, 1), and per-neuron jump statistics computed by hand.
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import Ajv from "ajv";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { cli, tempFiles } from "./run.js";
import { parseRational } from "../../src/exact/rational.js";
import { projectFile } from "../project.js";

const SEED = "fixtures/seed-three-neurons.json";
const RELU = JSON.stringify({ format: "tessera-network", version: 1, inputs: 1, layers: [{ type: "relu" }] });
const schema = JSON.parse(readFileSync(projectFile("docs/schema/graph.schema.json"), "utf8")) as object;
const AjvClass = (Ajv as unknown as { default?: typeof Ajv }).default ?? Ajv;
const validate = new (AjvClass as unknown as new (o: object) => { compile: (s: object) => ((d: unknown) => boolean) & { errors?: unknown } })({ allErrors: true }).compile(schema);

interface GraphDoc {
  complete: boolean;
  counts: { regions: number; edges: number; linearPieces: number };
  nodes: { id: number; pattern: string; piece: number }[];
  edges: { source: number; target: number; neurons: { layer: number; neuron: number; from: number; to: number }[]; point: string[]; jump: string[][] }[];
}

describe("tessera graph", () => {
  it("the seed network over R^2: JSON valid against the schema, 7 nodes, 9 edges, jumps v_k·w_k", async () => {
    const run = await cli("graph", SEED, "--json");
    expect(run.code, run.stderr).toBe(0);
    const doc = JSON.parse(run.stdout) as GraphDoc;
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    expect(doc.complete).toBe(true);
    expect(doc.counts).toEqual({ regions: 7, edges: 9, linearPieces: 7 });
    expect(doc.nodes).toHaveLength(7);
    expect(doc.edges).toHaveLength(9);
    // v = (1, 1/3, 1/10), w = ((1,−2), (−1,1), (2,1)): jumps (1,−2), (−1/3,1/3), (1/5,1/10), each on 3 edges.
    const byNeuron = new Map<number, string[]>();
    for (const e of doc.edges) {
      expect(e.neurons).toHaveLength(1);
      byNeuron.set(e.neurons[0]!.neuron, [...(byNeuron.get(e.neurons[0]!.neuron) ?? []), e.jump[0]!.join(",")]);
    }
    expect(byNeuron.get(0)).toEqual(["1,-2", "1,-2", "1,-2"]);
    expect(byNeuron.get(1)).toEqual(["-1/3,1/3", "-1/3,1/3", "-1/3,1/3"]);
    expect(byNeuron.get(2)).toEqual(["1/5,1/10", "1/5,1/10", "1/5,1/10"]);
  });

  it("text output lists the counts and every edge", async () => {
    const run = await cli("graph", SEED);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^regions +7\nedges +9\nlinear pieces +7\n/);
    expect(run.stdout.split("\n").filter((l) => /^\d+ -> \d+ /.test(l))).toHaveLength(9);
  });

  it("--format gexf / graphml / dot: XML with every node and edge, DOT with every edge; -o writes a file", async () => {
    const gexf = await cli("graph", SEED, "--format", "gexf");
    expect(gexf.code, gexf.stderr).toBe(0);
    expect(XMLValidator.validate(gexf.stdout)).toBe(true);
    const g = new XMLParser({ ignoreAttributes: false }).parse(gexf.stdout).gexf.graph;
    expect([g.nodes.node.length, g.edges.edge.length]).toEqual([7, 9]);
    const dir = tempFiles({}).dir!;
    const out = await cli("graph", SEED, "-o", `${dir}/seed.graphml`);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stderr).toContain("wrote 7 regions and 9 edges");
    const gm = new XMLParser({ ignoreAttributes: false }).parse(readFileSync(`${dir}/seed.graphml`, "utf8")).graphml.graph;
    expect([gm.node.length, gm.edge.length]).toEqual([7, 9]);
    const dot = await cli("graph", SEED, "--format", "dot");
    expect(dot.stdout.match(/ -> /g)).toHaveLength(9);
  });

  it("--max-regions 3: the graph of the regions found, complete: false, still valid", async () => {
    const run = await cli("graph", SEED, "--json", "--max-regions", "3");
    expect(run.code).toBe(0);
    const doc = JSON.parse(run.stdout) as GraphDoc;
    expect(validate(doc)).toBe(true);
    expect(doc.complete).toBe(false);
    expect(doc.nodes).toHaveLength(3);
    expect(run.stderr).toContain("complete: false");
  });

  it("a --line slice: nodes are the intervals of the line, jumps are in the slice coordinate t", async () => {
    // Along x = (t, 0): z0 = t, z1 = 1 − t, z2 = 2t − 2 → cuts at t = 0 and t = 1 (z1 and z2 both vanish at t = 1).
    const run = await cli("graph", SEED, "--json", "--line", "0,0;1,0");
    expect(run.code, run.stderr).toBe(0);
    const doc = JSON.parse(run.stdout) as GraphDoc;
    expect(doc.counts.regions).toBe(3);
    expect(doc.edges).toHaveLength(2);
    const at1 = doc.edges.find((e) => e.point[0] === "1")!;
    expect(at1.neurons.map((n) => n.neuron)).toEqual([1, 2]);
    // The first flipped neuron (1) is inactive on the source side: z1 = 1 − t ≤ 0 there, so the source is t > 1,
    // where f = t + (2t − 2)/10 has slope 6/5; the target 0 < t < 1 has f = t + (1 − t)/3, slope 2/3: jump −8/15.
    expect(at1.neurons).toEqual([{ layer: 0, neuron: 1, from: 0, to: 1 }, { layer: 0, neuron: 2, from: 1, to: 0 }]);
    expect(at1.jump).toEqual([["-8/15"]]);
  });
});

describe("tessera clarke", () => {
  it("relu at 0: the interval [0, 1], a kink", async () => {
    const { "relu.json": file } = tempFiles({ "relu.json": RELU });
    const run = await cli("clarke", file!, "--at", "0", "--json");
    expect(run.code, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout);
    expect(out.interval).toEqual(["0", "1"]);
    expect(out.kink).toBe(true);
    expect(out.jacobians).toEqual([[["0"]], [["1"]]]);
    const text = await cli("clarke", file!, "--at", "0");
    expect(text.stdout).toContain("interval   [0, 1]");
  });

  it("the seed network at (2, 1): 4 Jacobians; at (3, 1/2): 1, no kink", async () => {
    const run = await cli("clarke", SEED, "--at", "2,1", "--json");
    expect(run.code, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout);
    expect(out.jacobians).toHaveLength(4);
    expect(out.regions).toHaveLength(4);
    expect(out.ties).toEqual([{ layer: 0, neuron: 0 }, { layer: 0, neuron: 1 }]);
    const smooth = JSON.parse((await cli("clarke", SEED, "--at", "3,1/2", "--json")).stdout);
    expect(smooth.kink).toBe(false);
    expect(smooth.jacobians).toEqual([[["6/5", "-19/10"]]]);
  });
});

describe("tessera jumps", () => {
  it("the seed network: every neuron bends 3 facets alone; largest squared jumps 5, 2/9, 1/20", async () => {
    const run = await cli("jumps", SEED, "--json");
    expect(run.code, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout);
    expect(out.counts).toEqual({ regions: 7, edges: 9, linearPieces: 7 });
    // |(1,−2)|² = 5, |(−1/3,1/3)|² = 2/9, |(1/5,1/10)|² = 1/25 + 1/100 = 1/20.
    expect(out.neurons.map((n: { facets: number; alone: number; maxFrobeniusSquared: string; maxAbsEntry: string }) => [n.facets, n.alone, n.maxFrobeniusSquared, n.maxAbsEntry])).toEqual([
      [3, 3, "5", "2"],
      [3, 3, "2/9", "1/3"],
      [3, 3, "1/20", "1/5"],
    ]);
    const text = await cli("jumps", SEED);
    expect(text.stdout).toContain("edges where several neurons flip: 0");
  });
});

describe("count and regions: linear pieces", () => {
  // y = relu(x − 1) + 0·relu(x): 3 regions over R, (−∞,0) and (0,1) both have map 0: 2 linear pieces.
  const NET = JSON.stringify({
    format: "tessera-network",
    version: 1,
    inputs: 1,
    layers: [{ type: "dense", weights: [["1"], ["1"]], bias: ["-1", "0"] }, { type: "relu" }, { type: "dense", weights: [["1", "0"]], bias: ["0"] }],
  });

  it("count reports linearPieces beside regions", async () => {
    const { "net.json": file } = tempFiles({ "net.json": NET });
    const out = JSON.parse((await cli("count", file!, "--json")).stdout);
    expect([out.regions, out.linearPieces]).toEqual([3, 2]);
    expect((await cli("count", file!)).stdout).toContain("pieces    2 linear pieces");
  });

  it("regions gives each region its piece (JSON, valid against the region-map schema); NDJSON lists them at the end", async () => {
    const { "net.json": file } = tempFiles({ "net.json": NET });
    const doc = JSON.parse((await cli("regions", file!, "--json")).stdout);
    const mapSchema = JSON.parse(readFileSync(projectFile("docs/schema/region-map.schema.json"), "utf8")) as object;
    const check = new (AjvClass as unknown as new (o: object) => { compile: (s: object) => ((d: unknown) => boolean) & { errors?: unknown } })({ allErrors: true }).compile(mapSchema);
    expect(check(doc), JSON.stringify(check.errors)).toBe(true);
    const sorted = [...doc.regions].sort((p: { witness: string[] }, q: { witness: string[] }) => parseRational(p.witness[0]!).compare(parseRational(q.witness[0]!)));
    const [left, middle, right] = sorted.map((r: { piece: number }) => r.piece);
    expect(left).toBe(middle);
    expect(right).not.toBe(left);
    expect(doc.counts.linearPieces).toBe(2);
    const lines = (await cli("regions", file!, "--ndjson")).stdout.trim().split("\n");
    const closing = JSON.parse(lines.at(-1)!);
    expect(closing.counts.linearPieces).toBe(2);
    expect(closing.pieces).toEqual(doc.regions.map((r: { piece: number }) => r.piece));
  });
});

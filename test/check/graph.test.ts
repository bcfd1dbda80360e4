// `tessera check` on region graphs (src/check/graph.ts): a graph written by `tessera graph --json` verifies,
// and each kind of tampering is rejected with its JSON path. The seed network on [-1,1]^2 (hand computation):
// y = relu(x0 − 2x1) + 1/3 relu(−x0 + x1 + 1) + 1/10 relu(2x0 + x1 − 2); its first edge crosses x0 = 2x1 at
// (0, 0) from region 0 (pattern 010) into region 3 (110), neuron 0 turning on, and the Jacobian jumps by the
// output weight 1 times the row (1, −2).
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { cli } from "../cli/run.js";

const SEED = "fixtures/seed-three-neurons.json";
type Graph = { nodes: { id: number; pattern: string; piece: number }[]; edges: Record<string, unknown>[]; counts: Record<string, number> };
let dir = "";
let graph: Graph;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "tessera-graph-check-"));
  const path = join(dir, "g.json");
  expect((await cli("graph", SEED, "--box=-1:1", "--json", "-o", path)).code).toBe(0);
  graph = JSON.parse(readFileSync(path, "utf8")) as Graph;
});

async function check(g: unknown, net = SEED): Promise<{ code: number; line: string }> {
  const path = join(dir, `t${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(path, JSON.stringify(g));
  const run = await cli("check", path, net);
  return { code: run.code, line: (run.stdout + run.stderr).trim().replace(`${path}: `, "") };
}

describe("tessera check on a region graph", () => {
  it("the graph as written verifies, and the output names what is informational", async () => {
    expect(graph.edges[0]).toMatchObject({ source: 0, target: 3, neurons: [{ layer: 0, neuron: 0, from: 0, to: 1 }], point: ["0", "0"], jump: [["1", "-2"]], sameMap: false });
    const r = await check(graph);
    expect(r.code).toBe(0);
    expect(r.line).toMatch(/^ok: 5 edges verified .*informational \(not checked\): that each node is a region with interior and that no edge is missing/);
  });

  it("graphs of a sawtooth (neurons that touch their breakpoint), a LeakyReLU net and a line slice verify", async () => {
    for (const [net, args] of [["fixtures/gallery/sawtooth-L5.json", ["--box=-1:1"]], ["fixtures/seed-leaky.json", []], [SEED, ["--line", "0,0;1,1"]]] as const) {
      const path = join(dir, "other.json");
      expect((await cli("graph", net, ...args, "--json", "-o", path)).code).toBe(0);
      const run = await cli("check", path, net);
      expect(run.stderr).toBe("");
      expect(run.code).toBe(0);
    }
  });

  it("a float network's graph is checked in dyadic arithmetic: it verifies, a jump off by 2^-60 or a point moved off its facet is rejected", async () => {
    // fixtures/bench/mlp-2-16-16-2.json has float32 weights (dyadic), so the checker's field is Dyadic and each
    // facet point p = P/D is scaled to integers; a value that differs in the 60th bit must still be caught.
    const net = "fixtures/bench/mlp-2-16-16-2.json";
    const path = join(dir, "float.json");
    expect((await cli("graph", net, "--box=-1:1", "--json", "-o", path)).code).toBe(0);
    const g = JSON.parse(readFileSync(path, "utf8")) as Graph;
    expect(g.edges.length).toBeGreaterThan(100);
    expect((await check(g, net)).code).toBe(0);
    const e = g.edges.findIndex((x) => (x.jump as string[][])[0]!.some((v) => v !== "0"));
    const k = (g.edges[e]!.jump as string[][])[0]!.findIndex((v) => v !== "0");
    const jumped = JSON.parse(JSON.stringify(g)) as Graph;
    const [num, den = "1"] = (jumped.edges[e]!.jump as string[][])[0]![k]!.split("/");
    // v + 2^-60 = (num·2^60 + den) / (den·2^60), the same value spelled differently is accepted first.
    (jumped.edges[e]!.jump as string[][])[0]![k] = `${BigInt(num!) * 2n} / ${BigInt(den) * 2n}`.replace(/ /g, "");
    expect((await check(jumped, net)).code).toBe(0);
    (jumped.edges[e]!.jump as string[][])[0]![k] = `${BigInt(num!) * 2n ** 60n + BigInt(den)}/${BigInt(den) * 2n ** 60n}`;
    const r = await check(jumped, net);
    expect(r.code).toBe(1);
    expect(r.line).toMatch(new RegExp(`^tessera: check failed: edges\\[${e}\\]\\.jump\\[0\\]\\[${k}\\]: is `));
    const moved = JSON.parse(JSON.stringify(g)) as Graph;
    const point = moved.edges[0]!.point as string[];
    point[0] = `${point[0]}`.includes("/") ? point[0]!.replace("/", "1/") : `${point[0]}1`;
    const m = await check(moved, net);
    expect(m.code).toBe(1);
    expect(m.line).toMatch(/^tessera: check failed: edges\[0\]\.point: /);
  });

  const tamper = (edit: (g: Graph) => void): Graph => {
    const copy = JSON.parse(JSON.stringify(graph)) as Graph;
    edit(copy);
    return copy;
  };
  const cases: Record<string, [(g: Graph) => void, RegExp]> = {
    "a flipped neuron dropped": [(g) => (g.edges[0]!.neurons = []), /^tessera: check failed: edges\[0\]\.neurons: must list the neurons whose pieces differ/],
    "the point moved off the hyperplane": [(g) => (g.edges[0]!.point = ["1/10", "0"]), /^tessera: check failed: edges\[0\]\.point: neuron 0 of layer 0 is neither strictly inside its piece 0 nor at the breakpoint/],
    "the point moved outside the domain (on the hyperplane)": [(g) => (g.edges[0]!.point = ["4", "2"]), /^tessera: check failed: edges\[0\]\.point: is not strictly inside domain constraint/],
    "the jump changed": [(g) => (g.edges[0]!.jump = [["2", "-2"]]), /^tessera: check failed: edges\[0\]\.jump\[0\]\[0\]: is 2, the exact jump is 1$/],
    "sameMap flipped": [(g) => (g.edges[0]!.sameMap = true), /^tessera: check failed: edges\[0\]\.sameMap: is true, the two affine maps are not equal$/],
    "source and target swapped": [
      (g) => Object.assign(g.edges[0]!, { source: 3, target: 0, neurons: [{ layer: 0, neuron: 0, from: 1, to: 0 }], jump: [["-1", "2"]] }),
      /^tessera: check failed: edges\[0\]\.source: the edge must point from the lower to the higher piece/,
    ],
    "an edge between regions that share no facet there (010 to 111 at (0, 0))": [
      (g) => Object.assign(g.edges[0]!, { target: 4, neurons: [{ layer: 0, neuron: 0, from: 0, to: 1 }, { layer: 0, neuron: 2, from: 0, to: 1 }] }),
      /^tessera: check failed: edges\[0\]\.point: neuron 2 of layer 0 is neither strictly inside its piece 0 nor at the breakpoint between its pieces 0 and 1 there$/,
    ],
    "a node's piece changed": [(g) => (g.nodes[1]!.piece = 0), /^tessera: check failed: nodes\[1\]\.piece: is 0; its sameMap component is piece 1$/],
    "a node's pattern changed to one of another length": [(g) => (g.nodes[1]!.pattern = "01"), /^tessera: check failed: nodes\[1\]\.pattern: "01" is not an activation pattern of this network$/],
    "counts.edges changed": [(g) => (g.counts.edges = 6), /^tessera: check failed: counts\.edges: says 6, the graph has 5 edges$/],
    "an edge given twice": [(g) => g.edges.push(g.edges[0]!), /^tessera: check failed: edges\[5\]: two regions share at most one facet/],
  };
  for (const [name, [edit, message]] of Object.entries(cases)) {
    it(`rejects: ${name}`, async () => {
      const r = await check(tamper(edit));
      expect(r.code).toBe(1);
      expect(r.line).toMatch(message);
    });
  }
});

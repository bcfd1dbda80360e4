// The region graph in R^2 and R^3 on regions from the region engine, checked against formulas and exact
// forward differencing written in the test: one hidden layer in general position has m·Σ_{i<d} C(m−1, i) edges
// and every jump is v_k·w_kᵀ; a two-layer net's jumps equal the difference of the maps differenced on either
// side of each facet point; the seed network has 7 regions and 9 edges.
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { rat, type Rational } from "../../src/exact/rational.js";
import { sequential } from "../../src/network/build.js";
import { evaluate, formatPattern } from "../../src/network/evaluate.js";
import type { ActivationSpec, Network } from "../../src/network/ir.js";
import { readNetworkJson } from "../../src/formats/network-json.js";
import { collectRegions } from "../../src/regions/enumerate.js";
import type { DomainSpec } from "../../src/geometry/types.js";
import { buildRegionGraph } from "../../src/graph/adjacency.js";
import { choose, inGeneralPosition, randomRational } from "./helpers.js";
import { seededRandom } from "../../src/exact/random.js";
import { projectFile } from "../project.js";

async function graphOf(net: Network, domain?: DomainSpec) {
  const { regions, result } = await collectRegions(net, domain);
  expect(result.complete).toBe(true);
  return { regions, ...buildRegionGraph({ net: result.domain.network, regions, domain: result.domain.polyhedron }) };
}

/** The Jacobian at q by exact forward differencing along each axis (q and q + h·e_i in the same region). */
function jacobianAt(net: Network, q: readonly Rational[], h: Rational): Rational[][] {
  const e0 = evaluate(net, q);
  const f0 = e0.output;
  const cols = q.map((_, i) => {
    const ei = evaluate(net, q.map((v, j) => (j === i ? v.add(h) : v)));
    expect(formatPattern(ei.pattern), "the differencing step stays in the region").toBe(formatPattern(e0.pattern));
    return ei.output.map((v, r) => v.sub(f0[r]!).div(h));
  });
  return f0.map((_, r) => cols.map((col) => col[r]!));
}

describe("graph/adjacency in R^d", () => {
  it("the seed network over R^2: 7 regions, 9 edges (3 lines: m² facets), 7 linear pieces", async () => {
    const net = readNetworkJson(readFileSync(projectFile("fixtures/seed-three-neurons.json"), "utf8"), "seed");
    const { graph, linearPieces } = await graphOf(net);
    expect([graph.order, graph.size, linearPieces]).toEqual([7, 9, 7]);
  });

  it("coincident and opposite hyperplanes: one edge per facet, every neuron that flips listed, oriented by the first", async () => {
    // z0 = x + y, z1 = 2x + 2y (same line), z2 = −x − y (opposite), z3 = x − y; output weights 1, 1, 1, 1.
    const net = sequential(2, [
      { weights: [[rat(1), rat(1)], [rat(2), rat(2)], [rat(-1), rat(-1)], [rat(1), rat(-1)]], bias: [rat(0), rat(0), rat(0), rat(0)] },
      { weights: [[rat(1), rat(1), rat(1), rat(1)]], bias: [rat(0)] },
    ]);
    const { graph } = await graphOf(net);
    expect([graph.order, graph.size]).toEqual([4, 4]);
    const across = graph.filterEdges((_k, attrs) => attrs.neurons.length === 3);
    expect(across).toHaveLength(2);
    for (const key of across) {
      const attrs = graph.getEdgeAttributes(key);
      expect(attrs.neurons.map((n) => [n.neuron, n.from, n.to])).toEqual([[0, 0, 1], [1, 0, 1], [2, 1, 0]]);
      // source: x + y < 0 (z2 active), target: x + y > 0 (z0, z1 active): jump (1 + 2 + 1)·(1, 1).
      expect(attrs.jump[0]!.map((v) => v.toFraction())).toEqual(["4", "4"]);
    }
  });

  for (const [d, trials, maxM] of [[2, 6, 6], [3, 3, 5], [4, 1, 5]] as const) {
    it(`one hidden layer in general position in R^${d}: m·Σ_{i<d} C(m−1,i) edges, jumps v_k·w_kᵀ`, async () => {
      const seed = 1000 + d;
      const next = seededRandom(seed);
      let done = 0;
      while (done < trials) {
        const m = 2 + Math.floor(next() * (maxM - 1));
        const w = Array.from({ length: m }, () => Array.from({ length: d }, () => randomRational(next)));
        const b = Array.from({ length: m }, () => randomRational(next, true));
        const v = Array.from({ length: m }, () => randomRational(next));
        if (!inGeneralPosition(w, b)) continue;
        done++;
        const net = sequential(d, [{ weights: w, bias: b }, { weights: [v], bias: [rat(0)] }]);
        const { graph } = await graphOf(net);
        let facets = 0;
        for (let i = 0; i < d; i++) facets += choose(m - 1, i);
        let regions = 0;
        for (let i = 0; i <= d; i++) regions += choose(m, i);
        const label = `seed ${seed}, d ${d}, m ${m}`;
        expect(graph.order, label).toBe(regions);
        expect(graph.size, label).toBe(m * facets);
        graph.forEachEdge((_key, attrs) => {
          expect(attrs.neurons, label).toHaveLength(1);
          const { neuron: k, from, to } = attrs.neurons[0]!;
          expect([from, to]).toEqual([0, 1]);
          const expected = w[k]!.map((wkj) => v[k]!.mul(wkj));
          expect(attrs.jump[0]!.map((x) => x.toFraction()), label).toEqual(expected.map((x) => x.toFraction()));
          // the point is on neuron k's hyperplane, exactly
          const z = w[k]!.reduce((s, wkj, j) => s.add(wkj.mul(attrs.point![j]!)), b[k]!);
          expect(z.n, label).toBe(0n);
        });
      }
    });
  }

  const activations: ActivationSpec[] = [
    { kind: "relu" },
    { kind: "relu" },
    { kind: "leaky_relu", alpha: rat(1, 10) },
    { kind: "clip", min: rat(-1), max: rat(1) },
    { kind: "abs" },
  ];
  it("a two-layer net in R^2 (ReLU, leaky, clip, abs): every jump equals the difference of forward-differenced maps on either side", async () => {
    const next = seededRandom(424242);
    for (let trial = 0; trial < activations.length; trial++) {
      const layer = (rows: number, cols: number) => ({
        weights: Array.from({ length: rows }, () => Array.from({ length: cols }, () => randomRational(next))),
        bias: Array.from({ length: rows }, () => randomRational(next, true)),
      });
      const net = sequential(2, [layer(4, 2), layer(3, 4), layer(2, 3)], activations[trial]);
      const { graph } = await graphOf(net);
      expect(graph.size).toBeGreaterThan(0);
      graph.forEachEdge((_key, attrs, _s, _t, sourceAttrs, targetAttrs) => {
        const p = attrs.point!;
        const a = attrs.hyperplane.a; // the source lies where a·x ≤ b
        // Step off the facet along ±a until the exact forward pass shows the source / target pattern there.
        let delta = rat(1, 2 ** 10);
        let from: Rational[] = [];
        let to: Rational[] = [];
        for (let tries = 0; tries < 60; tries++, delta = delta.div(2)) {
          from = p.map((x, j) => x.sub(delta.mul(a[j]!)));
          to = p.map((x, j) => x.add(delta.mul(a[j]!)));
          if (formatPattern(evaluate(net, from).pattern) === sourceAttrs.pattern && formatPattern(evaluate(net, to).pattern) === targetAttrs.pattern) break;
        }
        expect(formatPattern(evaluate(net, from).pattern)).toBe(sourceAttrs.pattern);
        expect(formatPattern(evaluate(net, to).pattern)).toBe(targetAttrs.pattern);
        const h = delta.div(2 ** 20);
        const jFrom = jacobianAt(net, from, h);
        const jTo = jacobianAt(net, to, h);
        const expected = jTo.map((row, r) => row.map((x, c) => x.sub(jFrom[r]![c]!).toFraction()));
        expect(attrs.jump.map((row) => row.map((x) => x.toFraction())), `trial ${trial}`).toEqual(expected);
      });
    }
  });
});

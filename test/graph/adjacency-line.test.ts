// The region graph of networks with one input, on regions built by the helper (independent of src/graph):
// the graph of a line is a path, every jump of one hidden layer is v_k·w_k, deep jumps equal the difference of
// forward-differenced maps, and y = relu(x−1) + 0·relu(x) has 3 regions and 2 linear pieces.
import { describe, expect, it } from "vitest";
import { rat, type Rational } from "../../src/exact/rational.js";
import { sequential } from "../../src/network/build.js";
import { evaluate } from "../../src/network/evaluate.js";
import { buildRegionGraph } from "../../src/graph/adjacency.js";
import { affineThrough, randomRational, regionsOnTheLine } from "./helpers.js";
import { seededRandom } from "../../src/exact/random.js";

const r = (n: number, d = 1): Rational => rat(n, d);

describe("graph/adjacency on the line", () => {
  it("should throw if the network is invalid", () => {
    expect(() => buildRegionGraph({ net: undefined as never, regions: [] })).toThrow(/graph\/adjacency: invalid network/);
  });

  it("y = relu(x−1) + 0·relu(x): 3 regions, 2 edges, 2 linear pieces", () => {
    const net = sequential(1, [
      { weights: [[r(1)], [r(1)]], bias: [r(-1), r(0)] },
      { weights: [[r(1), r(0)]], bias: [r(0)] },
    ]);
    const regions = regionsOnTheLine(net);
    expect(regions).toHaveLength(3);
    const { graph, linearPieces } = buildRegionGraph({ net, regions });
    expect(graph.order).toBe(3);
    expect(graph.size).toBe(2);
    expect(linearPieces).toBe(2);
    // (−∞,0) and (0,1) have map 0: one piece; (1,∞) has map x−1.
    const pieces = regions.map((reg) => graph.getNodeAttribute(String(reg.id), "piece"));
    expect(pieces).toEqual([0, 0, 1]);
  });

  it("one hidden layer in 1-D: a path of m edges, each jump v_k·w_k oriented inactive → active", () => {
    const next = seededRandom(20261129);
    for (let trial = 0; trial < 20; trial++) {
      const m = 1 + Math.floor(next() * 6);
      const w = Array.from({ length: m }, () => randomRational(next));
      const b = Array.from({ length: m }, () => randomRational(next, true));
      const v = Array.from({ length: m }, () => randomRational(next));
      // general position on the line: distinct breakpoints −b/w
      const at = w.map((wk, k) => b[k]!.neg().div(wk).toFraction());
      if (new Set(at).size !== m) continue;
      const net = sequential(1, [
        { weights: w.map((wk) => [wk]), bias: b },
        { weights: [v], bias: [r(0)] },
      ]);
      const { graph } = buildRegionGraph({ net, regions: regionsOnTheLine(net) });
      expect(graph.order, `trial ${trial}`).toBe(m + 1);
      expect(graph.size, `trial ${trial}`).toBe(m);
      graph.forEachEdge((_key, attrs, source, target) => {
        expect(attrs.neurons).toHaveLength(1);
        const k = attrs.neurons[0]!.neuron;
        expect(attrs.neurons[0]).toMatchObject({ layer: 0, from: 0, to: 1 });
        expect(attrs.jump[0]![0]!.equals(v[k]!.mul(w[k]!)), `trial ${trial} neuron ${k}`).toBe(true);
        // the point is the breakpoint −b_k/w_k, exactly
        expect(attrs.point![0]!.equals(b[k]!.neg().div(w[k]!))).toBe(true);
        expect(source).not.toBe(target);
      });
    }
  });

  it("a deep 1-D net: every jump equals the difference of maps differenced on either side of the point", () => {
    const next = seededRandom(7);
    for (let trial = 0; trial < 15; trial++) {
      const layer = (rows: number, cols: number) => ({
        weights: Array.from({ length: rows }, () => Array.from({ length: cols }, () => randomRational(next))),
        bias: Array.from({ length: rows }, () => randomRational(next, true)),
      });
      const net = sequential(1, [layer(3, 1), layer(3, 3), layer(2, 3)]);
      const { graph } = buildRegionGraph({ net, regions: regionsOnTheLine(net) });
      graph.forEachEdge((_key, attrs) => {
        const p = attrs.point![0]!;
        // Exact forward differencing at p ± δ and p ± 2δ, δ far below the distance between cut points.
        const delta = rat(1, 2 ** 40);
        const side = (sgn: number): Rational[] => {
          const a = p.add(delta.mul(sgn));
          const c = p.add(delta.mul(2 * sgn));
          const fa = evaluate(net, [a]).output;
          const fc = evaluate(net, [c]).output;
          return fa.map((val, i) => affineThrough(a, val, c, fc[i]!)[0]);
        };
        const sign = attrs.hyperplane.a[0]!.s > 0n ? 1 : -1; // the source lies where a·x ≤ b
        const fromSlopes = side(-sign);
        const toSlopes = side(sign);
        attrs.jump.forEach((row, i) => expect(row[0]!.equals(toSlopes[i]!.sub(fromSlopes[i]!)), `trial ${trial}`).toBe(true));
      });
    }
  });
});

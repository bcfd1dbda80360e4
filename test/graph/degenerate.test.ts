// The region graph on degenerate deep networks (small integer weights: coincident, opposite and parallel
// hyperplanes, zero rows, bias-free layers, dead neurons) over R^2 and a box: the graph builds without an
// internal error, every edge's flipped neurons are exactly the pattern differences, every facet point is exactly
// on the shared hyperplane and in both closures, and a complete enumeration leaves no neuron facet without a
// neighbour (each one is an edge or on the domain's boundary).
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { rat } from "../../src/exact/rational.js";
import { sequential } from "../../src/network/build.js";
import type { ActivationSpec } from "../../src/network/ir.js";
import type { DomainSpec } from "../../src/geometry/types.js";
import { collectRegions } from "../../src/regions/enumerate.js";
import { buildRegionGraph } from "../../src/graph/adjacency.js";
import { inClosure, onDomainBoundary, slack } from "../../src/graph/facets.js";

const weight = fc.integer({ min: -2, max: 2 }).map((n) => rat(n));
const layer = (rows: number, cols: number) =>
  fc.tuple(fc.array(fc.array(weight, { minLength: cols, maxLength: cols }), { minLength: rows, maxLength: rows }), fc.array(weight, { minLength: rows, maxLength: rows }));
const activation = fc.constantFrom<ActivationSpec>({ kind: "relu" }, { kind: "leaky_relu", alpha: rat(1, 2) }, { kind: "clip", min: rat(-1), max: rat(1) });

describe("graph on degenerate deep networks", () => {
  it("fast-check: builds, flips = pattern differences, points on both closures, no facet left without a neighbour", async () => {
    await fc.assert(
      fc.asyncProperty(layer(3, 2), layer(3, 3), layer(1, 3), activation, fc.boolean(), async (l1, l2, l3, act, boxed) => {
        const net = sequential(2, [l1, l2, l3].map(([weights, bias]) => ({ weights, bias })), act);
        const box: DomainSpec = { kind: "box", lo: [rat(-3), rat(-3)], hi: [rat(3), rat(3)] };
        const { regions, result } = await collectRegions(net, boxed ? box : undefined);
        const built = buildRegionGraph({ net: result.domain.network, regions, domain: result.domain.polyhedron });
        expect(built.missingNeighbours).toBe(0);
        built.graph.forEachEdge((_key, attrs, _s, _t, src, dst) => {
          const diffs: string[] = [];
          src.region.pattern.forEach((l, i) => l.forEach((p, j) => p !== dst.region.pattern[i]![j] && diffs.push(`${i}.${j}:${p}>${dst.region.pattern[i]![j]}`)));
          expect(attrs.neurons.map((n) => `${n.layer}.${n.neuron}:${n.from}>${n.to}`)).toEqual(diffs);
          expect(attrs.neurons[0]!.from).toBeLessThan(attrs.neurons[0]!.to);
          expect(slack(attrs.hyperplane, attrs.point!).n).toBe(0n);
          expect(inClosure(src.region.constraints, attrs.point!) && inClosure(dst.region.constraints, attrs.point!)).toBe(true);
        });
        // every neuron facet of a region is an edge, unless it lies on the box's boundary
        for (const r of regions) {
          const inner = r.constraints.filter((c) => c.source.kind === "neuron" && !onDomainBoundary(c, result.domain.polyhedron)).length;
          expect(built.graph.degree(String(r.id))).toBe(inner);
        }
      }),
      { numRuns: 60, seed: 3 },
    );
  });
});

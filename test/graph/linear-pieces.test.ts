// Linear pieces: y = relu(x−1) + 0·relu(x) has 3 regions and 2 linear pieces over R (acceptance); in 2-D a
// neuron with zero output weight merges the regions it separates, while two regions with equal maps that only
// touch at a point stay separate pieces; the streaming tracker (count/regions: pattern and map digest per region)
// agrees with the graph, on maps enumerated with and without irredundant constraints; fast-check invariants of the graph on random nets.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { rat, type Rational } from "../../src/exact/rational.js";
import { sequential } from "../../src/network/build.js";
import type { Network } from "../../src/network/ir.js";
import type { DomainSpec } from "../../src/geometry/types.js";
import { collectRegions } from "../../src/regions/enumerate.js";
import { buildRegionGraph } from "../../src/graph/adjacency.js";
import { LinearPieceTracker } from "../../src/graph/piece-tracker.js";
import { linearPieces } from "../../src/graph/linear-pieces.js";
import { crossFacet } from "../../src/graph/crossing.js";
import { patternForms } from "../../src/graph/affine-forms.js";
import { inClosure, slack } from "../../src/graph/facets.js";
import { formatPattern } from "../../src/network/evaluate.js";
import { gradientJump } from "../../src/graph/gradient-jump.js";

const r = (n: number, d = 1): Rational => rat(n, d);

async function piecesBothWays(net: Network, domain?: DomainSpec) {
  const { regions, result } = await collectRegions(net, domain);
  const built = buildRegionGraph({ net: result.domain.network, regions, domain: result.domain.polyhedron });
  const tracker = new LinearPieceTracker();
  regions.forEach((reg) => tracker.add(reg));
  const { regions: loose } = await collectRegions(net, domain, { irredundant: false });
  const looseTracker = new LinearPieceTracker();
  loose.forEach((reg) => looseTracker.add(reg));
  const { network, polyhedron } = result.domain;
  return { regions, built, tracker: tracker.finish(network, polyhedron), loose: looseTracker.finish(network, polyhedron), looseRegions: loose };
}

describe("graph/linear-pieces", () => {
  it("should throw if the graph is invalid", () => {
    expect(() => linearPieces(undefined as never)).toThrow(/graph\/linear-pieces: invalid graph/);
  });

  it("y = relu(x−1) + 0·relu(x) over R: 3 regions, 2 linear pieces (graph and tracker)", async () => {
    const net = sequential(1, [
      { weights: [[r(1)], [r(1)]], bias: [r(-1), r(0)] },
      { weights: [[r(1), r(0)]], bias: [r(0)] },
    ]);
    const { regions, built, tracker, loose } = await piecesBothWays(net);
    expect(regions).toHaveLength(3);
    expect(built.linearPieces).toBe(2);
    expect(tracker[1]).toBe(2);
    expect(loose[1]).toBe(2);
  });

  it("2-D: a zero-weight neuron merges the regions it separates; adjacent regions with different maps stay apart", async () => {
    // relu(x) + relu(−x) + relu(y) + relu(−y) = |x| + |y| plus a neuron relu(x + y − 5) with weight 0:
    // 4 quadrants cut by the extra line: regions 4 + 3 = 7, pieces 4 (|x|+|y| has 4 affine pieces).
    const net = sequential(2, [
      { weights: [[r(1), r(0)], [r(-1), r(0)], [r(0), r(1)], [r(0), r(-1)], [r(1), r(1)]], bias: [r(0), r(0), r(0), r(0), r(-5)] },
      { weights: [[r(1), r(1), r(1), r(1), r(0)]], bias: [r(0)] },
    ]);
    const { regions, built, tracker, loose } = await piecesBothWays(net);
    expect(regions).toHaveLength(7);
    expect(built.linearPieces).toBe(4);
    expect(tracker[1]).toBe(4);
    expect(loose[1]).toBe(4);
    // g = |x + y| − |x − y| (four ReLUs): its 4 regions have maps 2y, 2x, −2y, −2x; no two adjacent regions
    // share a map, so 4 pieces.
    const g = sequential(2, [
      { weights: [[r(1), r(1)], [r(-1), r(-1)], [r(1), r(-1)], [r(-1), r(1)]], bias: [r(0), r(0), r(0), r(0)] },
      { weights: [[r(1), r(1), r(-1), r(-1)]], bias: [r(0)] },
    ]);
    const gp = await piecesBothWays(g);
    expect([gp.regions.length, gp.built.linearPieces, gp.tracker[1], gp.loose[1]]).toEqual([4, 4, 4, 4]);
  });

  it("ids spread over many storage chunks (2^16 regions each) and a widened pattern give the same pieces as compact ids", async () => {
    // hardtanh has 3 pieces per neuron, so the packed patterns widen from 1 to 2 bits after the first region
    // with a middle piece; ids far apart put the regions (and the members of one piece) in different chunks.
    // |x| + |y| through hardtanh(−1, 1) units on [-3,3]^2, plus a zero-weight neuron: the expected pieces are the
    // compact run's, renumbered by smallest id.
    const net = sequential(
      2,
      [
        { weights: [[r(1), r(0)], [r(-1), r(0)], [r(0), r(1)], [r(0), r(-1)], [r(1), r(1)]], bias: [r(0), r(0), r(0), r(0), r(-1)] },
        { weights: [[r(1), r(1), r(1), r(1), r(0)]], bias: [r(0)] },
      ],
      { kind: "hardtanh", min: r(-1), max: r(1) },
    );
    const { regions, result } = await collectRegions(net, { kind: "box", lo: [r(-3), r(-3)], hi: [r(3), r(3)] });
    const { network, polyhedron } = result.domain;
    const compact = new LinearPieceTracker();
    regions.forEach((reg) => compact.add(reg));
    const [compactPieces, compactCount] = compact.finish(network, polyhedron);
    const spreadId = (i: number): number => (regions.length - 1 - i) * 70_001 + (i % 3);
    const spread = new LinearPieceTracker();
    // Regions whose pieces fit in 1 bit first, so the widening repacks patterns already stored in other chunks.
    const widest = (i: number): number => Math.max(...regions[i]!.pattern.flat());
    const addOrder = [...regions.keys()].sort((i, j) => widest(i) - widest(j));
    expect([widest(addOrder[0]!), widest(addOrder.at(-1)!)]).toEqual([1, 2]);
    for (const i of addOrder) spread.add({ ...regions[i]!, id: spreadId(i) });
    const [spreadPieces, spreadCount] = spread.finish(network, polyhedron);
    expect(spreadCount).toBe(compactCount);
    expect(compactCount).toBeLessThan(regions.length); // the zero-weight neuron's line joins regions
    // Same partition: two regions share a piece in one run iff they do in the other.
    for (let i = 0; i < regions.length; i++)
      for (let j = 0; j < regions.length; j++)
        expect(spreadPieces[spreadId(i)] === spreadPieces[spreadId(j)]).toBe(compactPieces[regions[i]!.id] === compactPieces[regions[j]!.id]);
    // Pieces are numbered by their smallest region id; ids never added have piece −1.
    const order = regions.map((_, i) => spreadId(i)).sort((a, b) => a - b);
    const firstSeen: number[] = [];
    for (const id of order) if (!firstSeen.includes(spreadPieces[id]!)) firstSeen.push(spreadPieces[id]!);
    expect(firstSeen).toEqual([...Array(spreadCount).keys()]);
    expect(spreadPieces[70_000]).toBe(-1);
  });

  it("fast-check: tracker = graph pieces; edge points lie in both closures; jumps antisymmetric; crossing back gives the source", async () => {
    const weight = fc.integer({ min: -3, max: 3 }).map((n) => rat(n));
    const netArb = fc
      .tuple(
        fc.array(fc.tuple(weight, weight, weight), { minLength: 2, maxLength: 5 }),
        fc.array(weight, { minLength: 5, maxLength: 5 }),
      )
      .map(([rows, v]) =>
        sequential(2, [
          { weights: rows.map(([a, b]) => [a, b]), bias: rows.map(([, , c]) => c) },
          { weights: [v.slice(0, rows.length)], bias: [r(0)] },
        ]),
      );
    await fc.assert(
      fc.asyncProperty(netArb, fc.boolean(), async (net, boxed) => {
        const box: DomainSpec = { kind: "box", lo: [r(-2), r(-1)], hi: [r(2), r(3)] };
        const { built, tracker, loose, regions } = await piecesBothWays(net, boxed ? box : undefined);
        const [pieceOf] = linearPieces(built.graph);
        expect(Array.from(tracker[0])).toEqual(regions.map((reg) => pieceOf.get(String(reg.id))));
        expect(loose[1]).toBe(built.linearPieces);
        built.graph.forEachEdge((_key, attrs, _s, _t, src, dst) => {
          expect(inClosure(src.region.constraints, attrs.point!)).toBe(true);
          expect(inClosure(dst.region.constraints, attrs.point!)).toBe(true);
          expect(slack(attrs.hyperplane, attrs.point!).n).toBe(0n);
          // antisymmetry: the jump seen from the target is the negated jump
          const back2 = gradientJump(dst.region.map, src.region.map);
          expect(back2.map((row) => row.map((v) => v.neg().toFraction()))).toEqual(attrs.jump.map((row) => row.map((v) => v.toFraction())));
          // the target's constraint on the same hyperplane, crossed from the target, leads back to the source
          const back = dst.region.constraints.findIndex(
            (c) => slack(c, attrs.point!).n === 0n && c.source.kind === "neuron",
          );
          expect(back).toBeGreaterThanOrEqual(0);
          const [[pattern]] = crossFacet(net, dst.region.pattern, patternForms(net, dst.region.pattern), dst.region.constraints[back]!);
          expect(formatPattern(pattern)).toBe(src.pattern);
        });
      }),
      { numRuns: 40, seed: 11 },
    );
  });
});

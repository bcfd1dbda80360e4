// The region graph: one node per region, one directed edge per facet of dimension d−1 shared by two regions.
// For every neuron facet of every region, the pattern across it is decided exactly (crossing.ts) and looked up
// in a pattern → region index; the edge records the flipped neurons, the exact Jacobian jump and, when asked, an
// exactly checked point in the facet's relative interior. Linear pieces are assigned at the end.
import { DirectedGraph } from "graphology";
import { InternalError, UsageError, invariant } from "../errors.js";
import type { Polyhedron } from "../geometry/types.js";
import { formatPattern } from "../network/evaluate.js";
import type { Network } from "../network/ir.js";
import type { Region } from "../regions/types.js";
import { fieldFor, formToRational, outputForm, patternFormsIn } from "./affine-forms.js";
import { crossFacetIn } from "./crossing.js";
import { flipHalfspace, halfspaceOf, inClosure, onDomainBoundary } from "./facets.js";
import { facetPoint } from "./facet-point.js";
import { gradientJump, orientFlips, sameAffineMap } from "./gradient-jump.js";
import { assignLinearPieces } from "./linear-pieces.js";
import type { FacetAttrs, RegionAttrs, RegionGraph, RegionGraphOptions, RegionGraphResult } from "./types.js";

export interface RegionGraphInput {
  /** The network in region coordinates (for a slice: with the slice's affine layer in front). */
  readonly net: Network;
  readonly regions: readonly Region[];
  /** The domain in region coordinates; when given, facets with no neighbour are checked to lie on its boundary. */
  readonly domain?: Polyhedron;
}

/** Node key of a region. */
export function regionKey(region: Region): string {
  return String(region.id);
}

/** Build the region graph of `regions` (see RegionGraphOptions for what is computed). */
export function buildRegionGraph(input: RegionGraphInput, options: RegionGraphOptions = {}): RegionGraphResult {
  const { net, regions, domain } = input;
  if (!net || !Array.isArray(net.nodes)) throw new UsageError("graph/adjacency: invalid network");
  const points = options.points ?? true;
  const complete = options.complete ?? true;
  const d = net.nodes[0]!.size;
  const graph: RegionGraph = new DirectedGraph<RegionAttrs, FacetAttrs>();
  const byPattern = new Map<string, Region>();
  for (const region of regions) {
    if (region.witness.length !== d) {
      throw new UsageError(`graph/adjacency: region ${region.id} has a ${region.witness.length}-dimensional witness, the network takes ${d} inputs`);
    }
    const pattern = formatPattern(region.pattern);
    if (byPattern.has(pattern)) throw new UsageError(`graph/adjacency: regions ${byPattern.get(pattern)!.id} and ${region.id} have the same pattern ${pattern}`);
    byPattern.set(pattern, region);
    graph.addNode(regionKey(region), { region, pattern, piece: -1 });
  }
  let missingNeighbours = 0;
  let edgeCount = 0;
  // Dyadic arithmetic (no gcd) when the network and every constraint are dyadic, as in the region engine.
  const F = fieldFor(net, regions.flatMap((r) => r.constraints));
  regions.forEach((region, done) => {
    const forms = patternFormsIn(F, net, region.pattern);
    const own = formToRational(F, outputForm(net, forms));
    if (!sameAffineMap({ A: own.G, c: own.h }, region.map)) {
      throw new UsageError(`graph/adjacency: region ${region.id}'s map is not the network's map on its pattern (are the network and the regions in the same coordinates?)`);
    }
    region.constraints.forEach((constraint, index) => {
      if (constraint.source.kind !== "neuron") return;
      const facet = halfspaceOf(constraint);
      const facetIn = { a: facet.a.map((v) => F.fromRational(v)), b: F.fromRational(facet.b) };
      const [[farPattern, flips], farOutput] = crossFacetIn(F, net, region.pattern, forms, facetIn);
      invariant(flips.length > 0, `graph/adjacency: region ${region.id}: nothing flips across constraint ${index}`);
      const neighbour = byPattern.get(formatPattern(farPattern));
      if (!neighbour) {
        if (domain && onDomainBoundary(facet, domain)) return;
        if (complete && domain) {
          throw new InternalError(`graph/adjacency: region ${region.id}: no region ${formatPattern(farPattern)} across constraint ${index}, which is not on the domain's boundary`);
        }
        missingNeighbours++;
        return;
      }
      const here = regionKey(region);
      const there = regionKey(neighbour);
      if (graph.hasEdge(here, there) || graph.hasEdge(there, here)) return;
      const far = formToRational(F, farOutput);
      if (!sameAffineMap({ A: far.G, c: far.h }, neighbour.map)) {
        throw new InternalError(`graph/adjacency: region ${neighbour.id}'s map differs from the map across region ${region.id}'s constraint ${index}`);
      }
      const [hereIsSource, oriented] = orientFlips(flips);
      const [source, target] = hereIsSource ? [region, neighbour] : [neighbour, region];
      let point: FacetAttrs["point"];
      if (points) {
        const p = facetPoint(region, index, neighbour);
        if (!inClosure(neighbour.constraints, p)) {
          throw new InternalError(`graph/adjacency: the facet point between regions ${region.id} and ${neighbour.id} is not in both closures`);
        }
        point = p;
      }
      const attrs: FacetAttrs = {
        neurons: oriented,
        hyperplane: hereIsSource ? facet : flipHalfspace(facet),
        ...(point ? { point } : {}),
        jump: gradientJump(source.map, target.map),
        sameMap: sameAffineMap(source.map, target.map),
      };
      graph.addDirectedEdgeWithKey(`e${edgeCount++}`, regionKey(source), regionKey(target), attrs);
    });
    options.onRegion?.(done + 1, regions.length);
  });
  const linearPieces = assignLinearPieces(graph);
  return { graph, complete, linearPieces, missingNeighbours };
}

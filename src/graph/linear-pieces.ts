// Linear pieces: the connected unions of adjacent regions whose affine maps are exactly equal (A and c). Two
// activation regions with different patterns can carry the same map (a neuron with zero output weight, a
// repeated hyperplane whose flips cancel); the function has as many affine pieces as there are components of
// the graph restricted to its equal-map edges. Piece ids are 0-based, numbered by their smallest region id.
import { UndirectedGraph } from "graphology";
import { connectedComponents } from "graphology-components";
import { UsageError } from "../errors.js";
import type { PieceAssignment, RegionGraph } from "./types.js";

/** The piece of every node and the number of pieces. */
export function linearPieces(graph: RegionGraph): PieceAssignment {
  if (!graph || typeof graph.forEachNode !== "function") throw new UsageError("graph/linear-pieces: invalid graph");
  const equal = new UndirectedGraph();
  graph.forEachNode((key) => equal.addNode(key));
  graph.forEachEdge((_edge, attrs, source, target) => {
    if (attrs.sameMap && !equal.hasEdge(source, target)) equal.addEdge(source, target);
  });
  const components = connectedComponents(equal).map((keys) => {
    const first = keys.reduce((m, k) => Math.min(m, Number(k)), Infinity);
    return { keys, first };
  });
  components.sort((p, q) => p.first - q.first);
  const pieceOf = new Map<string, number>();
  components.forEach((c, piece) => {
    for (const key of c.keys) pieceOf.set(key, piece);
  });
  return [pieceOf, components.length];
}

/** Write each node's piece id into its attributes; returns the number of pieces. */
export function assignLinearPieces(graph: RegionGraph): number {
  const [pieceOf, count] = linearPieces(graph);
  graph.forEachNode((key, attrs) => {
    attrs.piece = pieceOf.get(key)!;
  });
  return count;
}

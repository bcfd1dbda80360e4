// The region graph as the JSON document of docs/formats/graph.md (schema docs/schema/graph.schema.json):
// nodes with their pattern and linear piece, edges with the flipped neurons, the facet point and the exact jump.
// Rationals are strings "p/q" or "p", as in every tessera document.
import { formatRational } from "../exact/rational.js";
import type { RegionGraphResult } from "./types.js";

export interface GraphJsonNode {
  readonly id: number;
  readonly pattern: string;
  readonly piece: number;
}

export interface GraphJsonEdge {
  readonly source: number;
  readonly target: number;
  readonly neurons: readonly { readonly layer: number; readonly neuron: number; readonly from: number; readonly to: number }[];
  /** Absent when facet points were not computed. */
  readonly point?: readonly string[];
  readonly jump: readonly (readonly string[])[];
  readonly sameMap: boolean;
}

export interface GraphJson {
  readonly format: "tessera-region-graph";
  readonly version: 1;
  readonly complete: boolean;
  readonly counts: { readonly regions: number; readonly edges: number; readonly linearPieces: number };
  readonly nodes: readonly GraphJsonNode[];
  readonly edges: readonly GraphJsonEdge[];
}

/** The JSON document of a region graph. */
export function graphToJson(result: RegionGraphResult): GraphJson {
  const { graph } = result;
  const nodes: GraphJsonNode[] = graph.mapNodes((_key, attrs) => ({ id: attrs.region.id, pattern: attrs.pattern, piece: attrs.piece }));
  const edges: GraphJsonEdge[] = graph.mapEdges((_key, attrs, _source, _target, sourceAttrs, targetAttrs) => ({
    source: sourceAttrs.region.id,
    target: targetAttrs.region.id,
    neurons: attrs.neurons.map((n) => ({ layer: n.layer, neuron: n.neuron, from: n.from, to: n.to })),
    ...(attrs.point ? { point: attrs.point.map(formatRational) } : {}),
    jump: attrs.jump.map((row) => row.map(formatRational)),
    sameMap: attrs.sameMap,
  }));
  return {
    format: "tessera-region-graph",
    version: 1,
    complete: result.complete,
    counts: { regions: graph.order, edges: graph.size, linearPieces: result.linearPieces },
    nodes,
    edges,
  };
}

// GEXF export of the region graph through graphology-gexf (Gephi's format, version 1.2, which every Gephi since
// 0.8 opens): node label = pattern, node attributes pattern/piece/witness, edge attributes
// neurons/point/jump/sameMap, all exact values as text.
import { write } from "graphology-gexf";
import { formatRational } from "../exact/rational.js";
import type { RegionAttrs, FacetAttrs, RegionGraph } from "./types.js";
import { edgeText } from "./write-graphml.js";

/** The graph as a GEXF 1.2 document. */
export function writeGexf(graph: RegionGraph): string {
  return write<RegionAttrs, FacetAttrs>(graph, {
    version: "1.2",
    pretty: true,
    formatNode: (_key, attrs) => ({
      label: attrs.pattern,
      attributes: { pattern: attrs.pattern, piece: attrs.piece, witness: attrs.region.witness.map(formatRational).join(",") },
    }),
    formatEdge: (_key, attrs) => {
      const text = edgeText(attrs);
      return { label: text.neurons, attributes: { ...text, sameMap: attrs.sameMap } };
    },
  });
}

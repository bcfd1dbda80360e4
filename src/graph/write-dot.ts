// Graphviz DOT export of the region graph: one node per region labelled with its id, pattern and piece, one
// edge per facet labelled with the flipped neurons; the exact jump rides along as a tooltip.
import type { RegionGraph } from "./types.js";
import { edgeText } from "./write-graphml.js";

function quote(text: string): string {
  return `"${text.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;
}

/** The graph as a DOT digraph. */
export function writeDot(graph: RegionGraph): string {
  const lines = ["digraph regions {", "  node [shape=box, fontname=monospace];"];
  graph.forEachNode((key, attrs) => {
    lines.push(`  ${quote(key)} [label=${quote(`${key}: ${attrs.pattern}\npiece ${attrs.piece}`)}];`);
  });
  graph.forEachEdge((_key, attrs, source, target) => {
    const text = edgeText(attrs);
    const style = attrs.sameMap ? ", style=dashed" : "";
    lines.push(`  ${quote(source)} -> ${quote(target)} [label=${quote(text.neurons)}, tooltip=${quote(`jump ${text.jump}`)}${style}];`);
  });
  lines.push("}", "");
  return lines.join("\n");
}

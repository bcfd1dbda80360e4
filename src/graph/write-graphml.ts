// GraphML export of the region graph (Cytoscape, yEd, networkx read it). graphology-graphml only parses, so the
// writer is here; tests read its output back with graphology-graphml. Exact values are written as text:
// a point as "x1,x2,...", a jump matrix as rows joined by ";" and entries by ",".
import { formatRational } from "../exact/rational.js";
import type { FacetAttrs, RegionGraph } from "./types.js";

/** The edge attributes as text (shared by the GEXF, GraphML and DOT writers). */
export function edgeText(attrs: FacetAttrs): { neurons: string; point: string; jump: string } {
  return {
    neurons: attrs.neurons.map((n) => `L${n.layer}N${n.neuron}:${n.from}>${n.to}`).join(" "),
    point: attrs.point ? attrs.point.map(formatRational).join(",") : "",
    jump: attrs.jump.map((row) => row.map(formatRational).join(",")).join(";"),
  };
}

/** Escape text for an XML attribute or element. */
export function xmlEscape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&apos;");
}

const KEYS: readonly [id: string, target: "node" | "edge", type: "string" | "int" | "boolean"][] = [
  ["pattern", "node", "string"],
  ["piece", "node", "int"],
  ["witness", "node", "string"],
  ["neurons", "edge", "string"],
  ["point", "edge", "string"],
  ["jump", "edge", "string"],
  ["sameMap", "edge", "boolean"],
];

function data(key: string, value: string | number | boolean): string {
  return `<data key="${key}">${xmlEscape(String(value))}</data>`;
}

/** The graph as a GraphML document (directed edges, one key per attribute). */
export function writeGraphml(graph: RegionGraph): string {
  const lines: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"',
    '    xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">',
  ];
  for (const [id, target, type] of KEYS) lines.push(`  <key id="${id}" for="${target}" attr.name="${id}" attr.type="${type}"/>`);
  lines.push('  <graph id="regions" edgedefault="directed">');
  graph.forEachNode((key, attrs) => {
    const witness = attrs.region.witness.map(formatRational).join(",");
    lines.push(`    <node id="${xmlEscape(key)}">${data("pattern", attrs.pattern)}${data("piece", attrs.piece)}${data("witness", witness)}</node>`);
  });
  graph.forEachEdge((key, attrs, source, target) => {
    const text = edgeText(attrs);
    const body = data("neurons", text.neurons) + (attrs.point ? data("point", text.point) : "") + data("jump", text.jump) + data("sameMap", attrs.sameMap);
    lines.push(`    <edge id="${xmlEscape(key)}" source="${xmlEscape(source)}" target="${xmlEscape(target)}">${body}</edge>`);
  });
  lines.push("  </graph>", "</graphml>", "");
  return lines.join("\n");
}

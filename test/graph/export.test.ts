// Exports of the region graph: GEXF (graphology-gexf) and GraphML (our writer) parse as XML and hold every node
// and edge; GraphML and GEXF read back with graphology's parsers give the same nodes, edges and attributes; DOT
// names every node and edge; the JSON document has one entry per node and edge with exact strings.
import { describe, expect, it } from "vitest";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { DirectedGraph } from "graphology";
import { parse as parseGraphml } from "graphology-graphml";
import { parse as parseGexf } from "graphology-gexf";
import { rat } from "../../src/exact/rational.js";
import { sequential } from "../../src/network/build.js";
import { buildRegionGraph } from "../../src/graph/adjacency.js";
import { writeGexf } from "../../src/graph/write-gexf.js";
import { writeGraphml, xmlEscape } from "../../src/graph/write-graphml.js";
import { writeDot } from "../../src/graph/write-dot.js";
import { graphToJson } from "../../src/graph/to-json.js";
import { regionsOnTheLine } from "./helpers.js";

function lineGraph() {
  // y = relu(x) − 2·relu(x − 1) + relu(x − 2) + 0·relu(3 − x): 5 regions on the line, one flat edge.
  const net = sequential(1, [
    { weights: [[rat(1)], [rat(1)], [rat(1)], [rat(-1)]], bias: [rat(0), rat(-1), rat(-2), rat(3)] },
    { weights: [[rat(1), rat(-2), rat(1), rat(0)]], bias: [rat(0)] },
  ]);
  return buildRegionGraph({ net, regions: regionsOnTheLine(net) });
}

const asArray = <T>(x: T | T[] | undefined): T[] => (x === undefined ? [] : Array.isArray(x) ? x : [x]);

describe("graph exports", () => {
  const result = lineGraph();
  const { graph } = result;

  it("the line graph has 5 regions, 4 edges and 4 linear pieces (the flat edge at x = 3 joins two regions)", () => {
    expect([graph.order, graph.size, result.linearPieces]).toEqual([5, 4, 4]);
  });

  it("GEXF is well-formed XML with every node and edge, and graphology-gexf reads it back", () => {
    const text = writeGexf(graph);
    expect(XMLValidator.validate(text)).toBe(true);
    const doc = new XMLParser({ ignoreAttributes: false }).parse(text);
    const g = doc.gexf.graph;
    expect(asArray(g.nodes.node)).toHaveLength(graph.order);
    expect(asArray(g.edges.edge)).toHaveLength(graph.size);
    const back = parseGexf(DirectedGraph, text);
    expect(back.order).toBe(graph.order);
    expect(back.size).toBe(graph.size);
    graph.forEachNode((key, attrs) => expect(back.getNodeAttribute(key, "pattern")).toBe(attrs.pattern));
  });

  it("GraphML is well-formed XML with every node and edge, and graphology-graphml reads it back", () => {
    const text = writeGraphml(graph);
    expect(XMLValidator.validate(text)).toBe(true);
    const doc = new XMLParser({ ignoreAttributes: false }).parse(text);
    expect(asArray(doc.graphml.graph.node)).toHaveLength(graph.order);
    expect(asArray(doc.graphml.graph.edge)).toHaveLength(graph.size);
    const back = parseGraphml(DirectedGraph, text);
    expect(back.type).toBe("directed");
    expect(back.order).toBe(graph.order);
    expect(back.size).toBe(graph.size);
    graph.forEachNode((key, attrs) => {
      expect(back.getNodeAttribute(key, "pattern")).toBe(attrs.pattern);
      expect(back.getNodeAttribute(key, "piece")).toBe(attrs.piece);
    });
    graph.forEachEdge((key, attrs, source, target) => {
      expect(back.source(key)).toBe(source);
      expect(back.target(key)).toBe(target);
      expect(back.getEdgeAttribute(key, "jump")).toBe(attrs.jump.map((row) => row.map((v) => v.toFraction()).join(",")).join(";"));
      expect(back.getEdgeAttribute(key, "sameMap")).toBe(attrs.sameMap);
    });
  });

  it("xmlEscape escapes the five XML specials", () => {
    expect(xmlEscape(`a<b>&"c'`)).toBe("a&lt;b&gt;&amp;&quot;c&apos;");
  });

  it("DOT names every node and edge", () => {
    const text = writeDot(graph);
    expect(text.startsWith("digraph regions {")).toBe(true);
    graph.forEachNode((key) => expect(text).toContain(`"${key}" [label=`));
    graph.forEachEdge((_key, _attrs, source, target) => expect(text).toContain(`"${source}" -> "${target}"`));
  });

  it("JSON: one node and one edge entry each, rationals as strings", () => {
    const json = graphToJson(result);
    expect(json.nodes).toHaveLength(5);
    expect(json.edges).toHaveLength(4);
    expect(json.counts).toEqual({ regions: 5, edges: 4, linearPieces: 4 });
    for (const e of json.edges) {
      expect(e.point!.every((v) => /^-?\d+(\/\d+)?$/.test(v))).toBe(true);
      expect(e.jump.flat().every((v) => /^-?\d+(\/\d+)?$/.test(v))).toBe(true);
    }
    const flat = json.edges.filter((e) => e.sameMap);
    expect(flat).toHaveLength(1);
    expect(flat[0]!.neurons).toEqual([{ layer: 0, neuron: 3, from: 0, to: 1 }]);
    expect(flat[0]!.point).toEqual(["3"]);
  });
});

// Barrel of src/graph: the region graph (adjacency, jumps, linear pieces), the Clarke Jacobian and the exports.
export * from "./types.js";
export * from "./affine-forms.js";
export * from "./crossing.js";
export * from "./facets.js";
export * from "./facet-point.js";
export * from "./gradient-jump.js";
export * from "./adjacency.js";
export * from "./linear-pieces.js";
export * from "./piece-tracker.js";
export * from "./local-network.js";
export * from "./clarke.js";
export * from "./jump-stats.js";
export * from "./to-json.js";
export * from "./write-gexf.js";
export * from "./write-graphml.js";
export * from "./write-dot.js";

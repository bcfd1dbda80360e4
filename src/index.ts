// The public library API: `import { ... } from "tessera"`. Everything the CLI does is a typed function here.
// Each folder contributes its exports below (one line per module, grouped by folder).
export * from "./errors.js";
export * from "./exact/index.js";
export * from "./network/index.js";
export * from "./formats/index.js";
export type { Halfspace, Polyhedron, AffineMap, DomainSpec } from "./geometry/types.js";
export type { Region, RegionConstraint, ConstraintSource, EnumerationStatus } from "./regions/types.js";
export { runCli } from "./cli/main.js";
export * from "./graph/index.js";

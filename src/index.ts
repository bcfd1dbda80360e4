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
export type { BoundCertificateRecord, SplitRecord } from "./regions/types.js";
export { resolveDomain, defaultDomain, sliceDomain, boxHalfspaces, domainToJson, domainFromJson, type ResolvedDomain, type DomainJson } from "./geometry/domain.js";
export { upperBound, exactUpperBound, strictlyInside, lpRows, newLpStats, type LpRows, type LpStats, type UpperBound } from "./geometry/lp.js";
export { certificateFromBasis, certificateMatches, certificateProves, type BoundCertificate } from "./geometry/certificate.js";
export { interiorPoint, roundInside } from "./geometry/interior.js";
export { exactMax, type ExactLpResult } from "./geometry/exact-simplex.js";
export { proposeMax, type FloatProposal } from "./geometry/float-lp.js";
export { irredundantRows, rowIsRedundant, isBounded } from "./geometry/redundancy.js";
export { polytopeVertices, polygonArea } from "./geometry/vertices.js";
export { enumerateRegions, collectRegions, EmptyDomainError, type EnumerationResult, type EnumerationStats } from "./regions/enumerate.js";
export { DEFAULT_OPTIONS, type EnumerateOptions, type EnumerationProgress } from "./regions/options.js";
export { RegionMapWriter, regionToJson, regionMapHeader, REGION_MAP_FORMAT, type RegionJson } from "./regions/region-map.js";
export { checkDocument, readCheckInput, registerChecker, CheckFailure, type Checker, type CheckInput, type CheckReport } from "./check/index.js";
export * from "./analysis/index.js";

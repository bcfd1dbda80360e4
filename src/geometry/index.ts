// Barrel of src/geometry: the domain and polyhedron types, resolving a domain against a network, LPs with exact
// certificates, interior points, redundancy and vertices.
export type { Halfspace, Polyhedron, AffineMap, DomainSpec } from "./types.js";
export { resolveDomain, defaultDomain, sliceDomain, boxHalfspaces, type ResolvedDomain } from "./domain.js";
export { upperBound, exactUpperBound, strictlyInside, lpRows, newLpStats, type LpRows, type LpStats, type UpperBound } from "./lp.js";
export { certificateFromBasis, certificateMatches, certificateProves, type BoundCertificate } from "./certificate.js";
export { interiorPoint, roundInside } from "./interior.js";
export { exactMax, type ExactLpResult } from "./exact-simplex.js";
export { proposeMax, type FloatProposal } from "./float-lp.js";
export { irredundantRows, rowIsRedundant, isBounded } from "./redundancy.js";
export { polytopeVertices, polygonArea } from "./vertices.js";

// Barrel of src/regions: the enumeration engine (regions with exact maps, witnesses and certificates), its
// options and the region-map writer.
export type { Region, RegionConstraint, ConstraintSource, EnumerationStatus, BoundCertificateRecord, SplitRecord } from "./types.js";
export { enumerateRegions, collectRegions, EmptyDomainError, type EnumerationResult, type EnumerationStats } from "./enumerate.js";
export { DEFAULT_OPTIONS, type EnumerateOptions, type EnumerationProgress } from "./options.js";
export { RegionMapWriter, regionToJson, regionMapHeader, REGION_MAP_FORMAT, type RegionJson } from "./region-map.js";

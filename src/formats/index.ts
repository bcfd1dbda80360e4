// Barrel of src/formats: network readers and writers, region-map and graph formats.
export * from "./json-path.js";
export * from "./network-json.js";
export * from "./load.js";

// Barrel of src/formats: network readers and writers, region-map and graph formats.
export * from "./json-path.js";
export * from "./network-json.js";
export * from "./load.js";
export * from "./onnx/index.js";
export { readNnet, type NnetOptions } from "./nnet.js";
export * from "./vnnlib.js";
export { parseSExprs, type SExpr, type Position } from "./sexpr.js";
export * from "./domain.js";

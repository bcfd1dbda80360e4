// Barrel of src/network: the IR, activations, the builder and exact evaluation.
export * from "./ir.js";
export * from "./activation.js";
export * from "./build.js";
export * from "./evaluate.js";
export * from "./float32.js";
export * from "./describe.js";
export * from "./decimal-weights.js";

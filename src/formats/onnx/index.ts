// Barrel of src/formats/onnx: the ONNX reader (PyTorch exports, VNN-COMP networks) lowered exactly to the IR.
export { readOnnx, type OnnxOptions } from "./lower.js";
export type { ConstTensor } from "./tensor.js";

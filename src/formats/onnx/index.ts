// Barrel of src/formats/onnx: the ONNX reader (PyTorch exports, VNN-COMP networks) lowered exactly to the IR.
export { readOnnx } from "./lower.js";
export type { ConstTensor } from "./tensor.js";

// Barrel of src/exact: rationals, dyadics, exact floats, fields and linear algebra.
export * from "./rational.js";
export * from "./dyadic.js";
export * from "./float.js";
export * from "./field.js";
export * from "./linalg.js";

// Barrel of src/exact: rationals, dyadics, exact floats, fields, fixed-point sums, BigInt helpers and linear algebra.
export * from "./rational.js";
export * from "./dyadic.js";
export * from "./float.js";
export * from "./field.js";
export * from "./fixed-point.js";
export * from "./bigint.js";
export * from "./linalg.js";
export * from "./random.js";

// The public library API: `import { ... } from "tessera"`. Everything the CLI does is a typed function here.
// Each folder's index file says what it exports; this file re-exports the folders, lowest first.
export * from "./errors.js";
export * from "./exact/index.js";
export * from "./network/index.js";
export * from "./geometry/index.js";
export * from "./formats/index.js";
export * from "./regions/index.js";
export * from "./check/index.js";
export * from "./graph/index.js";
export * from "./analysis/index.js";
export { runCli } from "./cli/main.js";

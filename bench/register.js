// Lets `node --import ./bench/register.js bench/<name>.ts` run TypeScript benchmarks on Node 20 without a
// build step: registers bench/ts-hooks.js, which transpiles .ts files with the project's TypeScript
// (types are not checked here; `npm run typecheck` does that) and maps "./x.js" imports to "./x.ts".
import { register } from "node:module";

register("./ts-hooks.js", import.meta.url);

// Bundles the CLI and its worker-thread entries with esbuild (run by `npm run build`, so a fresh clone and
// `npm pack` have them): src/cli/main.ts becomes dist/bundle/tessera.cjs, which `bin/tessera` loads, and the
// entries of the worker threads (src/regions/worker-thread.ts, src/analysis/verify-thread.ts) become
// dist/bundle/<name>.cjs beside it (src/regions/thread-script.ts finds them there). One CommonJS file per
// entry, with the small pure-JavaScript dependencies inside, loads in a fraction of the time the ~200 ES
// modules of dist/ take to resolve, link and evaluate one by one (docs/performance.md, "Start-up"). The
// library (dist/index.js) stays unbundled. Packages loaded only by some commands stay outside and are required
// when used: @resvg/resvg-js for PNG and highs from node_modules, bullmq and ioredis (the queue) from their own
// bundle dist/bundle/queue-deps.cjs (src/queue/deps.ts), which the CLI bundle requires in their place. `import.meta.url` becomes
// the bundle's own URL: every path built from it (package.json, dist/pages) is two folders up from
// dist/bundle/ as it is from dist/cli/. Each file is written to a temporary name and renamed, so a running
// process never loads half a bundle. Source maps beside them serve `--debug` stack traces.
import { build } from "esbuild";
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "dist", "bundle");
mkdirSync(out, { recursive: true });

/** bullmq and ioredis: bundled into queue-deps.cjs only; every other entry requires that file in their place. */
const queueDeps = {
  name: "queue-deps",
  setup(b) {
    b.onResolve({ filter: /^(bullmq|ioredis)$/ }, (args) => (args.importer === join(root, "src/queue/deps.ts") ? undefined : { path: "./queue-deps.cjs", external: true }));
  },
};

const result = await build({
  entryPoints: { tessera: join(root, "src/cli/main.ts"), "worker-thread": join(root, "src/regions/worker-thread.ts"), "verify-thread": join(root, "src/analysis/verify-thread.ts"), "queue-deps": join(root, "src/queue/deps.ts") },
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node20",
  outdir: out,
  outExtension: { ".js": ".cjs" },
  external: ["highs", "@resvg/resvg-js", "esbuild"],
  plugins: [queueDeps],
  define: { "import.meta.url": "__tesseraBundleUrl" },
  banner: { js: 'var __tesseraBundleUrl = require("node:url").pathToFileURL(__filename).href;' },
  sourcemap: "linked",
  // No comments or indentation: a smaller file, and pure ASCII (esbuild escapes other characters in strings),
  // which node reads as a one-byte string. Names are kept; `--debug` traces map back to src/ through the map.
  minifyWhitespace: true,
  minifySyntax: true,
  write: false,
  logLevel: "error",
});
for (const file of result.outputFiles) {
  const tmp = join(out, `.${basename(file.path)}.${process.pid}.tmp`);
  writeFileSync(tmp, file.contents);
  renameSync(tmp, file.path);
}

// Bundles the browser scripts of `tessera view` pages with esbuild (run by `npm run build`, so a fresh clone
// and `npm pack` have them): src/web/*-page.ts and the live page's worker become self-contained IIFE files
// in dist/pages/, which the CLI inlines into the HTML it writes. Each file is written to a temporary name and
// renamed, so a reader never sees half a bundle.
import { build } from "esbuild";
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "dist", "pages");
mkdirSync(out, { recursive: true });

const entries = { "view-page": "src/web/view-page.ts", "live-page": "src/web/live-page.ts", "live-worker": "src/web/live-worker.ts" };
for (const [name, entry] of Object.entries(entries)) {
  const result = await build({
    entryPoints: [join(root, entry)],
    bundle: true,
    format: "iife",
    platform: "browser",
    target: "es2022",
    minify: true,
    legalComments: "none",
    write: false,
    logLevel: "error",
    // The browser path never touches Node built-ins: the few library modules that import one get a stub
    // that throws if it is ever called (see src/web/node-stubs.ts).
    alias: { "node:crypto": join(root, "src/web/node-stubs.ts"), "node:fs": join(root, "src/web/node-stubs.ts"), "node:path": join(root, "src/web/node-stubs.ts") },
  });
  const file = join(out, `${name}.js`);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, result.outputFiles[0].contents);
  renameSync(tmp, file);
}

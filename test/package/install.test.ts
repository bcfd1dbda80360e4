// The package a user installs: `npm pack` holds the built CLI, the library with its type declarations, the JSON
// Schemas and the README — and no test, fixture, benchmark or source file. Installed into an empty folder,
// `npx tessera --help`, `tessera eval` on the user's own file and `import { … } from "tessera"` in a plain .mjs
// script work, from another working directory. The tarball is made from the built dist/ (`npm install` builds
// it through the `prepare` script; after changing src/, `npm run build` refreshes it). The dependencies come
// from npm's cache when they are there (--prefer-offline), else from the registry.
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const npm = process.platform === "win32" ? "npm.cmd" : "npm";
const npx = process.platform === "win32" ? "npx.cmd" : "npx";

function run(command: string, args: readonly string[], cwd: string): SpawnSyncReturns<string> {
  const r = spawnSync(command, args, { cwd, encoding: "utf8", env: { ...process.env, npm_config_update_notifier: "false" } });
  if (r.error) throw r.error;
  return r;
}

function succeed(command: string, args: readonly string[], cwd: string): string {
  const r = run(command, args, cwd);
  if (r.status !== 0) throw new Error(`${command} ${args.join(" ")} (in ${cwd}) exited ${r.status}:\n${r.stderr}${r.stdout}`);
  return r.stdout;
}

// The seed network of fixtures/, written by the user under another name: at (3, 1/2) its output is 49/20
// (hand computation in test/network/evaluate.test.ts) and its activation pattern 101.
const USER_NETWORK = readFileSync(join(root, "fixtures/seed-three-neurons.json"), "utf8");

let work: string;
let app: string;
let elsewhere: string;
let files: string[];

beforeAll(() => {
  if (!existsSync(join(root, "dist/index.js")) || !existsSync(join(root, "dist/bundle/tessera.cjs"))) {
    throw new Error("dist/ is not built: run `npm install` (or `npm run build`) in the repository first");
  }
  work = mkdtempSync(join(tmpdir(), "tessera-pack-"));
  app = join(work, "app");
  elsewhere = join(work, "elsewhere");
  mkdirSync(app);
  mkdirSync(elsewhere);
  const packed = JSON.parse(succeed(npm, ["pack", "--ignore-scripts", "--json", "--pack-destination", work], root)) as { filename: string; files: { path: string }[] }[];
  files = packed[0]!.files.map((f) => f.path);
  succeed(npm, ["install", join(work, packed[0]!.filename), "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"], app);
}, 300_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("npm pack", () => {
  it("holds the CLI, the library with its declarations, the schemas and the README", () => {
    for (const f of ["package.json", "README.md", "bin/tessera", "dist/index.js", "dist/index.d.ts", "dist/exact/rational.d.ts"]) expect(files).toContain(f);
    // The CLI bundle bin/tessera runs, the bundles of its worker threads and the queue's packages (scripts/build-cli.mjs).
    for (const bundle of ["tessera", "worker-thread", "verify-thread", "queue-deps"]) expect(files).toContain(`dist/bundle/${bundle}.cjs`);
    // The bundled page scripts `tessera view` inlines into the pages it writes.
    for (const page of ["view-page", "live-page", "live-worker"]) expect(files).toContain(`dist/pages/${page}.js`);
    for (const schema of ["network", "region-map", "graph"]) expect(files).toContain(`docs/schema/${schema}.schema.json`);
  });

  it("holds no test, fixture, benchmark, source or script file", () => {
    // dist/ is the build: the library, its declarations and any page bundle built there (no source maps).
    const allowed = /^(package\.json|README\.md|bin\/tessera|docs\/schema\/[\w-]+\.schema\.json|dist\/(?!.*\.map$).+)$/;
    expect(files.filter((f) => !allowed.test(f))).toEqual([]);
    expect(files.filter((f) => /(^|\/)(test|fixtures|bench|src|scripts)\//.test(f) || /\.test\.|\.onnx$|\.nnet$|\.vnnlib$/.test(f))).toEqual([]);
  });
});

describe("installed into an empty folder", () => {
  it("npx tessera --help lists the commands", () => {
    const out = succeed(npx, ["tessera", "--help"], app);
    expect(out).toMatch(/Usage: tessera/);
    for (const command of ["eval", "count", "regions", "verify", "check"]) expect(out).toContain(command);
  });

  it("tessera view --live writes a page from the installed package (its bundled scripts are there)", () => {
    const bin = join(app, "node_modules", ".bin", process.platform === "win32" ? "tessera.cmd" : "tessera");
    succeed(bin, ["view", "--live", "-o", "live.html"], elsewhere);
    expect(readFileSync(join(elsewhere, "live.html"), "utf8")).toContain('id="worker-src"');
  });

  it("tessera eval on the user's own file, from another working directory", () => {
    writeFileSync(join(elsewhere, "my-net.json"), USER_NETWORK);
    const bin = join(app, "node_modules", ".bin", process.platform === "win32" ? "tessera.cmd" : "tessera");
    const out = succeed(bin, ["eval", "my-net.json", "--input", "3,1/2", "--json"], elsewhere);
    expect(JSON.parse(out)).toMatchObject({ output: ["49/20"], pattern: "101" });
  });

  it("import { … } from \"tessera\" in a plain .mjs script, run from another working directory", () => {
    writeFileSync(
      join(app, "use.mjs"),
      [
        'import { readFileSync } from "node:fs";',
        'import { readNetworkJson, evaluate, parseRational, formatRational, seededRandom } from "tessera";',
        'const net = readNetworkJson(readFileSync(process.argv[2], "utf8"), process.argv[2]);',
        'const y = evaluate(net, ["3", "1/2"].map(parseRational)).output.map(formatRational);',
        'console.log(JSON.stringify({ y, random: typeof seededRandom(1)() }));',
      ].join("\n"),
    );
    writeFileSync(join(elsewhere, "my-net.json"), USER_NETWORK);
    const out = succeed(process.execPath, [join(app, "use.mjs"), "my-net.json"], elsewhere);
    expect(JSON.parse(out)).toEqual({ y: ["49/20"], random: "number" });
  });

  it("the declared types point at a file the package holds", () => {
    const pkg = JSON.parse(readFileSync(join(app, "node_modules/tessera/package.json"), "utf8")) as { types: string; exports: { ".": { types: string } } };
    expect(existsSync(join(app, "node_modules/tessera", pkg.types))).toBe(true);
    expect(existsSync(join(app, "node_modules/tessera", pkg.exports["."].types))).toBe(true);
  });
});

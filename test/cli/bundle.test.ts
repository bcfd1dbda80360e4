// The CLI as users run it: bin/tessera loads one bundle (dist/bundle/tessera.cjs, scripts/build-cli.mjs) and its
// worker threads run their own bundles beside it. These runs are real processes on a bundle of the current
// sources: a count on 2 threads against Zaslavsky's formula, verify on 2 threads against the in-process
// (unbundled) run's verdict, node count and certificate, the paths the bundle derives from its own location
// (package.json for --version, the page scripts of `view`), a package left outside the bundle (the PNG
// renderer), and --debug stack traces that name the TypeScript
// sources through the bundle's source map.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { writeNetworkJson } from "../../src/formats/network-json.js";
import { seededRandom } from "../../src/exact/random.js";
import { threadScript } from "../../src/regions/thread-script.js";
import { binomial, oneLayer, randomMatrix, randomRational } from "../regions/helpers.js";
import { buildCli, cli, cliProcess, tempFiles } from "./run.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const ACAS = join(ROOT, "fixtures/acasxu");

describe("bin/tessera runs the bundle", () => {
  it("count --workers 2 (a bundled worker thread): 8 affine hyperplanes in general position in R^3 give Σ_{i≤3} C(8,i) regions", () => {
    const next = seededRandom(4242);
    const net = oneLayer(next, randomMatrix(next, 8, 3), Array.from({ length: 8 }, () => randomRational(next)));
    const { "net.json": file } = tempFiles({ "net.json": writeNetworkJson(net) });
    const run = cliProcess("count", file!, "--json", "--workers", "2");
    expect(run.stderr).toBe("");
    const out = JSON.parse(run.stdout) as { regions: number; complete: boolean; stats: { workers: number } };
    expect(out.stats.workers).toBe(2);
    expect(out.complete).toBe(true);
    expect(out.regions).toBe([0, 1, 2, 3].reduce((s, i) => s + binomial(8, i), 0));
  });

  it("node's own heap flags (node --max-old-space-size=3072 --max-semi-space-size=8 bin/tessera count --workers 2): the threads start, the same count", () => {
    // Before, the threads were given the parent's flags as an explicit execArgv, which refuses V8 flags: the run
    // stopped with "Initiated Worker with invalid execArgv flags".
    const next = seededRandom(4243);
    const net = oneLayer(next, randomMatrix(next, 7, 3), Array.from({ length: 7 }, () => randomRational(next)));
    const { "net.json": file } = tempFiles({ "net.json": writeNetworkJson(net) });
    buildCli();
    const run = spawnSync(process.execPath, ["--max-old-space-size=3072", "--max-semi-space-size=8", "bin/tessera", "count", file!, "--json", "--workers", "2"], { encoding: "utf8", cwd: ROOT });
    expect(run.stderr).toBe("");
    const out = JSON.parse(run.stdout) as { regions: number; complete: boolean; stats: { workers: number } };
    expect(out.stats.workers).toBe(2);
    expect(out.complete).toBe(true);
    expect(out.regions).toBe([0, 1, 2, 3].reduce((s, i) => s + binomial(7, i), 0));
  });

  it("verify --workers 2 (the bundled verify thread) gives the in-process run's verdict, nodes and certificate on ACAS Xu 1_4 prop 3", async () => {
    const args = [join(ACAS, "onnx/ACASXU_run2a_1_4_batch_2000.onnx"), "--property", join(ACAS, "vnnlib/prop_3.vnnlib"), "--json"];
    const { dir } = tempFiles({});
    const here = await cli("verify", ...args, "--workers", "1", "--certificate", join(dir!, "here.json"));
    const bundled = cliProcess("verify", ...args, "--workers", "2", "--certificate", join(dir!, "bundled.json"));
    expect(bundled.code).toBe(here.code);
    const [a, b] = [here, bundled].map((r) => JSON.parse(r.stdout) as { result: string; stats: { nodes: number; workers?: number } });
    expect(a!.result).toBe("holds");
    expect(b!.result).toBe("holds");
    expect(b!.stats.nodes).toBe(a!.stats.nodes);
    expect(b!.stats.workers).toBe(2);
    expect(readFileSync(join(dir!, "bundled.json"), "utf8")).toBe(readFileSync(join(dir!, "here.json"), "utf8"));
  });

  it("finds package.json and the page scripts from the bundle's folder", () => {
    const version = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string }).version;
    expect(cliProcess("--version").stdout.trim()).toBe(version);
    const { dir } = tempFiles({});
    const page = join(dir!, "view.html");
    const run = cliProcess("view", join(ROOT, "fixtures/seed-three-neurons.json"), "--box=-2:2", "-o", page);
    expect(run.code).toBe(0);
    // The page inlines dist/pages/view-page.js (built by npm run build): its first bytes are in the page.
    expect(readFileSync(page, "utf8")).toContain(readFileSync(join(ROOT, "dist/pages/view-page.js"), "utf8").slice(0, 200));
  });

  it("loads a package kept outside the bundle when a command needs it (@resvg/resvg-js for a PNG)", () => {
    const { dir } = tempFiles({});
    const png = join(dir!, "seed.png");
    const run = cliProcess("plot", join(ROOT, "fixtures/seed-three-neurons.json"), "--box=-2:2", "-o", png);
    expect(run.code).toBe(0);
    // The PNG signature (ISO/IEC 15948, 5.2).
    expect([...readFileSync(png).subarray(0, 8)]).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
  });

  it("--debug: the stack trace names the TypeScript source, through the bundle's source map", () => {
    const run = cliProcess("eval", join(ROOT, "fixtures/seed-three-neurons.json"), "--input", "3,x", "--debug");
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^tessera: error: --input: value 2: "x" is not a rational number\n/);
    expect(run.stderr).toMatch(/^\s+at .*src\/cli\/parse\.ts:\d+:\d+\)?$/m);
    // Without --debug: one line, no trace.
    expect(cliProcess("eval", join(ROOT, "fixtures/seed-three-neurons.json"), "--input", "3,x").stderr.split("\n")).toHaveLength(2);
  });
});

describe("threadScript", () => {
  it("in the bundle: the thread entry's bundle beside it; in dist/: the module beside the caller", async () => {
    expect((await threadScript("file:///app/dist/bundle/tessera.cjs", "worker-thread")).href).toBe("file:///app/dist/bundle/worker-thread.cjs");
    expect((await threadScript("file:///app/dist/regions/pool.js", "worker-thread")).href).toBe("file:///app/dist/regions/worker-thread.js");
  });
});

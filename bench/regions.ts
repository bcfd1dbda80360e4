// Benchmark of the region engine (prints tables; not a test). First the command a user types, whole
// process (`tessera count`, certified and --no-certify, and `regions --ndjson`), side by side with nnenum
// (one process, exact mode) on the 3-32-32-32-2 net over [-1,1]^3 and ACAS Xu 1_1 over prop 1's box, in
// interleaved rounds, CPU time of each process (/usr/bin/time); then the library call: regions/s and LPs
// per region on PyTorch-made MLPs (fixtures/bench) with certification on and off; then the float LP
// proposers (dense simplex vs HiGHS) per LP.
// Run: npm run build && npm run bench -- bench/regions.ts   (BENCH_SECONDS=20 per library run by default)
//      npm run bench -- bench/regions.ts --quick            (3 s per run, no CLI section)
//      BENCH_ROUNDS=N (CLI rounds, default 1); BENCH_CLI_ONLY=1 (only the CLI section)
//      TESSERA_BASE_CLI=<other build's bin/tessera> (e.g. a worktree at 9221355): only `regions --ndjson` against
//      that build, interleaved (BENCH_ROUNDS, default 3; BENCH_MAP_REGIONS, default 2000), then `check` of the map
//      npm run bench -- bench/regions.ts --corpus DIR  (every .json/.onnx/.nnet network in DIR, on [-1,1]^n,
//                                                       instead of the default networks inside the repository)
// nnenum: NNENUM_DIR=<nnenum checkout> (its src/ goes on PYTHONPATH), NNENUM_SHIM=<extra PYTHONPATH entry,
// e.g. stand-ins for onnxruntime>, NNENUM_PYTHON (default /usr/bin/python3); without NNENUM_DIR the nnenum
// column stays empty. The ONNX twins nnenum reads: fixtures/bench/make_onnx_twins.py.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { existsSync, readdirSync, rmSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { rat, parseRational, type Rational } from "../src/exact/rational.js";
import { loadNetwork } from "../src/formats/load.js";
import type { DomainSpec } from "../src/geometry/types.js";
import { proposeMax } from "../src/geometry/float-lp.js";
import { loadHighs, proposeMaxHighs } from "../src/geometry/highs-lp.js";
import type { Network } from "../src/network/ir.js";
import { inputSize } from "../src/network/ir.js";
import { enumerateRegions, type EnumerationResult } from "../src/regions/enumerate.js";
import { RegionMapWriter, regionMapHeader } from "../src/regions/region-map.js";
import { checkDocument, ndjsonInput } from "../src/check/index.js";

const quick = process.argv.includes("--quick");
const seconds = Number(process.env.BENCH_SECONDS ?? (quick ? 3 : 20));

interface Case {
  readonly name: string;
  readonly file: string;
  readonly domain: (net: Network) => DomainSpec;
}

const unitBox = (net: Network): DomainSpec => {
  const n = inputSize(net);
  return { kind: "box", lo: new Array<Rational>(n).fill(rat(-1)), hi: new Array<Rational>(n).fill(rat(1)) };
};
const ACAS = fileURLToPath(new URL("../fixtures/acasxu/onnx/ACASXU_run2a_1_1_batch_2000.onnx", import.meta.url));
/** prop 1's input box (acasxu/vnnlib/prop_1.vnnlib, normalized units). */
const prop1 = (): DomainSpec => ({
  kind: "box",
  lo: ["0.6", "-0.5", "-0.5", "0.45", "-0.5"].map(parseRational),
  hi: ["0.679857769", "0.5", "0.5", "0.5", "-0.45"].map(parseRational),
});

const fixture = (path: string): string => fileURLToPath(new URL(`../fixtures/${path}`, import.meta.url));
const corpusAt = process.argv.indexOf("--corpus");
const corpus = corpusAt >= 0 ? process.argv[corpusAt + 1] : undefined;
if (corpusAt >= 0 && corpus === undefined) throw new Error("bench/regions.ts: --corpus needs a folder");

const cases: Case[] = corpus
  ? readdirSync(resolve(corpus))
      .filter((name) => /\.(json|onnx|nnet)$/i.test(name))
      .sort()
      .map((name) => ({ name: `${name} on [-1,1]^n`, file: join(resolve(corpus), name), domain: unitBox }))
  : [
      { name: "2-16-16-2 on [-1,1]^2", file: fixture("bench/mlp-2-16-16-2.json"), domain: unitBox },
      { name: "3-32-32-32-2 on [-1,1]^3", file: fixture("bench/mlp-3-32-32-32-2.json"), domain: unitBox },
      { name: "5-50-50-50-5 on [-1,1]^5", file: fixture("bench/mlp-5-50-50-50-5.json"), domain: unitBox },
      { name: "ACAS Xu 1_1 on prop 1", file: ACAS, domain: prop1 },
    ];

function row(cells: (string | number)[]): string {
  return "| " + cells.map(String).join(" | ") + " |";
}

/** One count run; also the CPU seconds it used (this machine is shared, so wall time is noisy). */
async function run(net: Network, domain: DomainSpec, certify: boolean): Promise<{ r: EnumerationResult; cpu: number }> {
  const c0 = process.cpuUsage();
  const r = await enumerateRegions(net, domain, { certify, irredundant: false, keepCertificates: false, timeoutMs: seconds * 1000 });
  const u = process.cpuUsage(c0);
  return { r, cpu: (u.user + u.system) / 1e6 };
}

/** CPU seconds (user + system) and wall seconds of a child process, from /usr/bin/time; stdout too. */
function timed(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): { cpu: number; wall: number; out: string } {
  const t0 = performance.now();
  const r = spawnSync("/usr/bin/time", ["-f", "TIME %U %S %e", cmd, ...args], { env, encoding: "utf8", maxBuffer: 1 << 30 });
  const m = /TIME ([\d.]+) ([\d.]+) ([\d.]+)\s*$/.exec(r.stderr ?? "");
  if (r.status !== 0 || !m) throw new Error(`bench: ${cmd} ${args.join(" ")} failed: ${r.stderr}`);
  return { cpu: Number(m[1]) + Number(m[2]), wall: m ? Number(m[3]) : (performance.now() - t0) / 1000, out: r.stdout };
}

const root = fileURLToPath(new URL("..", import.meta.url));
const mapFile = `${(await import("node:os")).tmpdir()}/tessera-bench-map-${process.pid}.ndjson`;
// TESSERA_CLI: another build's bin/tessera (e.g. a checkout of an earlier commit, for before/after ratios).
const TESSERA = process.env.TESSERA_CLI ?? `${root}bin/tessera`;
const NNENUM_DIR = process.env.NNENUM_DIR;
const BASE = process.env.TESSERA_BASE_CLI;
const cliCases = [
  { name: "3-32-32-32-2 on [-1,1]^3", net: `${root}fixtures/bench/mlp-3-32-32-32-2.json`, box: ["--box=-1:1"], onnx: `${root}fixtures/bench/mlp-3-32-32-32-2.onnx`, nnBox: "-1,1" },
  { name: "ACAS Xu 1_1 on prop 1", net: ACAS, box: ["--property", `${root}fixtures/acasxu/vnnlib/prop_1.vnnlib`], onnx: ACAS, nnBox: `${root}fixtures/acasxu/vnnlib/prop_1.vnnlib` },
];
if (!quick && !BASE && existsSync(`${root}dist/cli/main.js`) && existsSync("/usr/bin/time")) {
  const rounds = Number(process.env.BENCH_ROUNDS ?? 1);
  console.log(`## The CLI, whole process, side by side with nnenum (${rounds} interleaved round(s); CPU s of each process)\n`);
  console.log(row(["network", "run", "regions", "CPU s", "wall s", "regions/CPU-s", "vs nnenum (CPU)"]));
  console.log(row(["---", "---", "---:", "---:", "---:", "---:", "---:"]));
  const pyPath = NNENUM_DIR ? [`${NNENUM_DIR}/src`, process.env.NNENUM_SHIM].filter(Boolean).join(":") : "";
  const nnEnv = { ...process.env, PYTHONPATH: pyPath, OPENBLAS_NUM_THREADS: "1", OMP_NUM_THREADS: "1" };
  for (const c of cliCases) {
    const results = new Map<string, { regions: number; cpu: number; wall: number }[]>();
    const add = (key: string, regions: number, t: { cpu: number; wall: number }): void => void results.set(key, [...(results.get(key) ?? []), { regions, cpu: t.cpu, wall: t.wall }]);
    for (let round = 0; round < rounds; round++) {
      for (const [key, extra] of [["count", []], ["count --no-certify", ["--no-certify"]]] as const) {
        const t = timed(process.execPath, [TESSERA, "count", c.net, ...c.box, ...extra, "--workers", "1", "--json"]);
        add(key, (JSON.parse(t.out) as { regions: number }).regions, t);
      }
      if (NNENUM_DIR) {
        const t = timed(process.env.NNENUM_PYTHON ?? "/usr/bin/python3", [`${root}bench/nnenum_count.py`, c.onnx, c.nnBox], nnEnv);
        add("nnenum (exact, 1 process)", Number(/stars=(\d+)/.exec(t.out)![1]), t);
      }
      const t = timed(process.execPath, [TESSERA, "regions", c.net, ...c.box, "--workers", "1", "--ndjson", "-o", mapFile, "--max-regions", "2000"]);
      add("regions --ndjson (first 2,000)", 2000, t);
    }
    const best = (key: string) => results.get(key)?.reduce((a, b) => (b.cpu < a.cpu ? b : a));
    const nn = best("nnenum (exact, 1 process)");
    for (const key of results.keys()) {
      const b = best(key)!;
      const rate = b.regions / b.cpu;
      const vs = nn && !key.startsWith("regions") ? (rate / (nn.regions / nn.cpu)).toFixed(2) + "×" : "";
      console.log(row([c.name, key, b.regions, b.cpu.toFixed(2), b.wall.toFixed(2), Math.round(rate), key.startsWith("nnenum") ? "1.00×" : vs]));
    }
    if (!NNENUM_DIR) console.log(row([c.name, "nnenum (exact, 1 process)", "", "", "", "", "(set NNENUM_DIR)"]));
  }
  console.log(`\nload average at the end: ${(await import("node:os")).loadavg().map((x) => x.toFixed(1)).join(" ")}\n`);
}
// `regions --ndjson` (certificates kept: the map `tessera check` verifies) against another build, interleaved.
if (BASE && existsSync("/usr/bin/time")) {
  const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
  const first = Number(process.env.BENCH_MAP_REGIONS ?? 2000);
  // An older build may not know --workers (it then ran in one thread anyway).
  const baseWorkers = spawnSync(process.execPath, [BASE, "regions", "--help"], { encoding: "utf8" }).stdout.includes("--workers") ? ["--workers", "1"] : [];
  console.log(`## \`regions --ndjson\`, first ${first} regions: this build against ${BASE} (${rounds} interleaved rounds; CPU s of each process)\n`);
  console.log(row(["network", "base CPU s (best, median)", "this CPU s (best, median)", "regions/CPU-s base → this", "ratio (median)", "NDJSON MB base → this", "check of this map"]));
  console.log(row(["---", "---:", "---:", "---:", "---:", "---:", "---"]));
  const baseFile = `${mapFile}.base`;
  for (const c of cliCases) {
    const times: [number[], number[]] = [[], []];
    for (let round = 0; round < rounds; round++) {
      times[0].push(timed(process.execPath, [BASE, "regions", c.net, ...c.box, ...baseWorkers, "--ndjson", "-o", baseFile, "--max-regions", String(first)]).cpu);
      times[1].push(timed(process.execPath, [TESSERA, "regions", c.net, ...c.box, "--workers", "1", "--ndjson", "-o", mapFile, "--max-regions", String(first)]).cpu);
    }
    const check = spawnSync(process.execPath, [TESSERA, "check", mapFile, c.net], { encoding: "utf8" });
    const mb = (f: string): string => (statSync(f).size / 1e6).toFixed(1);
    const best = (v: number[]): number => Math.min(...v);
    const median = (v: number[]): number => [...v].sort((x, y) => x - y)[Math.floor(v.length / 2)]!;
    console.log(
      row([
        c.name,
        `${best(times[0]).toFixed(2)}, ${median(times[0]).toFixed(2)}`,
        `${best(times[1]).toFixed(2)}, ${median(times[1]).toFixed(2)}`,
        `${Math.round(first / median(times[0]))} → ${Math.round(first / median(times[1]))}`,
        `${(median(times[0]) / median(times[1])).toFixed(2)}×`,
        `${mb(baseFile)} → ${mb(mapFile)}`,
        check.status === 0 ? "ok" : `FAILED: ${check.stderr.trim().split("\n")[0]}`,
      ]),
    );
  }
  for (const f of [mapFile, baseFile]) rmSync(f, { force: true });
  console.log(`\nload average at the end: ${(await import("node:os")).loadavg().map((x) => x.toFixed(1)).join(" ")}\n`);
}
if (process.env.BENCH_CLI_ONLY || BASE) process.exit(0);

console.log(`## Region enumeration (count; ${seconds} s cap per run; Node ${process.version})\n`);
console.log(row(["network", "certified", "regions", "complete", "time s", "regions/s", "CPU s", "regions/CPU-s", "LPs/region", "box-decided %", "exact fallbacks"]));
console.log(row(["---", "---", "---:", "---", "---:", "---:", "---:", "---:", "---:", "---:", "---:"]));
for (const c of cases) {
  const net = loadNetwork(c.file);
  for (const certify of [true, false]) {
    const { r, cpu } = await run(net, c.domain(net), certify);
    const s = r.elapsedMs / 1000;
    const lp = r.stats.lp;
    console.log(
      row([
        c.name,
        certify ? "yes" : "no (--no-certify)",
        r.regions,
        r.complete ? "yes" : `no (${r.status})`,
        s.toFixed(2),
        Math.round(r.regions / s),
        cpu.toFixed(2),
        Math.round(r.regions / cpu),
        (lp.lps / Math.max(1, r.regions)).toFixed(2),
        ((100 * lp.boxDecisions) / Math.max(1, r.stats.decisions)).toFixed(1),
        lp.exactFallbacks,
      ]),
    );
  }
}
console.log("");

// Full region maps (what `tessera regions` computes: irredundant H-forms, certificates kept) and `check`.
console.log("## Region maps and check (first 2,000 regions at most)\n");
console.log(row(["network", "regions", "map s", "map regions/s", "NDJSON MB", "check s", "check regions/s"]));
console.log(row(["---", "---:", "---:", "---:", "---:", "---:", "---:"]));
for (const c of cases.slice(0, 3)) {
  const net = loadNetwork(c.file);
  const domain = c.domain(net);
  const lines: string[] = [];
  const writer = new RegionMapWriter((t) => lines.push(t), "ndjson", regionMapHeader(net, domain, c.file));
  const t0 = performance.now();
  const r = await enumerateRegions(net, domain, { maxRegions: 2000, onRegion: (region) => writer.region(region) });
  writer.end(r);
  const mapS = (performance.now() - t0) / 1000;
  const text = lines.join("");
  const parsed = text.trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
  const t1 = performance.now();
  checkDocument(ndjsonInput(parsed), net, c.file);
  const checkS = (performance.now() - t1) / 1000;
  console.log(row([c.name, r.regions, mapS.toFixed(2), Math.round(r.regions / mapS), (text.length / 1e6).toFixed(1), checkS.toFixed(2), Math.round(r.regions / checkS)]));
}
console.log("");

// LP proposers: the dense Float64Array simplex vs HiGHS (fresh model), on random feasible LPs.
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
}
const highs = await loadHighs();
console.log("## Float LP proposers, median µs per LP (max w·x s.t. Ax ≤ b, x free; 200 random LPs each)\n");
console.log(row(["variables × rows", "dense simplex (float-lp.ts)", "HiGHS fresh model (highs-lp.ts)", "same optimum"]));
console.log(row(["---", "---:", "---:", "---:"]));
for (const [d, m] of quick ? [[3, 20], [5, 40]] : [[3, 20], [5, 40], [10, 100], [20, 300]]) {
  const next = lcg(d * 1000 + m);
  const times: [number[], number[]] = [[], []];
  let agree = 0;
  const count = 200;
  for (let t = 0; t < count; t++) {
    const A = Float64Array.from({ length: m * d }, next);
    const b = Float64Array.from({ length: m }, () => 1 + Math.abs(next()));
    const w = Float64Array.from({ length: d }, next);
    let t0 = performance.now();
    const a = proposeMax(A, b, m, d, w);
    times[0].push(performance.now() - t0);
    t0 = performance.now();
    const h = proposeMaxHighs(highs, A, b, m, d, w);
    times[1].push(performance.now() - t0);
    if (a.status === h.status && (a.status !== "optimal" || (h.status === "optimal" && Math.abs(a.value - h.value) <= 1e-7 * (1 + Math.abs(h.value))))) agree++;
  }
  const median = (v: number[]): number => v.sort((x, y) => x - y)[Math.floor(v.length / 2)]! * 1000;
  console.log(row([`${d} × ${m}`, median(times[0]).toFixed(1), median(times[1]).toFixed(1), `${agree}/${count}`]));
}

// Benchmark of the region engine (prints tables; not a test): regions/s and LPs per region on PyTorch-made
// MLPs (fixtures/bench) on [-1,1]^n and on ACAS Xu 1_1 over prop 1's box, with certification on and off,
// next to nnenum's numbers (docs/performance.md); then the float LP proposers (dense simplex vs HiGHS) per LP.
// Run: npm run bench -- bench/regions.ts              (BENCH_SECONDS=20 per run by default)
//      npm run bench -- bench/regions.ts --quick      (3 s per run, small LP table)
//      npm run bench -- bench/regions.ts --corpus DIR (every .json/.onnx/.nnet network in DIR, on [-1,1]^n,
//                                                      instead of the default networks inside the repository)
import { fileURLToPath } from "node:url";
import { readdirSync } from "node:fs";
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
import { checkDocument } from "../src/check/index.js";

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
console.log("\nnnenum (exact mode, one process; measured 2026-11-29, docs/performance.md): 3-32-32-32-2 on [-1,1]^3: 12,259 regions in 3.8 s ≈ 3,200 regions/s;");
console.log("ACAS Xu 1_1 on prop 1: 39,835 regions in 15.7 s ≈ 2,500 regions/s. (nnenum's 3-32-32-32-2 is its own random net.)\n");

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
  checkDocument({ kind: "ndjson", lines: parsed }, net, c.file);
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

// Benchmarks of the work-unit engine (docs/scale.md; results in docs/performance.md, "Scale"). Prints tables;
// not a test. Needs the built CLI (npm run build): every run is a real `bin/tessera` process, timed by
// /usr/bin/time (wall, user+sys CPU of all threads, peak RSS) and, for thread runs, each worker thread's own
// CPU time (count --json stats.threadCpuMs). The machine's load average is printed beside every row.
//
//   npm run bench -- bench/scale.ts speedup [--rounds 3] [--only count|verify] [--at-once]   2 workers vs 1, interleaved
//     (count's threads start when the run looks long enough, as by default; --at-once: with the run, as before 2026-12-02)
//   npm run bench -- bench/scale.ts shards [--net small]      --shard i/N for N = 2, 4, 8, one after another
//   npm run bench -- bench/scale.ts verify-shards [--case 4_5,10]   verify --shard i/N for N = 2, 4, 8 + merge
//   npm run bench -- bench/scale.ts threads [--net small|acas] [--rounds 2] [--node-flags "--single-threaded-gc"]   count's CPU thread by thread, 1 and 2 workers
//   npm run bench -- bench/scale.ts simulate                  the donation policy on 1…512 simulated workers
//   npm run bench -- bench/scale.ts memory [--regions 1e6] [--workers 1,2]   regions --ndjson peak RSS on a generated net
//   npm run bench -- bench/scale.ts amdahl [--rounds 5]         the serial part of a run and the speed-up 2 cores allow (docs/scale.md)
//   NNENUM_DIR=… NNENUM_SHIM=… npm run bench -- bench/scale.ts peer [--rounds 2]   count: tessera --workers 1, 2 beside nnenum
//     with 1, 2 processes (exact mode), interleaved; NNENUM_DIR: an extracted nnenum tree, NNENUM_SHIM: its onnxruntime stand-in
import { spawn, spawnSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, readSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { rat, type Rational } from "../src/exact/rational.js";
import { loadNetwork } from "../src/formats/load.js";
import { writeNetworkJson } from "../src/formats/network-json.js";
import { sequential } from "../src/network/build.js";
import { parsePattern } from "../src/network/evaluate.js";
import { enumerate } from "../src/regions/run.js";
import type { DomainSpec } from "../src/geometry/types.js";
import { median } from "./stats.js";

const args = process.argv.slice(2);
const mode = args[0] ?? "speedup";
const flag = (name: string, fallback: string): string => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1]! : fallback;
};

interface Case {
  readonly name: string;
  readonly argv: string[];
}

const ACAS_1_1 = "fixtures/acasxu/onnx/ACASXU_run2a_1_1_batch_2000.onnx";
const PROP_1 = "fixtures/acasxu/vnnlib/prop_1.vnnlib";
// Property 1's box: 39,835 regions (about 30 CPU s since the filtered kernel).
const CASES: Case[] = [
  { name: "3-32-32-32-2 on [-1,1]^3", argv: ["fixtures/bench/mlp-3-32-32-32-2.json", "--box=-1:1"] },
  { name: "ACAS Xu 1_1, prop 1 box", argv: [ACAS_1_1, "--property", PROP_1] },
];
// The shard case: ACAS Xu 1_1 over property 1 (`shards --net small` takes the 3-32-32-32-2 net).
const SHARD_CASE = (): Case => (flag("--net", "acas") === "small" ? CASES[0]! : CASES[1]!);

interface Timed {
  wall: number;
  cpu: number;
  rssMb: number;
  load: number;
  out: { regions: number; result?: string; linearPieces?: number; complete?: boolean; stats?: { decisions?: number; nodes?: number; threadCpuMs?: number[]; threadsStarted?: number; threadsAtMs?: number } };
}

/** Run bin/tessera under /usr/bin/time; the JSON on stdout is parsed. `env`: added to this process's environment. */
function timed(argv: string[], env: Record<string, string> = {}): Timed {
  const load = loadavg()[0]!;
  const t = timedCommand(process.execPath, ["bin/tessera", ...argv], { ...process.env, ...env });
  const text = t.out.trim();
  return { wall: t.wall, cpu: t.cpu, rssMb: t.rssMb, load, out: text.startsWith("{") ? JSON.parse(text) : { regions: NaN } };
}

/** A whole process under /usr/bin/time: wall and user+sys CPU seconds, peak RSS, and its standard output. */
function timedCommand(command: string, argv: string[], env: NodeJS.ProcessEnv): { wall: number; cpu: number; rssMb: number; out: string } {
  const r = spawnSync("/usr/bin/time", ["-f", "TIME %e %U %S %M", command, ...argv], { encoding: "utf8", maxBuffer: 1 << 30, env });
  const line = r.stderr.split("\n").find((l) => l.startsWith("TIME "));
  if (r.status !== 0 || !line) throw new Error(`${command} ${argv.join(" ")} failed: ${r.stderr}`);
  const [wall, user, sys, rss] = line.slice(5).split(" ").map(Number) as [number, number, number, number];
  return { wall, cpu: user + sys, rssMb: rss / 1024, out: r.stdout };
}

const f1 = (x: number): string => x.toFixed(1);
const f2 = (x: number): string => x.toFixed(2);

/** `verify` cases of the speed-up table: the ACAS Xu 3_3 prop 2 (~25,600 nodes) and a short one. */
const VERIFY_CASES: Case[] = [
  { name: "verify ACAS Xu 3_3 prop 2", argv: ["fixtures/acasxu/onnx/ACASXU_run2a_3_3_batch_2000.onnx", "--property", "fixtures/acasxu/vnnlib/prop_2.vnnlib"] },
  { name: "verify ACAS Xu 1_1 prop 3", argv: [ACAS_1_1, "--property", "fixtures/acasxu/vnnlib/prop_3.vnnlib"] },
];

function speedup(): void {
  const rounds = Number(flag("--rounds", "3"));
  // --only count | verify | a case name's start: a subset of the table.
  const only = flag("--only", "");
  const cases = [...CASES.map((c) => ({ ...c, command: "count", name: `count ${c.name}` })), ...VERIFY_CASES.map((c) => ({ ...c, command: "verify" }))].filter((c) => c.name.startsWith(only));
  const env: Record<string, string> = args.includes("--at-once") ? { TESSERA_THREAD_START: "at-once" } : {};
  console.log("| case | round | load | 1 worker wall s | 1 worker CPU s | 2 workers wall s | 2 workers CPU s (threads) | wall speed-up | CPU-normalised speed-up | with the main thread |");
  console.log("|---|---|---|---|---|---|---|---|---|---|");
  for (const c of cases) {
    for (let round = 1; round <= rounds; round++) {
      const one = timed([c.command, ...c.argv, "--json", "--workers", "1"]);
      const two = timed([c.command, ...c.argv, "--json", "--workers", "2"], env);
      const answer = (t: Timed): string => (c.command === "verify" ? `${t.out.result} ${t.out.stats?.nodes}` : `${t.out.regions} ${t.out.stats?.decisions}`);
      if ((c.command === "verify" || one.out.complete) && answer(one) !== answer(two)) throw new Error(`${c.name}: answers differ: ${answer(one)} vs ${answer(two)}`);
      const threads = two.out.stats?.threadCpuMs ?? [];
      // count: the thread started when the run looked long enough (threadsAtMs), or never (threadsStarted 0).
      const started = two.out.stats?.threadsStarted === 0 ? "; no thread" : two.out.stats?.threadsAtMs !== undefined ? `; thread at ${f2(two.out.stats.threadsAtMs / 1000)} s` : "";
      // On an idle machine the run lasts as long as its busiest thread (plus the main thread's own part): T1 / max thread CPU.
      const critical = Math.max(...threads) / 1000;
      // Conservative: everything but the worker threads (main thread, start-up, GC helpers) counted as serial.
      const serial = two.cpu - threads.reduce((a, b) => a + b, 0) / 1000;
      const size = c.command === "verify" ? `${one.out.result}, ${one.out.stats?.nodes} nodes` : `${one.out.regions} regions`;
      console.log(`| ${c.name} (${size}) | ${round} | ${f1((one.load + two.load) / 2)} | ${f1(one.wall)} | ${f1(one.cpu)} | ${f1(two.wall)} | ${f1(two.cpu)} (${threads.map((t) => f1(t / 1000)).join(" + ")}${started}) | ${f2(one.wall / two.wall)}× | ${f2(one.cpu / critical)}× | ${f2(one.cpu / (serial + critical))}× |`);
    }
  }
}

/** The peer named by issue 10: nnenum's speed-up from 1 to 2 processes beside tessera's from 1 to 2 workers, same nets, interleaved. */
function peer(): void {
  const dir = process.env.NNENUM_DIR;
  if (!dir) throw new Error("peer: set NNENUM_DIR to an extracted nnenum tree (and NNENUM_SHIM to its onnxruntime stand-in)");
  const rounds = Number(flag("--rounds", "2"));
  const nnEnv = { ...process.env, PYTHONPATH: [`${dir}/src`, process.env.NNENUM_SHIM].filter(Boolean).join(":"), OPENBLAS_NUM_THREADS: "1", OMP_NUM_THREADS: "1" };
  const python = process.env.NNENUM_PYTHON ?? "/usr/bin/python3";
  // nnenum reads ONNX: the 3-32-32-32-2 net's ONNX twin (fixtures/bench/make_onnx_twins.py), and the box as "lo,hi" or a VNN-LIB file.
  const peerArgs = [["fixtures/bench/mlp-3-32-32-32-2.onnx", "-1,1"], [ACAS_1_1, PROP_1]];
  console.log("| case | round | load | tessera 1 worker wall / CPU s | tessera 2 workers wall / CPU s | tessera speed-up | nnenum 1 process wall / CPU s | nnenum 2 processes wall / CPU s | nnenum speed-up | tessera 2 workers vs nnenum 2 processes (wall) |");
  console.log("|---|---|---|---|---|---|---|---|---|---|");
  CASES.forEach((c, k) => {
    for (let round = 1; round <= rounds; round++) {
      const load = loadavg()[0]!;
      const [one, two] = [1, 2].map((w) => timed(["count", ...c.argv, "--json", "--workers", String(w)]));
      const [nn1, nn2] = [1, 2].map((p) => timedCommand(python, ["bench/nnenum_count.py", ...peerArgs[k]!, String(p)], nnEnv));
      const stars = [nn1!, nn2!].map((t) => Number(/stars=(\d+)/.exec(t.out)?.[1]));
      if (one!.out.regions !== two!.out.regions || stars.some((s) => s !== one!.out.regions)) throw new Error(`${c.name}: counts differ: tessera ${one!.out.regions}, ${two!.out.regions}; nnenum ${stars.join(", ")}`);
      const pair = (t: { wall: number; cpu: number }): string => `${f2(t.wall)} / ${f2(t.cpu)}`;
      console.log(`| count ${c.name} (${one!.out.regions} regions) | ${round} | ${f1(load)} | ${pair(one!)} | ${pair(two!)} | ${f2(one!.wall / two!.wall)}× | ${pair(nn1!)} | ${pair(nn2!)} | ${f2(nn1!.wall / nn2!.wall)}× | ${f2(nn2!.wall / two!.wall)}× |`);
    }
  });
}

/** Runs `args --shard i/N -o PART` for i = 1..N one after another, then `merge` of the parts: each shard's timing and the merged JSON. */
function runShards(args: string[], n: number, dir: string): { runs: Timed[]; merged: unknown } {
  const runs: Timed[] = [];
  const parts: string[] = [];
  for (let i = 1; i <= n; i++) {
    const part = join(dir, `part-${n}-${i}.json`);
    runs.push(timed([...args, "--shard", `${i}/${n}`, "-o", part]));
    parts.push(part);
  }
  return { runs, merged: JSON.parse(spawnSync(process.execPath, ["bin/tessera", "merge", ...parts, "--json"], { encoding: "utf8" }).stdout) };
}

function shards(): void {
  const c = SHARD_CASE();
  const dir = mkdtempSync(join(tmpdir(), "tessera-bench-shards-"));
  const single = timed(["count", ...c.argv, "--json", "--workers", "1"]);
  console.log(`single run: ${single.out.regions} regions, CPU ${f1(single.cpu)} s, load ${f1(single.load)}`);
  console.log("| N | sum of shard CPU s | sum / single | slowest shard CPU s | mean shard CPU s | slowest / mean | merged regions | load |");
  console.log("|---|---|---|---|---|---|---|---|");
  for (const n of [2, 4, 8]) {
    const { runs, merged: out } = runShards(["count", ...c.argv, "--workers", "1"], n, dir);
    const merged = out as { regions: number; complete: boolean };
    if (merged.regions !== single.out.regions || !merged.complete) throw new Error(`N=${n}: merged ${merged.regions}, single ${single.out.regions}`);
    const cpus = runs.map((r) => r.cpu);
    const sum = cpus.reduce((a, b) => a + b, 0);
    const mean = sum / n;
    const slowest = Math.max(...cpus);
    console.log(`| ${n} | ${f1(sum)} | ${f2(sum / single.cpu)} | ${f1(slowest)} | ${f1(mean)} | ${f2(slowest / mean)} | ${merged.regions} | ${f1(runs.reduce((s, r) => s + r.load, 0) / n)} |`);
  }
}

/**
 * `verify --shard i/N` for N = 2, 4, 8, one after another, against one `verify --workers 1` run: the merged verdict
 * and node count must be the single run's; the CPU of the shards summed and the slowest against the mean.
 * Default case ACAS Xu 4_5 prop 10 (962 nodes); `--case 2_2,1` another network and property.
 */
function verifyShards(): void {
  const [net, prop] = flag("--case", "4_5,10").split(",");
  const argv = [`fixtures/acasxu/onnx/ACASXU_run2a_${net}_batch_2000.onnx`, "--property", `fixtures/acasxu/vnnlib/prop_${prop}.vnnlib`];
  const dir = mkdtempSync(join(tmpdir(), "tessera-bench-vshards-"));
  const single = timed(["verify", ...argv, "--json", "--workers", "1"]);
  const verdict = single.out as unknown as { result: string; stats: { nodes: number } };
  console.log(`verify ACAS Xu ${net} prop ${prop}, single run: ${verdict.result}, ${verdict.stats.nodes} nodes, CPU ${f1(single.cpu)} s, load ${f1(single.load)}`);
  console.log("| N | sum of shard CPU s | sum / single | slowest shard CPU s | mean shard CPU s | slowest / mean | merged verdict, nodes | load |");
  console.log("|---|---|---|---|---|---|---|---|");
  for (const n of [2, 4, 8]) {
    const { runs, merged: out } = runShards(["verify", ...argv], n, dir);
    const merged = out as { result: string; stats: { nodes: number } };
    if (merged.result !== verdict.result || (merged.result === "holds" && merged.stats.nodes !== verdict.stats.nodes)) throw new Error(`N=${n}: merged ${merged.result} (${merged.stats.nodes} nodes), single ${verdict.result} (${verdict.stats.nodes})`);
    const cpus = runs.map((r) => r.cpu);
    const sum = cpus.reduce((a, b) => a + b, 0);
    const mean = sum / n;
    console.log(`| ${n} | ${f1(sum)} | ${f2(sum / single.cpu)} | ${f1(Math.max(...cpus))} | ${f1(mean)} | ${f2(Math.max(...cpus) / mean)} | ${merged.result}, ${merged.stats.nodes} | ${f1(runs.reduce((s, r) => s + r.load, 0) / n)} |`);
  }
  rmSync(dir, { recursive: true, force: true });
}

/**
 * The split tree of a full run, rebuilt from its regions' patterns (a trie: internal nodes are decisions,
 * leaves are regions), and P simulated workers running it with the donation policy of src/regions/pool.ts:
 * one node per worker per step; an idle worker receives the shallowest pending siblings of a busy worker
 * and first pays one step per level of the donated start path (the replay). Returns steps to finish.
 */
function simulate(children: Int32Array[], depth: Int32Array, workers: number): { steps: number; donations: number; replay: number } {
  const stacks: number[][] = Array.from({ length: workers }, () => []);
  const stall = new Int32Array(workers);
  stacks[0]!.push(0);
  let remaining = children.length;
  let steps = 0;
  let donations = 0;
  let replay = 0;
  let cursor = 0;
  while (remaining > 0) {
    steps++;
    for (let w = 0; w < workers; w++) {
      if (stall[w]! > 0) {
        stall[w]!--;
        continue;
      }
      const stack = stacks[w]!;
      if (stack.length === 0) {
        // Idle: take the shallowest pending nodes of the next busy worker that has more than one.
        for (let k = 0; k < workers; k++) {
          const donor = stacks[(cursor + k) % workers]!;
          if (donor.length < 2) continue;
          const shallowest = depth[donor[0]!]!;
          let take = 0;
          while (take < donor.length - 1 && depth[donor[take]!] === shallowest) take++;
          if (take === 0) continue;
          stack.push(...donor.splice(0, take));
          donations++;
          stall[w] = shallowest;
          replay += shallowest;
          cursor = (cursor + k + 1) % workers;
          break;
        }
        continue;
      }
      const node = stack.pop()!;
      remaining--;
      const kids = children[node]!;
      for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]!);
    }
  }
  return { steps, donations, replay };
}

async function simulateMode(): Promise<void> {
  const net = loadNetwork("fixtures/bench/mlp-3-32-32-32-2.json");
  const domain: DomainSpec = { kind: "box", lo: [rat(-1), rat(-1), rat(-1)], hi: [rat(1), rat(1), rat(1)] };
  const patterns: number[][] = [];
  await enumerate(net, domain, { irredundant: false, onRegionKey: (_, key) => void patterns.push(parsePattern(key.pattern).flat()) });
  // The trie of the leaf paths (patterns arrive in tree order).
  const kids: number[][] = [[]];
  const depthList: number[] = [0];
  const path: number[] = [0];
  let prev: number[] = [];
  for (const p of patterns) {
    let common = 0;
    while (common < p.length && p[common] === prev[common]) common++;
    for (let j = common; j < p.length; j++) {
      const id = kids.length;
      kids.push([]);
      depthList.push(j + 1);
      kids[path[j]!]!.push(id);
      path[j + 1] = id;
    }
    prev = p;
  }
  const children = kids.map((k) => Int32Array.from(k));
  const depth = Int32Array.from(depthList);
  console.log(`3-32-32-32-2 on [-1,1]^3: ${patterns.length} regions, ${children.length - patterns.length} decisions, ${children.length} nodes (one step each)`);
  console.log("| workers | steps | predicted speed-up | efficiency | donations | replay steps |");
  console.log("|---|---|---|---|---|---|");
  const total = children.length;
  for (const p of [1, 2, 8, 64, 512]) {
    const r = simulate(children, depth, p);
    console.log(`| ${p} | ${r.steps} | ${f1(total / r.steps)}× | ${f2(total / r.steps / p)} | ${r.donations} | ${r.replay} |`);
  }
}

/** A 1-input sawtooth (tent maps stacked): `layers` layers of 2 ReLUs, 2^layers regions on [0,1]. */
function sawtooth(layers: number): string {
  const two: Rational = rat(2);
  const hidden = Array.from({ length: layers }, (_, l) =>
    l === 0 ? { weights: [[rat(1)], [rat(1)]], bias: [rat(0), rat(-1, 2)] } : { weights: [[two, rat(-4)], [two, rat(-4)]], bias: [rat(0), rat(-1, 2)] },
  );
  const net = sequential(1, [...hidden, { weights: [[two, rat(-4)]], bias: [rat(0)] }], { kind: "relu" });
  const file = join(mkdtempSync(join(tmpdir(), "tessera-bench-saw-")), `sawtooth-${layers}.json`);
  writeFileSync(file, writeNetworkJson(net));
  return file;
}

/** Lines (newline-terminated) and bytes of a file, read in chunks. */
function countLines(file: string): { lines: number; bytes: number } {
  const fd = openSync(file, "r");
  const buffer = Buffer.alloc(1 << 22);
  let lines = 0;
  let bytes = 0;
  for (let n; (n = readSync(fd, buffer, 0, buffer.length, null)) > 0; ) {
    bytes += n;
    for (let i = 0; i < n; i++) if (buffer[i] === 10) lines++;
  }
  closeSync(fd);
  rmSync(file, { force: true });
  return { lines, bytes };
}

function memory(): void {
  const target = Number(flag("--regions", "1e6"));
  const layers = Math.ceil(Math.log2(target));
  const file = sawtooth(layers);
  console.log(`sawtooth net, ${layers} layers of 2 ReLUs on [0,1]: ${2 ** layers} regions expected`);
  console.log("| workers | regions written | NDJSON MB | wall s | CPU s | peak RSS MB | load |");
  console.log("|---|---|---|---|---|---|---|");
  for (const workers of flag("--workers", "1,2").split(",")) {
    const out = join(tmpdir(), `tessera-bench-mem-${workers}.ndjson`);
    const t = timed(["regions", file, "--box=0:1", "--ndjson", "-o", out, "--workers", workers]);
    // Counted without reading the whole file into this process (a 10^6-region map is ~450 MB).
    const { lines, bytes } = countLines(out);
    console.log(`| ${workers} | ${lines - 2} | ${f1(bytes / 2 ** 20)} | ${f1(t.wall)} | ${f1(t.cpu)} | ${f1(t.rssMb)} | ${f1(t.load)} |`);
  }
}

/**
 * Where the CPU of one process goes, thread by thread (Linux): /proc/PID/task/TID/stat is polled every 20 ms and
 * each thread's last utime + stime kept. The first thread is the main thread; V8's platform threads (concurrent
 * compilation and garbage collection of every isolate) and libuv's start with it; worker threads come last.
 */
async function threadCpu(argv: string[]): Promise<{ wall: number; threads: { tid: number; startedS: number; cpuS: number }[] }> {
  const start = performance.now();
  // The threads start with the run: this mode measures what each thread costs.
  const nodeFlags = flag("--node-flags", "").split(" ").filter((f) => f !== "");
  const child = spawn(process.execPath, [...nodeFlags, flag("--entry", "bin/tessera"), ...argv], { stdio: ["ignore", "ignore", "ignore"], env: { ...process.env, TESSERA_THREAD_START: "at-once" } });
  const seen = new Map<number, { startedS: number; cpuS: number }>();
  const poll = (): void => {
    try {
      for (const tid of readdirSync(`/proc/${child.pid}/task`)) {
        try {
          const stat = readFileSync(`/proc/${child.pid}/task/${tid}/stat`, "utf8");
          const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
          const cpuS = (Number(f[11]) + Number(f[12])) / 100;
          const prev = seen.get(Number(tid));
          seen.set(Number(tid), { startedS: prev?.startedS ?? (performance.now() - start) / 1000, cpuS });
        } catch {
          // the thread just ended
        }
      }
    } catch {
      // the process just ended
    }
  };
  const timer = setInterval(poll, 20);
  await new Promise<void>((resolve) => child.on("exit", () => resolve()));
  clearInterval(timer);
  const threads = [...seen].map(([tid, t]) => ({ tid, ...t })).sort((a, b) => a.tid - b.tid);
  return { wall: (performance.now() - start) / 1000, threads };
}

async function threadsMode(): Promise<void> {
  const c = flag("--net", "small") === "acas" ? CASES[1]! : CASES[0]!;
  console.log(`count ${c.name}: CPU s per thread (main; V8 platform threads: JIT compilation and GC helpers of every isolate; worker threads)`);
  console.log("| workers | load | wall s | main | V8 platform threads | worker threads | total |");
  console.log("|---|---|---|---|---|---|---|");
  for (let round = 1; round <= Number(flag("--rounds", "1")); round++) {
    for (const workers of ["1", "2"]) {
      const load = loadavg()[0]!;
      const r = await threadCpu(["count", ...c.argv, "--json", "--workers", workers]);
      const [main, ...rest] = r.threads;
      // Worker threads (workers − 1: the main thread is a worker too) are created last (the highest thread ids);
      // the others are V8's platform threads and libuv's.
      const count = Number(workers) - 1;
      const platform = rest.slice(0, rest.length - count);
      const workerThreads = rest.slice(rest.length - count);
      const sum = (ts: typeof rest): number => ts.reduce((s, t) => s + t.cpuS, 0);
      console.log(`| ${workers} | ${f1(load)} | ${f1(r.wall)} | ${f2(main!.cpuS)} | ${f2(sum(platform))} | ${workerThreads.map((t) => f2(t.cpuS)).join(" + ") || "—"} | ${f2(main!.cpuS + sum(rest))} |`);
    }
  }
}


/**
 * Amdahl's bound on 2 cores, measured (docs/scale.md, "What two cores can show"). The serial part S of a run is
 * what `count --max-regions 1 --workers 1` takes (node's start, the bundle, reading the network and property,
 * the engine, the first region): no second worker can start before the network is read. With the rest R = T − S
 * of the one-worker time T split perfectly over 2 free workers, no 2-worker run is faster than S + R / 2, so the
 * speed-up is at most T / (S + R / 2) — before the second V8 isolate's own start and compiling are paid. Rounds
 * are interleaved; medians are printed, and the measured `--workers 2` speed-up beside the bound.
 */
function amdahl(): void {
  const rounds = Number(flag("--rounds", "5"));
  console.log("| case | rounds | load | T: 1 worker wall s (median) | S: first region wall s (median) | bound on 2 cores T / (S + (T − S) / 2) | --workers 2 wall s (median) | measured speed-up |");
  console.log("|---|---|---|---|---|---|---|---|");
  for (const c of CASES) {
    const whole: number[] = [];
    const first: number[] = [];
    const two: number[] = [];
    const loads: number[] = [];
    for (let round = 0; round < rounds; round++) {
      const one = timed(["count", ...c.argv, "--json", "--workers", "1"]);
      whole.push(one.wall);
      loads.push(one.load);
      first.push(timed(["count", ...c.argv, "--json", "--workers", "1", "--max-regions", "1"]).wall);
      two.push(timed(["count", ...c.argv, "--json", "--workers", "2"]).wall);
    }
    const [T, S, W] = [median(whole), median(first), median(two)];
    console.log(`| count ${c.name} | ${rounds} | ${f1(median(loads))} | ${f2(T)} | ${f2(S)} | ${f2(T / (S + (T - S) / 2))}× | ${f2(W)} | ${f2(T / W)}× |`);
  }
}

if (mode === "speedup") speedup();
else if (mode === "threads") await threadsMode();
else if (mode === "shards") shards();
else if (mode === "simulate") await simulateMode();
else if (mode === "memory") memory();
else if (mode === "verify-shards") verifyShards();
else if (mode === "amdahl") amdahl();
else if (mode === "peer") peer();
else throw new Error(`unknown mode ${mode}: speedup, threads, shards, verify-shards, simulate, memory, amdahl or peer`);

// Benchmarks of distributed runs (docs/distributed.md; results in docs/performance.md, "Distributed runs").
// Prints tables; not a test. Needs the built CLI (npm run build) and Debian's redis-server on PATH: it starts
// its own redis-server at a free port and `tessera worker --workers 1` processes, and compares, interleaved
// and under the same load, one in-process run, `--workers 2`, and one submitter with 2 worker processes.
// CPU: the submitter's (user+sys from /usr/bin/time) plus each worker's. `speedup` uses two long-lived workers
// per case, warmed by one untimed run, and reads their CPU around each run (SIGUSR2) (`--fresh`: workers
// started for every queued run, outside the timing, each printing its CPU when it closes); the other modes
// use fresh workers. `--before DIR` also runs every queued run with the tessera of another checkout (its
// bin/tessera, its own two workers and its own redis-server), in the same round, in alternating order.
//
//   npm run bench -- bench/queue.ts speedup [--rounds 2] [--fresh] [--acas-regions N] [--cases mlp,acas,mlp-regions,mlp-graph] [--before DIR]
//   npm run bench -- bench/queue.ts overhead [--decisions 50,1000]   the per-unit cost of the queue round trip
//   npm run bench -- bench/queue.ts check-parts              --check-parts against the enumeration
//   npm run bench -- bench/queue.ts verify [--rounds 1] [--case 3_3]   verify: 1 thread vs --workers 2 vs 2 worker processes
//   npm run bench -- bench/queue.ts amdahl [--rounds 5] [--cases mlp,acas]   the submitter's serial part and the speed-up 2 cores allow
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { median } from "./stats.js";

const args = process.argv.slice(2);
const mode = args[0] ?? "speedup";
const flag = (name: string, fallback: string): string => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1]! : fallback;
};

const ACAS_1_1 = "fixtures/acasxu/onnx/ACASXU_run2a_1_1_batch_2000.onnx";
const PROP_1 = "fixtures/acasxu/vnnlib/prop_1.vnnlib";
const MLP = ["fixtures/bench/mlp-3-32-32-32-2.json", "--box=-1:1"];
const OUT = mkdtempSync(join(tmpdir(), "tessera-bench-queue-"));

/** A case: the command line (without --workers / --queue) and, for commands that write a file, where. */
interface Case {
  readonly name: string;
  readonly argv: readonly string[];
  /** The output file (-o); undefined: the JSON on standard output. */
  readonly file?: string;
}

// Property 1's whole box (39,835 regions; about 11 CPU s since LP decisions are proved in floats), as the issue
// states it; `--acas-regions N` gives the time to the first N regions in tree order instead. `mlp-regions` and
// `mlp-graph` are the longer jobs users distribute: the whole map of 3-32-32-32-2 over [-1,1]^3 (16,270 regions)
// as NDJSON, and its region graph.
const ALL_CASES: Record<string, Case> = {
  mlp: { name: "count 3-32-32-32-2 on [-1,1]^3", argv: ["count", ...MLP, "--json"] },
  acas:
    flag("--acas-regions", "") === ""
      ? { name: "count ACAS Xu 1_1, prop 1 box", argv: ["count", ACAS_1_1, "--property", PROP_1, "--json"] }
      : { name: `count ACAS Xu 1_1, prop 1 box, first ${flag("--acas-regions", "")} regions`, argv: ["count", ACAS_1_1, "--property", PROP_1, "--json", "--max-regions", flag("--acas-regions", "")] },
  "mlp-regions": { name: "regions --ndjson 3-32-32-32-2 on [-1,1]^3", argv: ["regions", ...MLP, "--ndjson"], file: "map.ndjson" },
  "mlp-graph": { name: "graph 3-32-32-32-2 on [-1,1]^3", argv: ["graph", ...MLP, "--format", "json"], file: "graph.json" },
};
const CASES = flag("--cases", "mlp,acas")
  .split(",")
  .map((k) => {
    const c = ALL_CASES[k];
    if (!c) throw new Error(`--cases: unknown case ${k} (${Object.keys(ALL_CASES).join(", ")})`);
    return c;
  });

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

interface Timed {
  wall: number;
  cpu: number;
  load: number;
  stderr: string;
  /** count's JSON, or verify's (result and nodes); for a case with an output file, what identifies its content. */
  out: { regions: number; complete?: boolean; result?: string; stats?: { decisions: number; nodes?: number; threadCpuMs?: number[] } };
  /** The output without its informational stats (for a case with an output file): equal runs give equal digests. */
  digest?: string;
}

/** The output file's content without informational fields (stats, elapsed time), as a digest. */
function outputDigest(file: string): { digest: string; regions: number } {
  const text = readFileSync(file, "utf8");
  if (file.endsWith(".ndjson")) {
    const lines = text.trimEnd().split("\n");
    const footer = JSON.parse(lines.pop()!) as Record<string, unknown>;
    delete footer.stats;
    delete footer.elapsedMs;
    return { digest: createHash("sha256").update(lines.join("\n")).update(JSON.stringify(footer)).digest("hex"), regions: lines.length - 1 };
  }
  const graph = JSON.parse(text) as Record<string, unknown>;
  for (const k of ["stats", "elapsedMs"]) delete graph[k];
  const regions = Array.isArray(graph.regions) ? graph.regions.length : Array.isArray(graph.nodes) ? graph.nodes.length : NaN;
  return { digest: createHash("sha256").update(JSON.stringify(graph)).digest("hex"), regions };
}

/** Run bin/tessera of `root` (default: this checkout) as a user types it, timed by /usr/bin/time (wall, user and system CPU). */
function timed(argv: readonly string[], root = ".", file?: string): Timed {
  const load = loadavg()[0]!;
  const out = file ? join(OUT, file) : undefined;
  const r = spawnSync("/usr/bin/time", ["-f", "TIME %e %U %S", process.execPath, join(root, "bin/tessera"), ...argv, ...(out ? ["-o", out] : [])], { encoding: "utf8", maxBuffer: 1 << 30 });
  const line = r.stderr.split("\n").find((l) => l.startsWith("TIME "));
  if (r.status !== 0 || !line) throw new Error(`tessera ${argv.join(" ")} failed: ${r.stderr}`);
  const [wall, user, sys] = line.slice(5).split(" ").map(Number) as [number, number, number];
  if (!out) return { wall, cpu: user + sys, load, stderr: r.stderr, out: JSON.parse(r.stdout) };
  const { digest, regions } = outputDigest(out);
  rmSync(out);
  return { wall, cpu: user + sys, load, stderr: r.stderr, out: { regions }, digest };
}

interface Setup {
  url: string;
  workerCount: number;
  /** The checkout whose bin/tessera the workers (and the queued runs) use. */
  root: string;
  stop(): void;
}

async function setup(workerCount: number, root = "."): Promise<Setup> {
  const port = await freePort();
  const redis = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
  await new Promise((r) => setTimeout(r, 500));
  return { url: `redis://127.0.0.1:${port}`, workerCount, root, stop: () => void redis.kill("SIGTERM") };
}

interface Worker {
  child: ChildProcess;
  stderr: string;
}

async function startWorkers(s: Setup): Promise<Worker[]> {
  const workers: Worker[] = [];
  for (let i = 0; i < s.workerCount; i++) {
    const child = spawn(process.execPath, [join(s.root, "bin/tessera"), "worker", "--queue", s.url, "--workers", "1", "--name", `bench-${i + 1}`], { stdio: ["ignore", "ignore", "pipe"] });
    const w: Worker = { child, stderr: "" };
    await new Promise<void>((resolve) =>
      child.stderr!.on("data", (d: Buffer) => {
        w.stderr += d.toString();
        if (w.stderr.includes("waiting")) resolve();
      }),
    );
    workers.push(w);
  }
  return workers;
}

/** SIGTERM the workers and read the CPU seconds each spent since it began waiting. */
async function stopWorkers(workers: Worker[]): Promise<number[]> {
  await Promise.all(workers.map((w) => new Promise((resolve) => (w.child.once("exit", resolve), w.child.kill("SIGTERM")))));
  return workers.map((w) => Number(/CPU ([\d.]+) s since/.exec(w.stderr)?.[1] ?? NaN));
}

/** The CPU seconds a long-lived worker has used so far: it prints them on SIGUSR2. */
async function workerCpuNow(w: Worker): Promise<number> {
  const seen = w.stderr.length;
  w.child.kill("SIGUSR2");
  for (let i = 0; i < 500 && !/CPU [\d.]+ s since/.test(w.stderr.slice(seen)); i++) await new Promise((r) => setTimeout(r, 10));
  return Number(/CPU ([\d.]+) s since/.exec(w.stderr.slice(seen))?.[1] ?? NaN);
}

/**
 * A queued run: submitter time plus each worker's CPU. On fresh workers (started for this run, stopped after
 * it: each pays its start-up and warm-up) unless long-lived `warm` workers are given, whose CPU is read
 * before and after the run (SIGUSR2; the steady state of workers that serve many runs).
 */
async function queued(s: Setup, argv: readonly string[], warm?: Worker[], file?: string): Promise<Timed & { workerCpu: number[]; units: number; checkSeconds: number }> {
  const workers = warm ?? (await startWorkers(s));
  const before = warm ? await Promise.all(warm.map(workerCpuNow)) : [];
  const t = timed([...argv, "--queue", s.url], s.root, file);
  const workerCpu = warm ? await Promise.all(warm.map(async (w, i) => (await workerCpuNow(w)) - before[i]!)) : await stopWorkers(workers);
  const units = Number(/(\d+) units on/.exec(t.stderr)?.[1] ?? NaN);
  const checkSeconds = Number(/\(([\d.]+) s of checking\)/.exec(t.stderr)?.[1] ?? NaN);
  return { ...t, workerCpu, units, checkSeconds };
}

const f2 = (x: number): string => x.toFixed(2);

/** The same answer: count and decisions (count --json), or the output file without its stats. */
function sameAnswer(a: Timed, b: Timed): boolean {
  if (a.digest !== undefined || b.digest !== undefined) return a.digest === b.digest;
  return a.out.regions === b.out.regions && a.out.stats?.decisions === b.out.stats?.decisions;
}

async function speedup(): Promise<void> {
  const rounds = Number(flag("--rounds", "2"));
  const fresh = args.includes("--fresh");
  const beforeRoot = flag("--before", "");
  const variants = [await setup(2)];
  if (beforeRoot) variants.push(await setup(2, resolve(beforeRoot)));
  const qHead = (v: string): string => `queue${v}: wall s / CPU s (submitter + workers) | units${v}`;
  const head = ["case", "round", "load", "1 thread wall s / CPU s", "--workers 2 wall s / CPU s", qHead(""), ...(beforeRoot ? [qHead(" before")] : []), "speed-up --workers 2", "speed-up queue", ...(beforeRoot ? ["speed-up queue before"] : []), "queue / threads", ...(beforeRoot ? ["queue before / threads"] : []), "on 2 cores: threads / queue", ...(beforeRoot ? ["on 2 cores: queue before"] : [])];
  console.log(`| ${head.join(" | ")} |`);
  console.log(`|${head.map(() => "---").join("|")}|`);
  try {
    for (const c of CASES) {
      // Long-lived workers, warmed by a first run of the same command (untimed), unless --fresh.
      const warm = fresh ? variants.map(() => undefined) : await Promise.all(variants.map((v) => startWorkers(v)));
      if (!fresh) variants.forEach((v) => timed([...c.argv, "--max-regions", "2000", "--queue", v.url], v.root, c.file));
      for (let round = 1; round <= rounds; round++) {
        const one = timed([...c.argv, "--workers", "1"], ".", c.file);
        const two = timed([...c.argv, "--workers", "2"], ".", c.file);
        // The checkouts' queued runs in alternating order (the load drifts).
        const order = variants.map((_, i) => i);
        if (round % 2 === 0) order.reverse();
        const qs: Awaited<ReturnType<typeof queued>>[] = [];
        for (const i of order) qs[i] = await queued(variants[i]!, c.argv, warm[i], c.file);
        for (const q of qs) if (one.out.complete !== false && !sameAnswer(one, q)) throw new Error(`${c.name}: the queue's answer differs`);
        // On 2 idle cores a run needs at least its busiest thread's CPU and at least half of all its CPU (the
        // main thread or the submitter shares the cores with the workers).
        const twoCores = (critical: number, total: number): number => one.cpu / Math.max(critical, total / 2);
        const threadCritical = Math.max(...(two.out.stats?.threadCpuMs ?? [NaN])) / 1000;
        const t2 = twoCores(threadCritical, two.cpu);
        const s2 = one.wall / two.wall;
        const cells = qs.map((q) => {
          const qCpu = q.cpu + q.workerCpu.reduce((a, b) => a + b, 0);
          return { text: `${f2(q.wall)} / ${f2(qCpu)} (${f2(q.cpu)} + ${q.workerCpu.map(f2).join(" + ")}) | ${q.units}`, sq: one.wall / q.wall, q2: twoCores(Math.max(...q.workerCpu), qCpu) };
        });
        const row = [c.name, String(round), one.load.toFixed(1), `${f2(one.wall)} / ${f2(one.cpu)}`, `${f2(two.wall)} / ${f2(two.cpu)}`, ...cells.map((x) => x.text), `${f2(s2)}×`, ...cells.map((x) => `${f2(x.sq)}×`), ...cells.map((x) => f2(x.sq / s2)), `${Number.isFinite(t2) ? f2(t2) : "–"}× / ${f2(cells[0]!.q2)}×`, ...cells.slice(1).map((x) => `${f2(x.q2)}×`)];
        console.log(`| ${row.join(" | ")} |`);
      }
      for (const w of warm) if (w) await stopWorkers(w);
    }
  } finally {
    for (const v of variants) v.stop();
    rmSync(OUT, { recursive: true, force: true });
  }
}

async function overhead(): Promise<void> {
  const s = await setup(1);
  const net = ["fixtures/bench/mlp-3-32-32-32-2.json", "--box=-1:1"];
  console.log("| unit budget (decisions) | load | units | local CPU s | queue CPU s (submitter + worker) | overhead CPU ms per unit | overhead % | wall s local / queue |");
  console.log("|---|---|---|---|---|---|---|---|");
  try {
    for (const decisions of flag("--decisions", "50,1000").split(",").map(Number)) {
      const local = timed(["count", ...net, "--json", "--workers", "1"]);
      const q = await queued(s, ["count", ...net, "--json", "--unit-decisions", String(decisions), "--unit-seconds", "1000"]);
      const qCpu = q.cpu + q.workerCpu[0]!;
      const per = ((qCpu - local.cpu) * 1000) / q.units;
      console.log(`| ${decisions} | ${local.load.toFixed(1)} | ${q.units} | ${f2(local.cpu)} | ${f2(qCpu)} (${f2(q.cpu)} + ${f2(q.workerCpu[0]!)}) | ${per.toFixed(1)} | ${(((qCpu - local.cpu) / local.cpu) * 100).toFixed(1)}% | ${f2(local.wall)} / ${f2(q.wall)} |`);
    }
  } finally {
    s.stop();
  }
}

async function checkParts(): Promise<void> {
  const s = await setup(2);
  console.log("| case | load | units | without: wall s / worker CPU s | --check-parts: wall s / worker CPU s | checking s (submitter) | checking / enumeration CPU | wall ratio |");
  console.log("|---|---|---|---|---|---|---|---|");
  try {
    for (const [name, argv] of [
      ["2-16-16-2 on [-1,1]^2", ["fixtures/bench/mlp-2-16-16-2.json", "--box=-1:1"]],
      ["3-32-32-32-2 on [-1,1]^3, first 1,000 regions", ["fixtures/bench/mlp-3-32-32-32-2.json", "--box=-1:1", "--max-regions", "1000"]],
    ] as const) {
      const plain = await queued(s, ["count", ...argv, "--json"]);
      const checked = await queued(s, ["count", ...argv, "--json", "--check-parts"]);
      const plainCpu = plain.workerCpu.reduce((a, b) => a + b, 0);
      const checkedCpu = checked.workerCpu.reduce((a, b) => a + b, 0);
      console.log(`| ${name} | ${plain.load.toFixed(1)} | ${checked.units} | ${f2(plain.wall)} / ${f2(plainCpu)} | ${f2(checked.wall)} / ${f2(checkedCpu)} | ${f2(checked.checkSeconds)} | ${f2(checked.checkSeconds / plainCpu)} | ${f2(checked.wall / plain.wall)} |`);
    }
  } finally {
    s.stop();
  }
}

/** verify on ACAS Xu properties whose trees are large enough to share: the same columns as speedup(). */
async function verifySpeedup(): Promise<void> {
  const rounds = Number(flag("--rounds", "1"));
  const s = await setup(2);
  // ACAS Xu 3_3 prop 2 (25,593 nodes, ~100 CPU s) is the larger case: `--case 3_3`.
  const cases = flag("--case", "1_1") === "3_3" ? [{ name: "verify ACAS Xu 3_3 prop 2", argv: ["fixtures/acasxu/onnx/ACASXU_run2a_3_3_batch_2000.onnx", "--property", "fixtures/acasxu/vnnlib/prop_2.vnnlib"] }] : [{ name: "verify ACAS Xu 1_1 prop 1", argv: [ACAS_1_1, "--property", PROP_1] }];
  console.log("| case | round | load | result / nodes | 1 thread wall s / CPU s | --workers 2 wall s / CPU s | 2 worker processes: wall s / CPU s (submitter + workers) | units | CPU-normalised: threads | CPU-normalised: queue | on 2 cores: threads | on 2 cores: queue |");
  console.log("|---|---|---|---|---|---|---|---|---|---|---|---|");
  try {
    for (const c of cases) {
      for (let round = 1; round <= rounds; round++) {
        const one = timed(["verify", ...c.argv, "--json", "--workers", "1"]);
        const two = timed(["verify", ...c.argv, "--json", "--workers", "2"]);
        const q = await queued(s, ["verify", ...c.argv, "--json"]);
        if (q.out.result !== one.out.result || q.out.stats?.nodes !== one.out.stats?.nodes) throw new Error(`${c.name}: the queue's answer differs`);
        const qCpu = q.cpu + q.workerCpu.reduce((a, b) => a + b, 0);
        const threadCritical = Math.max(...(two.out.stats?.threadCpuMs ?? [NaN])) / 1000;
        const queueCritical = Math.max(...q.workerCpu);
        const twoCores = (critical: number, total: number): number => one.cpu / Math.max(critical, total / 2);
        console.log(`| ${c.name} | ${round} | ${one.load.toFixed(1)} | ${one.out.result} / ${one.out.stats?.nodes} | ${f2(one.wall)} / ${f2(one.cpu)} | ${f2(two.wall)} / ${f2(two.cpu)} | ${f2(q.wall)} / ${f2(qCpu)} (${f2(q.cpu)} + ${q.workerCpu.map(f2).join(" + ")}) | ${q.units} | ${f2(one.cpu / threadCritical)}× | ${f2(one.cpu / queueCritical)}× | ${f2(twoCores(threadCritical, two.cpu))}× | ${f2(twoCores(queueCritical, qCpu))}× |`);
      }
    }
  } finally {
    s.stop();
  }
}


/**
 * Amdahl's bound for the queue on 2 cores (docs/distributed.md, "What two cores can show"). T: one in-process
 * worker; S: its serial part (`--max-regions 1`, node's start to the first region); Q: the queued run's serial
 * part, the same command with `--queue` and `--max-regions 1` on two warm workers (the submitter's start, BullMQ,
 * the network stored, the tree top cut and queued, a worker's first region back). The work after the first
 * region, T − S, split perfectly over 2 free workers, gives a queued run of at least Q + (T − S) / 2: the
 * speed-up is at most T / (Q + (T − S) / 2), before the submitter's own CPU (reading results) is counted.
 */
async function amdahlMode(): Promise<void> {
  const rounds = Number(flag("--rounds", "5"));
  const s = await setup(2);
  console.log("| case | rounds | load | T: 1 worker wall s | S: its first region s | Q: queued first region s | bound T / (Q + (T − S) / 2) | queued wall s | measured speed-up |");
  console.log("|---|---|---|---|---|---|---|---|---|");
  try {
    for (const c of CASES) {
      const warm = await startWorkers(s);
      timed([...c.argv, "--max-regions", "2000", "--queue", s.url], s.root, c.file);
      const [whole, first, queuedFirst, queuedWhole, loads] = [[], [], [], [], []] as number[][];
      for (let round = 0; round < rounds; round++) {
        const one = timed([...c.argv, "--workers", "1"], ".", c.file);
        whole.push(one.wall);
        loads.push(one.load);
        first.push(timed([...c.argv, "--workers", "1", "--max-regions", "1"], ".", c.file).wall);
        queuedFirst.push(timed([...c.argv, "--max-regions", "1", "--queue", s.url], s.root, c.file).wall);
        queuedWhole.push((await queued(s, c.argv, warm, c.file)).wall);
      }
      await stopWorkers(warm);
      const [T, S, Q, W] = [median(whole), median(first), median(queuedFirst), median(queuedWhole)];
      console.log(`| ${c.name} | ${rounds} | ${median(loads).toFixed(1)} | ${f2(T)} | ${f2(S)} | ${f2(Q)} | ${f2(T / (Q + (T - S) / 2))}× | ${f2(W)} | ${f2(T / W)}× |`);
    }
  } finally {
    s.stop();
  }
}

if (mode === "speedup") await speedup();
else if (mode === "verify") await verifySpeedup();
else if (mode === "overhead") await overhead();
else if (mode === "check-parts") await checkParts();
else if (mode === "amdahl") await amdahlMode();
else throw new Error(`unknown mode ${mode}: speedup, verify, overhead, check-parts or amdahl`);

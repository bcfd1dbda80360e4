// Benchmark of `verify` on VNN-COMP instance lists (ACAS Xu by default; mnist_fc with --benchmark mnist_fc), as
// the competition runs them: one whole process per instance through scripts/vnncomp/run_instance.sh. Per
// instance: the verdict and CPU time without a certificate; the verdict, CPU time and certificate size with
// `--certificate` (.ndjson); the CPU time of `tessera check` on that certificate (with its own limit); and
// nnenum's verdict and CPU time on the same machine, interleaved, when NNENUM_DIR names an nnenum source tree
// (its `src` folder goes on PYTHONPATH, with NNENUM_SHIM before it when set; python3 from NNENUM_PYTHON,
// default python3; one process) — the column is empty otherwise. When the instance folder has a published.csv
// (instance → published VNN-COMP verdict), the summary counts the verdicts that contradict it. tessera runs with one
// worker thread beside nnenum's one process (TESSERA_WORKERS=1 for run_instance.sh, `--workers 1` for the others:
// `verify` otherwise uses every core). Not a test.
//
// Every `violated` answer's counterexample (the VNN-COMP result file's X_i values) is re-evaluated here in exact
// arithmetic against the property (column "cex exact"), and every verdict is compared with the published VNN-COMP
// result (published.csv beside instances.csv).
//
// Run: npm run bench -- bench/verify.ts [--benchmark acasxu|mnist_fc] [--corpus DIR] [--out results.ndjson] [--limit N]
//        [--only 1_1,prop_2] [--check-timeout 600] [--no-certificate] [--no-check] [--certificates DIR]
//        [--wall-timeout S] [--shard i/n]
// (--wall-timeout S gives every process S wall-clock seconds instead of the instance's timeout, for a shared,
// overloaded machine; the table then counts an answer as within the timeout when its CPU time is.)
// (--certificates DIR keeps every certificate there, named after the instance, for a later `tessera check`.)
// Needs `npm run build` first (bin/tessera). Results are appended to --out (default
// bench-verify-<benchmark>.ndjson) one JSON line per instance as it finishes; instances already in the file
// are skipped, so a run of hours resumes where it stopped.
import { spawnSync } from "node:child_process";
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { loadNetwork } from "../src/formats/load.js";
import { loadVnnlib } from "../src/formats/vnnlib.js";
import { evaluate } from "../src/network/evaluate.js";
import { parseRational, type Rational } from "../src/exact/rational.js";
import { inBox, problemFromVnnlib, unsafeDisjunct } from "../src/analysis/problem.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
}
const flag = (name: string): boolean => process.argv.includes(`--${name}`);

const benchmark = arg("benchmark", "acasxu");
/** The instance folder (instances.csv with onnx/ and vnnlib/ beside it); the benchmark's fixtures folder by default. */
const DATA = resolve(arg("corpus", join(ROOT, "fixtures", benchmark === "acasxu" ? "acasxu" : `vnncomp/${benchmark}`)));
const out = arg("out", `bench-verify-${benchmark}.ndjson`);
const limit = Number(arg("limit", "Infinity"));
const only = arg("only", "");
/** --shard i/n: only the instances whose index in instances.csv is i modulo n (several runs side by side). */
const [shardIndex, shardCount] = arg("shard", "0/1").split("/").map(Number) as [number, number];
const checkTimeout = Number(arg("check-timeout", "600"));
const nnenumDir = process.env.NNENUM_DIR;
const keep = arg("certificates", "");
const wall = arg("wall-timeout", "");
const publishedFor = (instance: string): string | undefined => published.get(instance);

interface Row {
  instance: string;
  timeout: number;
  result: string;
  cpu: number;
  certResult?: string;
  certCpu?: number;
  certBytes?: number;
  check?: string;
  checkCpu?: number;
  nnenum?: string;
  nnenumCpu?: number;
  /** For a violated answer: whether its counterexample violates the property in exact arithmetic. */
  cexExact?: boolean;
}

/** Parse "((X_0 v) (X_1 v) … (Y_0 v) …)" (decimals or "(/ p q)") and check X exactly: in a box, output unsafe. */
function counterexampleViolates(onnx: string, vnnlib: string, resultFile: string): boolean {
  const text = readFileSync(resultFile, "utf8");
  const x: Rational[] = [];
  for (const m of text.matchAll(/\(X_(\d+) (\(\/ (-?\d+) (\d+)\)|[^()\s]+)\)/g)) {
    x[Number(m[1])] = m[3] !== undefined ? parseRational(`${m[3]}/${m[4]}`) : parseRational(m[2]!);
  }
  const net = loadNetwork(onnx);
  const problem = problemFromVnnlib(loadVnnlib(vnnlib));
  if (x.length !== problem.inputSize || x.some((v) => v === undefined)) return false;
  const y = evaluate(net, x).values[net.output]!;
  return problem.boxes.some((b) => inBox(b, x)) && unsafeDisjunct(problem, y) >= 0;
}

/** Run a command under /usr/bin/time and return its exit code, output and user+system CPU seconds (children included). */
function timed(cmd: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env, wallLimit?: number): { code: number; stdout: string; stderr: string; cpu: number } {
  const dir = mkdtempSync(join(tmpdir(), "tessera-bench-"));
  const tfile = join(dir, "time");
  const r = spawnSync("/usr/bin/time", ["-f", "%U %S", "-o", tfile, cmd, ...args], { encoding: "utf8", env, ...(wallLimit ? { timeout: wallLimit * 1000 } : {}), maxBuffer: 1 << 26 });
  let cpu = NaN;
  if (existsSync(tfile)) {
    const last = readFileSync(tfile, "utf8").trim().split("\n").pop() ?? "";
    const [u, s] = last.split(" ").map(Number);
    cpu = (u ?? NaN) + (s ?? NaN);
  }
  rmSync(dir, { recursive: true, force: true });
  return { code: r.status ?? -1, stdout: r.stdout ?? "", stderr: r.stderr ?? "", cpu };
}

/** The verdict in a VNN-COMP result file: holds (unsat), violated (sat), timeout, unknown or error. */
function verdict(file: string): string {
  if (!existsSync(file)) return "error";
  const first = readFileSync(file, "utf8").trim().split("\n")[0]!.trim();
  return ({ unsat: "holds", sat: "violated", holds: "holds", violated: "violated" } as Record<string, string>)[first] ?? first;
}

const done = new Set<string>();
if (existsSync(out)) for (const line of readFileSync(out, "utf8").split("\n")) if (line.trim()) done.add((JSON.parse(line) as Row).instance);

const instances = readFileSync(join(DATA, "instances.csv"), "utf8")
  .trim()
  .split("\n")
  .map((l) => l.split(",").map((s) => s.trim()))
  .filter((p, i) => p.length >= 3 && i % shardCount === shardIndex && (only === "" || only.split(",").every((w) => p[0]!.includes(w) || p[1]!.includes(w))))
  .slice(0, limit);

/** Published verdicts (instance → holds/violated/unknown) from DATA/published.csv when the benchmark has one. */
const published = new Map<string, string>();
if (existsSync(join(DATA, "published.csv"))) {
  for (const line of readFileSync(join(DATA, "published.csv"), "utf8").trim().split("\n").slice(1)) {
    const [o, v, verdictText] = line.split(",").map((x) => x.trim());
    published.set(`${o} ${v}`, verdictText!);
  }
}

const work = mkdtempSync(join(tmpdir(), "tessera-bench-"));
/** One worker thread for every tessera process (run_instance.sh reads TESSERA_WORKERS). */
const oneWorker = { ...process.env, TESSERA_WORKERS: "1" };
for (const [onnxRel, vnnlibRel, t] of instances) {
  const instance = `${onnxRel} ${vnnlibRel}`;
  if (done.has(instance)) continue;
  const onnx = join(DATA, onnxRel!);
  const vnnlib = join(DATA, vnnlibRel!);
  const timeout = Number(t);
  const budget = wall === "" ? timeout : Number(wall);
  const res = join(work, "result.txt");
  const plain = timed("bash", [join(ROOT, "scripts/vnncomp/run_instance.sh"), "v1", benchmark, onnx, vnnlib, res, String(budget)], oneWorker);
  const row: Row = { instance, timeout, result: verdict(res), cpu: plain.cpu };
  if (row.result === "violated") row.cexExact = counterexampleViolates(onnx, vnnlib, res);
  if (nnenumDir) {
    const env = { ...process.env, PYTHONPATH: [process.env.NNENUM_SHIM, join(nnenumDir, "src")].filter(Boolean).join(":"), OPENBLAS_NUM_THREADS: "1", OMP_NUM_THREADS: "1" };
    const nres = join(work, "nnenum.txt");
    rmSync(nres, { force: true });
    const n = timed(process.env.NNENUM_PYTHON ?? "python3", ["-m", "nnenum.nnenum", onnx, vnnlib, String(budget), nres, "1"], env, budget + 60);
    Object.assign(row, { nnenum: verdict(nres), nnenumCpu: n.cpu });
  }
  if (!flag("no-certificate")) {
    const cert = keep ? join(keep, `${onnxRel!.replace(/.*\//, "").replace(/\.onnx$/, "")}__${vnnlibRel!.replace(/.*\//, "").replace(/\.vnnlib$/, "")}.ndjson`) : join(work, "cert.ndjson");
    rmSync(cert, { force: true });
    const cres = join(work, "cert-result.txt");
    const c = timed("node", [join(ROOT, "bin/tessera"), "verify", onnx, "--property", vnnlib, "--timeout", String(budget - 1), "--result-file", cres, "--certificate", cert, "--workers", "1"], oneWorker);
    Object.assign(row, { certResult: verdict(cres), certCpu: c.cpu });
    if (existsSync(cert)) {
      row.certBytes = statSync(cert).size;
      if (!flag("no-check")) {
        const k = timed("node", [join(ROOT, "bin/tessera"), "check", cert, onnx, "--property", vnnlib], oneWorker, checkTimeout);
        Object.assign(row, { check: k.code === 0 ? "accepted" : k.code === -1 ? "timeout" : `rejected: ${k.stderr.trim().slice(0, 200)}`, checkCpu: k.cpu });
      }
    }
  }
  appendFileSync(out, JSON.stringify(row) + "\n");
  process.stderr.write(`${instance}: ${JSON.stringify(row)}\n`);
}
rmSync(work, { recursive: true, force: true });

const rows = readFileSync(out, "utf8").split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l) as Row);
const f = (v: number | null | undefined): string => (v === undefined || v === null || Number.isNaN(v) ? "" : v.toFixed(2));
console.log("| instance | published | verdict | CPU s | cex exact | with certificate | CPU s | certificate bytes | check | check CPU s | nnenum | nnenum CPU s |");
console.log("|---|---|---|---|---|---|---|---|---|---|---|---|");
for (const r of rows) {
  const cex = r.cexExact === undefined ? "" : r.cexExact ? "yes" : "NO";
  console.log(`| ${r.instance} | ${publishedFor(r.instance) ?? ""} | ${r.result} | ${f(r.cpu)} | ${cex} | ${r.certResult ?? ""} | ${f(r.certCpu)} | ${r.certBytes ?? ""} | ${r.check ?? ""} | ${f(r.checkCpu)} | ${r.nnenum ?? ""} | ${f(r.nnenumCpu)} |`);
}
const sum = (k: keyof Row): number => rows.reduce((s, r) => s + (typeof r[k] === "number" && !Number.isNaN(r[k]) ? (r[k] as number) : 0), 0);
const count = (k: keyof Row, v: string): number => rows.filter((r) => r[k] === v).length;
console.log(`\ninstances ${rows.length}; holds ${count("result", "holds")}, violated ${count("result", "violated")}, other ${rows.length - count("result", "holds") - count("result", "violated")}`);
const inBudget = (v: string | undefined, cpu: number | undefined, r: Row): boolean => (v === "holds" || v === "violated") && (cpu ?? Infinity) <= r.timeout;
console.log(`answered within the instance's timeout in CPU time: tessera ${rows.filter((r) => inBudget(r.result, r.cpu, r)).length}, with certificate ${rows.filter((r) => inBudget(r.certResult, r.certCpu, r)).length}, nnenum ${rows.filter((r) => inBudget(r.nnenum, r.nnenumCpu, r)).length}`);
console.log(`CPU total: tessera ${sum("cpu").toFixed(1)} s, with certificate ${sum("certCpu").toFixed(1)} s, check ${sum("checkCpu").toFixed(1)} s, nnenum ${sum("nnenumCpu").toFixed(1)} s`);
const disagree = rows.filter((r) => r.nnenum && ["holds", "violated"].includes(r.nnenum) && ["holds", "violated"].includes(r.result) && r.nnenum !== r.result);
console.log(`verdicts that disagree with nnenum: ${disagree.length}${disagree.length ? ": " + disagree.map((r) => r.instance).join("; ") : ""}`);
const known = rows.filter((r) => publishedFor(r.instance) !== undefined);
const right = (v: string | undefined, r: Row): boolean => v === publishedFor(r.instance);
const wrong = (v: string | undefined, r: Row): boolean => (v === "holds" || v === "violated") && !right(v, r);
if (published.size) console.log(`against the published VNN-COMP results (published.csv): tessera ${known.filter((r) => right(r.result, r)).length}/${known.length} right, ${known.filter((r) => wrong(r.result, r)).length} wrong; with certificate ${known.filter((r) => right(r.certResult, r)).length} right, ${known.filter((r) => wrong(r.certResult, r)).length} wrong; nnenum ${known.filter((r) => right(r.nnenum, r)).length} right, ${known.filter((r) => wrong(r.nnenum, r)).length} wrong`);
console.log(`violated answers whose counterexample violates exactly: ${rows.filter((r) => r.cexExact === true).length} of ${rows.filter((r) => r.result === "violated").length}`);
console.log(`holds with a certificate that check accepted: ${rows.filter((r) => r.certResult === "holds" && r.check === "accepted").length} of ${rows.filter((r) => r.certResult === "holds").length}`);
console.log(`certificates accepted ${count("check", "accepted")}, check timeouts ${count("check", "timeout")}, rejected ${rows.filter((r) => r.check?.startsWith("rejected")).length}`);

// Per property (the VNN-LIB file): how many instances, how many right against the published verdicts, and CPU totals.
const byProperty = new Map<string, Row[]>();
for (const r of rows) {
  const p = r.instance.split(" ")[1]!.replace(/.*\//, "").replace(/\.vnnlib$/, "");
  byProperty.set(p, [...(byProperty.get(p) ?? []), r]);
}
const total = (rs: readonly Row[], k: keyof Row): number => rs.reduce((s, r) => s + (typeof r[k] === "number" && !Number.isNaN(r[k]) ? (r[k] as number) : 0), 0);
console.log("\n| property | instances | right (tessera / with certificate / nnenum) | tessera CPU s | with certificate CPU s | ratio | check CPU s | certificates accepted | nnenum CPU s |");
console.log("|---|---:|---|---:|---:|---:|---:|---|---:|");
for (const [p, rs] of [...byProperty, ["all", rows] as [string, Row[]]]) {
  const ok = (k: "result" | "certResult" | "nnenum"): number => rs.filter((r) => right(r[k], r)).length;
  const holds = rs.filter((r) => r.certResult === "holds").length;
  const accepted = rs.filter((r) => r.certResult === "holds" && r.check === "accepted").length;
  console.log(`| ${p} | ${rs.length} | ${ok("result")} / ${ok("certResult")} / ${ok("nnenum")} | ${total(rs, "cpu").toFixed(1)} | ${total(rs, "certCpu").toFixed(1)} | ${(total(rs, "certCpu") / total(rs, "cpu")).toFixed(2)} | ${total(rs, "checkCpu").toFixed(1)} | ${accepted} of ${holds} | ${total(rs, "nnenumCpu").toFixed(1)} |`);
}

// Benchmark of `verify` on ACAS Xu (VNN-COMP instances: properties 1–4 on all 45 networks, 116 s each):
// prints a table of verdicts and times (network load + verify, per instance, in one process) and totals.
// Not a test. Run: npm run bench -- bench/verify.ts [--props 1,2,3,4] [--nets 1_1,2_1|all] [--timeout 116]
//                  [--corpus DIR (default fixtures/acasxu)] [--out results.ndjson]   (one JSON line per instance, appended as it finishes; instances
//                                            already in the file are skipped, so a run can be resumed)
import { fileURLToPath } from "node:url";
import { resolve } from "node:path";
import { appendFileSync, existsSync, readFileSync } from "node:fs";
import { loadNetwork } from "../src/formats/load.js";
import "../src/formats/index.js";
import { loadVnnlib } from "../src/formats/vnnlib.js";
import { problemFromVnnlib } from "../src/analysis/problem.js";
import { verify } from "../src/analysis/verify.js";
import { recheckCounterexample } from "../src/analysis/counterexample.js";

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
}

/** The networks and properties: a folder laid out as fixtures/acasxu (onnx/, vnnlib/); that one by default. */
const DATA = resolve(arg("corpus", fileURLToPath(new URL("../fixtures/acasxu", import.meta.url))));

const props = arg("props", "1,2,3,4").split(",").map(Number);
const allNets = Array.from({ length: 45 }, (_, i) => `${Math.floor(i / 9) + 1}_${(i % 9) + 1}`);
const nets = arg("nets", "all") === "all" ? allNets : arg("nets", "").split(",");
const timeout = Number(arg("timeout", "116"));
const out = arg("out", "");

interface Row {
  net: string;
  prop: number;
  result: string;
  seconds: number;
  nodes: number;
  leaves: number;
}

const done = new Map<string, Row>();
if (out && existsSync(out)) {
  for (const line of readFileSync(out, "utf8").split("\n")) {
    if (!line.trim()) continue;
    const r = JSON.parse(line) as Row;
    done.set(`${r.net}/${r.prop}`, r);
  }
}

const rows: Row[] = [];
for (const net of nets) {
  for (const prop of props) {
    const key = `${net}/${prop}`;
    const prev = done.get(key);
    if (prev) {
      rows.push(prev);
      continue;
    }
    const start = performance.now();
    const network = loadNetwork(`${DATA}/onnx/ACASXU_run2a_${net}_batch_2000.onnx`);
    const problem = problemFromVnnlib(loadVnnlib(`${DATA}/vnnlib/prop_${prop}.vnnlib`));
    const outcome = verify(network, problem, { timeoutSeconds: timeout, certificate: "none" });
    if (outcome.result === "violated" && !recheckCounterexample(network, problem, outcome.counterexample)) throw new Error(`${key}: counterexample failed its re-check`);
    const row: Row = {
      net,
      prop,
      result: outcome.result,
      seconds: (performance.now() - start) / 1000,
      nodes: outcome.stats.nodes,
      leaves: outcome.stats.leaves,
    };
    rows.push(row);
    if (out) appendFileSync(out, JSON.stringify(row) + "\n");
    process.stderr.write(`${net} prop_${prop}: ${row.result} ${row.seconds.toFixed(2)} s\n`);
  }
}

console.log("| network | property | verdict | time (s) | branches | leaves |");
console.log("|---|---|---|---|---|---|");
for (const r of rows) console.log(`| ${r.net} | ${r.prop} | ${r.result} | ${r.seconds.toFixed(2)} | ${r.nodes} | ${r.leaves} |`);
console.log("\n| property | instances | holds | violated | unknown | total time (s) | max (s) |");
console.log("|---|---|---|---|---|---|---|");
for (const p of [...props, 0]) {
  const sel = rows.filter((r) => p === 0 || r.prop === p);
  const count = (v: string): number => sel.filter((r) => r.result === v).length;
  const total = sel.reduce((s, r) => s + r.seconds, 0);
  const max = sel.reduce((s, r) => Math.max(s, r.seconds), 0);
  console.log(`| ${p === 0 ? "all" : p} | ${sel.length} | ${count("holds")} | ${count("violated")} | ${count("unknown")} | ${total.toFixed(1)} | ${max.toFixed(1)} |`);
}

// Hostile input, measured: every case of the hostile-input table (docs/errors.md, "Hostile input, measured") run
// as a real `bin/tessera` process under /usr/bin/time, one at a time. Per case: the command, what came out (the
// exit code and the first line of stderr, or a summary of stdout), and wall time, CPU time (user + system) and
// peak RSS. Each case also states what must come out (an exit code and a pattern); a case that gives anything
// else, or takes more than 20 s of CPU or 1 GB, is marked in the last column. The inputs are generated in a
// temporary folder (huge numbers, /dev/zero links, 10^7-neuron networks, a network exactly at the parameter
// limit, deep nesting, ONNX shapes, tampered maps, graphs and certificates, full disks and closed pipes).
// Not a test: the 20 s / 1 GB figures belong to a quiet machine; under load the wall column is informational and
// CPU time and RSS are the figures.
//
// Run: npm run build && nice -n 19 npm run bench -- bench/hostile.ts [--only ID,ID] [--kill-after S]
// (--kill-after S: a case still running after S wall seconds is killed and reported; default 60.)
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { onnxModel } from "../test/formats/onnx-model.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const TESSERA = join(ROOT, "bin/tessera");
const SEED = join(ROOT, "fixtures/seed-three-neurons.json");

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
}
const only = arg("only", "").split(",").filter(Boolean);
const killAfter = Number(arg("kill-after", "60"));

const dir = mkdtempSync(join(tmpdir(), "tessera-bench-hostile-"));
const file = (name: string, content: string | Uint8Array): string => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};

interface Case {
  readonly id: string;
  /** What the case is (the issue's words). */
  readonly what: string;
  /** tessera's arguments (files are made when the case runs). */
  readonly args: () => string[];
  /** Run through `sh -c` with this suffix (a pipe or a redirection of standard output). */
  readonly shell?: string;
  /** The exit code (or codes) that may come out. */
  readonly exit: number | readonly number[];
  /** Must match stderr + stdout. */
  readonly expect: RegExp;
}

// --- inputs -----------------------------------------------------------------------------------------------
const HEADER = "(declare-const X_0 Real)\n(declare-const X_1 Real)\n(declare-const Y_0 Real)\n";
const box = (x0: [string, string], x1: [string, string]): string =>
  `(assert (>= X_0 ${x0[0]}))\n(assert (<= X_0 ${x0[1]}))\n(assert (>= X_1 ${x1[0]}))\n(assert (<= X_1 ${x1[1]}))\n`;
/** The seed network with its first weight replaced. */
const seedWith = (w: string): string =>
  JSON.stringify({ format: "tessera-network", version: 1, inputs: 2, layers: [{ type: "dense", weights: [[w, "-2"], ["-1", "1"], ["2", "1"]], bias: ["0", "1", "-2"] }, { type: "relu" }, { type: "dense", weights: [["1", "1/3", "0.1"]], bias: ["0"] }] });
const lazy = <T>(make: () => T): (() => T) => {
  let value: T | undefined;
  return () => (value ??= make());
};
const w400 = lazy(() => file("w400.json", seedWith("1e400")));
const w2000 = lazy(() => file("w2000.json", seedWith("7".repeat(2000))));
const deepVnnlib = (op: string): string => {
  const n = 50_000;
  const body = op === "+" ? `(assert (>= ${"(+ ".repeat(n)}Y_0${" 0)".repeat(n)} 10))\n` : `(assert ${`(${op} `.repeat(n)}(>= Y_0 10)${")".repeat(n)})\n`;
  return file(`deep-${op === "+" ? "plus" : op}.vnnlib`, HEADER + box(["-1", "1"], ["-1", "1"]) + body);
};
const zeroLink = lazy(() => {
  const link = join(dir, "zero.json");
  symlinkSync("/dev/zero", link);
  return link;
});
/** 1 input → 10^7 ReLUs → 1 output (3·10^7 parameters), written without building the document in memory twice. */
const wideJson = lazy(() => {
  const n = 10_000_000;
  const ones = (s: string): string => new Array<string>(n).fill(s).join(",");
  return file("wide-1e7.json", `{"format":"tessera-network","version":1,"inputs":1,"layers":[{"type":"dense","weights":[${ones("[1]")}],"bias":[${ones("0")}]},{"type":"relu"},{"type":"dense","weights":[[${ones("1")}]],"bias":[0]}]}`);
});
/** 10^7 inputs straight into 10^7 ReLUs: no parameters, but a region search over 10^7 coordinates. */
const reluJson = lazy(() => file("relu-1e7.json", JSON.stringify({ format: "tessera-network", version: 1, inputs: 10_000_000, layers: [{ type: "relu" }] })));
const reluOnnx = lazy(() => file("relu-1e7.onnx", onnxModel({ input: [1, 10_000_000], nodes: [{ op: "Relu", inputs: ["x"], outputs: ["y"] }] })));
/** 1 → 10^7 → 1 as ONNX MatMuls (the weights declared, 2·10^7 elements). */
const wideOnnx = lazy(() =>
  file(
    "wide-1e7.onnx",
    onnxModel({
      input: [1, 1],
      nodes: [
        { op: "MatMul", inputs: ["x", "w1"], outputs: ["h"] },
        { op: "Relu", inputs: ["h"], outputs: ["r"] },
        { op: "MatMul", inputs: ["r", "w2"], outputs: ["y"] },
      ],
      initializers: [
        { name: "w1", dims: [1, 10_000_000], values: new Array<number>(10_000_000).fill(1), raw: true },
        { name: "w2", dims: [10_000_000, 1], values: new Array<number>(10_000_000).fill(1), raw: true },
      ],
    }),
  ),
);
/**
 * A network exactly at the parameter limit 2^22: 2047 inputs, a dense layer of 2048 ReLUs (2048·2047 weights +
 * 2048 biases = 2048²), one output of weight 0 (the output layer's 2049 parameters make it 2^22 + 2049 — so
 * the output is the ReLU layer itself: no output layer). Weights are small integers from a fixed pattern.
 */
const atLimit = lazy(() => {
  const rows: string[] = [];
  for (let r = 0; r < 2048; r++) {
    const row: number[] = [];
    for (let c = 0; c < 2047; c++) row.push(((r * 7919 + c * 104729) % 17) - 8);
    rows.push(`[${row.join(",")}]`);
  }
  return file("limit-2048.json", `{"format":"tessera-network","version":1,"inputs":2047,"layers":[{"type":"dense","weights":[${rows.join(",")}],"bias":[${Array.from({ length: 2048 }, (_, r) => (r % 5) - 2).join(",")}]},{"type":"relu"}]}`);
});
const atLimitProperty = lazy(() => {
  const lines = Array.from({ length: 2047 }, (_, i) => `(declare-const X_${i} Real)`);
  lines.push(...Array.from({ length: 2048 }, (_, i) => `(declare-const Y_${i} Real)`));
  for (let i = 0; i < 2047; i++) lines.push(`(assert (>= X_${i} -1))`, `(assert (<= X_${i} 1))`);
  lines.push("(assert (>= Y_0 100000))");
  return file("limit-2048.vnnlib", lines.join("\n") + "\n");
});

/** Run tessera once (setup, not measured); returns stdout. */
function tessera(...args: string[]): string {
  const r = spawnSync(process.execPath, [TESSERA, ...args], { encoding: "utf8", maxBuffer: 1 << 30 });
  if (r.status !== 0 && r.status !== 10) throw new Error(`setup: tessera ${args.join(" ")} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const seedMap = lazy((): Json => {
  const path = join(dir, "seed-map.json");
  tessera("regions", SEED, "--box=-1:1", "--vertices", "--json", "-o", path);
  return JSON.parse(readFileSync(path, "utf8"));
});
const planeMap = lazy((): Json => {
  const path = join(dir, "plane-map.json");
  tessera("regions", SEED, "--json", "-o", path);
  return JSON.parse(readFileSync(path, "utf8"));
});
const seedGraph = lazy((): Json => {
  const path = join(dir, "seed-graph.json");
  tessera("graph", SEED, "--box=-1:1", "--json", "-o", path);
  return JSON.parse(readFileSync(path, "utf8"));
});
const holdsProperty = lazy(() => file("holds.vnnlib", HEADER + box(["-1", "1"], ["-1", "1"]) + "(assert (>= Y_0 5))\n"));
const seedCertificate = lazy((): Json => {
  const path = join(dir, "seed-cert.json");
  tessera("verify", SEED, "--property", holdsProperty(), "--certificate", path);
  return JSON.parse(readFileSync(path, "utf8"));
});
/** A tampered copy of a document, written to a file. */
const tampered = (name: string, source: () => Json, edit: (doc: Json) => void) => (): string => {
  const doc = structuredClone(source());
  edit(doc);
  return file(name, JSON.stringify(doc));
};
/** The first object in the document with a `mu` array (a leaf's multipliers). */
function firstWith(value: unknown, key: string): Json | undefined {
  if (value === null || typeof value !== "object") return undefined;
  if (!Array.isArray(value) && key in (value as Json)) return value as Json;
  for (const v of Object.values(value as Json)) {
    const found = firstWith(v, key);
    if (found) return found;
  }
  return undefined;
}
/** A verification certificate whose split tree is 100,000 deep (NDJSON; y = relu(x) − relu(−x) on [1, 2], y ≤ 1/2 unsafe). */
const deepCertificate = lazy(() => {
  const net = file("identity.json", JSON.stringify({ format: "tessera-network", version: 1, inputs: 1, layers: [{ type: "dense", weights: [["1"], ["-1"]], bias: ["0", "0"] }, { type: "relu" }, { type: "dense", weights: [["1", "-1"]], bias: ["0"] }] }));
  const property = file("identity.vnnlib", "(declare-const X_0 Real)\n(declare-const Y_0 Real)\n(assert (>= X_0 1))\n(assert (<= X_0 2))\n(assert (<= Y_0 0.5))\n");
  const small = join(dir, "identity-cert.ndjson");
  tessera("verify", net, "--property", property, "--certificate", small);
  const header = readFileSync(small, "utf8").split("\n")[0]!;
  const depth = 100_000;
  const parts = [header, '{"case":{"box":0,"disjunct":0}}'];
  for (let i = 0; i < depth; i++) parts.push('{"split":{"dim":0,"at":"2"}}');
  for (let i = 0; i <= depth; i++) parts.push('{"mu":["1"]}');
  parts.push(`{"end":true,"leaves":${depth + 1}}`);
  return { net, cert: file("deep-cert.ndjson", parts.join("\n") + "\n") };
});

const CHECK_FAILED = /^tessera: check failed: /m;
/** A region search on the network at the parameter limit, cut short: complete false, or stopped while reading. */
const LIMIT_STOPPED = /"?complete"?: false|--timeout ran out while the file was being read/;
/** The network at the parameter limit refused by a command that certifies H-forms (docs/errors.md, "Limits"). */
const LIMIT_HFORM = /a region's certified H-form may have 6142 rows \(4094 of the domain, 2048 of the neurons\) over the 2047 domain coordinates: 12572674 entries, more than tessera's limit of 4194304 \(raise it with --max-hform-entries/;
/** The plane through 0, e_1 and e_2 of the network at the parameter limit's 2047 inputs. */
const atLimitPlane = (): string => [0, 1, 2].map((i) => Array.from({ length: 2047 }, (_, k) => (i > 0 && k === i - 1 ? "1" : "0")).join(",")).join(";");
const cases: Case[] = [
  // Numbers
  { id: "vnnlib-exponent-box", what: "`(>= X_0 -1e999999999)` in the input box (was: verify said holds)", args: () => ["verify", SEED, "--property", file("p1.vnnlib", HEADER + "(assert (>= X_0 -1e999999999))\n(assert (<= X_0 1))\n(assert (>= X_1 0))\n(assert (<= X_1 0))\n(assert (>= Y_0 1000))\n")], exit: 1, expect: /exponent 999999999 is beyond the limit ±1000/ },
  { id: "vnnlib-exponent-output", what: "`(>= Y_0 1e100001)` (was: violated with a false counterexample)", args: () => ["verify", SEED, "--property", file("p2.vnnlib", HEADER + box(["-1", "1"], ["-1", "1"]) + "(assert (>= Y_0 1e100001))\n")], exit: 1, expect: /exponent 100001 is beyond the limit/ },
  { id: "vnnlib-exponent-bounds", what: "bounds with that box (was: 0 used as the bound)", args: () => ["bounds", SEED, "--property", file("p3.vnnlib", HEADER + box(["-1e999999999", "1"], ["0", "0"]))], exit: 1, expect: /beyond the limit ±1000/ },
  { id: "vnnlib-exponent-regions", what: "regions --property with that box", args: () => ["regions", SEED, "--property", join(dir, "p3.vnnlib")], exit: 1, expect: /beyond the limit ±1000/ },
  { id: "weight-1e400-count", what: "a weight 1e400: count on [-1,1]² (4 regions)", args: () => ["count", w400(), "--box=-1:1", "--json"], exit: 0, expect: /"regions": 4/ },
  { id: "weight-1e400-regions", what: "… regions (a map)", args: () => ["regions", w400(), "--box=-1:1", "--json", "-o", join(dir, "w400.map.json")], exit: 0, expect: /wrote 4 regions/ },
  { id: "weight-1e400-check", what: "… check of that map", args: () => ["check", join(dir, "w400.map.json"), w400()], exit: 0, expect: /all 4 regions verified/ },
  { id: "weight-1e400-graph", what: "… graph", args: () => ["graph", w400(), "--box=-1:1", "--json", "-o", join(dir, "w400.graph.json")], exit: 0, expect: /wrote 4 regions and 3 edges/ },
  { id: "weight-1e400-graph-check", what: "… check of that graph", args: () => ["check", join(dir, "w400.graph.json"), w400()], exit: 0, expect: /edges verified/ },
  { id: "weight-1e400-plot", what: "… plot", args: () => ["plot", w400(), "--box=-1:1", "-o", join(dir, "w400.svg")], exit: 0, expect: /^$|svg/ },
  { id: "weight-1e400-bounds", what: "… bounds", args: () => ["bounds", w400(), "--box=-1:1", "--json"], exit: 0, expect: /"outputs"/ },
  { id: "weight-1e400-verify", what: "… verify (refused: float enclosures)", args: () => ["verify", w400(), "--property", holdsProperty()], exit: 1, expect: /beyond float range; verify and neurons bound networks with float enclosures/ },
  { id: "weight-2000-digits-count", what: "a 2000-digit weight: count on all of R² (7 regions)", args: () => ["count", w2000(), "--json"], exit: 0, expect: /"regions": 7/ },
  { id: "weight-100000-digits", what: "a 100,000-digit weight (refused with the digit limit)", args: () => ["count", file("w100000.json", seedWith("7".repeat(100_000)))], exit: 1, expect: /more than 2000 digits/ },
  { id: "box-100000-nines", what: "`--box=-<100000 nines>:1`", args: () => ["count", SEED, `--box=-${"9".repeat(100_000)}:1`], exit: 1, expect: /more than 2000 digits/ },
  { id: "vnnlib-box-1e400-count", what: "VNN-LIB box bound -1e400: count (5 regions)", args: () => ["count", SEED, "--property", file("p400.vnnlib", HEADER + box(["-1e400", "1"], ["-1", "1"])), "--json"], exit: 0, expect: /"regions": 5/ },
  { id: "vnnlib-box-1e400-verify", what: "… verify (refused: float enclosures)", args: () => ["verify", SEED, "--property", file("pv400.vnnlib", HEADER + box(["-1e400", "1"], ["-1", "1"]) + "(assert (>= Y_0 1000))\n")], exit: 1, expect: /beyond float range/ },
  { id: "line-1e400", what: "`--line '0,0;1e400,0'` (3 regions)", args: () => ["count", SEED, "--line", "0,0;1e400,0", "--json"], exit: 0, expect: /"regions": 3/ },
  { id: "onnx-gemm-alpha-string", what: "ONNX Gemm with a STRING alpha (was: alpha = 0)", args: () => ["info", file("alpha.onnx", onnxModel({ input: [1, 2], nodes: [{ op: "Gemm", inputs: ["x", "w"], outputs: ["y"], name: "g", attrs: { alpha: { string: "big" } } }], initializers: [{ name: "w", dims: [2, 1], values: [1, 2] }] }))], exit: 1, expect: /attribute alpha has type STRING, expected FLOAT/ },
  // Nesting
  ...["or", "and", "+"].map((op): Case => ({ id: `vnnlib-deep-${op === "+" ? "plus" : op}`, what: `50,000-deep \`(${op}\` in VNN-LIB`, args: () => ["verify", SEED, "--property", deepVnnlib(op)], exit: 1, expect: /nested more than 1000 deep/ })),
  { id: "certificate-deep-100000", what: "a 100,000-deep split tree in a certificate (NDJSON): checked", args: () => ["check", deepCertificate().cert, deepCertificate().net], exit: 0, expect: /^ok: / },
  // Maps, graphs, certificates
  { id: "map-no-regions", what: 'a map with `"regions": []`', args: () => ["check", tampered("empty.map.json", seedMap, (m) => { m.regions = []; m.counts.regions = 0; })(), SEED], exit: 1, expect: CHECK_FAILED },
  { id: "map-no-format", what: "a map without `format`", args: () => ["check", tampered("noformat.map.json", seedMap, (m) => delete m.format)(), SEED], exit: 1, expect: /format: is missing/ },
  { id: "map-constraint-deleted", what: "a constraint deleted from a region's irredundant list", args: () => ["check", tampered("t1.json", seedMap, (m) => m.regions[0].constraints.pop())(), SEED], exit: 1, expect: CHECK_FAILED },
  { id: "map-all-constraints-deleted", what: "all of them deleted", args: () => ["check", tampered("t2.json", planeMap, (m) => (m.regions[0].constraints = []))(), SEED], exit: 1, expect: CHECK_FAILED },
  { id: "map-bounded-flipped", what: "`bounded` flipped", args: () => ["check", tampered("t3.json", seedMap, (m) => (m.regions[0].bounded = false))(), SEED], exit: 1, expect: CHECK_FAILED },
  { id: "map-piece-changed", what: "`piece` changed", args: () => ["check", tampered("t4.json", planeMap, (m) => (m.regions[1].piece = 0))(), SEED], exit: 1, expect: CHECK_FAILED },
  { id: "map-vertex-moved", what: "a vertex moved", args: () => ["check", tampered("t5.json", seedMap, (m) => (m.regions[0].vertices[0] = m.regions[0].witness))(), SEED], exit: 1, expect: CHECK_FAILED },
  { id: "map-vertex-dropped", what: "a vertex dropped", args: () => ["check", tampered("t6.json", seedMap, (m) => m.regions[0].vertices.pop())(), SEED], exit: 1, expect: CHECK_FAILED },
  { id: "graph-jump-changed", what: "a graph whose jump was changed", args: () => ["check", tampered("g1.json", seedGraph, (g) => (g.edges[0].jump[0][0] = "2"))(), SEED], exit: 1, expect: CHECK_FAILED },
  { id: "graph-point-moved", what: "a graph whose facet point was moved", args: () => ["check", tampered("g2.json", seedGraph, (g) => (g.edges[0].point = ["1/10", "0"]))(), SEED], exit: 1, expect: CHECK_FAILED },
  { id: "graph-samemap-flipped", what: "a graph whose sameMap was flipped", args: () => ["check", tampered("g3.json", seedGraph, (g) => (g.edges[0].sameMap = !g.edges[0].sameMap))(), SEED], exit: 1, expect: CHECK_FAILED },
  { id: "certificate-multiplier-changed", what: "a certificate whose leaf multiplier was changed", args: () => ["check", tampered("c1.json", seedCertificate, (c) => { const leaf = firstWith(c, "mu")!; leaf.mu = leaf.mu.map(() => "0"); })(), SEED, "--property", holdsProperty()], exit: 1, expect: CHECK_FAILED },
  // ONNX
  { id: "onnx-tensor-1e12", what: "an ONNX tensor of 10^12 elements", args: () => ["info", file("huge.onnx", onnxModel({ input: [1, 1_000_000], nodes: [{ op: "MatMul", inputs: ["x", "w"], outputs: ["y"] }], initializers: [{ name: "w", dims: [1_000_000, 1_000_000], values: [] }] }))], exit: 1, expect: /has more than 16777216 elements|more than tessera's limit/ },
  { id: "onnx-dim-negative", what: "ONNX dimension −5", args: () => ["info", file("neg.onnx", onnxModel({ input: [1, -5], nodes: [{ op: "Relu", inputs: ["x"], outputs: ["y"] }] }))], exit: 1, expect: /dimension 1 is -5; a dimension must be a positive integer/ },
  { id: "onnx-dim-zero", what: "ONNX dimension 0", args: () => ["info", file("zero.onnx", onnxModel({ input: [1, 0], nodes: [{ op: "Relu", inputs: ["x"], outputs: ["y"] }] }))], exit: 1, expect: /dimension 1 is 0; a dimension must be a positive integer/ },
  { id: "onnx-two-producers", what: "a tensor produced by two nodes", args: () => ["info", file("two.onnx", onnxModel({ input: [1, 2], nodes: [{ op: "Relu", inputs: ["x"], outputs: ["y"], name: "a" }, { op: "Neg", inputs: ["x"], outputs: ["y"], name: "b" }] }))], exit: 1, expect: /is also produced by node "a"/ },
  { id: "onnx-relu-1e7-info", what: "info on a 10^7-element ONNX Relu (was: 3.4 GB, 16 s)", args: () => ["info", reluOnnx(), "--json"], exit: 0, expect: /"inputs": 10000000/ },
  { id: "onnx-relu-1e7-count", what: "count on it (refused before set-up)", args: () => ["count", reluOnnx(), "--max-regions", "1"], exit: 1, expect: /a region search keeps an affine form/ },
  { id: "onnx-wide-1e7-count", what: "count --timeout 5 on a 1→10^7→1 ONNX network", args: () => ["count", wideOnnx(), "--timeout", "5"], exit: 1, expect: /more than tessera's limit/ },
  // Bounded reading
  { id: "zero-network", what: "a network that is a link to /dev/zero", args: () => ["info", zeroLink()], exit: 1, expect: /is larger than the file size limit/ },
  { id: "zero-domain", what: "a domain file that is /dev/zero", args: () => ["count", SEED, "--domain", "/dev/zero"], exit: 1, expect: /is larger than the file size limit/ },
  { id: "zero-property", what: "a property that is /dev/zero", args: () => ["verify", SEED, "--property", "/dev/zero"], exit: 1, expect: /is larger than the file size limit/ },
  { id: "zero-map", what: "a map that is /dev/zero", args: () => ["check", "/dev/zero", SEED], exit: 1, expect: /is larger than the file size limit/ },
  { id: "json-1e7-timeout", what: "count --timeout 5 on a 1→10^7→1 JSON network", args: () => ["count", wideJson(), "--timeout", "5"], exit: 1, expect: /more than tessera's limit|more parameters than/ },
  { id: "json-1e7-max-regions", what: "count --max-regions 1 on it", args: () => ["count", wideJson(), "--max-regions", "1"], exit: 1, expect: /more than tessera's limit|more parameters than/ },
  { id: "json-relu-1e7-max-regions", what: "count --max-regions 1 on 10^7 inputs into 10^7 ReLUs", args: () => ["count", reluJson(), "--max-regions", "1"], exit: 1, expect: /a region search keeps an affine form/ },
  { id: "limit-2048-info", what: "info on a network at the parameter limit (2047 inputs, 2048 ReLUs: 2^22 parameters)", args: () => ["info", atLimit(), "--json"], exit: 0, expect: /"parameters": 4194304/ },
  { id: "limit-2048-max-regions", what: "count --max-regions 1 on it (box [-1,1]^2047)", args: () => ["count", atLimit(), "--box=-1:1", "--max-regions", "1", "--json"], exit: 0, expect: /"regions": 1,[\s\S]*"complete": false/ },
  // The commands that certify each region's H-form are refused before the search: (4094 + 2048) rows × 2047
  // coordinates = 12,572,674 entries > 2^22 (--max-hform-entries). neurons answers completely once the exact
  // bounds and witnesses decide every neuron (no enumeration needed).
  ...(["regions", "graph", "jumps", "bounds", "neurons"] as const).map(
    (command): Case => ({
      id: `limit-2048-${command}-max-regions`,
      what: `${command} --max-regions 1 on it`,
      args: () => [command, atLimit(), "--box=-1:1", "--max-regions", "1", "--json", ...(command === "regions" || command === "graph" ? ["-o", join(dir, `limit-2048.${command}.json`)] : [])],
      exit: command === "neurons" ? 0 : 1,
      expect: command === "neurons" ? /"complete": (true|false)/ : LIMIT_HFORM,
    }),
  ),
  { id: "limit-2048-regions-raised", what: "regions --max-regions 1 --max-hform-entries 2^24 --timeout 10 on it (the limit raised: the search runs and stops at the deadline)", args: () => ["regions", atLimit(), "--box=-1:1", "--max-regions", "1", "--max-hform-entries", "16777216", "--timeout", "10", "--json", "-o", join(dir, "limit-2048.raised.json")], exit: [0, 1], expect: LIMIT_STOPPED },
  { id: "limit-2048-timeout", what: "count --timeout 5 on it (stops while reading, or after it with complete: false)", args: () => ["count", atLimit(), "--box=-1:1", "--timeout", "5", "--json"], exit: [0, 1], expect: LIMIT_STOPPED },
  { id: "limit-2048-timeout-12", what: "count --timeout 12 on it (past loading on a quiet machine: stops in the set-up or the first decisions)", args: () => ["count", atLimit(), "--box=-1:1", "--timeout", "12", "--json"], exit: [0, 1], expect: LIMIT_STOPPED },
  { id: "limit-2048-max-regions-timeout", what: "count --max-regions 1 --timeout 12 on it (the first region is out of reach: stops at the deadline)", args: () => ["count", atLimit(), "--box=-1:1", "--max-regions", "1", "--timeout", "12", "--json"], exit: [0, 1], expect: LIMIT_STOPPED },
  ...(["regions", "graph", "jumps", "bounds", "lipschitz", "neurons"] as const).map(
    (command): Case => ({
      id: `limit-2048-${command}-timeout`,
      what: `${command} --timeout 5 on it`,
      args: () => [command, atLimit(), "--box=-1:1", "--timeout", "5", "--json", ...(command === "regions" || command === "graph" ? ["-o", join(dir, `limit-2048.${command}.json`)] : [])],
      exit: [0, 1],
      // The H-form commands: refused once the file is read, or stopped while it is read.
      expect: command === "neurons" ? /"complete": (true|false)|--timeout ran out while the file was being read/ : command === "lipschitz" ? LIMIT_STOPPED : new RegExp(`${LIMIT_HFORM.source}|--timeout ran out while the file was being read`),
    }),
  ),
  { id: "limit-2048-plot-timeout", what: "plot --timeout 5 on a plane through it (2048 lines in the box's slice)", args: () => ["plot", atLimit(), "--plane", atLimitPlane(), "--box=-1:1", "--timeout", "5", "--json", "-o", join(dir, "limit-2048.svg")], exit: [0, 1], expect: LIMIT_STOPPED },
  // Y_0 ≤ 8·2047 + 2 = 16,378 < 100,000 on the box: "holds" is the answer once loading is fast enough, else unknown.
  { id: "limit-2048-verify-timeout", what: "verify --timeout 5 on it", args: () => ["verify", atLimit(), "--property", atLimitProperty(), "--timeout", "5", "--json"], exit: [0, 20], expect: /"result": "(holds|unknown)"/ },
  // Write errors
  { id: "write-dev-full", what: "`-o /dev/full` (ENOSPC)", args: () => ["regions", SEED, "--json", "-o", "/dev/full"], exit: 1, expect: /cannot be written \(ENOSPC/ },
  { id: "write-stdout-full", what: "standard output on a full disk", args: () => ["regions", SEED, "--json"], shell: " > /dev/full", exit: 1, expect: /standard output: cannot be written \(ENOSPC/ },
  { id: "write-stdout-closed", what: "standard output closed early (`| head -c 1`)", args: () => ["regions", SEED, "--json"], shell: " | head -c 1 > /dev/null", exit: 1, expect: /EPIPE/ },
  { id: "write-no-folder", what: "`-o` into a folder that does not exist", args: () => ["regions", SEED, "--json", "-o", join(dir, "no/such/x.json")], exit: 1, expect: /ENOENT: its folder does not exist/ },
  // Messages
  { id: "property-empty-box", what: "an empty input box from a property names the file", args: () => ["count", SEED, "--property", file("empty.vnnlib", HEADER + box(["1", "0"], ["-1", "1"]))], exit: 1, expect: /empty\.vnnlib: line 4, column 9: input box 0 is empty/ },
];

interface Measured {
  readonly code: number | null;
  readonly out: string;
  /** What the table shows: the first line of stderr, else stdout (a JSON answer compacted). */
  readonly shown: string;
  readonly wall: number;
  readonly cpu: number;
  readonly rssMb: number;
  readonly killed: boolean;
}

const quote = (a: string): string => (/^[\w./:,=+-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`);

function measure(c: Case, args: readonly string[]): Measured {
  const timeFile = join(dir, "time.txt");
  // timeout(1) kills tessera itself after --kill-after seconds; /usr/bin/time still reports what it used.
  const timed = ["/usr/bin/time", "-f", "%e %U %S %M", "-o", timeFile, "timeout", "-s", "KILL", String(killAfter), process.execPath, TESSERA, ...args];
  const r = c.shell
    ? spawnSync("sh", ["-c", `${timed.map(quote).join(" ")}${c.shell}`], { encoding: "utf8", maxBuffer: 1 << 30 })
    : spawnSync(timed[0]!, timed.slice(1), { encoding: "utf8", maxBuffer: 1 << 30 });
  const timeText = readFileSync(timeFile, "utf8");
  // The time file has tessera's own exit status (sh reports the last command of a pipe).
  const status = /Command (?:exited with non-zero status (\d+)|terminated by signal (\d+))/.exec(timeText);
  const code = status ? (status[1] !== undefined ? Number(status[1]) : 128 + Number(status[2])) : 0;
  const last = timeText.trim().split("\n").pop() ?? "";
  const [wall, user, sys, rss] = last.split(" ").map(Number) as [number, number, number, number];
  return { code, out: (r.stderr ?? "") + (r.stdout ?? ""), shown: display(r.stderr ?? "", r.stdout ?? ""), wall, cpu: user + sys, rssMb: rss / 1024, killed: code === 137 };
}

function display(stderr: string, stdout: string): string {
  if (stderr.trim() !== "") return stderr;
  try {
    const v = JSON.parse(stdout) as Record<string, unknown>;
    const keep = ["regions", "complete", "status", "result", "reason", "inputs", "parameters"].filter((k) => k in v);
    return JSON.stringify(Object.fromEntries(keep.map((k) => [k, v[k]])));
  } catch {
    return stdout;
  }
}

const shown = (text: string): string => {
  const line = text.split("\n").find((l) => l.trim() !== "") ?? "";
  const short = line.length > 110 ? line.slice(0, 110) + "…" : line;
  return short.replace(/\|/g, "\\|").replace(new RegExp(dir.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"), "g"), "…");
};
const commandText = (c: Case, args: readonly string[]): string => {
  const text = `tessera ${args.map((a) => (a.length > 40 ? a.slice(0, 37) + "…" : a)).join(" ")}${c.shell ?? ""}`;
  return text.replace(new RegExp(dir.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"), "g"), "…").replace(ROOT, "").replace(/\|/g, "\\|");
};

console.log(`hostile input, ${new Date().toISOString()}, load ${loadavg().map((v) => v.toFixed(2)).join(" ")}, node ${process.version}`);
console.log("| case | what | command | result | wall s | CPU s | peak RSS MB | within 20 s CPU, 1 GB, expected |");
console.log("|---|---|---|---|---|---|---|---|");
let bad = 0;
for (const c of cases) {
  if (only.length > 0 && !only.includes(c.id)) continue;
  const args = c.args();
  const m = measure(c, args);
  const expected = !m.killed && [c.exit].flat().includes(m.code ?? -1) && c.expect.test(m.out);
  const within = m.cpu <= 20 && m.rssMb <= 1024;
  if (!expected || !within) bad++;
  const verdict = m.killed ? `KILLED after ${killAfter} s (its CPU and RSS are not measured)` : [expected ? "yes" : `UNEXPECTED (wanted exit ${[c.exit].flat().join(" or ")}, ${c.expect})`, within ? "" : "OVER LIMIT"].filter(Boolean).join(", ");
  console.log(`| ${c.id} | ${c.what} | \`${commandText(c, args)}\` | exit ${m.code ?? "—"}: ${shown(m.shown) || "(no output)"} | ${m.wall.toFixed(2)} | ${m.cpu.toFixed(2)} | ${Math.round(m.rssMb)} | ${verdict} |`);
}
console.log(`\n${bad === 0 ? "every case as expected, within 20 CPU s and 1 GB" : `${bad} case(s) not as expected or over the limits`}`);
rmSync(dir, { recursive: true, force: true });

// Every row of docs/errors.md's "Networks (tessera JSON) and eval" section, through the CLI: exit code 1,
// exactly one line on stderr naming the file and the place, no stack trace (and a trace with --debug).
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { cli, cliProcess, tempFiles } from "./run.js";
import { projectFile } from "../project.js";

const SEED = "fixtures/seed-three-neurons.json";

function net(layers: unknown[], extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ format: "tessera-network", version: 1, inputs: 2, ...extra, layers });
}
const dense = (weights: string[][], bias?: string[]) => ({ type: "dense", weights, ...(bias ? { bias } : {}) });
const HIDDEN = dense([["1", "0"], ["0", "1"], ["1", "1"]], ["0", "0", "0"]);

interface Case {
  /** File contents by name; the case's network is "net.json" unless `args` says otherwise. */
  readonly files?: Record<string, string>;
  /** Arguments; "$net" and "$dir" are replaced by the temp paths. */
  readonly args: string[];
  /** The expected stderr line after "tessera: error: ", with FILE standing for the file path. */
  readonly message: string | RegExp;
}

const cases: Record<string, Case> = {
  "missing-file": { args: ["info", "$dir/nope.json"], message: "FILE: no such file" },
  directory: { files: { "d.json/x": "" }, args: ["info", "$dir"], message: "FILE: is a directory, not a file" },
  "unknown-extension": { files: { "net.txt": "x" }, args: ["info", "$dir/net.txt"], message: /^FILE: unknown network format "\.txt" \(known: \.json/ },
  "truncated-json": { files: { "net.json": '{"format": "tessera-network",\n "version": 1,\n "layers' }, args: ["info", "$net"], message: "FILE: line 3, column 9: the JSON is truncated (unexpected end of input)" },
  "invalid-json": { files: { "net.json": '{"format": x}' }, args: ["info", "$net"], message: /^FILE: line 1, column 12: invalid JSON: / },
  "not-an-object": { files: { "net.json": "[1, 2]" }, args: ["info", "$net"], message: "FILE: (document): expected an object, found an array" },
  "wrong-format": { files: { "net.json": '{"format": "onnx", "version": 1}' }, args: ["info", "$net"], message: 'FILE: format: expected "tessera-network", found "onnx"' },
  "wrong-version": { files: { "net.json": '{"format": "tessera-network", "version": 2}' }, args: ["info", "$net"], message: "FILE: version: this tessera reads version 1, found 2" },
  "bad-inputs": { files: { "net.json": net([{ type: "relu" }], { inputs: 0 }) }, args: ["info", "$net"], message: "FILE: inputs: expected a positive integer, found number 0" },
  "no-layers": { files: { "net.json": net([]) }, args: ["info", "$net"], message: "FILE: layers: a network needs at least one layer" },
  "weights-columns": {
    files: { "net.json": net([HIDDEN, { type: "relu" }, dense([["1", "2"]], ["0"])]) },
    args: ["info", "$net"],
    message: "FILE: layers[2].weights: dimension mismatch: the weights have 2 columns but the layer's input has 3 values",
  },
  "ragged-weights": { files: { "net.json": net([dense([["1", "2"], ["3"]], ["0", "0"])]) }, args: ["info", "$net"], message: "FILE: layers[0].weights[1]: expected 2 entries, found 1" },
  "bias-length": { files: { "net.json": net([dense([["1", "0"], ["0", "1"], ["1", "1"]], ["0", "0"])]) }, args: ["info", "$net"], message: "FILE: layers[0].bias: dimension mismatch: 2 biases for 3 weight rows" },
  "non-numeric-weight": { files: { "net.json": net([dense([["1", "x"]], ["0"])]) }, args: ["info", "$net"], message: 'FILE: layers[0].weights[0][1]: "x" is not a rational number' },
  "nan-weight": { files: { "net.json": net([dense([["NaN", "1"]], ["0"])]) }, args: ["info", "$net"], message: 'FILE: layers[0].weights[0][0]: "NaN" is not a rational number (NaN and infinities are not allowed)' },
  "infinity-weight": {
    files: { "net.json": net([dense([["1", "1"], ["1", "2"]], ["0", "-Infinity"])]) },
    args: ["info", "$net"],
    message: 'FILE: layers[0].bias[1]: "-Infinity" is not a rational number (NaN and infinities are not allowed)',
  },
  "zero-denominator": { files: { "net.json": net([dense([["1/0", "1"]], ["0"])]) }, args: ["info", "$net"], message: 'FILE: layers[0].weights[0][0]: "1/0" is not a rational number (its denominator is 0)' },
  "weight-type": {
    files: { "net.json": net([{ type: "dense", weights: [[true, "1"]], bias: ["0"] }]) },
    args: ["info", "$net"],
    message: 'FILE: layers[0].weights[0][0]: expected a rational (a string such as "1/3" or a number), found boolean true',
  },
  "unknown-layer": { files: { "net.json": net([HIDDEN, { type: "dropout" }]) }, args: ["info", "$net"], message: /^FILE: layers\[1\]\.type: unknown layer type "dropout" \(known: dense, relu, / },
  ...Object.fromEntries(
    ["elu", "sigmoid", "tanh", "gelu", "softmax"].map((kind) => [
      `not-pwl-${kind}`,
      { files: { "net.json": net([HIDDEN, { type: kind }]) }, args: ["info", "$net"], message: `FILE: layers[1].type: "${kind}" is not piecewise-linear and cannot be analysed exactly` },
    ]),
  ),
  "unknown-input-name": {
    files: { "net.json": net([HIDDEN, { type: "relu" }, { type: "add", inputs: ["nope", "input"] }]) },
    args: ["info", "$net"],
    message: 'FILE: layers[2].inputs[0]: no earlier layer is named "nope"',
  },
  "duplicate-name": { files: { "net.json": net([{ ...HIDDEN, name: "h" }, { type: "relu", name: "h" }]) }, args: ["info", "$net"], message: 'FILE: layers[1].name: the name "h" is already used' },
  "add-sizes": {
    files: { "net.json": net([{ ...HIDDEN, name: "h" }, { type: "relu" }, { type: "add", inputs: ["h", "input"] }]) },
    args: ["info", "$net"],
    message: "FILE: layers[2].inputs: dimension mismatch: cannot add inputs of sizes 3 and 2",
  },
  "pwl-discontinuous": {
    files: { "net.json": net([{ type: "pwl", breakpoints: ["0"], slopes: ["0", "1"], intercepts: ["0", "1"] }]) },
    args: ["info", "$net"],
    message: "FILE: layers[0]: the pwl function is not continuous at breakpoint 0 (0): 0 from the left, 1 from the right",
  },
  "clip-order": { files: { "net.json": net([{ type: "clip", min: "2", max: "1" }]) }, args: ["info", "$net"], message: "FILE: layers[0]: min 2 exceeds max 1" },
  "prelu-length": { files: { "net.json": net([dense([["1", "0"], ["0", "1"]], ["0", "0"]), { type: "prelu", alpha: ["1", "2", "3"] }]) }, args: ["info", "$net"], message: "FILE: layers[1].alpha: dimension mismatch: 3 slopes for 2 neurons" },
  "input-box": { files: { "net.json": net([{ type: "relu" }], { inputBox: ["1:0", "0:1"] }) }, args: ["info", "$net"], message: 'FILE: inputBox[0]: "1:0" is not an interval "lo:hi" with lo ≤ hi' },
  "input-length": { args: ["eval", SEED, "--input", "1,2,3"], message: "--input: has 3 values, the network takes 2" },
  "input-syntax": { args: ["eval", SEED, "--input", "3,x"], message: '--input: value 2: "x" is not a rational number' },
  "input-empty": { args: ["eval", SEED, "--input", ""], message: '--input: is empty; give comma-separated rationals such as "3,1/2"' },
  "input-missing": { args: ["eval", SEED], message: "required option '--input <values>' not specified (see --help)" },
  "unknown-option": { args: ["eval", SEED, "--input", "1,2", "--frobnicate"], message: "unknown option '--frobnicate' (see --help)" },
  "unknown-command": { args: ["frobnicate"], message: "unknown command 'frobnicate' (see --help)" },
};

function prepare(c: Case): { args: string[]; file: string } {
  const paths = tempFiles({});
  const dir = paths.dir!;
  const written = tempFilesIn(dir, c.files ?? {});
  const args = c.args.map((a) => a.replace("$net", written["net.json"] ?? `${dir}/net.json`).replace("$dir", dir));
  const file = args[1] ?? "";
  return { args, file };
}

function tempFilesIn(dir: string, files: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, content] of Object.entries(files)) {
    const full = `${dir}/${name}`;
    const parent = full.slice(0, full.lastIndexOf("/"));
    spawnSync("mkdir", ["-p", parent]);
    spawnSync("sh", ["-c", 'cat > "$1"', "sh", full], { input: content });
    out[name] = full;
  }
  return out;
}

function expectMessage(stderr: string, file: string, message: string | RegExp): void {
  const lines = stderr.split("\n").filter((l) => l !== "");
  expect(lines, stderr).toHaveLength(1);
  expect(stderr).not.toMatch(/^\s+at /m);
  expect(lines[0]!.startsWith("tessera: ")).toBe(true);
  const stripped = lines[0]!.replace(/^tessera: (error: )?/, "");
  const body = file ? stripped.replaceAll(file, "FILE") : stripped;
  if (typeof message === "string") expect(body).toBe(message);
  else expect(body).toMatch(message);
}

describe("docs/errors.md: networks and eval", () => {
  it("every row of the section has a case here, and every case is a row", () => {
    const doc = readFileSync(projectFile("docs/errors.md"), "utf8");
    const section = doc.slice(doc.indexOf("## Networks (tessera JSON) and `eval`"), doc.indexOf("\n## ", doc.indexOf("## Networks (tessera JSON)") + 5) >>> 0 || undefined);
    const ids = [...section.replace(/^\| id \|.*$/m, "").matchAll(/^\| ([a-z][a-z0-9-]*)( \/ [^|]*)? \|/gm)].flatMap((m) => {
      if (!m[2]) return [m[1]!];
      const base = m[1]!.replace(/-[a-z]+$/, "");
      return [m[1]!, ...m[2].split(" / ").slice(1).map((s) => base + s.trim())];
    });
    expect(ids.length).toBeGreaterThan(25);
    expect(new Set(ids)).toEqual(new Set(Object.keys(cases)));
  });

  it.each(Object.entries(cases))("%s: exit 1 and one line naming the file and the place", async (_id, c) => {
    const { args, file } = prepare(c);
    const run = await cli(...args);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expectMessage(run.stderr, file, c.message);
  });

  it("--debug adds the stack trace", async () => {
    const run = await cli("eval", SEED, "--input", "3,x", "--debug");
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^\s+at /m);
  });
});

describe("bin/tessera as a real process", () => {
  it("evaluates the seed network and exits 0", () => {
    const run = cliProcess("eval", SEED, "--input", "3,1/2", "--json");
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ output: ["49/20"], pattern: "101", ties: [] });
  });

  it("a bad file: exit 1, one line, no stack trace", () => {
    const run = cliProcess("info", "no-such-network.json");
    expect(run.code).toBe(1);
    expectMessage(run.stderr, "no-such-network.json", "FILE: no such file");
  });

  it("--version and --help exit 0", () => {
    expect(cliProcess("--version").stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const help = cliProcess("eval", "--help");
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Examples:/);
  });
});

// Hostile inputs through the real CLI (docs/errors.md, "Numbers", "Limits" and "Write errors"): every case
// gives the right answer, or exit 1 with one line naming the file, the place and the limit it breaks.
// The expected answers are hand computations on the seed network (fixtures/seed-three-neurons.json):
//   y = relu(x0 - 2 x1) + 1/3 relu(-x0 + x1 + 1) + 1/10 relu(2 x0 + x1 - 2).
import { closeSync, mkdtempSync, openSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { buildCli, cli } from "./run.js";
import { onnxModel } from "../formats/onnx-model.js";

const SEED = "fixtures/seed-three-neurons.json";
const HEADER = "(declare-const X_0 Real)\n(declare-const X_1 Real)\n(declare-const Y_0 Real)\n";
const box = (x0: [string, string], x1: [string, string]): string =>
  `(assert (>= X_0 ${x0[0]}))\n(assert (<= X_0 ${x0[1]}))\n(assert (>= X_1 ${x1[0]}))\n(assert (<= X_1 ${x1[1]}))\n`;
const net = (weights: unknown, bias: unknown = ["0"]): string =>
  JSON.stringify({ format: "tessera-network", version: 1, inputs: 2, layers: [{ type: "dense", weights: [["1", "-2"], ["-1", "1"]], bias: ["0", "1"] }, { type: "relu" }, { type: "dense", weights, bias }] });

let dir = "";
const file = (name: string, content: string | Uint8Array): string => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "tessera-hostile-"));
});

interface ErrorCase {
  readonly args: () => string[];
  /** The stderr line after "tessera: error: ". */
  readonly message: string | RegExp;
}

/** One line, exit 1, no stack trace, the expected message. */
async function expectError(c: ErrorCase): Promise<void> {
  const run = await cli(...c.args());
  expect(run.stderr.trimEnd().split("\n")).toHaveLength(1);
  expect(run.code).toBe(1);
  const line = run.stderr.trimEnd().replace(/^tessera: error: /, "");
  if (typeof c.message === "string") expect(line).toBe(c.message);
  else expect(line).toMatch(c.message);
  expect(run.stderr).not.toMatch(/^\s+at /m);
}

describe("numbers: the exact value or a stated limit, never a silent 0", () => {
  const cases: Record<string, ErrorCase> = {
    "vnnlib-exponent-in-box": {
      args: () => ["verify", SEED, "--property", file("p1.vnnlib", HEADER + "(assert (>= X_0 -1e999999999))\n(assert (<= X_0 1))\n(assert (>= X_1 0))\n(assert (<= X_1 0))\n(assert (>= Y_0 1000))\n")],
      message: /p1\.vnnlib: line 4, column 17: "-1e999999999" is not a rational number \(its decimal exponent 999999999 is beyond the limit ±1000\)$/,
    },
    "vnnlib-exponent-in-output": {
      args: () => ["verify", SEED, "--property", file("p2.vnnlib", HEADER + box(["-1", "1"], ["-1", "1"]) + "(assert (>= Y_0 1e100001))\n")],
      message: /p2\.vnnlib: line 8, column 17: "1e100001" is not a rational number \(its decimal exponent 100001 is beyond the limit ±1000\)$/,
    },
    "vnnlib-exponent-bounds": {
      args: () => ["bounds", SEED, "--property", file("p3.vnnlib", HEADER + box(["-1e999999999", "1"], ["0", "0"]))],
      message: /p3\.vnnlib: line 4, column 17: "-1e999999999" is not a rational number \(its decimal exponent 999999999 is beyond the limit ±1000\)$/,
    },
    "json-weight-exponent": {
      args: () => ["info", file("e.json", net([["1e100001", "0"]]))],
      message: /e\.json: layers\[2\]\.weights\[0\]\[0\]: "1e100001" is not a rational number \(its decimal exponent 100001 is beyond the limit ±1000\)$/,
    },
    "json-weight-digits": {
      args: () => ["info", file("d.json", net([["1".repeat(2001), "0"]]))],
      message: /d\.json: layers\[2\]\.weights\[0\]\[0\]: "1{40}…" is not a rational number \(it has more than 2000 digits\)$/,
    },
    "json-number-beyond-float": {
      args: () => ["info", file("n.json", net([[1, 0]]).replace('"weights":[[1,0]]', '"weights":[[1e400,0]]'))],
      message: /n\.json: line 1, column \d+: the JSON number 1e400 cannot be read exactly \(a JSON number is a float64\); write it as a string such as "1e400"$/,
    },
    "json-number-too-precise": {
      args: () => ["info", file("p.json", net([[1, 0]]).replace('"weights":[[1,0]]', '"weights":[[0.10000000000000000001,0]]'))],
      message: /p\.json: line 1, column \d+: the JSON number 0\.10000000000000000001 cannot be read exactly/,
    },
    "flag-box-exponent": {
      args: () => ["count", SEED, "--box=-1e100001:1"],
      message: '--box: interval 1: "-1e100001" is not a rational number (its decimal exponent 100001 is beyond the limit ±1000)',
    },
    "flag-input-exponent": {
      args: () => ["eval", SEED, "--input", "1e999999999,0"],
      message: '--input: value 1: "1e999999999" is not a rational number (its decimal exponent 999999999 is beyond the limit ±1000)',
    },
    "nnet-exponent": {
      args: () => ["info", file("x.nnet", ["2,1,1,2,", "1,2,1,", "0,", "-1.0,", "1.0,", "0.0,0.0,", "1.0,1.0,", "1e999999,", "-2.0,", "0.25,", "0.0,", "1.0,1.0,", "0.5,"].join("\n"))],
      message: /x\.nnet: line 8: value 1 of weight row 1 of layer 1: "1e999999" is not a rational number \(its decimal exponent 999999 is beyond the limit ±1000\)$/,
    },
    "onnx-gemm-alpha-string": {
      args: () => [
        "info",
        file(
          "alpha.onnx",
          onnxModel({
            input: [1, 2],
            nodes: [{ op: "Gemm", inputs: ["x", "w"], outputs: ["y"], name: "g", attrs: { alpha: { string: "2" }, transB: 1 } }],
            initializers: [{ name: "w", dims: [1, 2], values: [1, 1] }],
          }),
        ),
      ],
      message: /alpha\.onnx: node "g" \(Gemm\): attribute alpha has type STRING, expected FLOAT$/,
    },
  };
  for (const [id, c] of Object.entries(cases)) it(id, () => expectError(c));

  it("the largest accepted exponent and digit count are read exactly", async () => {
    // y at (x0, 0) for x0 ≤ -1: relu(x0) = 0, relu(-x0 + 1)/3 = (1 - x0)/3, relu(2 x0 - 2) = 0.
    const run = await cli("eval", SEED, "--input", "-1e1000,0", "--json");
    expect(run.code).toBe(0);
    const expected = (1n + 10n ** 1000n).toString() + "/3";
    expect(JSON.parse(run.stdout).output).toEqual([expected]);
  });
});

describe("exact values beyond float range work everywhere", () => {
  // y = relu(w·x0 − 2 x1) + 1/3 relu(−x0 + x1 + 1) with w = 1e400 (or a 2000-digit integer, the longest numeral
  // tessera reads): hyperplane 0 is x0 = 2x1/w, all but the line x0 = 0; hyperplane 1 is x1 = x0 − 1. They meet at
  // x1 = −1/(1 − 2/w) < −1, below the box [-1,1]^2, where hyperplane 1 runs right of hyperplane 0 (at x1 = −1 it
  // is at x0 = 0 > −2/w): 3 regions in the box (left of 0; right of 0 above and below 1), 4 on R^2 (two crossing
  // lines), and 2 edges (0 | above 1 along hyperplane 0, above 1 | below 1 along hyperplane 1). The maximum on the
  // box is w + 2, at (1, −1). One test per command, each on both weights: 2000-digit numbers make every exact
  // step slow (fraction.js gcds), so no single test carries all of them.
  const huge = (w: string): string =>
    JSON.stringify({ format: "tessera-network", version: 1, inputs: 2, layers: [{ type: "dense", weights: [[w, "-2"], ["-1", "1"]], bias: ["0", "1"] }, { type: "relu" }, { type: "dense", weights: [["1", "1/3"]], bias: ["0"] }] });
  const weights = [["w400", "1e400"], ["w2000", "7".repeat(2000)]] as const;
  const path = (name: string): string => join(dir, `${name}.json`);
  beforeAll(() => weights.forEach(([name, w]) => file(`${name}.json`, huge(w))));
  /** Exit 0 and no error (a `-o` run reports what it wrote on stderr); its stdout. */
  const ok = async (...args: string[]): Promise<string> => {
    const run = await cli(...args);
    expect(run.stderr).not.toMatch(/error/);
    expect(run.code).toBe(0);
    return run.stdout;
  };
  const count = async (...args: string[]): Promise<number> => JSON.parse(await ok("count", ...args, "--json")).regions as number;
  const SLOW = { timeout: 180_000 };

  it("count: 3 regions in the box, 4 on R^2", SLOW, async () => {
    for (const [name] of weights) {
      expect(await count(path(name), "--box=-1:1")).toBe(3);
      expect(await count(path(name))).toBe(4);
    }
  });

  it("regions, and check of the map", SLOW, async () => {
    for (const [name] of weights) {
      const map = join(dir, `${name}.map.json`);
      await ok("regions", path(name), "--box=-1:1", "--json", "-o", map);
      expect(await ok("check", map, path(name))).toMatch(/all 3 regions verified/);
    }
  });

  it("graph (on two worker threads: regions cross threads as JSON with numbers of more than 2000 digits), and check of the graph", SLOW, async () => {
    for (const [name] of weights) {
      const graph = join(dir, `${name}.graph.json`);
      await ok("graph", path(name), "--box=-1:1", "--json", "-o", graph, "--workers", "2");
      expect(JSON.parse(readFileSync(graph, "utf8")).counts).toEqual({ regions: 3, edges: 2, linearPieces: 3 });
      expect(await ok("check", graph, path(name))).toMatch(/^ok: .*2 edges verified/);
    }
  });

  it("plot", SLOW, async () => {
    for (const [name] of weights) {
      await ok("plot", path(name), "--box=-1:1", "-o", join(dir, `${name}.svg`));
      expect(readFileSync(join(dir, `${name}.svg`), "utf8")).toMatch(/^<svg|<\?xml/);
    }
  });

  it("bounds: the exact minimum 2/(3w) at (−2/w, −1) and maximum w + 2 at (1, −1)", SLOW, async () => {
    for (const [name, w] of weights) {
      const W = w === "1e400" ? 10n ** 400n : BigInt(w);
      const out = JSON.parse(await ok("bounds", path(name), "--box=-1:1", "--json")).outputs[0];
      expect([out.min, out.max]).toEqual([`2/${3n * W}`.replace(/^2\/(\d+)$/, (_, d: string) => (BigInt(d) % 2n === 0n ? `1/${BigInt(d) / 2n}` : `2/${d}`)), `${W + 2n}`]);
      expect(out.argmax).toEqual(["1", "-1"]);
    }
  });

  it("box bounds and slice points beyond float range", async () => {
    // On [-1e400, 1]^2 the seed's three lines all cross the box and meet once inside (at (4/5, 2/5)): 1 + 3 + 1 = 5.
    expect(await count(SEED, "--box=-1e400:1")).toBe(5);
    // The line x1 = 0 meets hyperplane 0 at x0 = 0 and hyperplanes 1, 2 both at x0 = 1: 3 regions.
    expect(await count(SEED, "--line", "0,0;1e400,0")).toBe(3);
  });

  it("verify refuses them with one line (its branch and bound needs float enclosures)", async () => {
    await expectError({
      args: () => ["verify", file("wv.json", huge("1e400")), "--property", file("pv.vnnlib", HEADER + box(["-1", "1"], ["-1", "1"]) + "(assert (>= Y_0 1000))\n")],
      message: /^analysis: the weight or parameter 100000000000…\(401 characters\) is beyond float range; verify and neurons bound networks with float enclosures/,
    });
    await expectError({
      args: () => ["verify", SEED, "--property", file("pv2.vnnlib", HEADER + box(["-1e400", "1"], ["-1", "1"]) + "(assert (>= Y_0 1000))\n")],
      message: /^analysis\/verify: the property's bound -10000000000…\(402 characters\) is beyond float range/,
    });
  });
});

describe("bounded reading", () => {
  it("a network, domain, property or map that is /dev/zero (or a link to it) stops at the size limit", async () => {
    const link = join(dir, "zero.json");
    symlinkSync("/dev/zero", link);
    const limit = "is larger than the file size limit of 1048576 bytes (raise it with --max-file-size)";
    for (const args of [
      ["info", link],
      ["count", SEED, "--domain", link],
      ["count", SEED, "--property", "/dev/zero"],
      ["check", link, SEED],
    ]) {
      const run = await cli(...args, "--max-file-size", "1M");
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(new RegExp(`^tessera: error: (${link}|/dev/zero): ${limit.replace(/[()]/g, "\\$&")}\n$`));
    }
  });

  it("a regular file over the limit is refused before it is read; the flag raises the limit", async () => {
    const big = file("big.json", " ".repeat(2000) + net([["1", "1/3"]]));
    await expectError({ args: () => ["info", big, "--max-file-size", "1K"], message: `${big}: is larger than the file size limit of 1024 bytes (raise it with --max-file-size)` });
    expect((await cli("info", big, "--max-file-size", "3K")).code).toBe(0);
    await expectError({ args: () => ["info", big, "--max-file-size", "lots"], message: '--max-file-size: "lots" is not a positive size in bytes (such as 1000000, 512K, 300M or 2G)' });
  });
});

describe("unclear messages made clear", () => {
  const gemm = (input: (number | string)[]): Uint8Array =>
    onnxModel({ input, nodes: [{ op: "Relu", inputs: ["x"], outputs: ["y"], name: "r" }] });
  const cases: Record<string, ErrorCase> = {
    "onnx-dim-negative": { args: () => ["info", file("neg.onnx", gemm([1, -5]))], message: /neg\.onnx: input "x": dimension 1 is -5; a dimension must be a positive integer$/ },
    "onnx-dim-zero": { args: () => ["info", file("zero.onnx", gemm([1, 0]))], message: /zero\.onnx: input "x": dimension 1 is 0; a dimension must be a positive integer$/ },
    "onnx-two-producers": {
      args: () => [
        "info",
        file("two.onnx", onnxModel({ input: [1, 2], nodes: [{ op: "Relu", inputs: ["x"], outputs: ["y"], name: "a" }, { op: "Neg", inputs: ["x"], outputs: ["y"], name: "b" }] })),
      ],
      message: /two\.onnx: node "b" \(Neg\): its output "y" is also produced by node "a" \(Relu\); an ONNX tensor has one producer$/,
    },
    "property-empty-box-names-the-file": {
      args: () => ["count", SEED, "--property", file("empty.vnnlib", HEADER + box(["1", "0"], ["-1", "1"]))],
      message: /empty\.vnnlib: line 4, column 9: input box 0 is empty: X_0 ≥ 1 and ≤ 0$/,
    },
    "property-point-box-names-the-file": {
      args: () => ["count", SEED, "--property", file("point.vnnlib", HEADER + box(["-1", "1"], ["0.5", "0.5"]))],
      message: /point\.vnnlib: its input box has no interior \(X_1 is fixed to 1\/2\), so it contains no linear region$/,
    },
    "check-no-format": {
      args: () => ["check", file("noformat.json", '{"regions": []}'), SEED],
      message: /noformat\.json: format: is missing; tessera checks documents whose "format" is one of tessera-region-map, tessera-region-graph, tessera-verify-certificate$/,
    },
  };
  for (const [id, c] of Object.entries(cases)) it(id, () => expectError(c));
});

describe("nesting depth: lists nested deeper than 1000 are refused, never a stack overflow", () => {
  // 50,000 nested (or …), (and …) and (+ …) overflowed the stack of the recursive formula reader.
  const deep = (open: string, inner: string, close: string, n: number): string => open.repeat(n) + inner + close.repeat(n);
  const cases: Record<string, string> = {
    or: `(assert ${deep("(or ", "(>= Y_0 10)", ")", 50_000)})\n`,
    and: `(assert ${deep("(and ", "(>= Y_0 10)", ")", 50_000)})\n`,
    plus: `(assert (>= ${deep("(+ ", "Y_0", " 0)", 50_000)} 10))\n`,
  };
  for (const [op, body] of Object.entries(cases)) {
    it(`50,000-deep (${op} …)`, () =>
      expectError({ args: () => ["verify", SEED, "--property", file(`deep-${op}.vnnlib`, HEADER + box(["-1", "1"], ["-1", "1"]) + body)], message: /deep-\w+\.vnnlib: line 8, column \d+: lists are nested more than 1000 deep, tessera's limit$/ }));
  }

  it("999-deep (or …), (and …) and (+ …) are read: y ≥ 10 is unreachable on [-1,1]^2 (y ≤ 1 + 2/3 + 3/10)", async () => {
    for (const body of [`(assert ${deep("(or ", "(>= Y_0 10)", ")", 998)})\n`, `(assert ${deep("(and ", "(>= Y_0 10)", ")", 998)})\n`, `(assert (>= ${deep("(+ ", "Y_0", " 0)", 997)} 10))\n`]) {
      const run = await cli("verify", SEED, "--property", file("ok-deep.vnnlib", HEADER + box(["-1", "1"], ["-1", "1"]) + body), "--json");
      expect(run.stderr).toBe("");
      expect(JSON.parse(run.stdout).result).toBe("holds");
    }
  });
});

describe("limits honoured during loading and set-up (docs/errors.md, Limits)", () => {
  // The seed network has 3·(2+1) + 1·(3+1) = 13 parameters: its first dense layer fits a limit of 10, its second does not.
  it("--max-parameters: the JSON reader refuses the layer that crosses the limit", () =>
    expectError({ args: () => ["info", SEED, "--max-parameters", "10"], message: `${SEED}: layers[2]: the network would have 13 parameters, more than the limit of 10 (raise it with --max-parameters)` }));

  it("a JSON document with more numbers than the limit allows is refused before it is parsed", () => {
    const rows = Array.from({ length: 70_000 }, () => "[1]").join(",");
    const big = file("many.json", `{"format":"tessera-network","version":1,"inputs":1,"layers":[{"type":"dense","weights":[${rows}],"bias":[${new Array(70_000).fill(0).join(",")}]}]}`);
    return expectError({ args: () => ["info", big, "--max-parameters", "10"], message: /many\.json: has more than 65547 numbers and strings: the network has more parameters than tessera's limit of 10 \(raise it with --max-parameters\)$/ });
  });

  it("ONNX: the initializers' declared sizes are summed before any is decoded; NNET: the header's layer sizes", async () => {
    const onnx = file("w.onnx", onnxModel({ input: [1, 2], nodes: [{ op: "MatMul", inputs: ["x", "w"], outputs: ["y"] }], initializers: [{ name: "w", dims: [2, 3], values: [1, 2, 3, 4, 5, 6] }] }));
    await expectError({ args: () => ["info", onnx, "--max-parameters", "5"], message: `${onnx}: initializers: the network has 6 parameters, more than tessera's limit of 5 (raise it with --max-parameters)` });
    // 2 inputs, a hidden layer of 2000000, 1 output: 2000000·3 + 1·2000001 = 8000001 parameters, declared on line 2.
    const nnet = file("wide.nnet", "2,2,1,2000000,\n2,2000000,1,\n0,\n-1,-1,\n1,1,\n0,0,0,\n1,1,1,\n");
    await expectError({ args: () => ["info", nnet], message: `${nnet}: line 2: the network has 8000001 parameters, more than tessera's limit of 4194304 (raise it with --max-parameters)` });
  });

  it("a region search over too many coordinates is refused before set-up; a slice of the same network runs", async () => {
    // 2100 inputs into 2100 ReLUs: 2100 · 2100 = 4,410,000 entries > 2^22. On a line through the origin every
    // ReLU x_i has its breakpoint at t = 0 (direction (1,…,1)): 2 regions.
    const wide = file("wide-relu.json", JSON.stringify({ format: "tessera-network", version: 1, inputs: 2100, layers: [{ type: "relu" }] }));
    await expectError({
      args: () => ["count", wide, "--timeout", "5"],
      message: `${wide}: a region search keeps an affine form over the 2100 domain coordinates for each of its 2100 neurons: 4410000 entries, more than tessera's limit of 4194304 (raise it with --max-parameters, or cut the domain to a slice with --line or --plane)`,
    });
    const run = await cli("count", wide, "--line", `${new Array(2100).fill("-1").join(",")};${new Array(2100).fill("1").join(",")}`, "--json");
    expect(run.stderr).toBe("");
    expect(JSON.parse(run.stdout).regions).toBe(2);
  });

  describe("--max-hform-entries: a region's certified H-form is sized before the search (docs/errors.md, Limits)", () => {
    // rows × coordinates, counted by hand: the seed network's 3 ReLUs add one split row each; the box [-1,1]^2
    // has 4 half-spaces; 2 coordinates (1 on a line).
    const hformMessage = (path: string, rows: number, domainRows: number, neuronRows: number, coordinates: number, limit: number): string =>
      `${path}: a region's certified H-form may have ${rows} rows (${domainRows} of the domain, ${neuronRows} of the neurons) over the ${coordinates} domain coordinates: ${rows * coordinates} entries, more than tessera's limit of ${limit} (raise it with --max-hform-entries, or cut the domain to a slice with --line or --plane; count needs no H-form)`;
    const LARGE = { timeout: 60_000 };

    it("every command that certifies H-forms refuses (4 + 3)·2 = 14 entries over a limit of 13, before any set-up", async () => {
      for (const args of [
        ["regions", SEED, "--box=-1:1", "--json"],
        ["graph", SEED, "--box=-1:1", "--json"],
        ["jumps", SEED, "--box=-1:1", "--json"],
        ["bounds", SEED, "--box=-1:1", "--json"],
        ["plot", SEED, "--box=-1:1", "-o", join(dir, "hform.svg")],
        ["view", SEED, "--box=-1:1", "-o", join(dir, "hform.html")],
      ]) {
        await expectError({ args: () => [...args, "--max-hform-entries", "13"], message: hformMessage(SEED, 7, 4, 3, 2, 13) });
      }
      expect(readdirSync(dir).filter((f) => f.startsWith("hform."))).toEqual([]);
    });

    it("at the limit the command runs: 14 entries with --max-hform-entries 14", async () => {
      // The seed's lines in [-1,1]^2: x = 2y cuts the box, 2x + y = 2 crosses it at (4/5, 2/5), y = x − 1 meets
      // 2x + y = 2 only at the box's edge (1, 0): 1 + 1 + 2 + 1 = 5 regions.
      const run = await cli("regions", SEED, "--box=-1:1", "--json", "--max-hform-entries", "14");
      expect(run.stderr).toBe("");
      expect(JSON.parse(run.stdout).counts.regions).toBe(5);
    });

    it("a slice counts the rows of the domain it is cut from over its own coordinates: (4 + 3)·1 on a line", async () => {
      const line = ["--line", "-1,-1;1,1", "--box=-1:1"];
      await expectError({ args: () => ["regions", SEED, ...line, "--max-hform-entries", "6"], message: hformMessage(SEED, 7, 4, 3, 1, 6) });
      expect((await cli("regions", SEED, ...line, "--json", "--max-hform-entries", "7")).code).toBe(0);
    });

    it("a neuron between two breakpoints adds two rows: HardTanh and a 3-breakpoint PWL count 2 per neuron; R^2 has no domain rows", async () => {
      const layers = (activation: object): string =>
        JSON.stringify({ format: "tessera-network", version: 1, inputs: 2, layers: [{ type: "dense", weights: [["1", "-2"], ["-1", "1"], ["2", "1"]], bias: ["0", "1", "-2"] }, activation] });
      const hardtanh = file("hform-hardtanh.json", layers({ type: "hardtanh" }));
      const pwl = file("hform-pwl.json", layers({ type: "pwl", breakpoints: ["-1", "0", "1"], slopes: ["0", "1", "2", "0"], intercepts: ["0", "1", "1", "3"] }));
      for (const path of [hardtanh, pwl]) {
        await expectError({ args: () => ["regions", path, "--json", "--max-hform-entries", "11"], message: hformMessage(path, 6, 0, 6, 2, 11) });
        expect((await cli("regions", path, "--json", "--max-hform-entries", "12")).code).toBe(0);
      }
    });

    it("by default 2^22: 1449 inputs into 1 ReLU on [-1,1]^1449 is (2898 + 1)·1449 = 4,200,651 entries, refused; count and a line run", LARGE, async () => {
      const d = 1449;
      const wide = file("hform-wide.json", JSON.stringify({ format: "tessera-network", version: 1, inputs: d, layers: [{ type: "dense", weights: [new Array(d).fill("1")], bias: ["0"] }, { type: "relu" }] }));
      await expectError({ args: () => ["regions", wide, "--box=-1:1", "--json"], message: hformMessage(wide, 2899, 2898, 1, d, 4194304) });
      // The ReLU of x_1 + … + x_1449 splits the box in two (count needs no H-form), and the diagonal line at t = 1/2.
      const count = await cli("count", wide, "--box=-1:1", "--json");
      expect(count.stderr).toBe("");
      expect(JSON.parse(count.stdout).regions).toBe(2);
      const run = await cli("regions", wide, "--box=-1:1", "--line", `${new Array(d).fill("-1").join(",")};${new Array(d).fill("1").join(",")}`, "--json");
      expect(run.stderr).toBe("");
      expect(JSON.parse(run.stdout).counts.regions).toBe(2);
    });

    it("bad values of the flag are one line naming it", async () => {
      for (const value of ["lots", "0", "-3", "1.5", ""]) {
        await expectError({ args: () => ["regions", SEED, `--max-hform-entries=${value}`], message: `--max-hform-entries: ${JSON.stringify(value)} is not a positive integer` });
      }
    });
  });

  it("--timeout counts loading: a deadline that has passed stops the reader with one line", () => {
    const onnx = file("t.onnx", onnxModel({ input: [1, 2], nodes: [{ op: "MatMul", inputs: ["x", "w"], outputs: ["y"] }], initializers: [{ name: "w", dims: [2, 1], values: [1, 2] }] }));
    return expectError({ args: () => ["count", onnx, "--timeout", "0.000001"], message: `${onnx}: --timeout ran out while the file was being read (nothing was computed)` });
  });

  it("verify --timeout counts loading too: a deadline that passes while reading gives unknown (timeout), exit 20", async () => {
    const onnx = file("tv.onnx", onnxModel({ input: [1, 2], nodes: [{ op: "MatMul", inputs: ["x", "w"], outputs: ["y"] }], initializers: [{ name: "w", dims: [2, 1], values: [1, 2] }] }));
    const property = file("tv.vnnlib", HEADER + box(["-1", "1"], ["-1", "1"]) + "(assert (>= Y_0 1000))\n");
    const resultFile = join(dir, "tv.result");
    const run = await cli("verify", onnx, "--property", property, "--timeout", "0.000001", "--json", "--result-file", resultFile);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(20);
    expect(JSON.parse(run.stdout)).toMatchObject({ result: "unknown", reason: "timeout", counterexample: null, certificate: null });
    expect(readFileSync(resultFile, "utf8")).toBe("timeout\n");
    // Without the deadline the same instance holds: y = x0 + 2 x1 ≤ 3 on the box.
    expect((await cli("verify", onnx, "--property", property)).code).toBe(0);
  });

  it("info on an ONNX Relu of 2^20 elements: the identity rows are made lazily (no per-element rows are kept)", async () => {
    const run = await cli("info", file("relu.onnx", onnxModel({ input: [1, 2 ** 20], nodes: [{ op: "Relu", inputs: ["x"], outputs: ["y"] }] })), "--json");
    expect(run.stderr).toBe("");
    const info = JSON.parse(run.stdout);
    expect([info.inputs, info.outputs, info.parameters]).toEqual([2 ** 20, 2 ** 20, 0]);
  });
});

describe("failures the fuzz suite found (test/fuzz/readers.test.ts), kept as regression tests", () => {
  it("a checkpoint whose region is listed twice is refused with one line (it was an internal error of the piece tracker)", async () => {
    const checkpoint = join(dir, "seed.checkpoint.json");
    expect((await cli("count", SEED, "--box=-1:1", "--checkpoint", checkpoint)).code).toBe(0);
    const doc = JSON.parse(readFileSync(checkpoint, "utf8"));
    const regions = doc.segments[0].regions;
    regions.splice(1, 0, regions[0]);
    await expectError({
      args: () => ["count", SEED, "--box=-1:1", "--resume", file("twice.checkpoint.json", JSON.stringify(doc))],
      message: new RegExp(`twice\\.checkpoint\\.json: segments\\[0\\]\\.regions\\[1\\]\\.pattern: ${regions[0].pattern} is listed twice; a region appears once in a run$`),
    });
  });
});

describe("region maps with no regions", () => {
  it('"regions": [] with counts 0 is rejected by check (a domain with interior has a region), not an internal error', async () => {
    const map = join(dir, "seed-map.json");
    expect((await cli("regions", SEED, "--box=-1:1", "--json", "-o", map)).code).toBe(0);
    const doc = JSON.parse(readFileSync(map, "utf8"));
    doc.regions = [];
    doc.counts = { ...doc.counts, regions: 0, decisions: 0, splits: 0, linearPieces: 0 };
    const run = await cli("check", file("no-regions.json", JSON.stringify(doc)), SEED);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`tessera: check failed: ${join(dir, "no-regions.json")}: regions: a complete map of a domain with interior has at least one region\n`);
    doc.complete = false;
    const partial = await cli("check", file("no-regions-partial.json", JSON.stringify(doc)), SEED);
    expect(partial.stdout).toMatch(/0 regions verified .*the map is incomplete/);
  });
});

describe("write errors: one line, exit 1, no partial file that looks complete", () => {
  it("-o /dev/full (ENOSPC) for every command that writes a file", async () => {
    for (const args of [
      ["regions", SEED, "--json", "-o", "/dev/full"],
      ["graph", SEED, "-o", "/dev/full"],
      ["convert", SEED, "-o", "/dev/full"],
      ["plot", SEED, "--box=-1:1", "-o", "/dev/full"],
    ]) {
      await expectError({ args: () => args, message: "/dev/full: cannot be written (ENOSPC: no space left on device)" });
    }
  });

  it("a regular file is written under a temporary name and renamed: no temporary file is left", async () => {
    const out = join(dir, "out");
    expect((await cli("regions", SEED, "--json", "-o", join(dir, "out-map.json"))).code).toBe(0);
    expect(readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
    await expectError({ args: () => ["regions", SEED, "--json", "-o", join(out, "missing", "m.json")], message: `${join(out, "missing", "m.json")}: cannot be written (ENOENT: its folder does not exist)` });
  });

  describe("standard output as a real process", () => {
    beforeAll(buildCli);

    it("stdout on a full disk (ENOSPC)", () => {
      const full = openSync("/dev/full", "w");
      const r = spawnSync(process.execPath, ["bin/tessera", "regions", SEED, "--json"], { stdio: ["ignore", full, "pipe"], encoding: "utf8" });
      closeSync(full);
      expect(r.status).toBe(1);
      expect(r.stderr).toBe("tessera: error: standard output: cannot be written (ENOSPC: no space left on device)\n");
    });

    it("stdout closed early (EPIPE, as in `| head -c 1`)", () => {
      const r = spawnSync("bash", ["-c", `set -o pipefail; node bin/tessera regions ${SEED} --json --box=-8:8 2>"${dir}/err" | head -c 1 >/dev/null; echo "$?"; cat "${dir}/err"`], { encoding: "utf8" });
      const [status, ...err] = r.stdout.split("\n");
      expect(status).toBe("1");
      expect(err.join("\n")).toBe("tessera: error: standard output: cannot be written (EPIPE: the reading end of the pipe was closed)\n");
    });
  });
});

// Bad inputs for the ONNX, NNET and VNN-LIB readers, through the CLI in-process: each must exit 1 with one
// line on stderr naming the file and the place in it, and no stack trace. Generated files go to os.tmpdir().
import { fileURLToPath } from "node:url";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { cli } from "../cli/run.js";
import { DataType, onnxModel } from "./onnx-model.js";

const DATA = fileURLToPath(new URL("../../fixtures/vnncomp/test/", import.meta.url));
let dir = "";


/** A 1-input, 1-output NNET with one hidden ReLU layer of 2 (header lines as sisl writes them). */
const GOOD_NNET = [
  "// a tiny network",
  "2,1,1,2,",
  "1,2,1,",
  "0,",
  "-1.0,",
  "1.0,",
  "0.0,0.0,",
  "1.0,1.0,",
  "1.5,", "-2.0,",
  "0.25,", "0.0,",
  "1.0,1.0,",
  "0.5,",
].join("\n");

const HEADER = "(declare-const X_0 Real)\n(declare-const Y_0 Real)\n";

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "tessera-bad-inputs-"));
  const small = readFileSync(`${DATA}test_small.onnx`);
  const files: Record<string, string | Uint8Array> = {
    "sigmoid.onnx": readFileSync(new URL("../../fixtures/onnx/sigmoid.onnx", import.meta.url)),
    "truncated.onnx": small.subarray(0, Math.floor(small.length / 2)),
    "not-onnx.onnx": "this is a text file, not a protobuf model\n",
    "unknown-op.onnx": onnxModel({ input: [1], nodes: [{ op: "FancyOp", inputs: ["x"], outputs: ["y"], name: "mystery" }] }),
    "nan.onnx": onnxModel({ input: [1], nodes: [{ op: "Mul", inputs: ["x", "w"], outputs: ["y"] }], initializers: [{ name: "w", dims: [2], values: [1, Number.NaN] }] }),
    "dynamic.onnx": onnxModel({ input: [1, "K"], nodes: [{ op: "Relu", inputs: ["x"], outputs: ["y"] }] }),
    "softmax.onnx": onnxModel({ input: [1, 2], nodes: [{ op: "Relu", inputs: ["x"], outputs: ["r"] }, { op: "Softmax", inputs: ["r"], outputs: ["y"], name: "probs" }] }),
    "int-shape.onnx": onnxModel({ input: [1], nodes: [{ op: "Mul", inputs: ["x", "w"], outputs: ["y"] }], initializers: [{ name: "w", dims: [1], values: [2], type: DataType.INT32 }] }),
    "good.nnet": GOOD_NNET,
    "layer-count.nnet": GOOD_NNET.replace("1,2,1,", "1,2,2,1,"),
    "truncated.nnet": GOOD_NNET.split("\n").slice(0, -2).join("\n"),
    "bad-number.nnet": GOOD_NNET.replace("1.5,", "1.5x,"),
    "unbalanced.vnnlib": `${HEADER}(assert (<= X_0 1)\n`,
    "undeclared.vnnlib": `${HEADER}(assert (<= X_3 1))\n`,
    "nonlinear.vnnlib": `${HEADER}(assert (<= (* X_0 X_0) 1))\n`,
    "unknown-operator.vnnlib": `${HEADER}(assert (=> X_0 1))\n`,
  };
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
});

describe("bad network and property files exit 1 with one clear line", () => {
  const cases: [id: string, args: string[], expected: string][] = [
    ["onnx-truncated", ["info", "truncated.onnx"], "truncated.onnx: is not an ONNX model (protobuf decoding failed: index out of range"],
    ["onnx-not-onnx", ["info", "not-onnx.onnx"], "not-onnx.onnx: is not an ONNX model (protobuf decoding failed: invalid wire type"],
    ["onnx-unknown-op", ["info", "unknown-op.onnx"], 'unknown-op.onnx: node "mystery" (FancyOp): unsupported ONNX op FancyOp'],
    ["onnx-not-pwl", ["info", "@sigmoid"], 'sigmoid.onnx: node "/1/Sigmoid" (Sigmoid): Sigmoid is smooth, not piecewise-linear; tessera analyses piecewise-affine networks only'],
    ["onnx-final-softmax", ["info", "softmax.onnx"], 'softmax.onnx: node "probs" (Softmax): a final Softmax is not piecewise-linear; pass --strip-softmax to drop it (argmax is unchanged)'],
    ["onnx-nan-weight", ["info", "nan.onnx"], 'nan.onnx: initializer "w": tensor "w" element 1 is NaN or infinite'],
    ["onnx-dynamic-shape", ["info", "dynamic.onnx"], 'dynamic.onnx: input "x": dimension 1 is dynamic (K); tessera needs fixed shapes'],
    ["nnet-layer-count", ["info", "layer-count.nnet"], "layer-count.nnet: line 3: the header declares 2 layers, so 3 layer sizes are needed, found 4"],
    ["nnet-truncated", ["info", "truncated.nnet"], "truncated.nnet: end of file: the file ends where weight row 1 of layer 2 should be"],
    ["nnet-not-a-number", ["info", "bad-number.nnet"], 'bad-number.nnet: line 9: value 1 of weight row 1 of layer 1: "1.5x" is not a rational number'],
    ["vnnlib-unbalanced", ["count", "@test_tiny", "--property", "unbalanced.vnnlib"], "unbalanced.vnnlib: line 3, column 1: unbalanced parentheses: this ( is never closed"],
    ["vnnlib-undeclared", ["count", "@test_tiny", "--property", "undeclared.vnnlib"], "undeclared.vnnlib: line 3, column 13: undeclared variable X_3"],
    ["vnnlib-nonlinear", ["count", "@test_tiny", "--property", "nonlinear.vnnlib"], "nonlinear.vnnlib: line 3, column 13: non-linear term"],
    ["vnnlib-unknown-operator", ["count", "@test_tiny", "--property", "unknown-operator.vnnlib"], 'unknown-operator.vnnlib: line 3, column 10: unknown operator "=>"'],
  ];

  it("every row of docs/errors.md's ONNX / NNET / VNN-LIB section has a case here, and every case a row", () => {
    const doc = readFileSync(new URL("../../docs/errors.md", import.meta.url), "utf8");
    const start = doc.indexOf("## ONNX / NNET / VNN-LIB");
    const end = doc.indexOf("\n## ", start + 5);
    const section = doc.slice(start, end < 0 ? undefined : end);
    const ids = [...section.matchAll(/^\| ([a-z][a-z0-9-]*) \|/gm)].map((m) => m[1]).filter((id) => id !== "id");
    expect(ids.sort()).toEqual(cases.map(([id]) => id).sort());
  });

  it.each(cases)("%s", async (_id, args, expected) => {
    const argv = args.map((a) => (a === "@test_tiny" ? `${DATA}test_tiny.onnx` : a === "@sigmoid" ? join(dir, "sigmoid.onnx") : a.includes(".") ? join(dir, a) : a));
    const { code, stdout, stderr } = await cli(...argv);
    expect(code).toBe(1);
    expect(stdout).toBe("");
    expect(stderr.endsWith("\n")).toBe(true);
    expect(stderr.trimEnd().split("\n").length).toBe(1);
    expect(stderr).toContain(`tessera: error: ${join(dir, expected)}`);
    expect(stderr).not.toMatch(/\bat .*\.(ts|js):\d+/);
  });

  it("the valid NNET next to them loads, and int weights are exact integers", async () => {
    const info = await cli(...["info", join(dir, "good.nnet")]);
    expect(info.code).toBe(0);
    expect(info.stdout).toContain("nnet");
    // relu(1.5·1 + 0.25) + relu(−2·1) + 0.5 = 9/4 (mean 0, range 1: normalized and raw coincide).
    expect((await cli(...["eval", join(dir, "good.nnet"), "--input", "1"])).stdout).toContain("output   9/4");
    const ev = await cli(...["eval", join(dir, "int-shape.onnx"), "--input", "3/4"]);
    expect(ev.stdout).toContain("output   3/2");
  });
});

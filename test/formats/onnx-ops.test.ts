// The ONNX reader op by op, on small models written with onnx-proto (test/formats/onnx-model.ts). Every
// expected value is computed by hand in the test, from the stored weights.
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { dyadicFromFloat32, dyadicFromFloat64 } from "../../src/exact/float.js";
import { readOnnx } from "../../src/formats/onnx/index.js";
import { evaluate } from "../../src/network/evaluate.js";
import { activationNodeIds } from "../../src/network/ir.js";
import { formatRational, parseRational, rat, type Rational } from "../../src/exact/rational.js";
import { InputError } from "../../src/errors.js";
import { DataType, onnxModel } from "./onnx-model.js";

function run(bytes: Uint8Array, x: readonly (string | number)[], options = {}): string[] {
  const net = readOnnx(bytes, "test.onnx", options);
  return evaluate(net, x.map((v) => parseRational(String(v)))).output.map(formatRational);
}

function refusal(bytes: Uint8Array): InputError {
  try {
    readOnnx(bytes, "test.onnx");
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error("the model was not refused");
}

describe("ONNX linear ops", () => {
  it("Gemm honours alpha, beta and transB: 2·x·Bᵀ + 0.5·C", () => {
    const bytes = onnxModel({
      input: [1, 2],
      nodes: [{ op: "Gemm", inputs: ["x", "B", "C"], outputs: ["y"], attrs: { alpha: 2, beta: 0.5, transB: 1 }, floats: ["alpha", "beta"] }],
      initializers: [
        { name: "B", dims: [3, 2], values: [1, 2, 3, 4, 0.5, -1] },
        { name: "C", dims: [3], values: [1, 2, 4] },
      ],
    });
    // x·Bᵀ at (1, 1/2) = (2, 5, 0); times 2 = (4, 10, 0); plus (1/2, 1, 2).
    expect(run(bytes, ["1", "1/2"])).toEqual(["9/2", "11", "2"]);
  });

  it("Gemm with transA reads a transposed [K, 1] input", () => {
    const bytes = onnxModel({
      input: [2, 1],
      nodes: [{ op: "Gemm", inputs: ["x", "B"], outputs: ["y"], attrs: { transA: 1 } }],
      initializers: [{ name: "B", dims: [2, 2], values: [1, 2, 3, 4] }],
    });
    expect(run(bytes, [1, 1])).toEqual(["4", "6"]);
  });

  it("MatMul W·x with a 1-D input (the VNN-COMP test nets' order), then Add", () => {
    const bytes = onnxModel({
      input: [2],
      nodes: [
        { op: "MatMul", inputs: ["W", "x"], outputs: ["m"] },
        { op: "Add", inputs: ["m", "b"], outputs: ["y"] },
      ],
      initializers: [
        { name: "W", dims: [2, 2], values: [1, 2, 3, 4] },
        { name: "b", dims: [2], values: [0.5, 0.25] },
      ],
    });
    expect(run(bytes, [2, 1])).toEqual(["9/2", "41/4"]);
  });

  it("const − x, then / 4 and Neg", () => {
    const bytes = onnxModel({
      input: [1],
      nodes: [
        { op: "Sub", inputs: ["ten", "x"], outputs: ["d"] },
        { op: "Div", inputs: ["d", "four"], outputs: ["q"] },
        { op: "Neg", inputs: ["q"], outputs: ["y"] },
      ],
      initializers: [
        { name: "ten", dims: [1], values: [10] },
        { name: "four", dims: [], values: [4] },
      ],
    });
    expect(run(bytes, [3])).toEqual(["-7/4"]);
  });

  it("ReduceMean over the spatial axes, ReduceSum over all, and a variadic Sum", () => {
    const mean = onnxModel({ input: [1, 2, 2, 2], nodes: [{ op: "ReduceMean", inputs: ["x"], outputs: ["y"], attrs: { axes: [2, 3], keepdims: 0 } }], opset: 11 });
    expect(run(mean, [1, 2, 3, 4, 5, 6, 7, 9])).toEqual(["5/2", "27/4"]);
    const sum = onnxModel({ input: [2, 2], nodes: [{ op: "ReduceSum", inputs: ["x"], outputs: ["y"], attrs: { keepdims: 1 } }] });
    expect(run(sum, [1, 2, 3, "1/2"])).toEqual(["13/2"]);
    const variadic = onnxModel({ input: [2], nodes: [{ op: "Sum", inputs: ["x", "x", "c"], outputs: ["y"] }], initializers: [{ name: "c", dims: [1], values: [1] }] });
    expect(run(variadic, [1, "-1/4"])).toEqual(["3", "1/2"]);
  });

  it("BatchNormalization on NCHW folds per channel; an exact sqrt is exact, an irrational one is the float64 sqrt and is reported", () => {
    const bytes = onnxModel({
      input: [1, 2, 1, 2],
      nodes: [{ op: "BatchNormalization", inputs: ["x", "scale", "B", "mean", "var"], outputs: ["y"], name: "bn", attrs: { epsilon: 0 }, floats: ["epsilon"] }],
      initializers: [
        { name: "scale", dims: [2], values: [1, 1] },
        { name: "B", dims: [2], values: [0, 0.5] },
        { name: "mean", dims: [2], values: [1, 0] },
        { name: "var", dims: [2], values: [4, 2] },
      ],
    });
    const net = readOnnx(bytes, "bn.onnx");
    expect(net.meta.approximations).toEqual([
      'BatchNormalization node "bn" (BatchNormalization): sqrt(var + epsilon) of 1 of 2 channel(s) is irrational and was taken as the correctly rounded float64 square root',
    ]);
    const root2 = dyadicFromFloat64(Math.sqrt(2))!.toRational();
    const y = evaluate(net, [rat(3), rat(-1), rat(1), rat(0)]).output;
    // channel 0: (x − 1)/sqrt(4); channel 1: x/fl(sqrt 2) + 1/2.
    expect(y.map(formatRational)).toEqual(["1", "-1", formatRational(rat(1).div(root2).add(rat(1, 2))), "1/2"]);
  });

  it("Mul of two tensors that depend on the input is refused as not linear", () => {
    const bytes = onnxModel({ input: [1], nodes: [{ op: "Mul", inputs: ["x", "x"], outputs: ["y"], name: "square" }] });
    const error = refusal(bytes);
    expect(error.location).toBe('node "square" (Mul)');
    expect(error.reason).toContain("not linear");
  });
});

describe("ONNX weights keep their exact binary value", () => {
  const scale = (tensor: { dims: number[]; values: number[]; type?: number; raw?: boolean }) =>
    onnxModel({ input: [1], nodes: [{ op: "Mul", inputs: ["x", "w"], outputs: ["y"] }], initializers: [{ name: "w", ...tensor }] });

  it.each([
    ["float32 float_data 0.1", { dims: [1], values: [0.1] }, "13421773/134217728"],
    ["float32 raw_data 0.1", { dims: [1], values: [0.1], raw: true }, "13421773/134217728"],
    ["float64 double_data 0.1", { dims: [1], values: [0.1], type: DataType.DOUBLE }, "3602879701896397/36028797018963968"],
    ["float64 raw_data 0.1", { dims: [1], values: [0.1], type: DataType.DOUBLE, raw: true }, "3602879701896397/36028797018963968"],
    // float16 bits 0x2E66: exponent 11, mantissa 614 → (1024 + 614)·2^(11−25) = 819/8192.
    ["float16 raw bits 0x2E66", { dims: [1], values: [0x2e66], type: DataType.FLOAT16, raw: true }, "819/8192"],
    ["float16 int32_data bits 0x2E66", { dims: [1], values: [0x2e66], type: DataType.FLOAT16 }, "819/8192"],
    ["int64 int64_data -3", { dims: [1], values: [-3], type: DataType.INT64 }, "-3"],
    ["int32 raw_data 7", { dims: [1], values: [7], type: DataType.INT32, raw: true }, "7"],
  ])("%s", (_name, tensor, expected) => {
    expect(run(scale(tensor), [1])).toEqual([expected]);
  });

  it("any float32 bit pattern, normal or subnormal, in raw_data or float_data, is its exact dyadic value", () => {
    fc.assert(
      fc.property(fc.float({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), (value, raw) => {
        const expected = dyadicFromFloat32(value)!.toRational();
        return run(scale({ dims: [1], values: [value], raw }), [1])[0] === formatRational(expected);
      }),
      { numRuns: 200 },
    );
  });

  it("a NaN weight is refused naming the initializer and the element", () => {
    const error = refusal(scale({ dims: [2], values: [1, Number.NaN] }));
    expect(error.location).toBe('initializer "w"');
    expect(error.reason).toContain("element 1 is NaN or infinite");
  });
});

describe("ONNX float weights stay float64s until their rationals are read", () => {
  const x = [rat(1), rat(1, 2), rat(-3)];
  it("Gemm (transB) by float32 weights: floatWeights are the stored floats, each weight row their exact value, the output exact", () => {
    fc.assert(
      fc.property(fc.array(fc.float({ noNaN: true, noDefaultInfinity: true }), { minLength: 6, maxLength: 6 }), fc.boolean(), (values, raw) => {
        const bytes = onnxModel({
          input: [1, 3],
          nodes: [{ op: "Gemm", inputs: ["x", "W", "b"], outputs: ["y"], attrs: { transB: 1 } }],
          initializers: [
            { name: "W", dims: [2, 3], values, raw },
            { name: "b", dims: [2], values: [0.5, -0.25] },
          ],
        });
        const net = readOnnx(bytes, "test.onnx");
        const node = net.nodes[net.output]!;
        if (node.kind !== "affine") return false;
        // transB: output r reads W[r][0..2]; exact values from the float32 formats, independently of the reader.
        const exact = values.map((v) => dyadicFromFloat32(v)!.toRational());
        const floatsMatch = values.every((v, i) => node.floatWeights![i] === Math.fround(v));
        const rowsMatch = [0, 1].every((r) => node.weights[r]!.every((w, c) => w.equals(exact[r * 3 + c]!)));
        const expected = [0, 1].map((r) => x.reduce((s, xc, c) => s.add(exact[r * 3 + c]!.mul(xc)), r === 0 ? rat(1, 2) : rat(-1, 4)));
        const got = evaluate(net, x).output;
        return floatsMatch && rowsMatch && got.every((v, r) => v.equals(expected[r]!));
      }),
      { numRuns: 100 },
    );
  });

  it("a MatMul whose input elements come permuted (Gather) takes the exact path: no float copy, the same exact output", () => {
    const bytes = onnxModel({
      input: [1, 3],
      nodes: [
        { op: "Gather", inputs: ["x", "order"], outputs: ["g"], attrs: { axis: 1 } },
        { op: "MatMul", inputs: ["g", "W"], outputs: ["y"] },
      ],
      initializers: [
        { name: "order", dims: [3], values: [2, 0, 1], type: DataType.INT64 },
        { name: "W", dims: [3, 2], values: [1, 2, 3, 4, 5, 6] },
      ],
    });
    const net = readOnnx(bytes, "test.onnx");
    const node = net.nodes[net.output]!;
    expect(node.kind === "affine" && node.floatWeights).toBe(undefined);
    // x = (1, 2, 3) gathered to (3, 1, 2): y0 = 3·1 + 1·3 + 2·5 = 16, y1 = 3·2 + 1·4 + 2·6 = 22.
    expect(run(bytes, [1, 2, 3])).toEqual(["16", "22"]);
  });
});

describe("ONNX graph inputs and shapes", () => {
  it("initializers listed as graph inputs are not model inputs (older exports, e.g. ACAS Xu)", () => {
    const bytes = onnxModel({
      input: [1, 2],
      listInitializers: true,
      nodes: [{ op: "MatMul", inputs: ["x", "W"], outputs: ["y"] }],
      initializers: [{ name: "W", dims: [2, 1], values: [1, -1] }],
    });
    const net = readOnnx(bytes, "t.onnx");
    expect(net.nodes[0]!.size).toBe(2);
    expect(net.meta.inputShape).toEqual([2]);
  });

  it("a dynamic batch dimension counts as 1, any other dynamic dimension is refused", () => {
    const batch = onnxModel({ input: ["N", 2], nodes: [{ op: "Relu", inputs: ["x"], outputs: ["y"] }] });
    expect(readOnnx(batch, "t.onnx").nodes[0]!.size).toBe(2);
    const error = refusal(onnxModel({ input: [1, "K"], nodes: [{ op: "Relu", inputs: ["x"], outputs: ["y"] }] }));
    expect(error.reason).toContain("dynamic");
  });

  it("Transpose, Reshape, Concat with a constant, Unsqueeze move elements exactly", () => {
    const bytes = onnxModel({
      input: [1, 2, 3],
      nodes: [
        { op: "Transpose", inputs: ["x"], outputs: ["t"], attrs: { perm: [0, 2, 1] } },
        { op: "Reshape", inputs: ["t", "shape"], outputs: ["r"] },
        { op: "Concat", inputs: ["r", "extra"], outputs: ["c"], attrs: { axis: 0 } },
        { op: "Unsqueeze", inputs: ["c", "axes"], outputs: ["u"] },
        { op: "Squeeze", inputs: ["u", "axes"], outputs: ["s"] },
        { op: "Identity", inputs: ["s"], outputs: ["y"] },
      ],
      initializers: [
        { name: "shape", dims: [1], values: [-1], type: DataType.INT64 },
        { name: "extra", dims: [2], values: [7, 8] },
        { name: "axes", dims: [1], values: [0], type: DataType.INT64 },
      ],
    });
    // x[0,i,j] = a[3i+j]; the transpose reads j-major: a0 a3 a1 a4 a2 a5.
    expect(run(bytes, [1, 2, 3, 4, 5, 6])).toEqual(["1", "4", "2", "5", "3", "6", "7", "8"]);
  });
});

describe("ONNX piecewise-linear ops", () => {
  it("Clip with only a min input is a one-sided clip", () => {
    const bytes = onnxModel({ input: [1], nodes: [{ op: "Clip", inputs: ["x", "lo"], outputs: ["y"] }], initializers: [{ name: "lo", dims: [], values: [1] }] });
    expect(run(bytes, [0])).toEqual(["1"]);
    expect(run(bytes, [3])).toEqual(["3"]);
  });

  it("LeakyRelu without alpha uses 0.01 as the float32 the runtime uses", () => {
    const bytes = onnxModel({ input: [1], nodes: [{ op: "LeakyRelu", inputs: ["x"], outputs: ["y"] }] });
    // float32(0.01) = 10737418/2^30 = 5368709/536870912.
    expect(run(bytes, [-1])).toEqual(["-5368709/536870912"]);
  });

  it("HardSigmoid is clip(alpha·x + beta, 0, 1)", () => {
    const bytes = onnxModel({ input: [1], nodes: [{ op: "HardSigmoid", inputs: ["x"], outputs: ["y"], attrs: { alpha: 0.5, beta: 0.25 }, floats: ["alpha", "beta"] }] });
    expect(run(bytes, [1])).toEqual(["3/4"]);
    expect(run(bytes, [4])).toEqual(["1"]);
    expect(run(bytes, [-4])).toEqual(["0"]);
  });

  it("Conv sums each 2×2 window; AveragePool with count_include_pad divides by the padded window", () => {
    const convBytes = onnxModel({
      input: [1, 1, 3, 3],
      nodes: [{ op: "Conv", inputs: ["x", "k"], outputs: ["y"] }],
      initializers: [{ name: "k", dims: [1, 1, 2, 2], values: [1, 1, 1, 1] }],
    });
    expect(run(convBytes, [1, 2, 3, 4, 5, 6, 7, 8, 9])).toEqual(["12", "16", "24", "28"]);
    const poolBytes = onnxModel({
      input: [1, 1, 2, 2],
      nodes: [{ op: "AveragePool", inputs: ["x"], outputs: ["y"], attrs: { kernel_shape: [2, 2], pads: [1, 1, 0, 0], count_include_pad: 1 } }],
    });
    // windows: {1}, {1,2}, {1,3}, {1,2,3,4}, each divided by 4.
    expect(run(poolBytes, [1, 2, 3, 4])).toEqual(["1/4", "3/4", "1", "5/2"]);
  });

  it("corrupt window attributes (stride 0, negative pads, kernel 0) and oversized tensors are InputErrors, not crashes", () => {
    const bad: Record<string, number[]>[] = [{ strides: [0, 1] }, { pads: [-1, 0, 0, 0] }, { kernel_shape: [0, 2] }, { dilations: [1] }];
    for (const attrs of bad) {
      const bytes = onnxModel({ input: [1, 1, 3, 3], nodes: [{ op: "MaxPool", inputs: ["x"], outputs: ["y"], attrs: { kernel_shape: [2, 2], ...attrs } }] });
      expect(() => readOnnx(bytes, "t.onnx")).toThrow(InputError);
    }
    // 2^13 × 2^12 = 2^25 elements: over the 2^24 limit, refused before any allocation.
    const huge = onnxModel({ input: [8192, 4096], nodes: [{ op: "Relu", inputs: ["x"], outputs: ["y"] }] });
    expect(() => readOnnx(huge, "t.onnx")).toThrow(/more than 16777216 elements/);
  });

  it("MaxPool over a 3×3 window is the exact max, with ⌈log2 9⌉ = 4 ReLU layers", () => {
    const bytes = onnxModel({ input: [1, 1, 3, 3], nodes: [{ op: "MaxPool", inputs: ["x"], outputs: ["y"], attrs: { kernel_shape: [3, 3] } }] });
    const net = readOnnx(bytes, "t.onnx");
    expect(activationNodeIds(net).length).toBe(4);
    const samples: Rational[][] = [
      [1, 2, 3, 4, 5, 6, 7, 8, 9].map((v) => rat(v)),
      [9, -2, 3, 4, 5, 6, 7, 8, 1].map((v) => rat(v, 3)),
      [0, 0, 0, 0, 0, 0, 0, 0, 0].map((v) => rat(v)),
      [-5, -2, -3, -4, -1, -6, -7, -8, -9].map((v) => rat(v, 7)),
    ];
    for (const x of samples) {
      const max = x.reduce((m, v) => (v.compare(m) > 0 ? v : m));
      expect(formatRational(evaluate(net, x).output[0]!)).toBe(formatRational(max));
    }
  });

  it("element-wise Max and Min are exact: max(x, −x) = |x|, min(x, 1/2) clips from above", () => {
    const bytes = onnxModel({
      input: [3],
      nodes: [
        { op: "Neg", inputs: ["x"], outputs: ["n"] },
        { op: "Max", inputs: ["x", "n"], outputs: ["a"] },
        { op: "Min", inputs: ["a", "half"], outputs: ["y"] },
      ],
      initializers: [{ name: "half", dims: [1], values: [0.5] }],
    });
    expect(run(bytes, ["-1/3", "2", "-1/5"])).toEqual(["1/3", "1/2", "1/5"]);
  });

  it("an inner Softmax is refused; a final one needs --strip-softmax and leaves a warning", () => {
    const inner = onnxModel({ input: [1, 2], nodes: [{ op: "Softmax", inputs: ["x"], outputs: ["s"], name: "sm" }, { op: "Relu", inputs: ["s"], outputs: ["y"] }] });
    expect(refusal(inner).reason).toContain("Softmax inside the network");
    const final = onnxModel({ input: [1, 2], nodes: [{ op: "Relu", inputs: ["x"], outputs: ["r"] }, { op: "Softmax", inputs: ["r"], outputs: ["y"] }] });
    expect(refusal(final).reason).toContain("--strip-softmax");
    const net = readOnnx(final, "t.onnx", { stripSoftmax: true });
    expect(net.meta.warnings.join(" ")).toContain("dropped the final Softmax");
  });

  it("an unknown op is refused naming the op and the node", () => {
    const error = refusal(onnxModel({ input: [1], nodes: [{ op: "FancyOp", inputs: ["x"], outputs: ["y"], name: "mystery" }] }));
    expect(error.location).toBe('node "mystery" (FancyOp)');
    expect(error.reason).toBe("unsupported ONNX op FancyOp");
    expect(refusal(onnxModel({ input: [1], nodes: [{ op: "constructor", inputs: ["x"], outputs: ["y"] }] })).reason).toBe("unsupported ONNX op constructor");
  });
});

describe("ONNX reader robustness", () => {
  it("a model with a few corrupted bytes either loads or fails with an InputError, never another error", () => {
    const model = readFileSync(new URL("../../fixtures/onnx/maxpool.onnx", import.meta.url));
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat({ max: model.length - 1 }), fc.nat({ max: 255 })), { minLength: 1, maxLength: 4 }), (edits) => {
        const bytes = new Uint8Array(model);
        for (const [at, value] of edits) bytes[at] = value;
        try {
          readOnnx(bytes, "corrupt.onnx");
        } catch (error) {
          if (!(error instanceof InputError)) throw error;
        }
      }),
      { numRuns: 150 },
    );
  });

  it("a Conv whose kernel_shape is not its weights' spatial shape is an InputError (a corruption the property above found)", () => {
    const bytes = new Uint8Array(readFileSync(new URL("../../fixtures/onnx/maxpool.onnx", import.meta.url)));
    // Byte 497 is in the kernel_shape attribute of the 1×1 Conv: it becomes [2, 1]; byte 274 clears a weight.
    bytes[497] = 2;
    bytes[274] = 0;
    expect(() => readOnnx(bytes, "corrupt.onnx")).toThrow(InputError);
    expect(() => readOnnx(bytes, "corrupt.onnx")).toThrow(/kernel_shape \[2,1\] is not the weights' spatial shape \[1,1\]/);
  });
});

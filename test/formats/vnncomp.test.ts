// The VNN-COMP networks in fixtures/vnncomp: the "test" benchmark's tiny nets (exact values by
// hand) and the two mnist_fc nets (784 inputs).
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadNetwork } from "../../src/formats/load.js";
import { evaluate } from "../../src/network/evaluate.js";
import { activationNodeIds, inputSize, outputSize } from "../../src/network/ir.js";
import { formatRational, rat } from "../../src/exact/rational.js";
import { collectRegions } from "../../src/regions/enumerate.js";

const DATA = fileURLToPath(new URL("../../fixtures/vnncomp/", import.meta.url));

describe("VNN-COMP test benchmark networks", () => {
  it("test_small.onnx (1-2-2-1, W·x MatMuls) evaluates at x = 1/2 to exactly 133/2", () => {
    const net = loadNetwork(`${DATA}test/test_small.onnx`);
    expect(inputSize(net)).toBe(1);
    expect(outputSize(net)).toBe(1);
    expect(formatRational(evaluate(net, [rat(1, 2)]).output[0]!)).toBe("133/2");
  });

  it("test_small.onnx has 2 regions over R (no input box: the domain is all of R)", async () => {
    const net = loadNetwork(`${DATA}test/test_small.onnx`);
    expect(net.inputBox).toBeUndefined();
    const { regions, result } = await collectRegions(net);
    expect(result.complete).toBe(true);
    expect(regions.length).toBe(2);
  });

  it("test_nano.onnx is MatMul by 1/2 then Relu; test_tiny.onnx is 1-1-1", () => {
    const nano = loadNetwork(`${DATA}test/test_nano.onnx`);
    expect(evaluate(nano, [rat(3)]).output.map(formatRational)).toEqual(["3/2"]);
    expect(evaluate(nano, [rat(-3)]).output.map(formatRational)).toEqual(["0"]);
    const tiny = loadNetwork(`${DATA}test/test_tiny.onnx`);
    expect(activationNodeIds(tiny).length).toBe(1);
  });

  it("test_sat.onnx and test_unsat.onnx load as ACAS Xu networks", () => {
    for (const f of ["test_sat.onnx", "test_unsat.onnx"]) {
      const net = loadNetwork(`${DATA}test/${f}`);
      expect([inputSize(net), outputSize(net)]).toEqual([5, 5]);
    }
  });
});

describe("VNN-COMP mnist_fc networks", () => {
  it.each([
    ["mnist-net_256x2.onnx", 2],
    ["mnist-net_256x4.onnx", 4],
  ])("%s loads: 784 inputs, %i hidden ReLU layers of 256, 10 outputs", (file, layers) => {
    const net = loadNetwork(`${DATA}mnist_fc/onnx/${file}`);
    expect(inputSize(net)).toBe(784);
    expect(outputSize(net)).toBe(10);
    expect(net.meta.inputShape).toEqual([784, 1]);
    expect(activationNodeIds(net).map((id) => net.nodes[id]!.size)).toEqual(new Array(layers).fill(256));
    expect(net.meta.sourceOps).toEqual({ Flatten: 1, Gemm: layers + 1, Relu: layers });
  });
});

// --decimal-weights: float weights become the shortest decimal of their float. Independent check from the
// published data: the ACAS Xu ONNX weights are the float32 roundings of the NNET file's decimals, so with
// --decimal-weights the ONNX network 1_1 is exactly the NNET network 1_1, weight for weight.
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadNetwork } from "../../src/formats/load.js";
import { shortestDecimal, withDecimalWeights } from "../../src/network/decimal-weights.js";
import { rationalFromFloat32, rationalFromFloat64 } from "../../src/exact/float.js";
import { formatRational, rat } from "../../src/exact/rational.js";
import type { Network } from "../../src/network/ir.js";
import { cli } from "../cli/run.js";
import { floatNet } from "../../src/analysis/float-net.js";

const ACAS = fileURLToPath(new URL("../../fixtures/acasxu", import.meta.url));

function affineValues(net: Network) {
  return net.nodes.flatMap((n) => (n.kind === "affine" ? [...n.weights.flat(), ...n.bias] : []));
}

describe("network/decimal-weights", () => {
  it("shortest decimals: float32(0.1) → 0.1, float64(0.1) → 0.1, float32(1/3) → 0.33333334, 1/3 is not a float", () => {
    expect(shortestDecimal(rationalFromFloat32(Math.fround(0.1))!)).toBe("0.1");
    expect(shortestDecimal(rationalFromFloat64(0.1)!)).toBe("0.1");
    expect(shortestDecimal(rationalFromFloat32(Math.fround(1 / 3))!)).toBe("0.33333334");
    expect(shortestDecimal(rat(1, 3))).toBeUndefined();
    expect(shortestDecimal(rat(-5, 4))).toBe("-1.25");
  });

  it("ACAS Xu 1_1: the ONNX weights with --decimal-weights equal the NNET decimals exactly", () => {
    const onnx = loadNetwork(`${ACAS}/onnx/ACASXU_run2a_1_1_batch_2000.onnx`);
    const nnet = loadNetwork(`${ACAS}/nnet/ACASXU_run2a_1_1_batch_2000.nnet`);
    const raw = affineValues(onnx);
    const decimal = affineValues(withDecimalWeights(onnx));
    const reference = affineValues(nnet);
    expect(decimal).toHaveLength(reference.length);
    expect(decimal.every((v, i) => v.equals(reference[i]!))).toBe(true);
    // Without the flag they differ (float32 roundings), which is why the flag exists.
    expect(raw.filter((v, i) => !v.equals(reference[i]!)).length).toBeGreaterThan(13000);
  });

  it("the rounded network keeps no float copy of the old weights: its float form is the NNET decimals' float form", () => {
    const onnx = loadNetwork(`${ACAS}/onnx/ACASXU_run2a_1_1_batch_2000.onnx`);
    const nnet = loadNetwork(`${ACAS}/nnet/ACASXU_run2a_1_1_batch_2000.nnet`);
    const decimal = withDecimalWeights(onnx);
    expect(onnx.nodes.some((n) => n.kind === "affine" && n.floatWeights !== undefined)).toBe(true);
    expect(decimal.nodes.some((n) => n.kind === "affine" && n.floatWeights !== undefined)).toBe(false);
    const floats = (net: Network) => floatNet(net).nodes.flatMap((n) => (n.kind === "affine" ? [...n.W] : []));
    expect(floats(decimal)).toEqual(floats(nnet));
  });

  it("the CLI flag reaches every command and is reported", async () => {
    const run = await cli("info", `${ACAS}/onnx/ACASXU_run2a_1_1_batch_2000.onnx`, "--decimal-weights", "--json");
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).approximations.join(" ")).toMatch(/--decimal-weights: \d+ of 13305 weights replaced/);
    const evalRun = await cli("eval", `${ACAS}/onnx/ACASXU_run2a_1_1_batch_2000.onnx`, "--decimal-weights", "--input", "0,0,0,0,0", "--json");
    const nnetRun = await cli("eval", `${ACAS}/nnet/ACASXU_run2a_1_1_batch_2000.nnet`, "--input", "0,0,0,0,0", "--json");
    expect(JSON.parse(evalRun.stdout).output).toEqual(JSON.parse(nnetRun.stdout).output);
    expect(formatRational(rat(1))).toBe("1");
  });
});

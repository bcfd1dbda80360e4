// The published ACAS Xu networks (fixtures/acasxu): all 45 ONNX and the five kept NNET files load, and the two
// formats compute nearly the same function. They are NOT exactly equal: the ONNX weights are the float32
// roundings of the NNET decimals, so the test checks closeness (1e-5) and that exact equality fails.
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { loadNetwork } from "../../src/formats/load.js";
import { evaluate, evaluateDyadic } from "../../src/network/evaluate.js";
import { inputSize, outputSize, activationNodeIds, type Network } from "../../src/network/ir.js";
import { dyadicFromFloat64 } from "../../src/exact/float.js";
import { parseRational, rationalToNumber, rat, type Rational } from "../../src/exact/rational.js";

const DATA = fileURLToPath(new URL("../../fixtures/acasxu/", import.meta.url));
const NAMES = Array.from({ length: 45 }, (_, k) => `ACASXU_run2a_${Math.floor(k / 9) + 1}_${(k % 9) + 1}_batch_2000`);

/** prop_1's input box, copied by hand from acasxu/vnnlib/prop_1.vnnlib (normalized units). */
const PROP1_LO = ["0.6", "-0.5", "-0.5", "0.45", "-0.5"].map(parseRational);
const PROP1_HI = ["0.679857769", "0.5", "0.5", "0.5", "-0.45"].map(parseRational);

/** Seeded uniform numbers in [0.001, 0.999] (fast-check's generator), the same on every run. */
function random(seed: number): () => number {
  const values = fc.sample(fc.double({ min: 0.001, max: 0.999, noNaN: true }), { seed, numRuns: 1000 });
  let k = 0;
  return () => values[k++ % values.length]!;
}

/** A point of the prop-1 box with float64 (dyadic) coordinates, strictly inside. */
function pointInProp1(next: () => number) {
  return PROP1_LO.map((lo, i) => {
    const hi = PROP1_HI[i]!;
    const u = next();
    const d = dyadicFromFloat64(rationalToNumber(lo) + u * (rationalToNumber(hi) - rationalToNumber(lo)))!;
    expect(d.toRational().compare(lo) > 0 && d.toRational().compare(hi) < 0).toBe(true);
    return d;
  });
}

/** The NNET files kept in fixtures/acasxu/nnet (five of the 45: see its README). */
const NNET_NAMES = ["1_1", "1_7", "2_1", "3_3", "5_3"].map((n) => `ACASXU_run2a_${n}_batch_2000`);

const loaded = new Map<string, { onnx: Network; nnet: Network }>();
function nets(name: string) {
  let pair = loaded.get(name);
  if (!pair) {
    pair = { onnx: loadNetwork(`${DATA}onnx/${name}.onnx`), nnet: loadNetwork(`${DATA}nnet/${name}.nnet`) };
    loaded.set(name, pair);
  }
  return pair;
}

/**
 * A float64 forward pass over the exact weights the reader produced (each weight rounded to float64 once):
 * errors of about 1e-15, far below the 1e-5 being checked, and fast enough for 100 points × 45 networks.
 */
function floatForward(net: Network): (x: readonly number[]) => number[] {
  const weights = net.nodes.map((node) => (node.kind === "affine" ? node.weights.map((row) => row.map(rationalToNumber)) : []));
  const biases = net.nodes.map((node) => (node.kind === "affine" ? node.bias.map(rationalToNumber) : []));
  return (x) => {
    const values: number[][] = [];
    net.nodes.forEach((node, id) => {
      if (node.kind === "input") values.push([...x]);
      else if (node.kind === "affine") {
        const arg = node.inputs.length === 1 ? values[node.inputs[0]!]! : node.inputs.flatMap((i) => values[i]!);
        const out: number[] = [];
        for (const [r, row] of weights[id]!.entries()) {
          let s = biases[id]![r]!;
          for (let c = 0; c < row.length; c++) s += row[c]! * arg[c]!;
          out.push(s);
        }
        values.push(out);
      } else {
        values.push(values[node.input]!.map((z) => Math.max(0, z)));
      }
    });
    return values[net.output]!;
  };
}

function expectClose(a: readonly number[], b: readonly number[], what: string): void {
  a.forEach((v, i) => expect(Math.abs(v - b[i]!), `${what} output ${i}: ${v} vs ${b[i]}`).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(b[i]!))));
}

describe("ACAS Xu networks", () => {
  it("all 45 ONNX files load as 5 → 6×50 ReLU → 5", () => {
    for (const name of NAMES) {
      const onnx = loadNetwork(`${DATA}onnx/${name}.onnx`);
      expect(inputSize(onnx)).toBe(5);
      expect(outputSize(onnx)).toBe(5);
      expect(activationNodeIds(onnx).map((id) => onnx.nodes[id]!.size)).toEqual([50, 50, 50, 50, 50, 50]);
      expect(onnx.meta.sourceOps).toEqual({ Sub: 1, Flatten: 1, MatMul: 7, Add: 7, Relu: 6 });
      expect(onnx.meta.inputShape).toEqual([1, 1, 5]);
    }
  });

  it("the five kept NNET files and their ONNX twins load as 5 → 6×50 ReLU → 5", () => {
    for (const name of NNET_NAMES) {
      const { onnx, nnet } = nets(name);
      for (const net of [onnx, nnet]) {
        expect(inputSize(net)).toBe(5);
        expect(outputSize(net)).toBe(5);
        expect(activationNodeIds(net).map((id) => net.nodes[id]!.size)).toEqual([50, 50, 50, 50, 50, 50]);
      }
      expect(onnx.meta.sourceOps).toEqual({ Sub: 1, Flatten: 1, MatMul: 7, Add: 7, Relu: 6 });
      expect(onnx.meta.inputShape).toEqual([1, 1, 5]);
      expect(nnet.meta.sourceFormat).toBe("nnet");
    }
  });

  it("ONNX and NNET agree within 1e-5 at 100 random points of the prop-1 box, for the five kept NNET networks", () => {
    const next = random(20240601);
    const points = Array.from({ length: 100 }, () => pointInProp1(next).map((d) => d.toNumber()));
    for (const name of NNET_NAMES) {
      const { onnx, nnet } = nets(name);
      for (const net of [onnx, nnet]) expect(net.nodes.every((n) => n.kind !== "activation" || n.activation.kind === "relu")).toBe(true);
      const [f, g] = [floatForward(onnx), floatForward(nnet)];
      for (const x of points) expectClose(f(x), g(x), name);
    }
  });

  it("evaluated exactly, ONNX and NNET are close but NOT equal (the ONNX weights are float32 roundings of the NNET decimals)", () => {
    const next = random(99);
    const { onnx, nnet } = nets(NAMES[0]!);
    for (let k = 0; k < 3; k++) {
      const x = pointInProp1(next);
      const a = evaluateDyadic(onnx, x).output.map((d) => d.toRational());
      const b = evaluate(nnet, x.map((d) => d.toRational())).output;
      expectClose(a.map(rationalToNumber), b.map(rationalToNumber), "exact");
      expect(a.some((v, i) => !v.equals(b[i]!))).toBe(true);
    }
  });

  it("the NNET input box is the header's min/max, normalized: input 0 of net 1_1 is [(0 − 19791.091)/60261, (60760 − 19791.091)/60261]", () => {
    const box = nets(NAMES[0]!).nnet.inputBox!;
    expect(box[0]![0].equals(parseRational("-19791.091").div(rat(60261)))).toBe(true);
    expect(box[0]![1].equals(parseRational("40968.909").div(rat(60261)))).toBe(true);
    expect(box[3]!.map((r) => r.toFraction())).toEqual(["-1/2", "1/2"]);
  });

  it("--nnet-normalize folds the normalization exactly: f_raw(x) = f_norm((x − mean)/range)·range_out + mean_out", () => {
    const name = NAMES[0]!;
    const folded = loadNetwork(`${DATA}nnet/${name}.nnet`, { nnetNormalize: true });
    // Header of ACASXU_run2a_1_1 (lines 7–8), copied by hand.
    const means = ["1.9791091e+04", "0.0", "0.0", "650.0", "600.0", "7.5188840201005975"].map(parseRational);
    const ranges = ["60261.0", "6.28318530718", "6.28318530718", "1100.0", "1200.0", "373.94992"].map(parseRational);
    expect(folded.inputBox!.map(([lo, hi]) => [lo.toFraction(), hi.toFraction()])[0]).toEqual(["0", "60760"]);
    const raw: Rational[] = ["30000", "1/3", "-2", "500", "700"].map(parseRational);
    const normalized = raw.map((v, i) => v.sub(means[i]!).div(ranges[i]!));
    const inner = evaluate(nets(name).nnet, normalized).output;
    const outer = evaluate(folded, raw).output;
    inner.forEach((v, i) => expect(outer[i]!.equals(v.mul(ranges[5]!).add(means[5]!))).toBe(true));
  });
});

// The ONNX reader against torch: every fixture written by scripts/fixtures/make_onnx_fixtures.py is read,
// evaluated exactly, and compared with the float64 outputs torch computed (fixtures/onnx/expected.json).
// Refused models must be refused naming the op and the node.
import { fileURLToPath } from "node:url";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadNetwork } from "../../src/formats/load.js";
import { evaluate } from "../../src/network/evaluate.js";
import { parseRational, rationalToNumber } from "../../src/exact/rational.js";
import { InputError } from "../../src/errors.js";

const DIR = fileURLToPath(new URL("../../fixtures/onnx/", import.meta.url));

interface ExpectedModel {
  readonly file: string;
  readonly inputs: string[][];
  readonly outputs: number[][];
  readonly refused?: string;
  readonly stripSoftmax?: boolean;
}

const expected = JSON.parse(readFileSync(`${DIR}expected.json`, "utf8")) as { models: Record<string, ExpectedModel> };
const cases = Object.entries(expected.models);

/** |a − b| ≤ 1e-9 · max(|b|, 1e-3): relative, with a floor for outputs near zero. */
function closeTo(actual: number, reference: number): boolean {
  return Math.abs(actual - reference) <= 1e-9 * Math.max(Math.abs(reference), 1e-3);
}

describe("ONNX fixtures exported by torch", () => {
  it("covers every model the acceptance list names", () => {
    for (const name of ["linear_relu", "leaky_relu", "batchnorm1d", "conv_flatten", "residual", "hardtanh", "maxpool", "prelu", "sigmoid", "elu"]) {
      expect(expected.models[name], name).toBeDefined();
    }
  });

  for (const [name, model] of cases.filter(([, m]) => !m.refused)) {
    it(`${name}: exact evaluation agrees with torch float64 within 1e-9 relative`, () => {
      const net = loadNetwork(DIR + model.file, { stripSoftmax: Boolean(model.stripSoftmax) });
      expect(net.meta.sourceFormat).toBe("onnx");
      model.inputs.forEach((input, k) => {
        const out = evaluate(net, input.map(parseRational)).output.map(rationalToNumber);
        expect(out.length).toBe(model.outputs[k]!.length);
        out.forEach((v, i) => expect(closeTo(v, model.outputs[k]![i]!), `${name} input ${k} output ${i}: ${v} vs torch ${model.outputs[k]![i]}`).toBe(true));
      });
    });
  }

  for (const [name, model] of cases.filter(([, m]) => m.refused)) {
    it(`${name}: refused, naming the op ${model.refused} and its node`, () => {
      let error: unknown;
      try {
        loadNetwork(DIR + model.file);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(InputError);
      const message = (error as InputError).message;
      expect(message).toContain(model.refused!);
      expect((error as InputError).location).toMatch(/^node /);
      expect(message).toContain("not piecewise-linear");
    });
  }
});

// `tessera convert`: ONNX and NNET networks written as exact tessera JSON, read back, compute the same
// function exactly; approximations and the NNET input box travel with the file.
import { fileURLToPath } from "node:url";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { Ajv } from "ajv";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadNetwork } from "../../src/formats/load.js";
import { evaluate } from "../../src/network/evaluate.js";
import { formatRational, rat } from "../../src/exact/rational.js";
import { readNetworkJson, networkSha256 } from "../../src/formats/network-json.js";
import { cli, tempFiles } from "./run.js";

const FIXTURES = fileURLToPath(new URL("../../fixtures/", import.meta.url));
const ONNX_FIXTURES = fileURLToPath(new URL("../../fixtures/onnx/", import.meta.url));

describe("tessera convert", () => {
  const dir = mkdtempSync(join(tmpdir(), "tessera-convert-"));

  it("test_small.onnx → JSON keeps the exact function (133/2 at x = 1/2)", async () => {
    const out = join(dir, "small.json");
    const { code, stdout } = await cli(...["convert", `${FIXTURES}vnncomp/test/test_small.onnx`, "-o", out]);
    expect(code).toBe(0);
    expect(stdout).toContain(`wrote ${out}`);
    const net = loadNetwork(out);
    expect(formatRational(evaluate(net, [rat(1, 2)]).output[0]!)).toBe("133/2");
  });

  it("an ACAS Xu NNET → JSON keeps every decimal weight and the input box exactly", async () => {
    const file = `${FIXTURES}acasxu/nnet/ACASXU_run2a_1_1_batch_2000.nnet`;
    const out = join(dir, "acas.json");
    expect((await cli(...["convert", file, "-o", out])).code).toBe(0);
    const [a, b] = [loadNetwork(file), loadNetwork(out)];
    expect(b.inputBox!.map(([lo, hi]) => [formatRational(lo), formatRational(hi)])).toEqual(a.inputBox!.map(([lo, hi]) => [formatRational(lo), formatRational(hi)]));
    const x = [rat(1, 3), rat(-1, 5), rat(1, 7), rat(0), rat(2, 5)];
    expect(evaluate(b, x).output.map(formatRational)).toEqual(evaluate(a, x).output.map(formatRational));
    const json = JSON.parse(readFileSync(out, "utf8")) as { layers: { weights?: string[][] }[] };
    // The first weight of the file is 5.40062e-02, written exactly as 270031/5000000.
    expect(json.layers[0]!.weights![0]![0]).toBe("270031/5000000");
  });

  it("a BatchNorm network's JSON lists the sqrt approximation; without -o it goes to stdout", async () => {
    const { code, stdout } = await cli(...["convert", `${ONNX_FIXTURES}batchnorm1d.onnx`]);
    expect(code).toBe(0);
    const doc = JSON.parse(stdout) as { format: string; approximations: string[] };
    expect(doc.format).toBe("tessera-network");
    expect(doc.approximations.join(" ")).toContain("correctly rounded float64 square root");
  });

  it("every converted ONNX fixture and an NNET network validate against docs/schema/network.schema.json", async () => {
    const schema = JSON.parse(readFileSync(new URL("../../docs/schema/network.schema.json", import.meta.url), "utf8"));
    const validate = new Ajv({ allErrors: true }).compile(schema);
    const sources = [
      ...readdirSync(ONNX_FIXTURES).filter((f) => f.endsWith(".onnx") && !["sigmoid.onnx", "elu.onnx"].includes(f)).map((f) => ONNX_FIXTURES + f),
      `${FIXTURES}acasxu/nnet/ACASXU_run2a_1_1_batch_2000.nnet`,
    ];
    for (const file of sources) {
      const { code, stdout } = await cli(...["convert", file, "--strip-softmax"]);
      expect(code, file).toBe(0);
      expect(validate(JSON.parse(stdout)), `${file}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
  });

  it("info shows the source format, op counts and approximations of an ONNX network", async () => {
    const { stdout } = await cli(...["info", `${ONNX_FIXTURES}batchnorm1d.onnx`]);
    expect(stdout).toContain("(onnx)");
    expect(stdout).toContain("source ops  Gemm×2, BatchNormalization×1, Relu×1");
    expect(stdout).toContain("approximation: BatchNormalization");
  });
});

describe("convert --json and unwritable outputs", () => {
  it("--json with -o prints a summary whose sha256 is the written network's", async () => {
    const { dir } = tempFiles({});
    const out = `${dir}/seed.json`;
    const run = await cli("convert", "fixtures/seed-three-neurons.json", "-o", out, "--json");
    expect(run.code).toBe(0);
    const summary = JSON.parse(run.stdout);
    expect(summary).toMatchObject({ output: out, inputs: 2, outputs: 1, layers: 3, sourceFormat: "tessera-json", approximations: [] });
    const written = readNetworkJson(readFileSync(out, "utf8"), out);
    expect(summary.sha256).toBe(networkSha256(written));
  });

  it("an unwritable -o is one line naming the file, exit 1", async () => {
    const run = await cli("convert", "fixtures/seed-three-neurons.json", "-o", "/nonexistent-dir/x.json");
    expect(run.code).toBe(1);
    expect(run.stderr).toBe("tessera: error: /nonexistent-dir/x.json: cannot be written (ENOENT: its folder does not exist)\n");
  });
});

// `tessera info` and `tessera eval` through the CLI: values checked against hand computations.
import { describe, expect, it } from "vitest";
import { cli, tempFiles } from "./run.js";

const SEED = "fixtures/seed-three-neurons.json";

describe("tessera eval", () => {
  it("--json prints the exact output, pattern and ties of the issue's example", async () => {
    const run = await cli("eval", SEED, "--input", "3,1/2", "--json");
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ output: ["49/20"], pattern: "101", ties: [] });
  });

  it("decimal inputs are exact: (2.5e-1, 0.1)", async () => {
    // pre-activations: 1/4 - 1/5 = 1/20 (active), -1/4 + 1/10 + 1 = 17/20 (active), 1/2 + 1/10 - 2 < 0;
    // output 1/20 + (1/3)(17/20) = 3/60 + 17/60 = 20/60 = 1/3.
    const run = await cli("eval", SEED, "--input", "2.5e-1, 0.1", "--json");
    expect(JSON.parse(run.stdout)).toEqual({ output: ["1/3"], pattern: "110", ties: [] });
  });

  it("ties are listed, and the text output names them", async () => {
    const run = await cli("eval", SEED, "--input", "2,1");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("output   3/10");
    expect(run.stdout).toContain("pattern  001");
    expect(run.stdout).toContain("ties     layer 0 neuron 0; layer 0 neuron 1");
  });

  it("a leaky_relu with alpha 0.01 maps -1/3 to exactly -1/300", async () => {
    const files = tempFiles({
      "leaky.json": JSON.stringify({ format: "tessera-network", version: 1, inputs: 1, layers: [{ type: "leaky_relu", alpha: "0.01" }] }),
    });
    const run = await cli("eval", files["leaky.json"]!, "--input", "-1/3", "--json");
    expect(JSON.parse(run.stdout)).toEqual({ output: ["-1/300"], pattern: "0", ties: [] });
  });
});

describe("tessera info", () => {
  it("--json counts inputs, outputs, layers, neurons and parameters", async () => {
    const run = await cli("info", SEED, "--json");
    expect(run.code).toBe(0);
    const info = JSON.parse(run.stdout);
    // 3×2 weights + 3 biases + 1×3 weights + 1 bias = 13 parameters.
    expect(info).toMatchObject({
      inputs: 2, outputs: 1, layers: { affine: 2, activation: 1, total: 3 }, neurons: { relu: 3 }, totalNeurons: 3, parameters: 13, sourceFormat: "tessera-json",
    });
  });

  it("text output", async () => {
    const run = await cli("info", SEED);
    expect(run.stdout).toMatch(/^inputs\s+2$/m);
    expect(run.stdout).toMatch(/^parameters\s+13$/m);
  });

  it("every command has help with an example", async () => {
    for (const command of ["info", "eval"]) {
      const run = await cli(command, "--help");
      expect(run.code).toBe(0);
      expect(run.stdout).toContain("Examples:");
    }
  });
});

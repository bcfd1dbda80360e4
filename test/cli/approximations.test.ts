// Approximations are never silent (issue 4): a network whose BatchNorm needed a float square root reports it
// in info, as a note on stderr, in every JSON output and in the region map's network header (schema-valid).
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { Ajv } from "ajv";
import { cli, tempFiles } from "./run.js";
import { projectFile } from "../project.js";

const BN = "fixtures/onnx/batchnorm1d.onnx";
const schema = JSON.parse(readFileSync(projectFile("docs/schema/region-map.schema.json"), "utf8"));

describe("approximations in every output", () => {
  it("count --json lists the sqrt approximation and stderr has the note", async () => {
    const run = await cli("count", BN, "--box=-1:1", "--json");
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).approximations).toEqual([expect.stringMatching(/sqrt\(var \+ epsilon\).*correctly rounded float64/)]);
    expect(run.stderr).toMatch(/^tessera: note: approximation: BatchNormalization node/m);
  });

  it("the region map's network header lists it, and the map validates", async () => {
    const { dir } = tempFiles({});
    const run = await cli("regions", BN, "--box=-1:1", "-o", `${dir}/map.json`);
    expect(run.code).toBe(0);
    const map = JSON.parse(readFileSync(`${dir}/map.json`, "utf8"));
    expect(map.network.approximations).toHaveLength(1);
    const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
    expect(validate(map), JSON.stringify(validate.errors)).toBe(true);
  });

  it("an exact network has no approximations key", async () => {
    const run = await cli("count", "fixtures/seed-three-neurons.json", "--json");
    expect(JSON.parse(run.stdout).approximations).toBeUndefined();
    expect(run.stderr).toBe("");
  });
});

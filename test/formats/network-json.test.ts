// tessera network JSON: the schema accepts every fixture and every document the writer produces;
// read(write(net)) is the same function (checked by exact evaluation at random points); DAG layers read right.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { readFileSync, readdirSync } from "node:fs";
import { Ajv } from "ajv";
import { readNetworkJson, writeNetworkJson, networkJsonWithSha256, networkSha256, networkTransfer, networkFromTransfer } from "../../src/formats/network-json.js";
import { loadNetwork } from "../../src/formats/load.js";
import { createHash } from "node:crypto";
import { evaluate } from "../../src/network/evaluate.js";
import { NetworkBuilder } from "../../src/network/build.js";
import { formatRational, parseRational, rat } from "../../src/exact/rational.js";
import { InputError } from "../../src/errors.js";
import { projectFile } from "../project.js";

const schema = JSON.parse(readFileSync(projectFile("docs/schema/network.schema.json"), "utf8"));
const validate = new Ajv({ allErrors: true }).compile(schema);

const jsonFixtures = readdirSync("fixtures").filter((f) => f.endsWith(".json") && !f.startsWith("expected"));

describe("formats/network-json", () => {
  it.each(jsonFixtures)("fixture %s validates against docs/schema/network.schema.json and loads", (file) => {
    const doc = JSON.parse(readFileSync(projectFile(`fixtures/${file}`), "utf8"));
    if (doc.format !== "tessera-network") return;
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    expect(() => readNetworkJson(JSON.stringify(doc), file)).not.toThrow();
  });

  it("a DAG with named layers, residual add, concat, every activation: schema-valid and exact round trip", () => {
    const text = JSON.stringify({
      format: "tessera-network", version: 1, inputs: 2, inputBox: ["-1:1", "0:1/2"],
      layers: [
        { type: "dense", name: "h", weights: [["1", "-1/3"], ["0.5", 2]], bias: ["0", "-1e-2"] },
        { type: "leaky_relu", name: "a", alpha: "1/8" },
        { type: "add", name: "res", inputs: ["a", "input"] },
        { type: "hardtanh", name: "t" },
        { type: "prelu", name: "p", inputs: ["h"], alpha: ["1/2", "1/4"] },
        { type: "concat", name: "cat", inputs: ["t", "p"] },
        { type: "abs" },
        { type: "relu6" },
        { type: "clip", min: "-1", max: "5" },
        { type: "pwl", breakpoints: ["0"], slopes: ["1/2", "3"], intercepts: ["0", "0"] },
        { type: "relu" },
        { type: "dense", weights: [["1", "1", "1", "-1"]], bias: ["1/7"] },
      ],
    });
    expect(validate(JSON.parse(text)), JSON.stringify(validate.errors)).toBe(true);
    const net = readNetworkJson(text, "dag.json");
    // By hand at x = (1, 1/2): h = (1 - 1/6, 1/2 + 1 - 1/100) = (5/6, 149/100); a = h (positive);
    // res = a + x = (11/6, 199/100); t = hardtanh = (1, 1); p = prelu(h) = h; cat = (1, 1, 5/6, 149/100);
    // abs, relu6, clip(-1,5) keep them; pwl: z>0 → 3z = (3, 3, 5/2, 447/100); relu keeps; out = 3+3+5/2-447/100+1/7.
    const y = evaluate(net, [rat(1), rat(1, 2)]).output[0]!;
    expect(y.equals(rat(3).add(rat(3)).add(rat(5, 2)).sub(rat(447, 100)).add(rat(1, 7)))).toBe(true);
    const written = writeNetworkJson(net);
    expect(validate(JSON.parse(written)), JSON.stringify(validate.errors)).toBe(true);
    const back = readNetworkJson(written, "written.json");
    expect(networkSha256(back)).toBe(networkSha256(net));
    expect(back.inputBox!.map(([lo, hi]) => `${formatRational(lo)}:${formatRational(hi)}`)).toEqual(["-1:1", "0:1/2"]);
    fc.assert(
      fc.property(fc.tuple(fc.integer({ min: -50, max: 50 }), fc.integer({ min: 1, max: 20 }), fc.integer({ min: -50, max: 50 }), fc.integer({ min: 1, max: 20 })), ([a, b, c, d]) => {
        const x = [rat(a, b), rat(c, d)];
        expect(evaluate(back, x).output[0]!.equals(evaluate(net, x).output[0]!)).toBe(true);
      }),
    );
  });

  it("networkJsonWithSha256 is writeNetworkJson and networkSha256 in one serialization, with and without approximations", () => {
    const doc = { format: "tessera-network", version: 1, inputs: 2, layers: [{ type: "dense", weights: [["1", "-1/3"]], bias: ["2"] }, { type: "relu" }] };
    for (const extra of [{}, { approximations: ["BatchNorm: sqrt rounded"] }]) {
      const net = readNetworkJson(JSON.stringify({ ...doc, ...extra }), "net.json");
      const both = networkJsonWithSha256(net);
      expect(both.text).toBe(writeNetworkJson(net));
      expect(both.sha256).toBe(networkSha256(net));
      // The hash is of the canonical JSON: the written text without its approximations.
      const canonical = JSON.parse(both.text) as Record<string, unknown>;
      expect("approximations" in canonical).toBe("approximations" in extra);
      delete canonical.approximations;
      expect(both.sha256).toBe(createHash("sha256").update(JSON.stringify(canonical)).digest("hex"));
    }
  });

  it("write(read(x)) keeps random rational weights exactly", () => {
    const r = fc.tuple(fc.bigInt({ min: -(10n ** 25n), max: 10n ** 25n }), fc.bigInt({ min: 1n, max: 10n ** 25n })).map(([n, d]) => rat(n, d));
    fc.assert(
      fc.property(fc.array(r, { minLength: 4, maxLength: 4 }), fc.array(r, { minLength: 2, maxLength: 2 }), (w, b) => {
        const builder = new NetworkBuilder(2);
        builder.affine([w.slice(0, 2), w.slice(2)], b);
        const net = builder.build();
        const back = readNetworkJson(writeNetworkJson(net), "rt.json");
        const node = back.nodes[1]!;
        expect(node.kind).toBe("affine");
        if (node.kind === "affine") expect(node.weights.flat().map(formatRational)).toEqual(w.map(formatRational));
      }),
    );
  });

  it("approximations written by convert are read back (so info and every output still report them)", () => {
    const text = JSON.stringify({
      format: "tessera-network", version: 1, inputs: 1, approximations: ["bn: sqrt(var + eps) rounded to float64"], layers: [{ type: "relu" }],
    });
    const net = readNetworkJson(text, "converted.json");
    expect(net.meta.approximations).toEqual(["bn: sqrt(var + eps) rounded to float64"]);
    expect(JSON.parse(writeNetworkJson(net)).approximations).toEqual(["bn: sqrt(var + eps) rounded to float64"]);
  });

  it("__proto__ keys pollute nothing", () => {
    const text = '{"format":"tessera-network","version":1,"inputs":1,"__proto__":{"polluted":true},"layers":[{"type":"relu","__proto__":{"type":"dense"}}]}';
    const net = readNetworkJson(text, "proto.json");
    expect(net.nodes[1]!.kind).toBe("activation");
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("errors are InputErrors naming the file and the JSON path", () => {
    const bad = '{"format":"tessera-network","version":1,"inputs":2,"layers":[{"type":"dense","weights":[["1","x"]],"bias":["0"]}]}';
    try {
      readNetworkJson(bad, "bad.json");
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(InputError);
      expect((error as InputError).location).toBe("layers[0].weights[0][1]");
      expect((error as InputError).message).toBe('bad.json: layers[0].weights[0][1]: "x" is not a rational number');
    }
    expect(parseRational("1/3").equals(rat(1, 3))).toBe(true);
  });

  it("a network sent to a worker thread (networkTransfer, structured clone) is the same exact network; float weights travel as floats", () => {
    // ACAS Xu from ONNX: its dense layers keep float weights (floatAffine), sent as Float64Arrays, not decimal text.
    const acas = loadNetwork(projectFile("fixtures/acasxu/onnx/ACASXU_run2a_1_1_batch_2000.onnx"));
    // A network with rational weights (no float copy): its layers travel as JSON text, as before.
    const builder = new NetworkBuilder(2);
    builder.affine([[rat(1, 3), rat(-2)], [rat(5, 7), rat(0)]], [rat(1, 9), rat(-1)]);
    builder.activation({ kind: "relu" });
    for (const [net, floatLayers] of [[acas, 7], [builder.build(), 0]] as const) {
      const transfer = structuredClone(networkTransfer(net));
      expect(transfer.floats.length).toBe(floatLayers);
      const back = networkFromTransfer(transfer, "<sent>");
      // The canonical JSON (every weight in exact text) and its hash are the sender's.
      expect(writeNetworkJson(back)).toBe(writeNetworkJson(net));
      back.nodes.forEach((node, id) => {
        const sent = net.nodes[id]!;
        if (node.kind === "affine" && sent.kind === "affine") expect(node.floatWeights === undefined).toBe(sent.floatWeights === undefined);
      });
    }
  });

  it("the transfer form of weights is not a file format: a file with {float64: k} weights is refused", () => {
    const text = '{"format":"tessera-network","version":1,"inputs":2,"layers":[{"type":"dense","weights":{"float64":0},"bias":["0"]}]}';
    expect(() => readNetworkJson(text, "sneaky.json")).toThrow(/^sneaky\.json: layers\[0\]\.weights: /);
  });
});
